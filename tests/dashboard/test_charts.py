"""Chart builders are pure: inspect the figure dict, no browser."""

from __future__ import annotations

import polars as pl

import queries
from dashboard import charts


def test_outcomes_chart_has_one_bar_per_outcome_and_a_requests_line(con):
    agency = queries.figures(con)["agency_id"][0]
    profile = queries.agency_profile(con, agency_id=agency)
    fig = charts.outcomes_by_year(profile).to_dict()
    kinds = [t["type"] for t in fig["data"]]
    assert kinds == ["bar"] * len(charts.OUTCOMES) + ["scatter"]
    assert fig["layout"]["barmode"] == "stack"
    assert fig["layout"]["title"]["text"] == "依申请公开办理结果"
    assert "Noto Sans CJK SC" in fig["layout"]["template"]["layout"]["font"]["family"]


def test_score_distribution_has_a_trace_per_flag_present():
    ranked = pl.DataFrame({"score": [90.0, 80.0, 40.0], "flag": ["", "amber", "amber"]})
    fig = charts.score_distribution(ranked).to_dict()
    assert [t["name"] for t in fig["data"]] == ["黄色预警", "正常"]
    assert sum(len(t["x"]) for t in fig["data"]) == 3


def test_review_chart_stacks_four_outcomes_for_reviews_and_suits(con):
    trend = queries.review_litigation_trend(con)
    fig = charts.review_outcomes(trend).to_dict()
    assert len(fig["data"]) == 8
    assert {t["name"] for t in fig["data"]} >= {"复议·纠正", "诉讼·纠正"}


def test_rate_trend_adds_the_peer_median_when_given(con):
    fig_rows = queries.figures(con).filter(pl.col("peer_group").is_not_null())
    agency, group = fig_rows["agency_id"][0], fig_rows["peer_group"][0]
    profile = queries.agency_profile(con, agency_id=agency)
    assert len(charts.rate_trends(profile).data) == 2
    assert len(charts.rate_trends(profile, queries.peer_median(con, peer_group=group)).data) == 3
