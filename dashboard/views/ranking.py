"""排名总览: ranked agencies for leaders, flags, distribution, missing reports, what-if weights."""

import streamlit as st

from dashboard import charts, data, nav

from queries import labels

import queries
from dashboard.views import common

v, year, peer = data.selection()
st.title(f"{year} 年度排名总览")
scheme_name, path = common.scheme_picker()

weights: tuple = ()
if st.toggle("假设分析：调整指标权重", key="whatif",
             help="拖动滑块即时重新排名；只影响本页显示，不修改方案文件。权重自动按总和 100 折算。"):
    try:
        loaded = data.scheme(path, data.file_mtime(path))
    except data.AssessUnavailable as exc:
        st.error(str(exc))
        st.stop()
    cols = st.columns(3)
    chosen = {}
    for i, ind in enumerate(i for i in loaded.indicators if i.weighted):
        chosen[ind.id] = cols[i % 3].slider(ind.name, 0.0, 100.0, float(ind.weight), 1.0,
                                            key=f"w_{ind.id}", help=labels.metric_help(ind.metric or ind.id))
    changed = {k: w for k, w in chosen.items() if w != loaded.indicator(k).weight}
    weights = tuple(sorted(chosen.items())) if changed else ()

try:
    ranked = data.ranking(v, year, path, peer, weights)
    if weights:
        ranked = queries.compare_rankings(data.ranking(v, year, path, peer, ()), ranked)
except data.AssessUnavailable as exc:
    st.error("无法计算排名：")
    st.code(str(exc), language=None)
    st.stop()
missing = data.missing_reports(v, year, peer)

c = st.columns(4)
c[0].metric("参评单位", ranked.height, border=True)
c[1].metric("得分中位数", "—" if ranked.is_empty() else f"{ranked['score'].median():.2f}",
            help=labels.metric_help("score"), border=True)
c[2].metric("红色预警", int((ranked["flag"] == "red").sum()) if ranked.height else 0,
            help=labels.metric_help("flag"), border=True)
c[3].metric("未发布年报", missing.height, help=labels.metric_help("missing"), border=True)

shown = ranked.with_columns(ranked["flag"].replace_strict(labels.FLAG_LABELS, default="")) if ranked.height else ranked
keep = [col for col in (*queries.RANK_COLUMNS[:-1], "base_rank", "whatif_change") if col in shown.columns]
event = common.table(shown.select(keep), key="ranking_table", on_select="rerun", selection_mode="single-row")
rows = event.selection.rows if event else []
if rows:
    agency = ranked["agency_id"][rows[0]]
    st.switch_page(nav.page("profile"), query_params={"agency": agency, "year": year})
st.caption("点击一行查看该单位画像。")

if ranked.height:
    st.plotly_chart(charts.score_distribution(ranked), key="distribution")

st.subheader(f"未发布 {year} 年度年报的单位（{missing.height}）")
if missing.is_empty():
    st.success("所有登记单位均已发布。")
else:
    common.table(missing.select("agency_name", "agency_id", "level", "kind", "peer_group", "last_year_reported"))
