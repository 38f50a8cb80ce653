"""The query layer on the small province of tests/small_province.py: every expected value is
worked out by hand from the rows declared there (GA, GB: 县级政府; DC legacy 统计表, DD without a
2024 report: 省级部门; XR: another province's reference agency).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

import queries
from tests.conftest import ROOT
from tests.small_province import BAD_FILE, report_id, source_path

SCHEME = Path(__file__).resolve().parents[2] / "data" / "schemes" / "default.toml"


def _by_agency(frame: pl.DataFrame, column: str) -> dict:
    return dict(zip(frame["agency_id"], frame[column]))


def test_pickers_list_years_newest_first_and_the_peer_groups(small_con):
    assert queries.years(small_con) == [2024, 2023]
    # 2024 has 4 current reports (GA, GB, DC, XR), 2023 two: 2024 is complete enough
    assert queries.default_year(small_con) == 2024
    assert queries.peer_groups(small_con) == ["县级政府", "省级部门"]
    county = queries.agencies(small_con, peer_group="县级政府")
    assert _by_agency(county, "reports") == {"GA": 2, "GB": 1, "XR": 1}


def test_home_agencies_are_the_offices_province_only(small_con):
    assert queries.home_agencies(small_con) == {"GA", "GB", "DC", "DD"}


def test_figures_are_the_declared_cells_and_their_rates(small_con):
    fig = queries.figures(small_con, year=2024)
    assert sorted(fig["agency_id"]) == ["DC", "GA", "GB"]  # XR is another province's
    # GA: 90 new + 10 carried in, 80 processed -> 80 %; (40 granted + 10 partial) / 80 -> 62.5 %
    # GB: 30 / (40 + 0) -> 75 %; 30 / 30 -> 100 %
    # DC (统计表): 8 completed / 10 requests -> 80 %; 6 on time / 8 -> 75 %; (4 + 2) / 8 answers
    assert _by_agency(fig, "requests") == {"GA": 90, "GB": 40, "DC": 10}
    assert _by_agency(fig, "completion_rate") == {"GA": 80.0, "GB": 75.0, "DC": 80.0}
    assert _by_agency(fig, "disclosure_rate") == {"GA": 62.5, "GB": 100.0, "DC": 75.0}
    assert _by_agency(fig, "on_time_rate") == {"GA": None, "GB": None, "DC": 75.0}
    # corrected: GA 1 review + 2 suits; DC printed no review or suit row: N/A, not 0
    assert _by_agency(fig, "corrected_total") == {"GA": 3.0, "GB": 0.0, "DC": None}
    # GB published 3 days early: shown as on time (0), never negative
    assert _by_agency(fig, "days_late") == {"GA": 12, "GB": 0, "DC": 0}


def test_profile_is_one_row_per_year_oldest_first(small_con):
    profile = queries.agency_profile(small_con, agency_id="GA")
    assert profile["year"].to_list() == [2023, 2024]
    assert profile["completion_rate"].to_list() == [100.0, 80.0]  # 20/20, then 80/100


def test_a_reference_agency_is_viewable_by_its_id_but_never_counted(small_con):
    assert queries.agency_profile(small_con, agency_id="XR")["requests"].to_list() == [5]
    assert "XR" not in set(queries.figures(small_con)["agency_id"])
    assert "XR" not in set(queries.late_reports(small_con, year=2024)["agency_id"])  # 40 days


def test_peer_median_is_the_median_of_the_groups_own_agencies(small_con):
    med = queries.peer_median(small_con, peer_group="县级政府", year=2024)
    assert med["agencies"].to_list() == [2]  # GA and GB; XR is not the office's
    assert med["completion_rate"].to_list() == [77.5]  # (80 + 75) / 2
    assert med["disclosure_rate"].to_list() == [81.25]  # (62.5 + 100) / 2


def test_missing_late_and_copied_reports(small_con):
    missing = queries.missing_reports(small_con, year=2024)
    assert missing.select("agency_id", "last_year_reported").rows() == [("DD", 2023)]
    assert queries.late_reports(small_con, year=2024).select("agency_id", "days_late").rows() == [
        ("GA", 12)
    ]
    assert queries.copied_reports(small_con, year=2024)["agency_id"].to_list() == ["GA"]
    assert queries.missing_reports(small_con, year=2023)["agency_id"].to_list() == ["GB", "DC"]


def test_findings_difference_is_actual_minus_expected(small_con):
    found = queries.findings(small_con, year=2024)
    assert sorted(found["rule"]) == ["report.copied", "t3.row_total"]
    row = found.filter(pl.col("rule") == "t3.row_total").row(0, named=True)
    assert (row["agency_id"], row["expected"], row["actual"], row["difference"]) == (
        "GA",
        100.0,
        90.0,
        -10.0,
    )
    assert row["cells"] == "一、本年新收政府信息公开申请数量·总计"  # the key, in Chinese
    by_agency = queries.findings_by_agency(small_con, year=2024)
    assert by_agency.select("agency_id", "findings", "errors", "warnings").rows() == [
        ("GA", 2, 2, 0)
    ]
    assert queries.findings(small_con, year=2023).is_empty()


def test_review_litigation_lists_most_corrected_first(small_con):
    review = queries.review_litigation(small_con, year=2024)
    # DC printed no review or suit: not listed; GA 3 corrected before GB 0
    assert review.select("agency_id", "review_total", "corrected_total").rows() == [
        ("GA", 3.0, 3.0),
        ("GB", 1.0, 0.0),
    ]
    # GA's reviews: 1 corrected of 2 + 1 + 0 decided -> 33.3 %; suits: 2 of 2 decided -> 100 %
    ga = review.row(0, named=True)
    assert ga["review_correction_rate"] == pytest.approx(100 / 3)
    assert ga["suit_correction_rate"] == 100.0


def test_review_trend_sums_the_province_per_year(small_con):
    trend = queries.review_litigation_trend(small_con).filter(pl.col("year") == 2024)
    # reviews: GA 3 + GB 1; corrected 1 of GA's 2 + 1 + GB's 1 decided -> 25 %
    row = trend.row(0, named=True)
    assert (row["reports"], row["review_total"], row["review_correction_rate"]) == (3, 4.0, 25.0)
    assert (row["suit_total"], row["suit_correction_rate"]) == (3.0, 100.0)


def test_load_errors_say_why_in_chinese(small_con):
    errors = queries.load_errors(small_con, latest_only=True)
    assert errors.select("path", "code", "reason").rows() == [(BAD_FILE.path, "empty", "空文件")]


def test_value_source_shows_the_printed_text_and_file(small_con):
    rid = report_id(small_con, "GA", 2024)
    src = queries.value_source(small_con, report_id=rid, key="t3.new.total")
    assert src.select("raw", "source_path").rows() == [("90", source_path("GA", 2024))]
    assert queries.value_source(small_con, report_id=rid, key="t2.no_such_key").is_empty()


def test_hostile_text_is_a_bound_value(small_con):
    assert queries.figures(small_con, agency_id="x' OR '1'='1").is_empty()
    assert queries.figures(small_con, agency_id="GA").height == 2


def test_an_unpublished_units_score_is_the_veto_alone(small_con):
    """DD has no 2024 report: the veto sets its 总分 to 0, so its 评分 (the page and the export's
    sheets) lists no indicator, no points and no raw sum or ×100/W scaling (issue 22: 年报发布
    及时性 10/10 and 公开率 at the group median, scaled ×100/30 to 66.67, then vetoed). GA, with
    a report, keeps every indicator line."""
    scheme = ROOT / "data" / "schemes" / "default.toml"
    breakdown, lost = queries.score_detail(small_con, year=2024, scheme=scheme, agency_id="DD")
    veto = "否决：未发布年报，总分上限 0 分"
    assert breakdown.select(
        "indicator", "score_kind", "weight", "points", "lost", "reason"
    ).rows() == [("未发布年报", "veto", None, None, None, veto)]
    assert lost.select("indicator_name", "lost", "reason").rows() == [("未发布年报", None, veto)]
    steps = queries.score_steps(small_con, year=2024, scheme=scheme, agency_id="DD")
    assert steps.rows() == [("否决", None, veto), ("总分", 0.0, "")]
    ga, _ = queries.score_detail(small_con, year=2024, scheme=scheme, agency_id="GA")
    assert ga.filter(pl.col("indicator") == "年报发布及时性")["points"].to_list() == [6.0]
    assert (
        "折算 × 100/70"
        in queries.score_steps(small_con, year=2024, scheme=scheme, agency_id="GA")[
            "item"
        ].to_list()
    )


def test_flag_notes_say_each_warning_met_with_the_units_own_figure(small_con):
    """排名总览's 预警说明: one short note per warning (the measures in the order of `flags`),
    e.g. GA (12 days late, 1 + 2 corrected, the row-total error, copied, 80 / 100 completed)."""
    from assess.flags import MEASURES

    assert set(queries.FLAG_NOTES) == set(MEASURES)  # every measure a rule may use has a note
    ranked = queries.ranking(small_con, year=2024, scheme=SCHEME)
    assert _by_agency(ranked, "flag_notes") == {
        "GA": "逾期12天、 纠错3件、 数据错误1条、 年报雷同、 办结率80.0%",
        "GB": "办结率75.0%",
        "DC": "办结率80.0%",
        "DD": "未发布年报",
    }
    assert len(_by_agency(ranked, "flags")["GA"].split("、")) == 5  # a note per reason


def _with_findings(monkeypatch, extra: dict) -> duckdb.DuckDBPyConnection:
    """The small province loaded with `extra` ({(agency, year): findings}) beside its own."""
    import tests.small_province as sp

    reports = tuple((*r[:5], (*r[5], *extra.get((r[0], r[1]), ()))) for r in sp.REPORTS)
    monkeypatch.setattr(sp, "REPORTS", reports)
    con = duckdb.connect()
    sp.build_small_province(con)
    return con


def test_finding_tally_counts_the_reports_problems_as_the_bulletin_does(monkeypatch, tmp_path):
    """数据质量's 数据问题: GA's row-total error and its copying (copied twice, from last year and
    from another agency: one problem, as the 通报 tracks it); GB's misread date and DC's
    near-match name are the reader's and the registry's, counted apart, not the reports'."""
    from etl.report import Finding
    from tests.small_province import COPIED
    from workflow.bulletin_data import bulletin_data
    from workflow.store import opened
    from workflow.sync import sync_store

    con = _with_findings(
        monkeypatch,
        {
            ("GA", 2024): (COPIED,),
            ("GB", 2024): (Finding("published.before_year_end", (), None, None, "日期"),),
            ("DC", 2024): (Finding("agency.fuzzy_match", (), None, None, "名称近似"),),
        },
    )
    tally = queries.finding_tally(con, year=2024)
    assert tally == {"report": 2, "reader": 1, "registry": 1, "portal": 0}
    assert queries.findings(con, year=2024).height == 5  # the list shows every one of them
    with opened(tmp_path / "store.sqlite") as store:
        sync_store(store, con)
        bulletin = bulletin_data(con, store, 2024)
    assert sum(a.problems for a in bulletin.agencies) == tally["report"]
    assert queries.finding_tally(con, year=2023) == dict.fromkeys(tally, 0)
    assert queries.finding_tally(con, year=2024, peer_group="省级部门")["registry"] == 1


def test_an_early_publication_shows_no_negative_days_late(small_con):
    """GB published 3 days early: its 年报发布及时性 数值 is 0 days late (not -3) on the page's
    breakdown, as the export prints it; GA's 12 days late stay 12."""
    shown = {}
    for agency in ("GA", "GB"):
        breakdown, _ = queries.score_detail(small_con, year=2024, scheme=SCHEME, agency_id=agency)
        row = breakdown.filter(pl.col("indicator") == "年报发布及时性")
        shown[agency] = (row["value"][0], row["reason"][0])
    assert shown["GA"][0] == 12 and shown["GB"][0] == 0
    assert "提前 3 天发布" in shown["GB"][1]
