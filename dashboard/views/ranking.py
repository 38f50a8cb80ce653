"""排名总览 (the leader's cockpit): this year's ranking in the peer group with the performance
share, who rose and fell, the 风险清单 with a link to each unit's evidence, province trends and
what-if weights (saved as a new scheme on request)."""

import polars as pl
import streamlit as st

from dashboard import data, nav, ranking_page, urlstate, vega, vega_bars
from dashboard.safe_text import md
from dashboard.views import ranking_grid, whatif, widgets
from queries import labels

v, year, peer = data.selection()
st.title(f"{year} 年度排名总览")
scheme_name, path = widgets.scheme_picker()
try:
    loaded = data.scheme(path)
    ranked = data.ranking(v, year, path, peer, ())
except data.AssessUnavailable as exc:
    st.error(f"无法计算排名：{md(exc)}")
    st.stop()
share = loaded.performance_share
missing = data.missing_reports(v, year, peer)
rules = widgets.flags_help(path)

st.caption(
    f"考核方案：{md(scheme_name)}。政务公开占绩效考核 {share * 100:g}%：绩效折算分 = 总分 × {share:g}。"
    f"{'各对标组分别排名。' if peer is None else f'对标组：{md(peer)}。'}"
)
c = st.columns(5)
scored = ranked.filter(~pl.col("missing").fill_null(False)) if ranked.height else ranked
c[0].metric(
    "参评单位", ranked.height, border=True, help="本省登记在册的单位（含未发布年报的单位）。"
)
c[1].metric(
    "得分中位数",
    "—" if scored.is_empty() else f"{scored['score'].median():.2f}",
    help=labels.metric_help("score"),
    border=True,
)
c[2].metric(
    "绩效折算分中位数",
    "—" if scored.is_empty() else f"{scored['contribution'].median():.2f}",
    help=labels.metric_help("contribution"),
    border=True,
)
c[3].metric(
    "红色预警",
    int((ranked["flag"] == "red").sum()) if ranked.height else 0,
    help=rules,
    border=True,
)
c[4].metric("未发布年报", missing.height, help=labels.metric_help("missing"), border=True)


def _profile(row: dict, tab: str | None = None) -> dict:
    where = f"·{tab}" if tab else ""
    out = {
        "page": "profile",
        "agency": row["agency_id"],
        "year": year,
        "label": f"打开“{row['agency_name']}”的单位画像{where}",
    }
    return out | ({"tab": tab} if tab else {})


def _by_group() -> None:
    """排名: per peer group its summary and its grid, then the score distribution (the groups
    as every session shows them, built once: dashboard.ranking_page)."""
    groups = ranking_page.by_group(v, year, path, peer, rules)
    _, _, focus = data.leader(v, year, path)
    st.markdown("**各对标组概况**（点击单位名称打开其单位画像，并标出分数所依据的原文单元格）")
    for group in groups:
        ranking_grid.summary(group)
    for n, group in enumerate(groups):
        row = group.summary
        st.subheader(f"{md(row['peer_group'])}（{row['units']} 个单位）")
        if group.more:
            st.caption(
                f"此处列出本组排名前 {group.grid.rows.height} 的单位，另有 {group.more} 个单位："
            )
            st.page_link(
                nav.page("ranking"),
                label=f"查看{md(row['peer_group'])}全部 {row['units']} 个单位的排名",
                icon=":material/list:",
                query_params={"year": str(year), "peer": row["peer_group"]},
            )
        ranking_grid.grid(group.grid, focus, year, key=f"grid_{n}")
    st.caption(
        "点击表中任一数字，下方出现链接：打开该单位画像，并标出该数字所依据的年报原文单元格"
        "（得分为扣分最多的指标，名次变化为变化最大的指标）；点击单位名称打开其单位画像，"
        f"办结率、公开率和逾期天数在“办理情况”中；上年排名见“升降与趋势”。预警规则：{rules}"
    )
    widgets.light_chart(vega_bars.score_distribution(scored), key="distribution")


