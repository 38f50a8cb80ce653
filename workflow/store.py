"""The workflow store: one SQLite file beside the report database, never touched by the loader.

Why SQLite (WAL) and not a second DuckDB file: several people (dashboard sessions, the CLI,
the re-check after each load) write to it at once from different processes. DuckDB lets only
one process hold a file read-write, so a second writer would fail; SQLite in WAL mode lets
readers read while one writer commits, and queues writers on a lock (busy_timeout) instead of
failing. Every write here is `BEGIN IMMEDIATE`: the write lock is taken before the state is
read, so two people moving the same finding cannot both succeed (the second sees the new state).

The report database is rebuilt and swapped by the loader; this file is keyed on what stays
true across rebuilds (agency code, year, rule, cells; agency code, year, key), never on the
report database's row ids. Path: `<db stem>.workflow.sqlite` beside the database, or
$GONGKAI_WORKFLOW.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from etl.gongkai_error import GongkaiError
from etl.settings import Settings
from workflow.store_check import BUSY_TIMEOUT_S, damaged_message, what_is_wrong
from workflow.store_names import alias_old_tables, rename_old_tables

TRACKED_INDEX = (
    "CREATE INDEX IF NOT EXISTS tracked_findings_agency ON tracked_findings (year, agency_id)"
)
DDL = (
    """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT);
-- tracked_findings: the rectification case of each finding (state, deadline, present …); not the
-- report database's `findings` (what the checks raised for each report), which it is synced from
CREATE TABLE IF NOT EXISTS tracked_findings (
    fkey TEXT PRIMARY KEY,            -- agency_id|year|rule|cells (stable across reloads)
    agency_id TEXT NOT NULL,
    agency_name TEXT,
    peer_group TEXT,
    region TEXT,
    year INTEGER NOT NULL,
    rule TEXT NOT NULL,
    cells TEXT NOT NULL,              -- JSON list of keys, sorted
    cells_raw TEXT,                   -- the cells as the report database stores them (for 误报 in scores)
    severity TEXT,
    place TEXT,                       -- where in the report (etl.rules place code: T3, S5, DOC…)
    message TEXT,
    evidence TEXT,                    -- JSON list of {label, printed, where}
    state TEXT NOT NULL,
    present INTEGER NOT NULL,         -- 1: raised by the latest load
    repeated INTEGER NOT NULL DEFAULT 0,   -- still raised by a later version of the report
    needs_review INTEGER NOT NULL DEFAULT 0,  -- moved to 已整改 by the re-check: 待复核
    report_sha TEXT,                  -- the report version it was last seen in
    versions_seen INTEGER NOT NULL DEFAULT 1,
    deadline TEXT,                    -- rectification deadline from the last notice
    resolved_by TEXT,                 -- ids of the corrections that resolve it (workflow.corrected_findings)
    raised_by TEXT,                   -- ids of the corrections whose values raise it (the loader does not)
    first_seen TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""
    + TRACKED_INDEX
    + """;
CREATE TABLE IF NOT EXISTS finding_events (
    id INTEGER PRIMARY KEY,
    fkey TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS finding_events_key ON finding_events (fkey);
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY,
    agency_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    key TEXT NOT NULL,
    value REAL NOT NULL,              -- the value to use instead of the parsed one
    printed REAL,                     -- the parsed value it replaces (NULL: the report had none)
    printed_raw TEXT,                 -- the cell as printed
    report_sha TEXT,
    reason TEXT NOT NULL,
    evidence TEXT NOT NULL,
    status TEXT NOT NULL,             -- applied | flagged | undone
    new_printed REAL,                 -- flagged: what the new version prints
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS corrections_live ON corrections (agency_id, year, key)
    WHERE status != 'undone';
CREATE TABLE IF NOT EXISTS correction_events (
    id INTEGER PRIMARY KEY,
    correction_id INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS notices (
    id INTEGER PRIMARY KEY,
    agency_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    deadline TEXT NOT NULL,
    items INTEGER NOT NULL,
    files TEXT NOT NULL
);
"""
)


def store_path(db_path: str | Path) -> Path:
    """Where the workflow store of a report database lives ($GONGKAI_WORKFLOW overrides)."""
    own = Settings.from_env().workflow_path
    if own is not None:
        return own
    db = Path(db_path)
    return db.with_name(db.stem + ".workflow.sqlite")


def now() -> str:
    return datetime.now().isoformat(timespec="seconds")


class StoreError(GongkaiError):
    """The workflow store file cannot be used; the message names the file and what to do."""


class StoreReadOnly(StoreError):
    """A write to a store this process may only read (the file or its folder is read-only)."""


class StoreConnection(sqlite3.Connection):
    """A store connection that knows whether it may write (`writing` refuses in one line)."""

    read_only = False
    path: Path


_checked: dict[tuple, str | None] = {}  # (path, size, mtime) -> what is wrong: check once


