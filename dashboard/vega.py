"""Pure Vega-Lite builders for every chart of the dashboard: (polars frame) -> spec.
Here the shared pieces and the charts across the years; the bar charts of one year are in
dashboard/vega_bars.py.

Why not Plotly: the first Plotly chart in a session makes the browser fetch and run
Streamlit's 4.7 MB Plotly bundle, the biggest single cost of a cold view (bench/RESULTS.md),
and of a tab that drew one (单位画像·对比, 数据质量·发布及时性: about 1 s each);
st.vega_lite_chart needs about 0.8 MB. The data is inline in the spec (a few hundred rows at
most), so a spec is a plain dict tests can read.
"""

from __future__ import annotations

import polars as pl

from queries.labels import col

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
COLORWAY = ["#1f5fa8", "#e07b39", "#3a9d5d", "#c23b3b", "#8a63b8", "#8c8c8c", "#d4a017"]
OUTCOMES = ("granted", "partial", "denied", "unable", "rejected", "other_outcome")
TEMPLATE_CHANGE = 2019  # first report year on the national template (表三/表四); before: 旧版统计表

FLAGS = (("red", "红色预警", "#c23b3b"), ("amber", "黄色预警", "#e0a030"), ("", "正常", "#3a9d5d"))
REVIEW_OUTCOMES = {
    "upheld": "#3a9d5d",
    "corrected": "#c23b3b",
    "other": "#8c8c8c",
    "pending": "#e0a030",
}
LEGEND = {"orient": "bottom", "title": None, "direction": "horizontal", "columns": 4}
YEAR_AXIS = {"format": "d", "tickMinStep": 1, "labelAngle": 0}


def chart_spec(title: str, rows: list[dict], layers: list[dict], height: int = 360) -> dict:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": {"text": title, "anchor": "start", "fontSize": 15},
        "height": height,
        "config": {
            "font": FONT,
            "range": {"category": COLORWAY},
            # a unit such as 件 reads upright above the axis, not turned on its side
            "axisY": {
                "titleAngle": 0,
                "titleAlign": "right",
                "titleBaseline": "bottom",
                "titleX": -4,
                "titleY": -8,
            },
        },
        "data": {"values": rows},
        "layer": layers,
    }


def bars_height(n: int, step: int) -> int:
    """Height of a chart of `n` horizontal bars, `step` pixels each: Streamlit fits the whole
    chart, title and axis included, into the height given, so they are added (else the bars
    are squeezed and their labels overlap)."""
    return max(180, 90 + step * n)


def _years(frame: pl.DataFrame) -> list[int]:
    return [int(y) for y in frame["year"].to_list() if y is not None]


def _template_mark(years: list[int]) -> list[dict]:
    """A dotted rule between 2018 and 2019 when the years cross the template change."""
    if not years or not (min(years) < TEMPLATE_CHANGE <= max(years)):
        return []
    at = {"datum": TEMPLATE_CHANGE - 0.5, "type": "quantitative"}
    once = {"values": [{}]}  # one mark, not one per row of the chart's data (overprinted text)
    return [
        {
            "data": once,
            "mark": {"type": "rule", "strokeDash": [2, 3], "color": "#8c8c8c"},
            "encoding": {"x": at},
        },
        {
            "data": once,
            "mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 11, "color": "#666"},
            "encoding": {
                "x": at,
                "y": {"value": 8},
                "text": {"value": "2019 年起新版模板（口径变化）"},
            },
        },
    ]


def _long(frame: pl.DataFrame, columns: dict[str, str]) -> list[dict]:
    """Rows {year, series, value} for the columns {column: series name}, nulls dropped."""
    rows = []
    for r in frame.iter_rows(named=True):
        for c, name in columns.items():
            if r.get(c) is not None:
                rows.append({"year": int(r["year"]), "series": name, "value": float(r[c])})
    return rows


def _year_x(years: list[int]) -> dict:
    lo, hi = (min(years), max(years)) if years else (0, 1)
    return {
        "field": "year",
        "type": "quantitative",
        "title": col("year"),
        "axis": YEAR_AXIS,
        "scale": {"domain": [lo - 0.5, hi + 0.5], "nice": False},
    }


def outcomes_by_year(profile: pl.DataFrame) -> dict:
    """Stacked bars: how requests were answered each year, plus requests received as a line."""
    names = [col(c) for c in OUTCOMES]
    rows = _long(profile, {c: col(c) for c in (*OUTCOMES, "requests")})
    colour = {
        "field": "series",
        "type": "nominal",
        "legend": LEGEND,
        "sort": [*names, col("requests")],
        "scale": {"domain": [*names, col("requests")], "range": [*COLORWAY[:6], "#333333"]},
    }
    y = {
        "field": "value",
        "type": "quantitative",
        "title": "件",
        "axis": {"format": ",d", "tickMinStep": 1},
    }
    years = _years(profile)
    bars = {
        "transform": [{"filter": {"field": "series", "oneOf": names}}],
        "mark": {"type": "bar", "tooltip": True, "width": {"band": 0.7}},
        "encoding": {
            "x": _year_x(years),
            "y": {**y, "stack": "zero"},
            "color": colour,
            "order": {"field": "series_order", "type": "quantitative"},
        },
    }
    line = {
        "transform": [{"filter": {"field": "series", "equal": col("requests")}}],
        "mark": {"type": "line", "point": True, "strokeDash": [4, 3], "tooltip": True},
        "encoding": {"x": _year_x(years), "y": y, "color": colour},
    }
    for r in rows:
        r["series_order"] = names.index(r["series"]) if r["series"] in names else len(names)
    return chart_spec("依申请公开办理结果", rows, [bars, line, *_template_mark(years)])


