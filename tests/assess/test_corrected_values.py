"""The corrected values relation and the cells marked 修正, on a database small enough to write out:
which correction replaces a printed value, which fills a cell the report left empty, and which
is not applied (the report prints another value, or already prints the corrected cell).

Both relations are found from the corrections' side (assess/metric_sql.py says why); these pin
what they must still return.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
import pyarrow as pa
import pytest

from assess.metric_sql import CORRECTED_VALUES, corrected_cells, values_relation
from etl.schema import ensure_schema

REPORT = ("A1", 2024)
PRINTED = {"t3.new.total": 10.0, "t3.granted.total": 4.0, "t3.carried_out.total": 1.0}
# (key, corrected value, printed value the correction was made against)
CORRECTIONS = [
    ("t3.granted.total", 6.0, 4.0),  # printed 4 still: applied
    ("t3.carried_out.total", 9.0, 3.0),  # made against 3, the report now prints 1: not applied
    ("t3.refused.total", 2.0, None),  # a cell the report left empty: filled in
    ("t3.new.total", 12.0, None),  # "left empty" but the report prints it: not applied
]


@pytest.fixture
def con():
    c = duckdb.connect()
    ensure_schema(c)
    c.execute("INSERT INTO agencies (agency_id, name) VALUES ('A1', '甲局'), ('B2', '乙局')")
    for report_id, (agency, year) in enumerate((REPORT, ("B2", 2024)), start=1):
        c.execute(
            "INSERT INTO reports (report_id, agency_id, year, version, is_current, template, "
            "source_path, sha256, format, parser_version, loaded_at) "
            "VALUES (?, ?, ?, 1, true, 'std2021', 'x.txt', ?, 'txt', 'v', ?)",
            [report_id, agency, year, f"sha{report_id}", dt.datetime(2025, 1, 1)],
        )
        for key, value in PRINTED.items():
            c.execute(
                "INSERT INTO report_values (report_id, key, value, source) VALUES (?, ?, ?, 'table')",
                [report_id, key, value],
            )
    c.execute("ATTACH ':memory:' AS gongkai_workflow")
    fixes = pa.table(
        {
            "agency_id": [REPORT[0]] * len(CORRECTIONS),
            "year": pa.array([REPORT[1]] * len(CORRECTIONS), pa.int32()),
            "key": [k for k, _, _ in CORRECTIONS],
            "value": [v for _, v, _ in CORRECTIONS],
            "printed": pa.array([p for _, _, p in CORRECTIONS], pa.float64()),
        }
    )
    c.register("_fixes", fixes)
    c.execute("CREATE TABLE gongkai_workflow.value_corrections AS SELECT * FROM _fixes")
    yield c
    c.close()


def test_values_replace_a_printed_cell_and_fill_an_empty_one_only(con):
    assert values_relation(con) == CORRECTED_VALUES
    rows = con.sql(
        f"SELECT agency_id, key, value, corrected FROM {CORRECTED_VALUES} ORDER BY agency_id, key"
    ).fetchall()
    assert rows == [
        ("A1", "t3.carried_out.total", 1.0, False),
        ("A1", "t3.granted.total", 6.0, True),
        ("A1", "t3.new.total", 10.0, False),
        ("A1", "t3.refused.total", 2.0, True),
        ("B2", "t3.carried_out.total", 1.0, False),
        ("B2", "t3.granted.total", 4.0, False),
        ("B2", "t3.new.total", 10.0, False),
    ]


def test_the_cells_marked_corrected_are_the_applied_corrections(con):
    cells = corrected_cells(con).sort("key")
    assert cells.rows() == [("A1", 2024, "t3.granted.total"), ("A1", 2024, "t3.refused.total")]
    assert dict(cells.schema) == {"agency_id": pl.String, "year": pl.Int32, "key": pl.String}


def test_without_corrections_attached_nothing_is_marked(con):
    plain = duckdb.connect()
    ensure_schema(plain)
    assert values_relation(plain) == "current_values"
    assert corrected_cells(plain).is_empty()
    plain.close()
