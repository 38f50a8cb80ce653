"""A finding dismissed as 误报 is no problem anywhere: not in the score, the flags, the
数据质量 lists and counts, nor the bulletin; and the flag 数据存在错误 counts what the score's
数据一致性 counts (a late publication is no data error)."""

from __future__ import annotations

import io

import polars as pl
import pytest

import queries
from tests.conftest import ROOT
from tests.workflow.conftest import AGENCY, load, original_text, write_version
from workflow.bulletin_data import bulletin_data
from workflow.findings import list_findings, move
from workflow.reports_db import open_reports
from workflow.states import DISMISSED
from workflow.store import opened, store_path

# slow: each test loads the real report through `gongkai load`
pytestmark = pytest.mark.slow

SCHEME = ROOT / "data" / "schemes" / "default.toml"
# a department's deadline is 31 January: published 20 March 2025, 48 days late
PUBLISHED = "发布日期：2025年3月20日\n"
DAYS_LATE = 48


@pytest.fixture
def late(tmp_path):
    """kewei's 2024 report (two 表三 identities broken, a prose warning) published 48 days late."""
    folder = tmp_path / "reports"
    write_version(folder, PUBLISHED + original_text())
    db = tmp_path / "gongkai.duckdb"
    load(folder, db)
    return db


def _dismiss(db, *rules: str) -> None:
    with opened(store_path(db)) as con:
        for f in list_findings(con):
            if f["rule"] in rules:
                move(con, f["fkey"], DISMISSED, "analyst", "经核实为误报")


def _row(db) -> dict:
    """The agency's ranking row (rates, flags) and its scores, as every page and export has them."""
    con = open_reports(db)
    try:
        ranked = queries.ranking(con, year=2024, scheme=SCHEME)
    finally:
        con.close()
    return ranked.filter(pl.col("agency_id") == AGENCY).row(0, named=True)


IDENTITIES = ("t3.row_total", "t3.balance")


def test_the_data_error_flag_counts_what_consistency_counts(late):
    row = _row(late)
    # the late publication (a severity-error finding) is no data error
    assert row["errors"] == row["consistency.value"] == 2
    assert row["days_late"] == DAYS_LATE
    assert row["flag"] == "red"
    assert row["flags"] == "逾期发布天数超过 30 天、数据存在错误"
    _dismiss(late, *IDENTITIES)
    row = _row(late)
    assert row["errors"] == row["consistency.value"] == 0
    assert row["flags"] == "逾期发布天数超过 30 天"


def test_a_dismissed_late_publication_is_late_nowhere(late):
    before = _row(late)
    assert before["timeliness.value"] == DAYS_LATE and before["timeliness.points"] < 10
    _dismiss(late, "published.late")
    row = _row(late)
    assert row["days_late"] == 0 and row["timeliness.value"] == 0
    assert row["timeliness.points"] == 10  # the indicator's whole weight
    assert row["flags"] == "数据存在错误" and row["flag"] == "amber"
    con = open_reports(late)
    try:
        assert queries.late_reports(con, year=2024).is_empty()
        dates = queries.publication_dates(con, year=2024)
        assert dates.filter(pl.col("agency_id") == AGENCY)["status"].to_list() != ["逾期"]
        assert queries.timeliness_by_kind(con, year=2024)["late"].sum() == 0
    finally:
        con.close()


def _quality_counts(db) -> tuple[int, int, int, dict]:
    con = open_reports(db)
    try:
        by_category = queries.quality_check_summary(con, year=2024)
        return (
            queries.findings(con, year=2024).height,
            int(queries.findings_summary(con, year=2024)["findings"].sum()),
            int(queries.findings_by_agency(con, year=2024)["findings"].sum()),
            dict(by_category.group_by("category").agg(pl.col("findings").sum()).rows()),
        )
    finally:
        con.close()


def test_dismissed_findings_leave_the_quality_lists_and_counts(late):
    listed, summed, by_agency, by_category = _quality_counts(late)
    assert listed == summed == by_agency == 4
    assert by_category["未按时发布"] == 1 and by_category["表内数据勾稽不符"] == 2
    _dismiss(late, "published.late", "t3.row_total")
    listed, summed, by_agency, by_category = _quality_counts(late)
    assert listed == summed == by_agency == 2
    assert "未按时发布" not in by_category and by_category["表内数据勾稽不符"] == 1


def _bulletin(db):
    con = open_reports(db)
    try:
        with opened(store_path(db)) as store:
            return bulletin_data(con, store, 2024)
    finally:
        con.close()


def test_the_bulletin_counts_late_agencies_as_its_problems(late):
    b = _bulletin(late)
    assert [a.agency_id for a in b.late] == [AGENCY] and b.late[0].days_late == DAYS_LATE
    assert ("未按时发布", 1, 1, 0) in b.categories
    _dismiss(late, "published.late")
    b = _bulletin(late)
    assert b.late == []
    assert not any(c[0] == "未按时发布" for c in b.categories)
    assert next(a for a in b.agencies if a.agency_id == AGENCY).problems == 3


def test_a_report_late_by_its_signature_is_late_throughout_the_bulletin(tmp_path):
    """Only a signature date, after the deadline: the checks raise 未按时发布 and the days late
    count from the signature (etl.deadlines.counted_date); the bulletin lists the unit as late,
    says 按落款日期计, and its peer-group row agrees."""
    from docx import Document

    from exports.bulletin import bulletin_docx
    from exports.office import load_office

    folder = tmp_path / "reports"
    write_version(folder, original_text() + "\n\n上海市科学技术委员会\n2025年3月20日\n")
    db = tmp_path / "gongkai.duckdb"
    load(folder, db)
    b = _bulletin(db)
    assert [a.agency_id for a in b.late] == [AGENCY] and b.late[0].days_late == DAYS_LATE
    assert ("未按时发布", 1, 1, 0) in b.categories
    doc = Document(io.BytesIO(bulletin_docx(b, load_office())))
    rows = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    name = b.late[0].name
    signed = ["2025年1月31日", "2025年3月20日（按落款日期计）", str(DAYS_LATE)]
    assert [name, b.late[0].peer_group, *signed] in rows  # 逾期发布的单位
    assert [r[1] for r in rows if r[0] == name and len(r) == 5 and r[2].isdigit()] == [
        f"逾期 {DAYS_LATE} 天"
    ]