def _lines(title: str, rows: list[dict], years: list[int], dashed: tuple[str, ...] = ()) -> dict:
    series = list(dict.fromkeys(r["series"] for r in rows))
    line = {
        "mark": {"type": "line", "point": True, "tooltip": True},
        "encoding": {
            "x": _year_x(years),
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": None,
                "axis": {"labelExpr": "datum.value + '%'"},
                "scale": {"domain": [0, 105]},
            },
            "color": {"field": "series", "type": "nominal", "legend": LEGEND, "sort": series},
            "strokeDash": {
                "field": "dashed",
                "type": "nominal",
                "legend": None,
                "scale": {"domain": [False, True], "range": [[1, 0], [6, 4]]},
            },
        },
    }
    for r in rows:
        r["dashed"] = r["series"] in dashed
    return chart_spec(title, rows, [line, *_template_mark(years)])


def rate_trends(profile: pl.DataFrame, median: pl.DataFrame | None = None) -> dict:
    """办结率 and 按时办结率 by year, with the peer-group median dashed."""
    rows = _long(profile, {c: col(c) for c in ("completion_rate", "on_time_rate")})
    if median is not None and median.height:
        rows += _long(median, {"completion_rate": "对标组中位数·办结率"})
    return _lines("办结率与按时办结率", rows, _years(profile), dashed=("对标组中位数·办结率",))


def correction_rates(trend: pl.DataFrame) -> dict:
    rows = _long(trend, {c: col(c) for c in ("review_correction_rate", "suit_correction_rate")})
    spec = _lines("纠错率走势", rows, _years(trend))
    spec["layer"][0]["encoding"]["y"]["scale"] = {"zero": True}  # rates far below 100 %
    return spec


def review_outcomes(trend: pl.DataFrame) -> dict:
    """Reviews and lawsuits side by side per year, each stacked by outcome (lawsuits paler)."""
    years = _years(trend)
    crosses = bool(years) and min(years) < TEMPLATE_CHANGE <= max(years)
    title = "行政复议与行政诉讼结果" + (
        "（2019 年起为新版表四，之前为旧版统计表）" if crosses else ""
    )
    outcomes = [col(f"review_{o}")[2:] for o in REVIEW_OUTCOMES]
    rows = []
    for r in trend.iter_rows(named=True):
        for group, label in (("review", "复议"), ("suit", "诉讼")):
            for n, (o, name) in enumerate(zip(REVIEW_OUTCOMES, outcomes)):
                rows.append(
                    {
                        "year": str(r["year"]),
                        "group": label,
                        "outcome": name,
                        "order": n,
                        "n": r.get(f"{group}_{o}") or 0,
                    }
                )
    bars = {
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {
                "field": "year",
                "type": "ordinal",
                "title": col("year"),
                "axis": {"labelAngle": 0},
            },
            "xOffset": {"field": "group", "sort": ["复议", "诉讼"]},
            "y": {
                "field": "n",
                "type": "quantitative",
                "stack": "zero",
                "title": "件",
                "axis": {"format": ",d", "tickMinStep": 1},
            },
            "color": {
                "field": "outcome",
                "type": "nominal",
                "legend": LEGEND,
                "sort": outcomes,
                "scale": {"domain": outcomes, "range": list(REVIEW_OUTCOMES.values())},
            },
            "opacity": {
                "field": "group",
                "type": "nominal",
                "sort": ["复议", "诉讼"],
                "scale": {"domain": ["复议", "诉讼"], "range": [1.0, 0.55]},
                "legend": None,  # said in the subtitle
            },
            "order": {"field": "order", "type": "quantitative"},
        },
    }
    spec = chart_spec(title, rows, [bars])
    spec["title"]["subtitle"] = "每年左柱为行政复议，右柱（浅色）为行政诉讼"
    return spec


def province_trends(trend: pl.DataFrame) -> dict:
    """Province-wide (or peer group) medians per year: 办结率, 公开率 and the share of late reports."""
    names = {
        "completion_rate": "办结率中位数",
        "disclosure_rate": "公开率中位数",
        "late_share": "逾期发布单位占比",
    }
    return _lines("全省趋势（各单位中位数）", _long(trend, names), _years(trend))


def agencies_over_years(
    series: pl.DataFrame, picked: list[str], names: dict[str, str], figure: str, rate: bool
) -> dict:
    """单位画像·对比: one figure across the years, a line per agency picked (in that order);
    rates on a 0–105 % axis, counts as whole numbers from zero."""
    rows = [
        {"year": int(r["year"]), "series": names[a], "value": float(r[figure])}
        for a in picked
        for r in series.filter(pl.col("agency_id") == a).iter_rows(named=True)
        if r["year"] is not None and r[figure] is not None
    ]
    spec = _lines(f"{col(figure)}（逐年）", rows, _years(series))
    if not rate:
        spec["layer"][0]["encoding"]["y"] |= {
            "axis": {"format": ",d", "tickMinStep": 1},
            "scale": {"zero": True},
        }
    # the legend lists every agency picked, in the order picked (one with no value too)
    spec["layer"][0]["encoding"]["color"]["sort"] = [names[a] for a in picked]
    spec["layer"][0]["encoding"]["color"]["scale"] = {"domain": [names[a] for a in picked]}
    return spec
