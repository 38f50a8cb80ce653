"""Vega-Lite bar charts of one year (dashboard/vega.py has the shared pieces, the reasons for
Vega-Lite rather than Plotly on a first paint, and the charts across the years): the score
distribution, findings by rule, an agency's points per indicator, the biggest rank moves."""

from __future__ import annotations

import polars as pl

from dashboard.vega import COLORWAY, FLAGS, LEGEND, bars_height, chart_spec
from queries.labels import col


def score_distribution(ranked: pl.DataFrame) -> dict:
    """Scores in 5-point bins, stacked by flag colour so red and amber stand out."""
    rows = []
    for flag, name, _ in FLAGS:
        part = ranked.filter(pl.col("flag") == flag)["score"].drop_nulls()
        counts: dict[int, int] = {}
        for s in part.to_list():
            start = min(int(s // 5) * 5, 95)
            counts[start] = counts.get(start, 0) + 1
        rows += [
            {"start": b, "end": b + 5, "flag": name, "n": n} for b, n in sorted(counts.items())
        ]
    present = [(name, colour) for _, name, colour in FLAGS if any(r["flag"] == name for r in rows)]
    totals: dict[int, int] = {}
    for r in rows:  # stacked here (red at the bottom), so the axis is sized to the stack
        r["bottom"] = totals.get(r["start"], 0)
        totals[r["start"]] = r["top"] = r["bottom"] + r["n"]
    bars = {
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {
                "field": "start",
                "type": "ordinal",
                "title": col("score"),
                # every 5-point bin on the axis, empty ones too, labelled by its range
                "scale": {"domain": list(range(0, 100, 5))},
                "axis": {"labelAngle": 0, "labelExpr": "datum.value + '–' + (datum.value + 5)"},
            },
            "y": {
                "field": "top",
                "type": "quantitative",
                "title": col("agencies"),
                "axis": {"format": ",d", "tickMinStep": 1},
                "scale": {"domain": [0, max(totals.values(), default=1)], "nice": True},
            },
            "y2": {"field": "bottom"},
            "color": {
                "field": "flag",
                "type": "nominal",
                "legend": LEGEND,
                "scale": {"domain": [n for n, _ in present], "range": [c for _, c in present]},
            },
        },
    }
    return chart_spec("得分分布", rows, [bars])


def findings_by_rule(summary: pl.DataFrame) -> dict:
    rows = [{"rule": r["rule_label"], "n": r["findings"]} for r in summary.iter_rows(named=True)]
    bars = {
        "mark": {"type": "bar", "tooltip": True, "color": COLORWAY[0]},
        "encoding": {
            "y": {
                "field": "rule",
                "type": "nominal",
                "title": None,
                "sort": None,
                "axis": {"labelLimit": 320, "labelOverlap": False},
            },
            "x": {
                "field": "n",
                "type": "quantitative",
                "title": col("findings"),
                "axis": {"format": ",d", "tickMinStep": 1},
            },
        },
    }
    return chart_spec("问题按规则分布", rows, [bars], height=bars_height(len(rows), 26))


def indicator_breakdown(breakdown: pl.DataFrame) -> dict:
    """Horizontal bars: points per indicator (columns `indicator`, `points`), losses in red."""
    rows = [
        {"indicator": r["indicator"], "points": r["points"] or 0, "lost": (r["points"] or 0) < 0}
        for r in breakdown.iter_rows(named=True)
    ]
    bars = {
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y": {
                "field": "indicator",
                "type": "nominal",
                "title": None,
                "sort": None,
                "axis": {"labelLimit": 320, "labelOverlap": False},
            },
            "x": {"field": "points", "type": "quantitative", "title": "分"},
            "color": {
                "field": "lost",
                "type": "nominal",
                "legend": None,
                "scale": {"domain": [False, True], "range": [COLORWAY[0], COLORWAY[3]]},
            },
        },
    }
    return chart_spec("各指标得分", rows, [bars], height=bars_height(len(rows), 30))


def rank_moves(moves: pl.DataFrame) -> dict:
    """Biggest risers and fallers: horizontal bars, green up, red down, the change printed; a
    bar is selectable (parameter "pick", field agency_id) so the page can link its profile.
    Vega draws the names as SVG text: nothing in them is read as markup."""
    rows = [
        {
            "agency_id": r["agency_id"],
            "agency_name": r["agency_name"],
            "change": r["rank_change"],
            "label": f"{r['rank_change']:+d}",
            "up": (r["rank_change"] or 0) > 0,
        }
        for r in moves.iter_rows(named=True)
    ]
    y = {
        "field": "agency_name",
        "type": "nominal",
        "title": None,
        "sort": None,
        "axis": {"labelLimit": 260, "labelOverlap": False},
    }
    x = {
        "field": "change",
        "type": "quantitative",
        "title": "名次变化（正数为上升）",
        "axis": {"format": "+d"},
    }
    bars = {
        "params": [{"name": "pick", "select": {"type": "point", "fields": ["agency_id"]}}],
        "mark": {"type": "bar", "tooltip": True, "cursor": "pointer"},
        "encoding": {
            "y": y,
            "x": x,
            "color": {
                "field": "up",
                "type": "nominal",
                "legend": None,
                "scale": {"domain": [True, False], "range": ["#3a9d5d", "#c23b3b"]},
            },
            "opacity": {"condition": {"param": "pick", "value": 1}, "value": 0.45},
        },
    }
    text = {
        "mark": {
            "type": "text",
            "align": {"expr": "datum.up ? 'left' : 'right'"},
            "dx": {"expr": "datum.up ? 4 : -4"},
            "fontSize": 12,
        },
        "encoding": {"y": y, "x": x, "text": {"field": "label"}},
    }
    return chart_spec(
        "名次升降最多的单位（与上年比）", rows, [bars, text], height=bars_height(len(rows), 28)
    )


def days_before_deadline(dated: pl.DataFrame, kinds: dict) -> dict:
    """数据质量·发布及时性: reports by days between publication and the legal deadline (5-day
    bins, negative = early), one translucent layer per agency kind, the deadline as a rule."""
    rows = [
        {"days": int(r["days_late"]), "kind": kinds.get(r["kind"], kinds[None])}
        for r in dated.iter_rows(named=True)
        if r["days_late"] is not None
    ]
    order = list(dict.fromkeys(kinds.get(k, kinds[None]) for k in dated["kind"].to_list()))
    bars = {
        "mark": {"type": "bar", "opacity": 0.7, "tooltip": True},
        "encoding": {
            "x": {
                "field": "days",
                "type": "quantitative",
                "bin": {"step": 5},
                "title": "发布日 − 法定期限（天）",
            },
            "y": {"aggregate": "count", "type": "quantitative", "stack": None, "title": "年报数"},
            "color": {"field": "kind", "type": "nominal", "legend": LEGEND, "sort": order},
        },
    }
    deadline = {
        "data": {"values": [{"days": 0, "text": "法定期限"}]},
        "layer": [
            {"mark": {"type": "rule", "strokeDash": [4, 3], "color": "#333333"}},
            {
                "mark": {"type": "text", "align": "left", "dx": 4, "baseline": "top", "y": 0},
                "encoding": {"text": {"field": "text"}},
            },
        ],
        "encoding": {"x": {"field": "days", "type": "quantitative"}},
    }
    return chart_spec("发布日期相对法定期限（天，负数为提前）", rows, [bars, deadline])
