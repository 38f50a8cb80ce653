"""Scoring the hand-built province (conftest.py) under the test scheme (conftest.SCHEME).

Test scheme: completion linear 100→full, 50→zero, weight 40, reweight; disclosure rank, 20,
peer_median; corrected deduction 4/event cap 10, weight 20, zero; timeliness deduction 5 per
10 days late (cap = weight 10), zero; inspection (manual) linear 0..100, weight 10, reweight;
innovation (manual) bonus 2/item cap 3; veto no_report -> 0; veto days_late > 60 -> cap 50.

Worked by hand, 2024, group G1 (disclosure values: C 100, A 73.68, B 50, D and E missing ->
peer median of (73.68, 50, 100) = 73.68; ranks C 1, A/D/E 2, B 5 of n=5 -> 20, 15, 15, 15, 0):
  A  completion 95% -> 40*(95-50)/50 = 36; disclosure 15; corrected 3 events*4 = 12 capped 10
     -> 10; days_late -5 -> 0 events -> 10; inspection 80 -> 8. 79/100 -> 79, bonus 1*2 = 2 -> 81.
  B  completion 100% -> 40; disclosure 0; corrected 0 -> 20; 15 days late -> 2 events * 5 = 10
     -> 0; inspection missing -> reweight: 60 of weight 90 -> 66.667; bonus 3*2 = 6 capped 3
     -> 69.67.
  C  (legacy, 3 requests: small sample, still scored) completion 40; disclosure 20; corrected
     N/A -> zero policy 0; days_late N/A -> zero 0; inspection 50 -> 5. 65.
  D  completion N/A (0 requests) -> dropped; disclosure imputed 15; corrected 20; 70 days late
     -> 7 events capped 10 -> 0; inspection dropped: 35 of 50 -> 70; veto 70 > 60 -> cap 50.
  E  no report: completion dropped, disclosure imputed 15, corrected 0, timeliness 0,
     inspection dropped: 15 of 50 -> 30; veto no_report -> 0.
  Ranks: A 1, B 2, C 3, D 4, E 5.
Group G2: F and G identical (completion 40, disclosure tie at rank 1 of 3 -> 20, corrected 20,
timeliness 0 days -> 10; inspection dropped: 90/90) -> 100 each, tied rank 1; H completion
50% -> 0, disclosure 0% rank 3 -> 0, 20 + 10 = 30/90 -> 33.33, rank 3 (after a tie of two).
2023 (rank change): A completion 50% -> 0, timeliness 10, corrected N/A -> 0, disclosure N/A
everywhere -> dropped, inspection dropped: 10/70 = 14.29; B completion 100% -> 40 + 10 = 50/70
= 71.43; C, D, E no report -> 0 (tied rank 3). So rank_change A +1, B -1, C 0, D -1, E -2;
G2 had no reports in 2023 -> no rank change.
"""

from __future__ import annotations

import polars as pl
import pytest

from assess import assess_year, deductions, indicator_scores, load_scheme, score_year

EXPECTED = {  # agency: (total, rank, tied, rank_change, missing)
    "A": (81.0, 1, False, 1, False),
    "B": (69.67, 2, False, -1, False),
    "C": (65.0, 3, False, 0, False),
    "D": (50.0, 4, False, -1, False),
    "E": (0.0, 5, False, -2, True),
    "F": (100.0, 1, True, None, False),
    "G": (100.0, 1, True, None, False),
    "H": (33.33, 3, False, None, False),
}


def _row(df: pl.DataFrame, agency: str) -> dict:
    return df.filter(pl.col("agency_id") == agency).row(0, named=True)


