"""Hand the analysts' corrections to the scorer: an in-memory database attached to a report
connection, read by assess.metrics.values_relation.

The report database is opened read-only and only the loader writes it, so corrections are not
written there: `attach_corrections(con, db_path)` ATTACHes an in-memory database named
`gongkai_workflow` (visible to every cursor of the connection) and fills its table
`value_corrections (agency_id, year, key, value, printed)` with the corrections in force.
The scorer applies a row only while the report still yields `printed`, so a new version that
prints another value is never silently overridden, even before the re-check has run.
Call it again after a change: the table is replaced in one statement.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from workflow.corrections import APPLIED
from workflow.store import opened, store_path

SCHEMA_NAME = "gongkai_workflow"


def corrections_in_force(path: Path) -> pa.Table:
    rows = []
    if path.exists():
        with opened(path) as con:
            rows = con.execute("SELECT agency_id, year, key, value, printed FROM corrections "
                               "WHERE status = ?", [APPLIED]).fetchall()
    cols = list(zip(*rows)) if rows else [[], [], [], [], []]
    return pa.table({"agency_id": pa.array(cols[0], pa.string()),
                     "year": pa.array(cols[1], pa.int32()),
                     "key": pa.array(cols[2], pa.string()),
                     "value": pa.array(cols[3], pa.float64()),
                     "printed": pa.array(cols[4], pa.float64())})


def attach_corrections(con, db_path: str | Path) -> int:
    """Attach (or refresh) the corrections of `db_path`'s workflow store; returns how many."""
    table = corrections_in_force(store_path(db_path))
    attached = con.execute("SELECT count(*) FROM duckdb_databases() WHERE database_name = ?",
                           [SCHEMA_NAME]).fetchall()[0][0]
    if not attached:
        con.execute(f"ATTACH ':memory:' AS {SCHEMA_NAME} (READ_WRITE)")
    con.register("_gongkai_corrections_in", table)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {SCHEMA_NAME}.value_corrections AS "
                    "SELECT * FROM _gongkai_corrections_in")
    finally:
        con.unregister("_gongkai_corrections_in")
    return table.num_rows
