"""Is an existing workflow store usable? SQLite, gongkai's tables and columns, whole.

A store is the office's record of who confirmed, dismissed and notified what: a damaged one is
named in one line and left as it is (restore it from a backup), never created again over,
repaired or deleted. Checked from the file's bytes and a read-only connection, so a check
never writes.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from workflow.store_names import RENAMED_TABLES, table_names

SQLITE_MAGIC = b"SQLite format 3\x00"
# How long any connection to the store waits for another writer's lock. Declared here, not in
# workflow.store, because store imports this module (the check runs before every open).
BUSY_TIMEOUT_S = 30.0
LATER_COLUMNS = {
    ("tracked_findings", "place"),
    ("tracked_findings", "resolved_by"),
    ("tracked_findings", "raised_by"),
}  # added after stores were first written: added on open


def damaged_message(path: Path, what: str) -> str:
    return (
        f"{path.name}：整改跟踪记录文件无法使用（{what}）。请从备份恢复该文件后重试；"
        "gongkai 不会覆盖或删除它"
    )


def what_is_wrong(path: Path, ddl: str) -> str | None:
    """What is wrong with an existing store file, in Chinese; None when it can be used."""
    with open(path, "rb") as fh:
        if fh.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            return "不是 SQLite 数据库文件"
    try:
        con = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S
        )
    except sqlite3.Error as exc:
        return str(exc)
    try:
        have = present_tables(con, ddl)
        if not have:
            return (
                None
                if not _any_table(con)
                else "不是整改跟踪记录文件（没有 tracked_findings 等表）"
            )
        missing = [t for t in expected_columns(ddl) if t not in have]
        if missing:
            return f"缺少表 {'、'.join(missing)}"
        for table, columns in expected_columns(ddl).items():
            named = have[table]  # its columns are checked under the name the store gives it
            got = {r[0] for r in con.execute("SELECT name FROM pragma_table_info(?)", [named])}
            lost = [c for c in columns if c not in got and (table, c) not in LATER_COLUMNS]
            if lost:
                return f"表 {named} 缺少列 {'、'.join(lost)}"
        problems = [r[0] for r in con.execute("PRAGMA quick_check(3)")]
        if problems != ["ok"]:
            return "文件内容不完整或已损坏：" + "；".join(problems)[:200]
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return None  # another process is writing: not damage; the connection will wait
        return str(exc)
    except sqlite3.DatabaseError as exc:  # "database disk image is malformed", "not a database"
        return f"文件内容不完整或已损坏：{exc}"
    finally:
        con.close()
    return None


def present_tables(con: sqlite3.Connection, ddl: str) -> dict[str, str]:
    """Each table of `ddl` the store has -> the name it has there: its own, or the old name of a
    table renamed since (RENAMED_TABLES): a store not renamed yet is renamed on open, not damaged."""
    names = table_names(con)
    found = {}
    for table in expected_columns(ddl):
        if table in names:
            found[table] = table
        elif RENAMED_TABLES.get(table) in names:
            found[table] = RENAMED_TABLES[table]
    return found


def _any_table(con: sqlite3.Connection) -> bool:
    return con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0


_EXPECTED: dict[str, dict[str, list[str]]] = {}


def expected_columns(ddl: str) -> dict[str, list[str]]:
    """table -> columns, as DDL declares them (read from an in-memory copy, declared once)."""
    if ddl not in _EXPECTED:
        mem = sqlite3.connect(":memory:")
        mem.executescript(ddl)
        tables = [r[0] for r in mem.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        _EXPECTED[ddl] = {
            t: [r[0] for r in mem.execute("SELECT name FROM pragma_table_info(?)", [t])]
            for t in tables
        }
        mem.close()
    return _EXPECTED[ddl]
