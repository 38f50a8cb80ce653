"""复议诉讼: review and lawsuit volumes, correction rates, pending, most-corrected agencies."""

import streamlit as st

from dashboard import charts, data

from queries import labels
from dashboard.views import common

v, year, peer = data.selection()
st.title(f"{year} 年度行政复议与行政诉讼")
trend = data.review_litigation_trend(v, peer)
now = trend.filter(trend["year"] == year)
row = now.row(0, named=True) if now.height else {}

c = st.columns(5)
for box, (name, fmt) in zip(c, (("review_total", "n"), ("review_corrected", "n"), ("suit_total", "n"),
                                  ("suit_corrected", "n"), ("review_correction_rate", "%"))):
    value = row.get(name)
    text = "—" if value is None else (f"{value:.1f}%" if fmt == "%" else f"{value:,.0f}")
    box.metric(labels.col(name), text, help=labels.metric_help(name), border=True)
pending = (row.get("review_pending") or 0) + (row.get("suit_pending") or 0)
st.caption(f"尚未审结：复议 {row.get('review_pending') or 0:,.0f} 件，诉讼 {row.get('suit_pending') or 0:,.0f} 件，合计 {pending:,.0f} 件。")

if trend.height:
    st.plotly_chart(charts.review_outcomes(trend), key="review_trend")
    st.plotly_chart(charts.correction_rates(trend), key="correction_trend")

st.subheader("被纠错最多的单位")
sort = st.segmented_control("排序", list(labels.SORTS), default="corrected_total", key="review_sort",
                            format_func=lambda s: {"corrected_total": "纠错合计", "review_corrected": "复议纠正",
                                                   "suit_corrected": "诉讼纠正", "pending": "未审结"}[s])
agencies = data.review_litigation(v, year, peer, sort or "corrected_total")
if agencies.is_empty():
    st.info(f"{year} 年度没有单位报告行政复议或行政诉讼。")
else:
    common.table(agencies.drop("report_id", "year", "agency_id"))