def connect(path: str | Path) -> sqlite3.Connection:
    """A connection in WAL mode with the schema; autocommit, writes go through `writing`.

    A store that exists is checked before use (is it SQLite, are gongkai's tables and columns
    there, is it whole): a damaged one is refused in one line (StoreError) and never created
    again over, repaired or deleted here. One the process may not write is opened read-only:
    reading works, `writing` refuses (StoreReadOnly)."""
    path = Path(path)
    existed = path.exists() and path.stat().st_size > 0
    if existed:
        _refuse_if_damaged(path)
    if not is_writable(path):
        if not existed:
            raise StoreReadOnly(read_only_message(path, "建立整改跟踪记录"))
        return _read_only(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(
        str(path),
        timeout=BUSY_TIMEOUT_S,
        isolation_level=None,
        check_same_thread=False,
        factory=StoreConnection,
    )
    con.path = path
    con.row_factory = sqlite3.Row
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        rename_old_tables(con, TRACKED_INDEX)  # before the DDL, which would create them empty
        con.executescript(DDL)  # a store that exists has all its tables (checked above)
        _add_missing_columns(con)
    except sqlite3.DatabaseError as exc:
        con.close()
        raise StoreError(damaged_message(path, str(exc))) from None
    return con


def is_writable(path: Path) -> bool:
    """May this process write the store (and the -wal/-shm files SQLite keeps beside it)? A file
    or folder with no write permission bit counts as read-only even for root: whoever made it
    so wants it kept as it is."""
    path = Path(path)
    folder = path.parent if path.parent.exists() else _existing_parent(path)
    if not _may_write(folder):
        return False
    return not path.exists() or _may_write(path)


def _may_write(path: Path) -> bool:
    return os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)


def _existing_parent(path: Path) -> Path:
    for parent in path.parents:
        if parent.exists():
            return parent
    return Path(".")


def _read_only(path: Path) -> sqlite3.Connection:
    """The store opened for reading only; `immutable` when SQLite cannot keep its WAL index."""
    for query in ("mode=ro", "mode=ro&immutable=1"):
        con = sqlite3.connect(
            f"{path.resolve().as_uri()}?{query}",
            uri=True,
            timeout=BUSY_TIMEOUT_S,
            isolation_level=None,
            check_same_thread=False,
            factory=StoreConnection,
        )
        con.read_only, con.path, con.row_factory = True, path, sqlite3.Row
        try:
            alias_old_tables(con)
            con.execute("SELECT count(*) FROM tracked_findings").fetchone()
        except sqlite3.OperationalError:
            con.close()
            continue
        return con
    raise StoreReadOnly(read_only_message(path, "读取整改跟踪记录"))


def read_only_message(path: Path, what: str) -> str:
    return (
        f"{path.name}：整改跟踪记录文件（或其所在文件夹）是只读的，无法{what}。"
        "查看不受影响；要修改时请让它可写后重试"
    )


def _refuse_if_damaged(path: Path) -> None:
    """StoreError when an existing store is not SQLite, lacks gongkai's tables or columns, or
    fails SQLite's quick check (a truncated copy); checked once per file version."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_ino, stat.st_size, stat.st_mtime_ns)
    if key not in _checked:
        _checked[key] = what_is_wrong(path, DDL)
    if _checked[key]:
        raise StoreError(damaged_message(path, _checked[key]))


def _add_missing_columns(con: sqlite3.Connection) -> None:
    """Columns added after a store was first written (CREATE TABLE IF NOT EXISTS keeps old ones)."""
    have = {r[1] for r in con.execute("PRAGMA table_info(tracked_findings)")}
    if "place" not in have:
        con.execute("ALTER TABLE tracked_findings ADD COLUMN place TEXT")
    if "resolved_by" not in have:
        con.execute("ALTER TABLE tracked_findings ADD COLUMN resolved_by TEXT")
    if "raised_by" not in have:
        con.execute("ALTER TABLE tracked_findings ADD COLUMN raised_by TEXT")


@contextmanager
def opened(path: str | Path) -> Iterator[sqlite3.Connection]:
    con = connect(path)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def writing(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction holding the write lock from its first read; bumps the revision."""
    if getattr(con, "read_only", False):
        raise StoreReadOnly(read_only_message(con.path, "保存修改"))
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
        con.execute(
            "INSERT INTO meta VALUES ('revision', '1') ON CONFLICT (name) "
            "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def revision(path: str | Path) -> int:
    """A counter bumped by every write (0 for a store not created yet): a cache key for pages."""
    path = Path(path)
    if not path.exists():
        return 0
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    try:  # read-only and without the DDL: pages call this on every rerun
        row = con.execute("SELECT value FROM meta WHERE name = 'revision'").fetchone()
    except sqlite3.OperationalError:  # created but no write yet
        return 0
    except sqlite3.DatabaseError:  # damaged: the page that opens it says so (connect)
        return 0
    finally:
        con.close()
    return int(row[0]) if row else 0
