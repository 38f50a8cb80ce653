"""单位画像: one agency across all years, with the source text behind any number."""

import polars as pl
import streamlit as st

from dashboard import charts, data

from queries import labels
from dashboard.views import common

v, year, peer = data.selection()
agencies = data.agencies(v)
if agencies.is_empty():
    st.info("名录中还没有单位。")
    st.stop()
names = dict(zip(agencies["agency_id"], agencies["name"]))
st.title("单位画像")
# ?agency=<id> by hand rather than bind=: a bound selectbox writes its *label* into the URL.
wanted = st.query_params.get("agency")
ids = list(names)
agency_id = st.selectbox("单位", ids, index=ids.index(wanted) if wanted in names else 0,
                         format_func=lambda a: f"{names[a]}（{a}）", key="agency_pick")
st.query_params["agency"] = agency_id
info = agencies.filter(pl.col("agency_id") == agency_id).row(0, named=True)
kind = labels.KIND_LABELS.get(info["kind"], info["kind"] or "—")
st.text(f"层级：{info['level'] or '—'}　类型：{kind}　对标组：{info['peer_group'] or '未分组'}")

profile = data.agency_profile(v, agency_id)
if profile.is_empty():
    st.warning("该单位没有已加载的年报。")  # the name may come from a document: never through markdown
    st.stop()
median = data.peer_median(v, info["peer_group"]) if info["peer_group"] else None
common.headline_metrics(profile, median, year)

section = st.segmented_control(
    "查看", ["办理情况", "复议诉讼", "表二", "评分", "问题", "原文"], default="办理情况", key="profile_section")
if section == "办理情况":
    st.plotly_chart(charts.outcomes_by_year(profile), key="outcomes")
    st.plotly_chart(charts.rate_trends(profile, median), key="rates")
    common.table(profile.select("year", "template", "published", "days_late", "requests", "carried_in",
                                *charts.OUTCOMES, "processed", "carried_out", "completion_rate",
                                "on_time_rate", "disclosure_rate"))
    common.continuity_note(profile)
elif section == "复议诉讼":
    st.plotly_chart(charts.review_outcomes(profile), key="review")
    common.table(profile.select("year", *[c for c in profile.columns if c.startswith(("review_", "suit_"))]))
    common.continuity_note(profile)
elif section == "表二":
    t2 = data.agency_values(v, agency_id, "t2.")
    if t2.is_empty():
        st.info("该单位的年报没有表二数据（旧版统计表没有表二）。")
    else:
        wide = t2.pivot(on="year", index=["key", "label"], values="value", sort_columns=True)
        common.table(wide.drop("key").rename({"label": "项目"}))
        st.caption("2019版与2021版表二口径不同，除“处理决定数量”外不宜跨年比较；“/”表示不适用，显示为空。")
elif section == "评分":
    common.score_breakdown(v, year, agency_id, info["peer_group"])
elif section == "问题":
    common.findings_table(data.findings(v, None, agency_id, None))
elif section == "原文":
    common.source_picker(v, profile)