def test_totals_ranks_ties_and_rank_change_by_hand(con, scheme_path):
    scores = score_year(con, 2024, scheme_path)
    assert scores.height == len(EXPECTED)
    for agency, (total, rank, tied, change, missing) in EXPECTED.items():
        r = _row(scores, agency)
        assert (r["total"], r["rank"], r["tied"], r["rank_change"], r["missing"]) == (
            total,
            rank,
            tied,
            change,
            missing,
        ), agency
    # contribution = total × performance_share (0.05)
    assert _row(scores, "A")["contribution"] == pytest.approx(4.05)
    # ordered best first within each peer group
    assert scores["agency_id"].to_list() == ["A", "B", "C", "D", "E", "F", "G", "H"]


def test_indicator_points_by_hand(con, scheme_path):
    scores = score_year(con, 2024, scheme_path)
    a, b, d = _row(scores, "A"), _row(scores, "B"), _row(scores, "D")
    assert a["completion.value"] == pytest.approx(95.0)
    assert (
        a["completion.points"],
        a["disclosure.points"],
        a["corrected.points"],
        a["timeliness.points"],
        a["inspection.points"],
    ) == pytest.approx((36, 15, 10, 10, 8))
    assert b["disclosure.points"] == 0 and b["timeliness.points"] == 0
    assert b["inspection.points"] is None and b["weight_present"] == 90  # reweighted
    assert d["completion.value"] is None and d["completion.points"] is None
    assert d["disclosure.value"] is None and d["disclosure.points"] == 15  # peer median
    assert d["weight_present"] == 50


def test_small_sample_is_flagged_and_scored(con, scheme_path):
    c = _row(score_year(con, 2024, scheme_path), "C")
    assert c["completion.small_sample"] and c["completion.points"] == 40
    assert not _row(score_year(con, 2024, scheme_path), "A")["completion.small_sample"]


def test_small_sample_missing_policy_drops_the_rate(con, scheme_path, tmp_path):
    # small_sample = "missing" on completion: C's 3-case rate is treated as missing ->
    # reweight: disclosure 20 + inspection 5 = 25 of weight 60 -> 41.67.
    text = scheme_path.read_text(encoding="utf-8").replace(
        'weight = 40\nmissing = "reweight"',
        'weight = 40\nmissing = "reweight"\nsmall_sample = "missing"',
    )
    (tmp_path / "s2.toml").write_text(text, encoding="utf-8")
    c = _row(score_year(con, 2024, tmp_path / "s2.toml"), "C")
    assert c["total"] == 41.67 and c["completion.points"] is None and c["completion.small_sample"]


def test_deductions_have_reasons_and_add_up(con, scheme_path):
    ded = deductions(con, 2024, scheme_path)
    assert ded.columns == ["agency_id", "indicator", "indicator_name", "points", "reason", "source"]
    a = {r["indicator"]: r for r in ded.filter(pl.col("agency_id") == "A").iter_rows(named=True)}
    assert {k: v["points"] for k, v in a.items()} == {
        "completion": 4,
        "disclosure": 5,
        "corrected": 10,
        "inspection": 2,
        "innovation": -2,
    }
    # no reweighting for A: 100 − Σ points = total
    assert 100 - sum(v["points"] for v in a.values()) == 81
    assert a["corrected"]["reason"] == "纠错败诉 3件：3 次 × 4 分，封顶 10 分"
    assert a["inspection"]["source"] == "manual:manual.csv"
    assert a["corrected"]["source"].endswith("metric corrected_count")
    b = {r["indicator"]: r for r in ded.filter(pl.col("agency_id") == "B").iter_rows(named=True)}
    assert b["innovation"]["points"] == -3 and "封顶 3 分" in b["innovation"]["reason"]
    assert b["inspection"]["points"] == 0 and "按比例分给其余指标" in b["inspection"]["reason"]
    d = {r["indicator"]: r for r in ded.filter(pl.col("agency_id") == "D").iter_rows(named=True)}
    assert d["very_late"]["points"] == 20 and "总分上限 50" in d["very_late"]["reason"]
    assert "同组中位数" in d["disclosure"]["reason"]
    e = {r["indicator"]: r for r in ded.filter(pl.col("agency_id") == "E").iter_rows(named=True)}
    assert e["no_report"]["points"] == 30 and e["no_report"]["source"] == "registry"
    assert (
        e["corrected"]["reason"] == "纠错败诉：无数据，按零分计" and e["corrected"]["points"] == 20
    )


