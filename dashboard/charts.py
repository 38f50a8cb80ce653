"""Pure plotly figure builders: (polars frame, ...) -> go.Figure. One template, Chinese labels."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.safe_text import plot
from queries.labels import col

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
COLORWAY = ["#1f5fa8", "#e07b39", "#3a9d5d", "#c23b3b", "#8a63b8", "#8c8c8c", "#d4a017"]
TEMPLATE = go.layout.Template(
    layout=dict(
        font=dict(family=FONT, size=13),
        colorway=COLORWAY,
        margin=dict(l=50, r=20, t=50, b=40),
        # Legend under the plot: above it, a horizontal legend collides with the title.
        legend=dict(orientation="h", yanchor="top", y=-0.22, x=0),
        xaxis=dict(automargin=True),
        hoverlabel=dict(font_family=FONT),
        separators=".,",
    )
)
OUTCOMES = ("granted", "partial", "denied", "unable", "rejected", "other_outcome")


def _fig(title: str, **layout) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(template=TEMPLATE, title=title, **layout)
    return fig


TEMPLATE_CHANGE = 2019  # first report year on the national template (表三/表四); before: 旧版统计表


def year_axis(fig: go.Figure, years) -> go.Figure:
    """Years as whole numbers, and the 2019 template change marked when the years cross it."""
    ys = [int(y) for y in years if y is not None]
    fig.update_xaxes(type="linear", dtick=1, tickformat="d")
    if ys and min(ys) < TEMPLATE_CHANGE <= max(ys):
        fig.add_vline(
            x=TEMPLATE_CHANGE - 0.5,
            line_dash="dot",
            line_color="#8c8c8c",
            annotation_text="2019 年起新版模板（口径变化）",
            annotation_position="top right",
            annotation_font_size=11,
        )
    return fig


def count_axis(fig: go.Figure, values, axis: str = "y") -> go.Figure:
    """Counts on an axis: whole numbers only (no 0.5 件), from zero."""
    top = max((float(v) for v in values if v is not None), default=0.0)
    opts = dict(tickformat=",d", rangemode="tozero")
    if top < 10:
        opts.update(dtick=1, range=[0, max(top, 1) * 1.1])
    (fig.update_yaxes if axis == "y" else fig.update_xaxes)(**opts)
    return fig


def score_distribution(ranked: pl.DataFrame) -> go.Figure:
    """Histogram of scores, one trace per flag colour so red/amber stand out."""
    fig = _fig("得分分布", barmode="stack", xaxis_title=col("score"), yaxis_title=col("agencies"))
    colours = {
        "red": ("#c23b3b", "红色预警"),
        "amber": ("#e0a030", "黄色预警"),
        "": ("#3a9d5d", "正常"),
    }
    for flag, (colour, name) in colours.items():
        part = ranked.filter(pl.col("flag") == flag)
        if part.height:
            fig.add_histogram(
                x=part["score"].to_list(),
                name=name,
                marker_color=colour,
                xbins=dict(start=0, end=100, size=5),
            )
    fig.update_yaxes(tickformat=",d", rangemode="tozero")
    return fig


def outcomes_by_year(profile: pl.DataFrame) -> go.Figure:
    """Stacked bars: how requests were answered each year, plus requests received as a line."""
    fig = _fig("依申请公开办理结果", barmode="stack", xaxis_title=col("year"), yaxis_title="件")
    years = profile["year"].to_list()
    for c in OUTCOMES:
        fig.add_bar(x=years, y=profile[c].to_list(), name=col(c))
    fig.add_scatter(
        x=years,
        y=profile["requests"].to_list(),
        name=col("requests"),
        mode="lines+markers",
        line=dict(color="#333", dash="dot"),
    )
    stacked = [sum(profile[c][i] or 0 for c in OUTCOMES) for i in range(profile.height)]
    count_axis(fig, stacked + profile["requests"].to_list())
    return year_axis(fig, years)


def rate_trends(profile: pl.DataFrame, median: pl.DataFrame | None = None) -> go.Figure:
    """办结率 and 按时办结率 by year, with the peer-group median dashed."""
    fig = _fig(
        "办结率与按时办结率", xaxis_title=col("year"), yaxis_ticksuffix="%", yaxis_range=[0, 105]
    )
    for c in ("completion_rate", "on_time_rate"):
        fig.add_scatter(
            x=profile["year"].to_list(), y=profile[c].to_list(), name=col(c), mode="lines+markers"
        )
    if median is not None and median.height:
        fig.add_scatter(
            x=median["year"].to_list(),
            y=median["completion_rate"].to_list(),
            name="对标组中位数·办结率",
            mode="lines",
            line=dict(dash="dash", color="#8c8c8c"),
        )
    return year_axis(fig, profile["year"].to_list())


def review_outcomes(frame: pl.DataFrame, x: str = "year") -> go.Figure:
    """Review and lawsuit outcomes side by side (grouped by `x`), stacked by outcome."""
    years = [int(v) for v in frame[x].to_list()] if x == "year" else []
    crosses = bool(years) and min(years) < TEMPLATE_CHANGE <= max(years)
    title = "行政复议与行政诉讼结果" + (
        "（2019 年起为新版表四，之前为旧版统计表）" if crosses else ""
    )
    fig = _fig(title, barmode="relative", xaxis_title=col(x), yaxis_title="件")
    xs = [str(v) for v in frame[x].to_list()]
    outcome_colours = {
        "upheld": "#3a9d5d",
        "corrected": "#c23b3b",
        "other": "#8c8c8c",
        "pending": "#e0a030",
    }
    for group, label in (("review", "复议"), ("suit", "诉讼")):
        for outcome, colour in outcome_colours.items():
            c = f"{group}_{outcome}"
            fig.add_bar(
                x=[xs, [label] * len(xs)],
                y=frame[c].to_list(),
                name=f"{label}·{col(c)[2:]}",
                marker_color=colour,
                legendgroup=outcome,
                marker_pattern_shape="" if group == "review" else "/",
            )
    fig.update_yaxes(tickformat=",d")
    tops = [
        sum((frame[f"{g}_{o}"][i] or 0) for o in outcome_colours)
        for g in ("review", "suit")
        for i in range(frame.height)
    ]
    if max(tops, default=0) < 10:
        fig.update_yaxes(dtick=1)
    return fig


def correction_rates(trend: pl.DataFrame) -> go.Figure:
    fig = _fig("纠错率走势", xaxis_title=col("year"), yaxis_ticksuffix="%")
    for c in ("review_correction_rate", "suit_correction_rate"):
        fig.add_scatter(
            x=trend["year"].to_list(), y=trend[c].to_list(), name=col(c), mode="lines+markers"
        )
    return year_axis(fig, trend["year"].to_list())


def indicator_breakdown(breakdown: pl.DataFrame) -> go.Figure:
    """Horizontal bars: points per indicator (columns `indicator`, `points`)."""
    fig = _fig("各指标得分", xaxis_title="分", height=max(260, 40 * breakdown.height + 80))
    fig.add_bar(
        y=breakdown["indicator"].to_list(),
        x=breakdown["points"].to_list(),
        orientation="h",
        marker_color=[
            COLORWAY[3] if (p or 0) < 0 else COLORWAY[0] for p in breakdown["points"].to_list()
        ],
    )
    fig.update_yaxes(autorange="reversed")
    return fig


def findings_by_rule(summary: pl.DataFrame) -> go.Figure:
    fig = _fig(
        "问题按规则分布", xaxis_title=col("findings"), height=max(260, 32 * summary.height + 80)
    )
    fig.add_bar(y=summary["rule_label"].to_list(), x=summary["findings"].to_list(), orientation="h")
    fig.update_yaxes(autorange="reversed")
    return count_axis(fig, summary["findings"].to_list(), axis="x")


def province_trends(trend: pl.DataFrame) -> go.Figure:
    """Province-wide (or peer group) medians per year: 办结率, 公开率 and the share of late reports."""
    fig = _fig(
        "全省趋势（各单位中位数）",
        xaxis_title=col("year"),
        yaxis_ticksuffix="%",
        yaxis_range=[0, 105],
    )
    for c, name in (
        ("completion_rate", "办结率中位数"),
        ("disclosure_rate", "公开率中位数"),
        ("late_share", "逾期发布单位占比"),
    ):
        fig.add_scatter(
            x=trend["year"].to_list(), y=trend[c].to_list(), name=name, mode="lines+markers"
        )
    return year_axis(fig, trend["year"].to_list())


def rank_moves(moves: pl.DataFrame) -> go.Figure:
    """Biggest risers and fallers: horizontal bars, green up, red down (columns agency_name, rank_change)."""
    fig = _fig(
        "名次升降最多的单位（与上年比）",
        xaxis_title="名次变化（正数为上升）",
        height=max(260, 28 * moves.height + 90),
    )
    fig.add_bar(
        y=[plot(n) for n in moves["agency_name"].to_list()],  # Plotly reads <a href> in ticks
        x=moves["rank_change"].to_list(),
        orientation="h",
        marker_color=[
            "#3a9d5d" if (c or 0) > 0 else "#c23b3b" for c in moves["rank_change"].to_list()
        ],
        text=[f"{c:+d}" for c in moves["rank_change"].to_list()],
        textposition="outside",
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickformat="+d", zeroline=True)
    return fig
