"""复议诉讼: review and lawsuit volumes, correction rates, pending, most-corrected agencies."""

import streamlit as st

from dashboard import data, urlstate, vega
from dashboard.views import cells, widgets
from queries import labels

v, year, peer = data.selection()
st.title(f"{year} 年度行政复议与行政诉讼")
trend = data.review_litigation_trend(v, peer)
now = trend.filter(trend["year"] == year)
row = now.row(0, named=True) if now.height else {}

c = st.columns(5)
for box, (name, unit) in zip(
    c,
    (
        ("review_total", "件"),
        ("review_corrected", "件"),
        ("suit_total", "件"),
        ("suit_corrected", "件"),
        ("review_correction_rate", "%"),
    ),
):
    box.metric(
        labels.col(name),
        cells.fmt(row.get(name), unit),
        help=labels.metric_help(name),
        border=True,
    )
pending = (row.get("review_pending") or 0) + (row.get("suit_pending") or 0)
st.caption(
    f"尚未审结：复议 {row.get('review_pending') or 0:,.0f} 件，诉讼 {row.get('suit_pending') or 0:,.0f} 件，"
    f"合计 {pending:,.0f} 件。"
)

if trend.height:
    widgets.light_chart(vega.review_outcomes(trend), key="review_trend")
    widgets.light_chart(vega.correction_rates(trend), key="correction_trend")

st.subheader("被纠错最多的单位")
SORT_NAMES = {
    "corrected_total": "纠错合计",
    "review_corrected": "复议纠正",
    "suit_corrected": "诉讼纠正",
    "pending": "未审结",
}
sort = urlstate.select(
    st,
    "排序",
    list(labels.SORTS),
    key="review_sort",
    param="sort",
    what="排序",
    default="corrected_total",
    format_func=lambda s: SORT_NAMES[s],
    placeholder="请选择排序方式",
)
agencies = data.review_litigation(v, year, peer, sort or "corrected_total")
if agencies.is_empty():
    st.info(f"{year} 年度没有单位报告行政复议或行政诉讼。")
else:
    shown = agencies.select(
        "agency_name",
        "peer_group",
        "review_total",
        "review_corrected",
        "review_pending",
        "review_correction_rate",
        "suit_total",
        "suit_corrected",
        "suit_pending",
        "suit_correction_rate",
        "corrected_total",
    )
    widgets.drill_table(
        shown,
        key="review_table",
        targets=[
            {
                "page": "profile",
                "agency": a,
                "year": year,
                "tab": "复议诉讼",
                "label": f"打开“{n}”的复议诉讼情况",
            }
            for a, n in zip(agencies["agency_id"].to_list(), agencies["agency_name"].to_list())
        ],
    )
    st.caption("点击一行左侧的方框，再点下方链接查看该单位的复议诉讼情况。")
