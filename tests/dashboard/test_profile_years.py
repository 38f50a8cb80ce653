"""单位画像 and 整改跟踪 under AppTest (issue 22): one year per view, the 对比 tab's default
years and its rank change (the sign of queries.leader.rank_change, as on 排名总览), reference
units said to be unscored, the days-late mark behind a timeliness link, and a correction
picker bounded by the office's province. Expected values from the query layer."""

from __future__ import annotations

import polars as pl
import pytest

import queries
from dashboard import nav
from tests.dashboard.test_pages import SCHEME, _start
from workflow import roles

pytestmark = pytest.mark.slow  # the demo database: the whole ETL over real and generated reports


@pytest.fixture
def year(con) -> int:
    """The year before the newest complete one: units with a report of the year after it."""
    return queries.default_year(con) - 1


def _tab(at, tab: str):
    at.segmented_control(key="profile_section").set_value(tab).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_comparison_opens_on_the_year_and_the_one_before_with_rises_as_plus(
    demo_db, monkeypatch, con, year
):
    """A unit that also has a newer report: the year against the one before (not the year
    against itself, as a stranger found for 2024 with 2025 loaded), and its
    rank row's change is the ranking's own rank_change (5th → 2nd is +3 on every page)."""
    ranked = queries.ranking(con, year=year, scheme=SCHEME)
    newer = set(queries.figures(con, year=year + 1)["agency_id"])
    moved = ranked.filter(
        (pl.col("rank_change") > 0) & pl.col("agency_id").is_in(sorted(newer))
    ).row(0, named=True)
    at = _start(
        demo_db, monkeypatch, nav.page("profile"), agency=moved["agency_id"], year=str(year)
    )
    at = _tab(at, "对比")
    assert (at.query_params["a"], at.query_params["b"]) == (str(year), str(year - 1))
    side = next(d.value for d in at.dataframe if "项目" in d.value.columns)
    header = f"变化（{year} 年度减 {year - 1} 年度）"
    assert list(side.columns) == ["项目", f"{year} 年度", f"{year - 1} 年度", header]  # 年度一, 二
    rank = side[side["项目"].str.startswith("排名")].iloc[0]
    assert rank[f"{year - 1} 年度"] == str(moved["prev_rank"])
    assert rank[f"{year} 年度"] == str(moved["rank"])
    assert rank[header] == f"+{moved['rank_change']}"


def test_a_unit_without_the_years_report_shows_that_year_only(demo_db, monkeypatch, con, year):
    """No report of the year but one of the next: the heading is the year, it says there is no
    report of it, no cards of the next year under it, and 评分 is the year's (unpublished)."""
    home = queries.home_agencies(con)
    reported = {y: set(queries.figures(con, year=y)["agency_id"]) & home for y in (year, year + 1)}
    agency = sorted(reported[year + 1] - reported[year])[0]
    at = _start(
        demo_db, monkeypatch, nav.page("profile"), agency=agency, year=str(year), tab="评分"
    )
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.subheader][0] == f"{year} 年度"
    assert any(f"没有 {year} 年度年报" in w.value for w in at.warning)
    assert not at.metric  # the cards of another year are not shown under 2024
    steps = queries.score_steps(con, year=year, scheme=SCHEME, agency_id=agency)
    total = steps.filter(pl.col("item") == "总分")["points"][0]
    shown = next(d.value for d in at.dataframe if "说明" in d.value.columns)
    assert shown[shown["项目"] == "总分"].iloc[0]["得分"] == pytest.approx(total)


def test_an_unpublished_units_score_is_the_veto_and_no_indicator_points(demo_db, monkeypatch, con):
    """A home unit without a report of the newest year (the demo has such units in 2024): 评分
    says it is vetoed with the reason, draws no bars of indicator points, and its one table is
    the veto and 总分 0 (issue 22: it listed 年报发布及时性 10/10, 公开率 at the group median and
    折算 ×100/30 above the veto, unlike the XLSX 汇总's 不列指标得分)."""
    year = queries.default_year(con)
    ranked = queries.ranking(con, year=year, scheme=SCHEME)
    agency = ranked.filter(pl.col("missing"))["agency_id"][0]
    at = _start(
        demo_db, monkeypatch, nav.page("profile"), agency=agency, year=str(year), tab="评分"
    )
    assert not at.exception, [e.value for e in at.exception]
    said = [w.value for w in at.warning]
    assert any("不列指标得分" in w and "否决：未发布年报，总分上限 0 分" in w for w in said), said
    assert not at.get("vega_lite_chart")
    [shown] = [d.value for d in at.dataframe]
    assert shown["项目"].tolist() == ["否决", "总分"]
    assert shown["得分"].tolist()[-1] == 0