def test_peer_group_filter_scores_only_that_group(con, scheme_path):
    g2 = score_year(con, 2024, scheme_path, peer_group="G2")
    assert g2["agency_id"].to_list() == ["F", "G", "H"]
    assert g2["total"].to_list() == [100.0, 100.0, 33.33]


def test_changing_weights_in_the_file_changes_the_ranking_as_predicted(con, scheme_path, tmp_path):
    # Move 20 points from completion (40 -> 20) to disclosure (20 -> 40); by hand:
    # A 18+30+10+10+8 = 76 +2 = 78; C 20+40+0+0+5 = 65; D 30+20+0 = 50 of weight 70 = 71.43
    # -> veto 50; B 20+0+20+0 = 40/90 = 44.44 +3 = 47.44. B falls from 2nd to 4th.
    text = scheme_path.read_text(encoding="utf-8")
    text = text.replace("zero = 50\nweight = 40", "zero = 50\nweight = 20")
    text = text.replace('kind = "rank"\nweight = 20', 'kind = "rank"\nweight = 40')
    changed = tmp_path / "changed.toml"
    changed.write_text(text, encoding="utf-8")
    before = score_year(con, 2024, scheme_path).filter(pl.col("peer_group") == "G1")
    after = score_year(con, 2024, changed).filter(pl.col("peer_group") == "G1")
    assert before["agency_id"].to_list() == ["A", "B", "C", "D", "E"]
    assert after["agency_id"].to_list() == ["A", "C", "D", "B", "E"]
    assert after["total"].to_list() == [78.0, 65.0, 50.0, 47.44, 0.0]


def test_missing_report_without_veto_uses_the_policies(con, scheme_path, tmp_path):
    # Without the no_report veto, E keeps its policy score: 15 of 50 -> 30.
    text = scheme_path.read_text(encoding="utf-8").replace(
        'when = "no_report"\ncap = 0', 'when = "no_report"\ncap = 100'
    )
    p = tmp_path / "noveto.toml"
    p.write_text(text, encoding="utf-8")
    assert _row(score_year(con, 2024, p), "E")["total"] == 30.0


def test_assess_year_views_agree(con, scheme_path):
    s = load_scheme(scheme_path)
    run = assess_year(con, 2024, s)
    long = indicator_scores(con, 2024, s)
    assert run.indicators.height == long.height == 8 * len(s.indicators)
    assert run.scores.equals(score_year(con, 2024, s))


def test_unconfirmed_agency_without_report_is_not_listed(con, scheme_path):
    con.execute(
        "INSERT INTO agencies (agency_id, name, peer_group, confirmed) VALUES ('U-1', '某某', 'G1', false)"
    )
    assert "U-1" not in score_year(con, 2024, scheme_path)["agency_id"].to_list()


def test_empty_database_scores_nothing(scheme_path):
    import duckdb

    from etl.schema import ensure_schema

    c = duckdb.connect()
    ensure_schema(c)
    assert score_year(c, 2024, scheme_path).is_empty()
    assert deductions(c, 2024, scheme_path).is_empty()


