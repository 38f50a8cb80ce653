"""The one way findings reach the report database.

Every producer (a report's own findings in the loader, the version policy, the collector's portal
findings, the cross-year and cross-report checks) collects them in a `FindingRows` and inserts it
here, so every row carries the catalogue's category, place and responsibility the same way.
"""

from __future__ import annotations

import json

import duckdb
import pyarrow as pa

from etl.report import Finding

COLUMNS = (
    "report_id",
    "rule",
    "severity",
    "cells",
    "expected",
    "actual",
    "message",
    "category",
    "place",
    "responsibility",
)
TYPES = (pa.int64(),) + (pa.string(),) * 3 + (pa.float64(),) * 2 + (pa.string(),) * 4


def _float(x) -> float | None:
    return None if x is None else float(x)


class FindingRows:
    """Findings to insert, by report (None for a finding that belongs to no current report)."""

    def __init__(self) -> None:
        self.report_ids: list[int | None] = []
        self.findings: list[Finding] = []

    def add(self, report_id: int | None, findings) -> None:
        for f in findings:
            self.report_ids.append(report_id)
            self.findings.append(f)

    def remap(self, new_id) -> None:
        """Placeholder report ids → the ids the database gave (`new_id(old) -> new`)."""
        self.report_ids = [new_id(i) for i in self.report_ids]

    def __len__(self) -> int:
        return len(self.findings)

    def table(self) -> pa.Table:
        fs = self.findings
        cols = [
            self.report_ids,
            [f.rule for f in fs],
            [f.severity for f in fs],
            [json.dumps(list(f.cells), ensure_ascii=False) for f in fs],
            [_float(f.expected) for f in fs],
            [_float(f.actual) for f in fs],
            [f.message for f in fs],
            [f.category for f in fs],
            [f.place for f in fs],
            [f.responsibility for f in fs],
        ]
        return pa.table([pa.array(c, type=t) for c, t in zip(cols, TYPES)], names=list(COLUMNS))

    def insert(self, con: duckdb.DuckDBPyConnection) -> None:
        """INSERT the rows (inside the caller's transaction)."""
        if not self.findings:
            return
        con.register("_finding_rows", self.table())
        try:
            names = ", ".join(COLUMNS)
            con.execute(f"INSERT INTO findings ({names}) SELECT {names} FROM _finding_rows")
        finally:
            try:
                con.unregister("_finding_rows")
            except duckdb.Error:  # an aborted transaction refuses it; the first error matters
                pass


def insert_findings(con: duckdb.DuckDBPyConnection, rows) -> None:
    """rows: (report_id, Finding) pairs."""
    batch = FindingRows()
    for report_id, finding in rows:
        batch.add(report_id, [finding])
    batch.insert(con)