def test_a_reference_unit_is_said_to_be_one_not_unpublished(demo_db, monkeypatch, con):
    """Another province's unit with a report of the year: 评分 says it is a reference unit,
    not that it may not have published."""
    home = queries.home_agencies(con)
    confirmed = queries.agencies(con).filter(pl.col("confirmed"))["agency_id"].to_list()
    reports = pl.from_arrow(con.sql("SELECT agency_id, year FROM current_reports").arrow())
    published = reports.filter(
        pl.col("agency_id").is_in(confirmed) & ~pl.col("agency_id").is_in(sorted(home))
    )
    reference = published.sort("agency_id", "year").row(0, named=True)
    at = _start(
        demo_db,
        monkeypatch,
        nav.page("profile"),
        agency=reference["agency_id"],
        year=str(reference["year"]),
        tab="评分",
    )
    assert not at.exception, [e.value for e in at.exception]
    said = [i.value for i in at.info]
    assert any("其他省份的参照单位" in s for s in said), said
    assert not any("未发布" in s for s in said)


def test_a_timeliness_link_marks_the_days_late(demo_db, monkeypatch, con, year):
    late = queries.figures(con, year=year).filter(pl.col("days_late") > 0).row(0, named=True)
    at = _start(
        demo_db,
        monkeypatch,
        nav.page("profile"),
        agency=late["agency_id"],
        year=str(year),
        tab="办理情况",
        mark="days_late",
    )
    assert not at.exception, [e.value for e in at.exception]
    marked = "".join(h.proto.body for h in at.get("html"))
    assert f"逾期 {late['days_late']} 天" in marked and str(late["published"]) in marked
    assert "outline:3px solid" in marked  # boxed as 原文 boxes a printed cell


def test_the_correction_picker_offers_only_the_office_agencies(demo_db, monkeypatch, con, year):
    analyst = roles.Actor("analyst@example.gov.cn", roles.ANALYST, "登录代理")
    monkeypatch.setattr(roles, "resolve_actor", lambda *a, **k: analyst)
    at = _start(demo_db, monkeypatch, nav.page("rectification"), year=str(year))
    assert not at.exception, [e.value for e in at.exception]
    offered = set(at.selectbox(key="fix_agency").options)
    names = dict(zip(*queries.agencies(con).select("agency_id", "name")))
    home = queries.home_agencies(con)
    assert offered == {f"{names[a]}（{a}）" for a in home}
    assert "上海市科学技术委员会（310000-KW）" not in offered


def _px(text: str) -> int:
    """Width at the grid's 14 px (measured in Chromium: a CJK character 14 px, a digit, sign,
    point or space about 8; 示范省人力资源和社会保障厅 182, 复议纠错、诉讼败诉 -10.0 分 178)."""
    return sum(14 if ord(ch) > 0x2E80 else 8 for ch in text)


def test_the_ranking_grid_shows_its_texts_within_1440_px(con, year):
    """Every header, unit name and cause of the demo's ranking fit their columns (16 px
    padding) on one line, every unit's whole 预警说明 on one line or, where its grid wraps
    (ranking_grid.notes_fit), on three; and the columns fit the 978 px main column."""
    from dashboard.views import ranking_grid as grid
    from queries import labels

    assert sum(grid.WIDTHS[c] for c in grid.GRID) <= 978 - 16
    ranked = queries.ranking(con, year=year, scheme=SCHEME)
    now = queries.year_assessment(con, year=year, scheme=SCHEME)
    prev = queries.year_assessment(con, year=year - 1, scheme=SCHEME)
    causes = queries.move_causes(ranked, now, prev)["cause"].drop_nulls().to_list()
    texts = {
        **{c: [labels.col(c)] for c in grid.GRID},
        "agency_name": ranked["agency_name"].to_list(),
        "cause": causes,
    }
    for column, shown in texts.items():
        widest = max(shown, key=_px)
        assert _px(widest) + 16 <= grid.WIDTHS[column], (column, widest)
    room = grid.WIDTHS["flag_notes"] - 16
    notes = [n for n in ranked["flag_notes"] if n]
    assert any("、" in n for n in notes), "the demo has a unit with several warnings"
    for n in notes:
        assert _px(n) <= room or not grid.notes_fit([n]), n  # too long for one line: wrapped
        assert _px(n) <= 3 * room, n


def test_a_timeliness_cause_links_to_the_marked_days_late(con, year):
    """The summary's faller whose cause is 年报发布及时性 opens 办理情况 with 逾期天数 marked."""
    from dashboard.views import ranking_grid
    from queries import leader
    from queries.focus import focus_cells

    now = queries.year_assessment(con, year=year, scheme=SCHEME)
    prev = queries.year_assessment(con, year=year - 1, scheme=SCHEME)
    ranked = queries.ranking(con, year=year, scheme=SCHEME, assessment=now, prev_assessment=prev)
    causes = leader.move_causes(ranked, now, prev)
    from assess.scheme import load_scheme

    focus = focus_cells(con, ranked, now, load_scheme(SCHEME), causes)
    timely = focus.filter(
        (pl.col("figure") == "rank_change") & (pl.col("indicator") == "年报发布及时性")
    ).row(0, named=True)
    goto = ranking_grid.target(focus, timely["agency_id"], "某单位", "rank_change", year)
    assert goto["params"] == {
        "agency": timely["agency_id"],
        "year": str(year),
        "tab": "办理情况",
        "mark": "days_late",
    }
    assert "标出“逾期天数”" in goto["label"]
