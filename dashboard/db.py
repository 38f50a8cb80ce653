"""The report database for the pages: its identity, the one cached connection, a cursor per
query; the only module that imports both streamlit and duckdb (dashboard/data.py is what the
pages import).

Invariants:
- the database is opened read_only (the loader is the single writer and swaps a rebuilt file in
  with os.replace, so the dashboard keeps serving the old inode until the next rerun sees a new
  file identity and reopens);
- a database is opened by its file's identity (device, inode, size, mtime: `db_version`) and
  ATTACHed to a fresh in-memory DuckDB instance (workflow.reports_db.open_reports, attached=True,
  the one opening every command shares): duckdb.connect(path) would hand back the
  instance DuckDB caches per path in this process, i.e. the old, swapped-out file, so a running
  server would never show a new load;
- one cached connection (keyed on path + identity, max_entries=1), one cursor per query
  (`cursor()` selects the attached database on it), because a cached resource is shared by all
  sessions and threads. No on_release=close: another session may still be reading through a
  cursor of the evicted connection; it closes itself when the last cursor is dropped;
- cached results take only hashable arguments and `db_version`, so a rebuilt database expires
  them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

from dashboard import runs
from etl.gongkai_error import GongkaiError
from etl.settings import Settings


class NoDatabase(GongkaiError):
    """The database file does not exist yet."""


def db_path() -> Path:
    """GONGKAI_DB or the data folder's gongkai.duckdb (etl.settings), read per call, never at
    import."""
    return Settings.from_env().db_path


def db_version() -> int:
    """The database file's identity (device, inode, size, mtime) and the workflow store's revision
    as one number; raises NoDatabase when there is no file. A swapped-in rebuild always has
    another inode; an analyst's correction bumps the revision (so cached scores expire)."""
    path = db_path()
    try:
        st_ = path.stat()
    except FileNotFoundError as exc:
        raise NoDatabase(str(path)) from exc
    return hash((st_.st_dev, st_.st_ino, st_.st_size, st_.st_mtime_ns, workflow_revision(path))) & (
        (1 << 62) - 1
    )


def workflow_revision(path: Path) -> int:
    from workflow.store import revision, store_path

    return revision(store_path(path))


@st.cache_resource(max_entries=1, show_spinner=False)
def open_db(path: str, version: int) -> duckdb.DuckDBPyConnection:
    return connect(path)


def connect(path: str) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory instance with the report database attached read-only and the analysts'
    corrections over it (not cached: open_db caches it for the pages)."""
    from workflow.reports_db import open_reports

    def damaged(exc: GongkaiError) -> None:  # pages still show the reports; every page says so
        STORE_PROBLEM[path] = str(exc)

    STORE_PROBLEM.pop(path, None)
    # a new instance, never DuckDB's cached one for `path` (a load replaces the file)
    return open_reports(path, attached=True, on_store_error=damaged)


STORE_PROBLEM: dict[str, str] = {}  # database path -> why its workflow store cannot be read


def store_problem() -> str | None:
    """Why the analysts' corrections are not in the scores now (a damaged workflow store)."""
    return STORE_PROBLEM.get(str(db_path()))


_cursor = runs.cursor_of  # a cursor on the report database


def cursor() -> duckdb.DuckDBPyConnection:
    return _cursor(open_db(str(db_path()), db_version()))


def stored_query(v: int, fn, **params) -> pl.DataFrame:
    """queries.`fn`(**params) as the load stored it for a page's default view
    (dashboard.default_views), else run as `query` runs it."""
    return runs.query(open_db(str(db_path()), v), db_path(), v, fn, **params)


def query(fn, **params) -> pl.DataFrame:
    cur = cursor()
    try:
        return fn(cur, **params)
    finally:
        cur.close()
