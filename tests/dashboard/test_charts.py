"""Chart builders are pure: inspect the figure dict / Vega-Lite spec, no browser."""

from __future__ import annotations

import polars as pl
import pytest

import queries
from dashboard import vega, vega_bars


def _layer(spec: dict, mark: str) -> dict:
    return next(
        layer for layer in spec["layer"] if (layer["mark"].get("type") or layer["mark"]) == mark
    )


@pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
def test_outcomes_chart_stacks_six_outcomes_under_a_requests_line(con):
    agency = queries.figures(con)["agency_id"][0]
    profile = queries.agency_profile(con, agency_id=agency)
    spec = vega.outcomes_by_year(profile)
    assert spec["title"]["text"] == "依申请公开办理结果"
    assert "Noto Sans CJK SC" in spec["config"]["font"]
    bars, line = _layer(spec, "bar"), _layer(spec, "line")
    assert len(bars["transform"][0]["filter"]["oneOf"]) == len(vega.OUTCOMES)
    assert bars["encoding"]["y"]["stack"] == "zero"
    assert line["transform"][0]["filter"]["equal"] == "新收申请"
    requests = {r["year"]: r["value"] for r in spec["data"]["values"] if r["series"] == "新收申请"}
    expected = profile.filter(pl.col("requests").is_not_null())
    assert requests == dict(zip(expected["year"], map(float, expected["requests"])))


def test_score_distribution_counts_each_flag_present_in_five_point_bins():
    ranked = pl.DataFrame({"score": [90.0, 80.0, 40.0, 100.0], "flag": ["", "amber", "amber", ""]})
    spec = vega_bars.score_distribution(ranked)
    colour = spec["layer"][0]["encoding"]["color"]["scale"]
    assert colour["domain"] == ["黄色预警", "正常"]  # red absent: no legend entry for it
    assert colour["range"] == ["#e0a030", "#3a9d5d"]
    rows = {(r["start"], r["flag"]): r["n"] for r in spec["data"]["values"]}
    assert rows == {(80, "黄色预警"): 1, (40, "黄色预警"): 1, (90, "正常"): 1, (95, "正常"): 1}


@pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
def test_review_chart_puts_reviews_and_suits_side_by_side_per_year(con):
    trend = queries.review_litigation_trend(con)
    spec = vega.review_outcomes(trend)
    values = spec["data"]["values"]
    assert len(values) == trend.height * 2 * 4  # year × (复议, 诉讼) × four outcomes
    assert {r["outcome"] for r in values} == {"维持", "纠正", "其他", "未审结"}
    first = trend.row(0, named=True)
    corrected = {
        r["group"]: r["n"] for r in values if r["year"] == str(first["year"]) and r["order"] == 1
    }
    assert corrected == {
        "复议": first["review_corrected"] or 0,
        "诉讼": first["suit_corrected"] or 0,
    }


@pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
def test_rate_trend_adds_the_peer_median_dashed_when_given(con):
    fig_rows = queries.figures(con).filter(pl.col("peer_group").is_not_null())
    agency, group = fig_rows["agency_id"][0], fig_rows["peer_group"][0]
    profile = queries.agency_profile(con, agency_id=agency)
    alone = {r["series"] for r in vega.rate_trends(profile)["data"]["values"]}
    printed = {"completion_rate": "办结率", "on_time_rate": "按时办结率"}
    assert alone == {n for c, n in printed.items() if profile[c].drop_nulls().len()}
    both = vega.rate_trends(profile, queries.peer_median(con, peer_group=group))["data"]["values"]
    assert {r["series"] for r in both} == alone | {"对标组中位数·办结率"}
    assert {r["series"] for r in both if r["dashed"]} == {"对标组中位数·办结率"}


def test_the_template_change_is_marked_only_when_the_years_cross_it():
    crossing = pl.DataFrame({"year": [2017, 2018, 2019, 2020], "review_correction_rate": [1.0] * 4})
    crossing = crossing.with_columns(suit_correction_rate=pl.lit(2.0))
    after = crossing.filter(pl.col("year") >= 2019)
    rules = [
        layer
        for layer in vega.correction_rates(crossing)["layer"]
        if layer["mark"]["type"] == "rule"
    ]
    assert [r["encoding"]["x"]["datum"] for r in rules] == [2018.5]
    # the rule and its words are drawn once, not once per row of the chart (overprinted text)
    layers = vega.correction_rates(crossing)["layer"]
    marks = [layer for layer in layers if "datum" in layer.get("encoding", {}).get("x", {})]
    assert [(m["mark"]["type"], m["data"]["values"]) for m in marks] == [
        ("rule", [{}]),
        ("text", [{}]),
    ]
    assert not any(
        layer["mark"]["type"] == "rule" for layer in vega.correction_rates(after)["layer"]
    )