def _risks() -> None:
    """风险清单: the flagged units, red first, each with a link to its evidence."""
    risks = (
        ranked.filter(pl.col("flag") != "")
        .with_columns(
            pl.col("flag").replace_strict({"red": 0, "amber": 1}, default=2).alias("_order")
        )
        .sort("_order", "peer_group", "rank")
    )
    if risks.is_empty():
        st.success("没有需要关注的单位。")
    else:

        def evidence(r: dict) -> tuple[str, dict]:
            if r["missing"]:
                return "单位画像（未发布年报）", _profile(r)
            if (r["days_late"] or 0) > 0:
                return "单位画像·办理情况（逾期天数）", _profile(r, "办理情况")
            if (r["review_corrected"] or 0) + (r["suit_corrected"] or 0) > 0:
                return "单位画像·复议诉讼", _profile(r, "复议诉讼")
            if (r["errors"] or 0) > 0:
                return "单位画像·问题（数据错误）", _profile(r, "问题")
            if r["copied"]:
                return "数据质量·照搬上年", {
                    "page": "quality",
                    "year": year,
                    "view": "照搬上年",
                    "label": "打开数据质量·照搬上年",
                }
            return "单位画像·办理情况", _profile(r, "办理情况")

        found = [evidence(r) for r in risks.to_dicts()]
        shown = risks.select(
            "flag", "agency_name", "peer_group", "rank", "score", "flags"
        ).with_columns(pl.Series("evidence", [f for f, _ in found]))
        widgets.drill_table(shown, key="risk_table", targets=[t for _, t in found])
        st.caption(
            f"点击一行左侧的方框，再点下方链接打开该单位的依据（逾期天数、被纠错案件、数据问题或雷同报告）。{rules}"
        )


def _moves() -> None:
    """升降与趋势: the biggest risers and fallers with the cause, and the province trend."""
    _, causes, _ = data.leader(v, year, path)
    shown = ranked.join(causes.select("agency_id", "cause"), on="agency_id", how="left")
    moved = shown.filter(pl.col("rank_change").is_not_null() & (pl.col("rank_change") != 0))
    if moved.is_empty():
        st.info("没有可与上年比较的名次（上年没有排名）。")
    else:
        ups = moved.sort("rank_change", descending=True).head(5)
        downs = moved.sort("rank_change").head(5)
        both = pl.concat(
            [ups, downs.filter(~pl.col("agency_id").is_in(ups["agency_id"].to_list()))]
        )
        picked = st.vega_lite_chart(
            spec=vega_bars.rank_moves(both),
            key="moves",
            on_select="rerun",
            selection_mode="pick",
            width="stretch",
        )
        points = picked.selection.get("pick", []) if picked is not None else []
        names = dict(zip(both["agency_id"], both["agency_name"]))
        if points and points[0].get("agency_id") in names:  # a bar clicked: its agency's page
            agency = points[0]["agency_id"]
            st.page_link(
                nav.page("profile"),
                label=f"打开“{md(names[agency])}”的单位画像",
                icon=":material/arrow_forward:",
                query_params={"agency": agency, "year": str(year)},
            )
        cols = [
            "agency_name",
            "peer_group",
            "prev_rank",
            "rank",
            "rank_change",
            "cause",
            "score",
            "prev_total",
            "flags",
        ]
        widgets.drill_table(
            both.select(cols),
            key="moves_table",
            targets=[_profile(r) for r in both.select("agency_id", "agency_name").to_dicts()],
        )
        st.caption(
            "名次在对标组内比较：正数为上升。点击柱条或一行左侧的方框，打开该单位画像的链接。"
        )
    trend = data.province_trend(v, peer)
    widgets.light_chart(vega.province_trends(trend), key="province_trend")
    widgets.table(trend.sort("year", descending=True))
    st.caption(
        "本省登记单位的年报，办结率、公开率为各单位的中位数；2019 年起为新版模板，之前为旧版统计表，口径不完全相同。"
    )


VIEWS = {"排名": _by_group, "风险清单": _risks, "升降与趋势": _moves}


@st.fragment
def _views() -> None:
    """The tabs and what each shows. A fragment: a tab click or a pick in a table reruns this
    part only, not the page's title, figures and sidebar."""
    view = urlstate.segmented(
        st, "查看", [*VIEWS, "假设分析"], key="ranking_view", param="view", default="排名"
    )
    if ranked.is_empty():
        st.info(f"{year} 年度没有可排名的单位。")
    elif view in VIEWS:
        VIEWS[view]()
    else:
        whatif.panel(v, year, peer, loaded, path, ranked)
    if view != "假设分析" and not missing.is_empty():
        st.subheader(f"未发布 {year} 年度年报的单位（{missing.height}）")
        widgets.table(
            missing.select("agency_name", "level", "kind", "peer_group", "last_year_reported")
        )


_views()