def test_printed_points_add_up_to_the_cent(con, scheme_path):
    """Each indicator's points are rounded to the cent first; 原始得分合计 is their sum, 折算后得分
    is it ×100/有数据权重 rounded once, and 总分 = 折算后得分 + 加分, so a sheet adds up as printed.
    Under a variant (办结率 zero line 40, 检查得分 full at 120) A gets 40 × 55/60 = 36.667 → 36.67
    and 10 × 80/120 = 6.667 → 6.67: 36.67 + 15 + 10 + 10 + 6.67 = 78.34, + bonus 2 = 80.34 (from
    the unrounded points it was 78.33 and 80.33: parts that did not add up to the printed sum)."""
    text = scheme_path.read_text(encoding="utf-8")
    text = text.replace("full = 100\nzero = 50", "full = 100\nzero = 40")
    text = text.replace("full = 100\nzero = 0", "full = 120\nzero = 0")
    scheme_path.write_text(text, encoding="utf-8")
    scores = score_year(con, 2024, scheme_path)
    a = _row(scores, "A")
    assert (a["completion.points"], a["inspection.points"]) == (36.67, 6.67)
    assert (a["raw_points"], a["scaled_points"], a["bonus_points"], a["total"]) == (
        78.34,
        78.34,
        2.0,
        80.34,
    )
    b = _row(scores, "B")  # inspection N/A: 60 of the 90 points of weight with data
    assert (b["raw_points"], b["weight_present"], b["scaled_points"], b["total"]) == (
        60.0,
        90.0,
        66.67,
        69.67,
    )
    weighted = [i.id for i in load_scheme(scheme_path).indicators if i.weighted]
    for r in scores.filter(~pl.col("missing")).iter_rows(named=True):
        points = [r[f"{i}.points"] for i in weighted if r[f"{i}.points"] is not None]
        assert all(p == round(p, 2) for p in points), r["agency_id"]
        assert round(sum(points), 2) == r["raw_points"], r["agency_id"]
        assert round(r["raw_points"] * 100 / r["weight_present"], 2) == r["scaled_points"]


def test_a_small_sample_reason_says_whether_it_was_scored(con, scheme_path):
    """C's 办结率 is 3 requests (min_cases 5): the test scheme scores it anyway and the reason says
    so; a scheme that treats small samples as missing says the value was not scored, never
    "无数据" beside a value."""
    long = indicator_scores(con, 2024, scheme_path)
    c = long.filter((pl.col("agency_id") == "C") & (pl.col("indicator") == "completion"))
    assert c["reason"][0].endswith("（样本仅 3 件，不足 5 件，照常计分）")
    text = scheme_path.read_text(encoding="utf-8")
    scheme_path.write_text(
        text.replace(
            'weight = 40\nmissing = "reweight"',
            'weight = 40\nmissing = "reweight"\nsmall_sample = "missing"',
        ),
        encoding="utf-8",
    )
    long = indicator_scores(con, 2024, scheme_path)
    c = long.filter((pl.col("agency_id") == "C") & (pl.col("indicator") == "completion"))
    assert c["points"][0] is None
    assert (
        c["reason"][0].startswith("办结率 ")
        and "：样本仅 3 件（不足 5 件），不计分，权重 40 分" in c["reason"][0]
    )


def test_a_timeliness_reason_says_early_on_time_or_late_in_words(con, scheme_path):
    """days_late is negative for an early report: A (5 days early) read 「及时性 -5天：0 次 × 5 分」
    (北岚县人民政府 in the demo: 「-55天」); it says 提前 … 天发布 and that nothing is deducted.
    The same text is the 扣分明细 of the XLSX/CSV (assess.deductions)."""
    long = indicator_scores(con, 2024, scheme_path).filter(pl.col("indicator") == "timeliness")
    reason = dict(zip(long["agency_id"], long["reason"]))
    name = _row(long, "A")["indicator_name"]
    assert reason["A"] == f"{name} 提前 5 天发布，未逾期：不扣分"
    assert reason["B"] == f"{name} 逾期 15 天发布：2 次 × 5 分"
    assert reason["F"] == f"{name} 按期发布，未逾期：不扣分"
    corrected = indicator_scores(con, 2024, scheme_path).filter(pl.col("indicator") == "corrected")
    assert _row(corrected, "B")["reason"].endswith("：不扣分")  # not 「0 次 × 4 分」
