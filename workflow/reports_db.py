"""The one way a reader opens the report database: read-only, with the analysts' corrections and
the findings dismissed as 误报 over it (workflow/overlay.py), so every command, export and page
scores the same figures.

Only the loader (etl/building_copy.py) writes the report database; everything else goes through
`open_reports`. A damaged workflow store is a StoreError: a command stops (scores without the
corrections would differ from the dashboard's), the dashboard passes `on_store_error` and shows
the reports with a warning instead.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from workflow.overlay import attach_corrections
from workflow.store import StoreError

ATTACHED_AS = "gongkai"  # the report database's name in an attached (dashboard) connection
USE = f"USE {ATTACHED_AS}"  # a new cursor starts in the in-memory database: point it at reports


def open_reports(
    db_path: str | Path,
    *,
    corrections: bool = True,
    attached: bool = False,
    on_store_error: Callable[[StoreError], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    """The report database at `db_path`, read-only, corrections attached (unless `corrections`
    is False: for a reader of the loader's own records, which no correction touches).

    `attached`: a fresh in-memory instance with the file ATTACHed as `gongkai`, never DuckDB's
    cached instance for the path — for a process that keeps connections open while loads
    replace the file (the dashboard). A cursor of it must run `USE` first.
    `on_store_error`: called with a StoreError of a damaged workflow store, and the connection
    returned without corrections; without it the StoreError is raised.
    """
    if attached:
        con = duckdb.connect(":memory:")
        con.execute(f"ATTACH ? AS {ATTACHED_AS} (READ_ONLY)", [str(db_path)])
        con.execute(USE)
    else:
        con = duckdb.connect(str(db_path), read_only=True)
    if not corrections:
        return con
    try:
        attach_corrections(con, db_path)
    except StoreError as exc:
        if on_store_error is None:
            con.close()
            raise
        on_store_error(exc)
    except BaseException:
        con.close()
        raise
    return con
