"""Tables of the workflow store renamed since stores were first written, and how a store under
the old names is still used: renamed on open when it may be written, read under the old names
when it may only be read. Existing stores are the office's records: none is ever left unusable
by a rename.

Until issue 26 the store called its tracked findings `findings`, the name the report database
gives to what the checks raised for each report; a reader of `FROM findings` could not tell the
two apart. The store's table is now `tracked_findings`.
"""

from __future__ import annotations

import sqlite3

RENAMED_TABLES = {"tracked_findings": "findings"}  # name now: name before
# a renamed table keeps its indexes under their old names: dropped, and created again as today's
OLD_INDEXES = ("findings_agency",)


def table_names(con: sqlite3.Connection) -> set[str]:
    rows = con.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'").fetchall()
    return {r[0] for r in rows}


def old_names(con: sqlite3.Connection) -> dict[str, str]:
    """Tables this store still has under a name they had before (name now: name before)."""
    names = table_names(con)
    return {new: old for new, old in RENAMED_TABLES.items() if old in names and new not in names}


def rename_old_tables(con: sqlite3.Connection, *index_ddl: str) -> None:
    """Give a store written before a rename today's names in one transaction (its rows, states
    and events stay as they were), with its indexes created by `index_ddl`. Under the write
    lock, so two processes that open the same old store at once rename it once."""
    if not old_names(con):
        return
    con.execute("BEGIN IMMEDIATE")
    try:
        for new, old in old_names(con).items():  # read again under the lock
            con.execute(f'ALTER TABLE "{old}" RENAME TO "{new}"')  # names: the constants above
        for index in OLD_INDEXES:
            con.execute(f'DROP INDEX IF EXISTS "{index}"')
        for statement in index_ddl:
            con.execute(statement)
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def alias_old_tables(con: sqlite3.Connection) -> None:
    """A store this process may only read, written before a rename, read under its old names: a
    temporary view per renamed table, in the connection's own temp schema (the file is never
    written)."""
    for new, old in old_names(con).items():
        con.execute(f'CREATE TEMP VIEW "{new}" AS SELECT * FROM main."{old}"')
