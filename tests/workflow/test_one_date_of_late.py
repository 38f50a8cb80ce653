"""One definition of late (issue 22): the date a report counts as published is its publication
date, else its signature date (etl.deadlines.counted_date); the load's 未按时发布 finding, the
stored days_late, the score's 年报发布及时性 and the lists all count from it, and where it is the
signature's they say 按落款日期计.

The real report (kewei 2024, a department: deadline 2025-01-31) prints neither date; each case
adds the lines a variant prints and loads it through `gongkai load`."""

from __future__ import annotations

import polars as pl
import pytest

import queries
from exports import data as export_data
from tests.conftest import ROOT
from tests.workflow.conftest import AGENCY, load, original_text, write_version
from workflow.reports_db import open_reports

pytestmark = pytest.mark.slow  # each case loads the real report through `gongkai load`

SCHEME = ROOT / "data" / "schemes" / "default.toml"
SIGNATURE = "\n\n上海市科学技术委员会\n{day}\n"


def _facts(tmp_path, text: str) -> dict:
    folder = tmp_path / "reports"
    write_version(folder, text)
    db = tmp_path / "gongkai.duckdb"
    load(folder, db)
    con = open_reports(db)
    try:
        [(days, counted, basis)] = con.execute(
            "SELECT days_late, counted_date::VARCHAR, date_basis FROM current_reports"
        ).fetchall()
        late = con.execute("SELECT message FROM findings WHERE rule = 'published.late'").fetchall()
        row = (
            queries.ranking(con, year=2024, scheme=SCHEME)
            .filter(pl.col("agency_id") == AGENCY)
            .row(0, named=True)
        )
        listed = queries.late_reports(con, year=2024)
        sheet = export_data.gather(con, year=2024, scheme=SCHEME)
    finally:
        con.close()
    return {
        "days_late": days,
        "counted": counted,
        "basis": basis,
        "finding": [m for (m,) in late],
        "value": row["timeliness.value"],
        "points": row["timeliness.points"],
        "listed": listed.select("published", "date_note", "days_late").rows(),
        # the 汇总's 计分说明 of the unit (the sheet shows its days, not their date)
        "sheet_note": dict(sheet.summary.frame.select("agency_id", "scoring_note").rows())[AGENCY],
    }


def test_a_publication_date_counts_over_a_later_signature(tmp_path):
    # published on time, signed after the deadline: the publication date is when it came out
    text = "发布日期：2025年1月20日\n" + original_text() + SIGNATURE.format(day="2025年2月10日")
    f = _facts(tmp_path, text)
    assert (f["days_late"], f["counted"], f["basis"]) == (-11, "2025-01-20", "发布日期")
    assert f["finding"] == [] and f["listed"] == []
    assert (f["value"], f["points"]) == (-11, 10)  # the indicator's whole weight


def test_a_publication_date_after_the_deadline(tmp_path):
    f = _facts(tmp_path, "发布日期：2025年2月10日\n" + original_text())
    assert (f["days_late"], f["basis"]) == (10, "发布日期")
    assert f["finding"] == ["2024 年度报告发布于 2025-02-10，法定期限为 2025-01-31，逾期 10 天"]
    # 10 days: two started weeks of 2 points off the 10
    assert (f["value"], f["points"]) == (10, 6)
    assert [(str(d), n, days) for d, n, days in f["listed"]] == [("2025-02-10", None, 10)]
    assert f["sheet_note"] == ""


def test_only_a_signature_date_is_late_everywhere_by_the_same_days(tmp_path):
    f = _facts(tmp_path, original_text() + SIGNATURE.format(day="2025年2月10日"))
    assert (f["days_late"], f["counted"], f["basis"]) == (10, "2025-02-10", "落款日期")
    assert f["finding"] == [
        "2024 年度报告未标明发布日期，落款日期为 2025-02-10，法定期限为 2025-01-31，"
        "逾期 10 天（按落款日期计）"
    ]
    # the score counts the same 10 days (it counted none before: full points beside the finding)
    assert (f["value"], f["points"]) == (10, 6)
    assert [(str(d), n, days) for d, n, days in f["listed"]] == [("2025-02-10", "按落款日期计", 10)]
    assert f["sheet_note"] == "逾期天数按落款日期计"


def test_neither_date_is_late_nowhere(tmp_path):
    f = _facts(tmp_path, original_text())
    assert (f["days_late"], f["counted"], f["basis"]) == (None, None, None)
    assert f["finding"] == [] and f["listed"] == []
    assert f["value"] is None  # N/A: never late on a guess
