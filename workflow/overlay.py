"""Hand the analysts' corrections to the scorer: an in-memory database attached to a report
connection, read by assess.metric_sql.values_relation.

The report database is opened read-only and only the loader writes it, so corrections are not
written there: `attach_corrections(con, db_path)` ATTACHes an in-memory database named
`gongkai_workflow` (visible to every cursor of the connection) and fills its tables
`value_corrections (agency_id, year, key, value, printed)` with the corrections in force and
`dismissed_findings (agency_id, year, rule, cells)` with the findings dismissed as 误报 (no
problem anywhere: not in the score, the flags, the 数据质量 lists; a dismissed late publication
leaves the report not late — assess.metric_sql.findings_relation / late_days_sql) and
`resolved_findings` (same columns) with those a correction in force resolves
(workflow.corrected_findings): neither is counted by 数据一致性; and `raised_findings` with those
a correction in force raises (its values break a check that held as printed), counted as the
loader's own findings are (assess.metric_sql.KEPT_FINDINGS), so the score, the flag, the lists and
the notices agree.
The scorer applies a row only while the report still yields `printed`, so a new version that
prints another value is never silently overridden, even before the re-check has run.
Call it again after a change: the table is replaced in one statement.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyarrow as pa

from etl.rules import rule
from workflow.corrections import APPLIED
from workflow.states import DISMISSED
from workflow.store import opened, store_path
from workflow.store_check import BUSY_TIMEOUT_S

SCHEMA_NAME = "gongkai_workflow"


def _table(rows, columns: dict) -> pa.Table:
    cols = list(zip(*rows)) if rows else [[] for _ in columns]
    return pa.table({name: pa.array(col, kind) for (name, kind), col in zip(columns.items(), cols)})


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)


_FINDING_COLUMNS = {
    "agency_id": pa.string(),
    "year": pa.int32(),
    "rule": pa.string(),
    "cells": pa.string(),
}


# a raised finding as the findings table holds one (etl.schema), its category, place and
# responsibility from the rule catalogue as the loader stores them
_RAISED_COLUMNS = {
    "agency_id": pa.string(),
    "year": pa.int32(),
    "rule": pa.string(),
    "severity": pa.string(),
    "cells": pa.string(),
    "message": pa.string(),
    "category": pa.string(),
    "place": pa.string(),
    "responsibility": pa.string(),
}


def _raised_rows(con: sqlite3.Connection, columns: set[str]) -> list[tuple]:
    if "raised_by" not in columns:  # a read-only store from before corrections raised findings
        return []
    rows = con.execute(
        "SELECT agency_id, year, rule, severity, cells_raw, message, place FROM tracked_findings "
        "WHERE raised_by IS NOT NULL AND present = 1 AND cells_raw IS NOT NULL AND state != ?",
        [DISMISSED],
    ).fetchall()
    out = []
    for agency_id, year, rule_id, severity, cells, message, place in rows:
        declared = rule(rule_id)
        out.append(
            (agency_id, year, rule_id, severity or declared.default_severity, cells, message,
             declared.category, place or declared.place, declared.responsibility)
        )  # fmt: skip
    return out


def _read(con: sqlite3.Connection, close: bool = True) -> tuple[list, list, list, list]:
    try:
        fixes = con.execute(
            "SELECT agency_id, year, key, value, printed FROM corrections WHERE status = ?",
            [APPLIED],
        ).fetchall()
        dismissed = con.execute(
            "SELECT agency_id, year, rule, cells_raw FROM tracked_findings "
            "WHERE state = ? AND cells_raw IS NOT NULL",
            [DISMISSED],
        ).fetchall()
        columns = {r[1] for r in con.execute("PRAGMA table_info(tracked_findings)")}
        resolved = (  # a read-only store from before corrections resolved findings: none
            con.execute(
                "SELECT agency_id, year, rule, cells_raw FROM tracked_findings "
                "WHERE resolved_by IS NOT NULL AND present = 1 AND cells_raw IS NOT NULL"
            ).fetchall()
            if "resolved_by" in columns
            else []
        )
        raised = _raised_rows(con, columns)
    finally:
        if close:
            con.close()
    return (
        [tuple(r) for r in fixes],
        [tuple(r) for r in dismissed],
        [tuple(r) for r in resolved],
        raised,
    )


def overlay_tables(path: Path) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table]:
    """(corrections in force, findings dismissed as 误报, findings resolved by a correction,
    findings raised by a correction) of a workflow store."""
    fixes, dismissed, resolved, raised = [], [], [], []
    if path.exists():
        try:  # read-only first: no schema write (and its sync to disk) on every dashboard open
            fixes, dismissed, resolved, raised = _read(_read_only(path))
        except (
            sqlite3.Error
        ):  # an older store without a table or column: open it as the writer does
            with opened(path) as con:
                fixes, dismissed, resolved, raised = _read(con, close=False)
    return (
        _table(
            fixes,
            {
                "agency_id": pa.string(),
                "year": pa.int32(),
                "key": pa.string(),
                "value": pa.float64(),
                "printed": pa.float64(),
            },
        ),
        _table(dismissed, _FINDING_COLUMNS),
        _table(resolved, _FINDING_COLUMNS),
        _table(raised, _RAISED_COLUMNS),
    )


def attach_corrections(con, db_path: str | Path) -> int:
    """Attach (or refresh) the corrections and dismissals of `db_path`'s workflow store; returns
    how many corrections are in force."""
    fixes, dismissed, resolved, raised = overlay_tables(store_path(db_path))
    attached = con.execute(
        "SELECT count(*) FROM duckdb_databases() WHERE database_name = ?", [SCHEMA_NAME]
    ).fetchall()[0][0]
    if not attached:
        con.execute(f"ATTACH ':memory:' AS {SCHEMA_NAME} (READ_WRITE)")
    # value_corrections last: assess switches to the overlay when it exists
    tables = {
        "dismissed_findings": dismissed,
        "resolved_findings": resolved,
        "raised_findings": raised,
    }
    for name, table in (*tables.items(), ("value_corrections", fixes)):
        con.register("_gongkai_overlay_in", table)
        try:
            con.execute(
                f"CREATE OR REPLACE TABLE {SCHEMA_NAME}.{name} AS SELECT * FROM _gongkai_overlay_in"
            )
        finally:
            con.unregister("_gongkai_overlay_in")
    return fixes.num_rows
