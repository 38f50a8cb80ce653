"""queries.leader (排名总览's summary per peer group, causes of moves, where each figure comes
from) with expected values: hand-made runs for the causes and the summary, the demo database for
the printed cells; queries.marked_context on a real report."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

import queries
from assess.score import Assessment
from queries import leader
from queries.focus import COLUMN_METRICS, focus_cells

ROOT = Path(__file__).resolve().parents[2]
SCHEME = ROOT / "data" / "schemes" / "default.toml"
IND = {"completion": "办结率", "disclosure": "公开率"}


def _indicators(rows):
    """(agency_id, indicator, kind, vetoed, lost) -> the long frame assess returns."""
    names = IND | {"very_late": "年报严重逾期", "no_report": "未发布年报"}
    return pl.DataFrame(
        [(a, i, names[i], k, v, lost) for a, i, k, v, lost in rows],
        schema=["agency_id", "indicator", "indicator_name", "kind", "vetoed", "lost"],
        orient="row",
    )


def _run(scores, indicators) -> Assessment:
    return Assessment(scores, indicators, pl.DataFrame())


@pytest.fixture
def runs():
    # name, group, missing, total, rank_change, flag, completion points, disclosure points
    now = [
        ("A", "甲组", False, 90.0, 3, "", 15.0, 10.0),
        ("B", "甲组", False, 85.0, 1, "amber", 15.0, 5.0),
        ("C", "甲组", False, 75.0, -2, "red", 4.0, 6.0),
        ("D", "甲组", False, 80.0, -1, "", 15.0, 6.0),
        ("E", "乙组", False, 70.0, None, "", 10.0, 5.0),
    ]
    ranked = pl.DataFrame(
        [
            {
                "agency_id": a,
                "agency_name": f"{a}局",
                "peer_group": g,
                "missing": m,
                "total": t,
                "score": t,
                "rank_change": rc,
                "flag": f,
                "completion.points": c,
                "disclosure.points": d,
                "report_id": n + 1,
            }
            for n, (a, g, m, t, rc, f, c, d) in enumerate(now)
        ]
    )
    now_ind = _indicators(
        [(a, i, "linear", False, 0.0) for a, *_ in now for i in IND]
        + [(a, "very_late", "veto", False, 0.0) for a, *_ in now]
    )
    prev_scores = pl.DataFrame(
        {
            "agency_id": ["A", "B", "C", "D"],
            "missing": [True, False, False, False],
            "total": [0.0, 60.0, 80.0, 79.0],
            "completion.points": [None, 15.0, 10.0, 15.0],
            "disclosure.points": [None, 5.0, 5.0, 5.0],
        }
    )
    prev_ind = _indicators(
        [("A", "no_report", "veto", True, 50.0), ("B", "very_late", "veto", True, 25.0)]
    )
    return ranked, _run(ranked, now_ind), _run(prev_scores, prev_ind)


def test_move_causes_say_why_each_unit_moved(runs):
    ranked, now, prev = runs
    got = leader.move_causes(ranked, now, prev).sort("agency_id")
    assert got["cause"].to_list() == [
        "上年未发布年报",
        "上年一票否决（年报严重逾期）",
        "办结率 -6.0 分",  # total 80 -> 75: completion 10 -> 4 outweighs disclosure +1
        "总分 +1.0 分，因他单位变动",  # score up, rank down: the others moved
        "上年无评分",
    ]
    assert got["cause_indicator"].to_list() == [None, None, "completion", None, None]
    assert got["score_change"].to_list() == [90.0, 25.0, -5.0, 1.0, None]


def test_peer_summary_best_worst_median_flags_and_moves(runs):
    ranked, now, prev = runs
    s = leader.peer_summary(ranked, leader.move_causes(ranked, now, prev))
    first = s.row(0, named=True)
    assert (first["peer_group"], first["units"], first["scored"]) == ("甲组", 4, 4)
    assert (first["best_agency_name"], first["best_score"]) == ("A局", 90.0)
    assert (first["worst_agency_name"], first["worst_score"]) == ("C局", 75.0)
    assert first["median"] == 82.5
    assert (first["red"], first["amber"]) == (1, 1)
    assert (first["riser_agency_id"], first["riser_rank_change"]) == ("A", 3)
    assert first["riser_cause"] == "上年未发布年报"
    assert (first["faller_agency_id"], first["faller_rank_change"]) == ("C", -2)
    assert first["faller_cause"] == "办结率 -6.0 分"
    second = s.row(1, named=True)
    assert second["peer_group"] == "乙组" and second["riser_agency_id"] is None
    assert second["best_agency_id"] == second["worst_agency_id"] == "E"


def test_vetoes_only_where_the_cap_applied(runs):
    _, now, prev = runs
    assert leader.vetoes(now).is_empty()
    assert dict(leader.vetoes(prev).iter_rows()) == {"A": "未发布年报", "B": "年报严重逾期"}


@pytest.fixture(scope="module")
def demo(demo_db):
    import duckdb

    from assess.scheme import load_scheme

    con = duckdb.connect(str(demo_db), read_only=True)
    year = queries.default_year(con)
    now = queries.year_assessment(con, year=year, scheme=SCHEME)
    prev = queries.year_assessment(con, year=year - 1, scheme=SCHEME)
    ranked = queries.ranking(con, year=year, scheme=SCHEME, assessment=now, prev_assessment=prev)
    causes = leader.move_causes(ranked, now, prev)
    focus = focus_cells(con, ranked, now, load_scheme(SCHEME), causes)
    yield con, year, ranked, causes, focus, now
    con.close()


@pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
def test_focus_cells_point_at_cells_the_report_printed(demo):
    con, year, ranked, _, focus, _ = demo
    figures = {"score", "rank_change", *COLUMN_METRICS}
    assert focus.height == ranked.height * len(figures)
    cells = focus.filter(pl.col("key").is_not_null())
    assert set(cells["tab"]) == {"原文"}
    assert not cells.is_empty()
    ids = dict(zip(ranked["agency_id"], ranked["report_id"]))
    for agency, key in cells.select("agency_id", "key").head(40).iter_rows():
        printed = queries.report_keys(con, report_id=ids[agency])["key"].to_list()
        assert key in printed  # the profile's 原文 picker offers it
    completion = focus.filter(pl.col("figure") == "completion_rate")["key"].drop_nulls()
    assert set(completion) <= {"t3.processed.total", "legacy.completed"}
    # a unit without a report this year opens its 办理情况 tab, no cell
    missing = ranked.filter(pl.col("missing"))["agency_id"].to_list()
    if missing:
        theirs = focus.filter(pl.col("agency_id").is_in(missing))
        assert set(theirs["tab"]) == {"办理情况"} and theirs["key"].null_count() == theirs.height


@pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
def test_score_points_at_the_indicator_that_cost_most(demo):
    _, _, ranked, _, focus, _ = demo
    now = demo[5]
    weighted = now.indicators.filter(pl.col("kind").is_in(["linear", "rank", "deduction"]))
    score = focus.filter(pl.col("figure") == "score")
    for agency, name in score.select("agency_id", "indicator").head(30).iter_rows():
        mine = weighted.filter(pl.col("agency_id") == agency)
        most = mine["lost"].max()
        if most is None or most < leader.STEADY:
            assert name is None
        else:
            assert name in mine.filter(pl.col("lost") == most)["indicator_name"].to_list()


@pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
def test_demo_summary_has_every_peer_group_once(demo):
    _, _, ranked, causes, _, _ = demo
    s = leader.peer_summary(ranked, causes)
    assert s["peer_group"].to_list() == ranked["peer_group"].unique(maintain_order=True).to_list()
    assert s["units"].sum() == ranked.height
    for r in s.iter_rows(named=True):
        g = ranked.filter(pl.col("peer_group") == r["peer_group"])
        assert r["best_score"] == g["score"].max() and r["worst_score"] == g["score"].min()
        assert r["red"] == (g["flag"] == "red").sum()


@pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
def test_marked_context_boxes_the_value_cell(con):
    rows = con.execute(
        "SELECT r.source_path, v.raw, v.location FROM report_values v JOIN current_reports r "
        "USING (report_id) WHERE v.key = 't3.processed.total' AND v.source = 'table' "
        "AND r.format IN ('html', 'markdown', 'text') AND v.location LIKE '%col%' LIMIT 1"
    ).fetchall()
    assert rows
    row = rows[0]
    path = queries.resolve(row[0], ROOT)
    lines = queries.marked_context(path, json.loads(row[2]))
    hit = [cells for cells, is_line in lines if is_line]
    assert len(hit) == 1
    marked = [t for t, m in hit[0] if m]
    assert marked == [row[1].strip()]
    assert sum(m for cells, _ in lines for _, m in cells) == 1
    assert queries.marked_context(path, {}) == []


def test_rank_change_is_positive_for_a_rise_on_numbers_and_columns():
    """One sign everywhere (排名总览, the summary, the exports, 对比): 5th → 2nd is +3."""
    assert leader.rank_change(5, 2) == 3 and leader.rank_change(2, 5) == -3
    assert leader.rank_change(None, 2) is None and leader.rank_change(4, None) is None
    df = pl.DataFrame({"prev": [5, 2, None], "now": [2, 5, 1]})
    got = df.select(leader.rank_change(pl.col("prev"), pl.col("now")).alias("c"))["c"]
    assert got.to_list() == [3, -3, None]


def _plain(value, kind, signed):
    """A stand-in formatter: what two_year_table hands it, kind and sign included."""
    return "—" if value is None else f"{kind}:{value:+g}" if signed else f"{kind}:{value:g}"


def test_two_year_table_keeps_the_users_order_and_shows_newer_minus_older():
    """年度一 2025, 年度二 2024: the columns stand 2025, 2024 as picked; the change is 2025 − 2024
    either way round (a rank rise from 5th to 2nd is +3, a score from 80.5 to 90 is +9.5)."""
    rows = [("排名", "int", 2, 5, leader.rank_change), ("总分", "points", 90.0, 80.5)]
    header = "变化（2025 年度减 2024 年度）"
    newer_first = queries.two_year_table(rows, 2025, 2024, _plain)
    assert newer_first.columns == ["项目", "2025 年度", "2024 年度", header]
    assert newer_first["2025 年度"].to_list()[:2] == ["int:2", "points:90"]
    assert newer_first[header].to_list() == ["int:+3", "points:+9.5", ""]
    swapped = [(r[0], r[1], r[3], r[2], *r[4:]) for r in rows]
    older_first = queries.two_year_table(swapped, 2024, 2025, _plain)
    assert older_first.columns == ["项目", "2024 年度", "2025 年度", header]
    assert older_first["2024 年度"].to_list()[:2] == ["int:5", "points:80.5"]
    assert older_first[header].to_list() == newer_first[header].to_list()


@pytest.mark.parametrize(
    "years, year, expected",
    [
        (range(2014, 2026), 2024, (2024, 2023)),  # a unit that also has 2025: not 2024 twice
        ([2021, 2023, 2025], 2025, (2025, 2023)),  # the year before it that the unit has
        ([2022, 2023, 2025], 2024, (2023, 2022)),  # no report of the year: the newest before
        ([2025, 2026], 2024, (2026, 2025)),  # nothing before: its two oldest
        ([2024], 2024, (2024, 2024)),  # one report: nothing else to compare with
    ],
)
def test_comparison_years_are_the_year_and_the_one_before_it(years, year, expected):
    assert queries.comparison_years(list(years)[::-1], year) == expected


@pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
def test_timeliness_opens_handling_with_days_late_marked(demo):
    """A figure whose cause is 年报发布及时性 (no table cell prints a date) opens 办理情况 with
    逾期天数 to mark there, like the other figures open 原文 with their cell marked."""
    _, _, ranked, _, focus, _ = demo
    reported = ranked.filter(~pl.col("missing"))["agency_id"].to_list()
    late = focus.filter((pl.col("figure") == "days_late") & pl.col("agency_id").is_in(reported))
    assert late.height == len(reported)
    assert set(late["tab"]) == {"办理情况"} and set(late["mark"]) == {"days_late"}
    by_cause = focus.filter(pl.col("indicator") == "年报发布及时性")
    assert not by_cause.is_empty(), "the demo has a unit whose move or loss is its timeliness"
    assert set(by_cause["mark"]) == {"days_late"} and set(by_cause["tab"]) == {"办理情况"}
    others = focus.filter(pl.col("figure").is_in(["completion_rate", "disclosure_rate"]))
    assert others["mark"].null_count() == others.height


def test_a_score_change_is_taken_between_the_printed_scores():
    """79.994 and 80.126 print as 79.99 and 80.13: the change a reader checks is +0.14, not the
    +0.13 of the unrounded totals (the same for an indicator's points)."""
    ranked = pl.DataFrame(
        {
            "agency_id": ["X"],
            "agency_name": ["X局"],
            "peer_group": ["甲组"],
            "missing": [False],
            "total": [80.126],
            "rank_change": [0],
            "completion.points": [15.126],
            "disclosure.points": [10.0],
        }
    )
    prev = pl.DataFrame(
        {
            "agency_id": ["X"],
            "missing": [False],
            "total": [79.994],
            "completion.points": [14.994],
            "disclosure.points": [10.0],
        }
    )
    ind = _indicators([("X", i, "linear", False, 0.0) for i in IND])
    got = leader.move_causes(ranked, _run(ranked, ind), _run(prev, ind)).row(0, named=True)
    assert got["score_change"] == pytest.approx(0.14)
    assert got["cause"] == "办结率 +0.1 分"
    moves = leader._indicator_moves(ranked, _run(ranked, ind), _run(prev, ind))
    assert moves.sort("indicator")["delta"].to_list() == pytest.approx([0.14, 0.0])
