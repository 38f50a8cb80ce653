"""The one way the report database is opened for writing: build a copy aside, swap it in.

`building_database(db)` copies the current file to `<db>.building`, yields a read-write
connection to the copy, and on success runs the cross-report checks, stamps the build,
CHECKPOINTs, closes and `os.replace`s the copy over the database. A dashboard holding the old
file read-only keeps reading its (unlinked) inode; a load that dies or is killed never touches
the old file (the stale copy is removed by the next load). A `<db>.building.lock` (flock) keeps
two loads from building the same copy.

Every writer of the load stage (etl/load.py's rows, etl/portal_dates.py, etl/run_findings.py,
etl/version_choice.py, the ledger import) writes through the connection yielded here; every
other reader opens the file read-only (workflow.reports_db.open_reports).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from etl.errors import ReportError
from etl.schema import BUILD_STAMP, ensure_schema
from etl.validate.cross_report import run_cross_report_checks

BUILDING = ".building"


@contextmanager
def building_database(db_path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a copy of `db_path`, swapped in only if the block succeeds.

    A symlinked `db_path` is resolved first: the copy is swapped in over the target (the link
    stays a link), and two names of one database take the same lock.
    """
    db = Path(os.path.realpath(db_path))
    db.parent.mkdir(parents=True, exist_ok=True)
    building = db.with_name(db.name + BUILDING)
    with exclusive(db):
        _remove(building)
        if db.exists():
            shutil.copyfile(db, building)
            if _wal(db).exists():
                shutil.copyfile(_wal(db), _wal(building))
        con = duckdb.connect(str(building))
        try:
            ensure_schema(con)
            yield con
            run_cross_report_checks(con)  # the quality check's rules across reports, on the copy
            stamp_build(con)
            con.execute("CHECKPOINT")
        except BaseException:
            con.close()
            _remove(building)
            raise
        con.close()
        os.replace(building, db)
        _remove(_wal(db))  # a WAL of the old file would be replayed into the new one


def stamp_build(con: duckdb.DuckDBPyConnection) -> None:
    """Give this build of the database a new id (meta `build_stamp`). Results derived from the
    rows (assess.stored: the scores kept beside the database) are keyed on it, so whichever
    writer swaps a new file in (a load, a version choice, a ledger import), nothing derived from
    the old rows is read for the new ones; a copy of the file keeps its stamp and its scores."""
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [BUILD_STAMP, uuid.uuid4().hex])


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """BEGIN ... COMMIT around the block; ROLLBACK and re-raise on any exception."""
    con.begin()
    try:
        yield
    except BaseException:
        con.rollback()
        raise
    con.commit()


def _wal(p: Path) -> Path:
    return p.with_name(p.name + ".wal")


def _remove(p: Path) -> None:
    for f in (p, _wal(p)):
        f.unlink(missing_ok=True)


@contextmanager
def exclusive(db: Path) -> Iterator[None]:
    """Hold `<db>.building.lock` for the block; another holder is a ReportError (locked)."""
    lock_path = db.with_name(db.name + BUILDING + ".lock")  # gitignored with the copy
    with open(lock_path, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReportError(
                str(db),
                "another load is writing this database right now",
                "wait for it to finish, then run the load again",
                "locked",
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