def test_rank_moves_bars_are_pickable_by_agency_and_keep_names_as_text():
    moves = pl.DataFrame(
        {"agency_id": ["A", "B"], "agency_name": ["<b>甲</b>局", "乙局"], "rank_change": [3, -2]}
    )
    spec = vega_bars.rank_moves(moves)
    bars = spec["layer"][0]
    assert bars["params"] == [
        {"name": "pick", "select": {"type": "point", "fields": ["agency_id"]}}
    ]
    rows = spec["data"]["values"]
    assert [(r["agency_name"], r["label"], r["up"]) for r in rows] == [
        ("<b>甲</b>局", "+3", True),
        ("乙局", "-2", False),
    ]


# The same builders on the small province (tests/small_province.py): declared rows, values
# worked out by hand, no ETL.


def test_outcomes_chart_draws_the_declared_requests_per_year(small_con):
    spec = vega.outcomes_by_year(queries.agency_profile(small_con, agency_id="GA"))
    requests = {r["year"]: r["value"] for r in spec["data"]["values"] if r["series"] == "新收申请"}
    assert requests == {2023: 20.0, 2024: 90.0}  # GA's 本年新收 as declared


def test_review_chart_on_the_small_province(small_con):
    spec = vega.review_outcomes(queries.review_litigation_trend(small_con))
    values = spec["data"]["values"]
    assert len(values) == 2 * 2 * 4  # 2023 and 2024 × (复议, 诉讼) × four outcomes
    corrected = {r["group"]: r["n"] for r in values if r["year"] == "2024" and r["order"] == 1}
    assert corrected == {"复议": 1, "诉讼": 2}  # GA: 1 review and 2 suits corrected; GB none


def test_agencies_over_years_draws_a_line_per_agency_in_the_order_picked():
    series = pl.DataFrame(
        {
            "agency_id": ["A", "A", "B", "B"],
            "year": [2018, 2024, 2018, 2024],
            "requests": [3, 12, None, 7],
            "completion_rate": [50.0, 100.0, 80.0, None],
        }
    )
    names = {"A": "甲局", "B": "<b>乙局</b>"}  # a name is data, never markup
    spec = vega.agencies_over_years(series, ["B", "A"], names, "requests", rate=False)
    assert spec["title"]["text"] == "新收申请（逐年）"
    line = _layer(spec, "line")
    assert line["encoding"]["color"]["scale"]["domain"] == ["<b>乙局</b>", "甲局"]
    assert line["encoding"]["y"]["axis"]["format"] == ",d"  # counts: whole numbers
    assert line["encoding"]["y"]["scale"] == {"zero": True}
    values = {(r["series"], r["year"]): r["value"] for r in spec["data"]["values"]}
    assert values == {("<b>乙局</b>", 2024): 7.0, ("甲局", 2018): 3.0, ("甲局", 2024): 12.0}
    assert _layer(spec, "rule")  # 2018 to 2024 crosses the 2019 template change
    rates = vega.agencies_over_years(series, ["A", "B"], names, "completion_rate", rate=True)
    assert _layer(rates, "line")["encoding"]["y"]["scale"] == {"domain": [0, 105]}
    assert len(rates["data"]["values"]) == 3  # B's missing 2024 rate is no point


def test_days_before_deadline_bins_by_five_days_per_kind_with_the_deadline():
    dated = pl.DataFrame(
        {"days_late": [-12, -3, 4, None], "kind": ["government", "department", None, "department"]}
    )
    spec = vega_bars.days_before_deadline(
        dated, {"government": "政府", "department": "部门", None: "未分类"}
    )
    bars = _layer(spec, "bar")
    assert bars["encoding"]["x"]["bin"] == {"step": 5}
    assert bars["encoding"]["y"]["stack"] is None  # overlaid, as the kinds overlap
    assert bars["encoding"]["color"]["sort"] == ["政府", "部门", "未分类"]
    assert spec["data"]["values"] == [
        {"days": -12, "kind": "政府"},
        {"days": -3, "kind": "部门"},
        {"days": 4, "kind": "未分类"},
    ]
    deadline = next(layer for layer in spec["layer"] if "layer" in layer)
    assert deadline["data"]["values"] == [{"days": 0, "text": "法定期限"}]
