"""Pure plotly figure builders for the charts shown on demand (a tab, a comparison): (polars
frame, ...) -> go.Figure. One template, Chinese labels. A page's first-paint charts are
Vega-Lite (dashboard/vega.py): Plotly's browser bundle is 4.7 MB."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.vega import COLORWAY, FONT, TEMPLATE_CHANGE

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
