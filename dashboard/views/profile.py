"""单位画像: one agency across all years, two years side by side, beside other agencies of its
peer group, and the printed source behind any number (in context, with the file to download)."""

import polars as pl
import streamlit as st

import queries
from dashboard import data, urlstate, vega
from dashboard.safe_text import echo
from dashboard.views import compare, panels, widgets
from queries import labels

v, year, peer = data.selection()
agencies = data.agencies(v)
if agencies.is_empty():
    st.info("名录中还没有单位。")
    st.stop()
st.title("单位画像")
home = data.home_agencies(v)
names = dict(zip(agencies["agency_id"], agencies["name"]))
# The office's own agencies first (those with reports first, as queries.agencies orders them).
ids = sorted(names, key=lambda a: home is not None and a not in home)
wanted = st.query_params.get("agency")
if wanted is not None and wanted not in names:
    # Never another agency's data under a mistyped link: say so and wait for a choice.
    st.error(
        f"链接中的单位编码“{echo(wanted)}”不在单位名录中，无法显示。请在下面选择单位，"
        "或回到“排名总览”点击单位。",
        icon="⚠️",
    )
    pick = st.selectbox(
        "单位",
        ids,
        index=None,
        format_func=lambda a: names[a],
        key="agency_fix",
        placeholder="请选择或输入单位名称",
    )
    if pick is None:
        st.stop()
    st.session_state["agency_pick"] = pick
    st.query_params["agency"] = pick
    st.rerun()
if "agency_pick" not in st.session_state and wanted not in names:
    # No agency asked for: the first of this year's ranking in the chosen peer group.
    try:
        _, path = next(iter(data.schemes().items()))
        top = data.ranking(v, year, path, peer, ())
        first = top.filter(~pl.col("missing").fill_null(False))["agency_id"].head(1).to_list()
    except (data.AssessUnavailable, StopIteration):
        first = []
    st.session_state["agency_pick"] = first[0] if first and first[0] in names else ids[0]
agency_id = urlstate.select(
    st,
    "单位",
    ids,
    key="agency_pick",
    param="agency",
    what="单位",
    format_func=lambda a: names[a],
    placeholder="请选择或输入单位名称",
)
info = agencies.filter(pl.col("agency_id") == agency_id).row(0, named=True)
kind = labels.KIND_LABELS.get(info["kind"], info["kind"] or "—")
st.text(f"层级：{info['level'] or '—'}　类型：{kind}　对标组：{info['peer_group'] or '未分组'}")
if home is not None and agency_id not in home:
    st.info(
        "参照单位：不属于本办所在省份（或尚未确认），仅供查看，不计入排名、统计、通报和整改通知。",
        icon="ℹ️",
    )

profile = data.agency_profile(v, agency_id)
if profile.is_empty():
    st.warning(
        "该单位没有已加载的年报。"
    )  # the name may come from a document: never through markdown
    st.stop()
median = data.peer_median(v, info["peer_group"]) if info["peer_group"] else None
panels.headline_metrics(profile, median, year, own=home is None or agency_id in home)

TABS = ["办理情况", "对比", "复议诉讼", "评分", "问题", "原文"]


@st.fragment
def _views() -> None:
    """The tabs and what each shows. A fragment: a tab click, a year or a number picked
    reruns this part only, not the agency picker, the headline figures and the sidebar."""
    section = urlstate.segmented(
        st, "查看", TABS, key="profile_section", param="tab", default="办理情况"
    )
    if section == "办理情况":
        _handling()
    elif section == "对比":
        _compare()
    elif section == "复议诉讼":
        widgets.light_chart(vega.review_outcomes(profile), key="review")
        widgets.table(
            profile.select(
                "year", *[c for c in profile.columns if c.startswith(("review_", "suit_"))]
            ).sort("year", descending=True)
        )
        panels.continuity_note(profile)
    elif section == "评分":
        panels.score_breakdown(v, year, agency_id)
    elif section == "问题":
        panels.findings_table(data.findings(v, None, agency_id, None), key="profile_findings")
    elif section == "原文":
        panels.source_picker(v, profile)


HANDLING_COLUMNS = (
    "year",
    "template",
    "published",
    "date_note",
    "deadline",
    "days_late",
    "requests",
    "carried_in",
    "processed",
    "carried_out",
    "completion_rate",
    "on_time_rate",
    "disclosure_rate",
)


def _handling() -> None:
    """办理情况: outcomes and rates by year, the yearly figures, then 表二 across the years."""
    if st.query_params.get("mark") == "days_late":  # a ranking link's cause: 发布及时性
        _publication_mark()
    widgets.light_chart(vega.outcomes_by_year(profile), key="outcomes")
    widgets.light_chart(vega.rate_trends(profile, median), key="rates")
    newest = profile.sort("year", descending=True)
    widgets.table(newest.select(*HANDLING_COLUMNS))
    st.markdown("**办理结果（件）**")
    widgets.table(newest.select("year", *vega.OUTCOMES, "review_total", "suit_total"))
    panels.continuity_note(profile)
    st.markdown("**表二：主动公开政府信息情况**")
    t2 = data.agency_values(v, agency_id, "t2.")
    if t2.is_empty():
        st.caption("该单位的年报没有表二数据（旧版统计表没有表二）。")
        return
    wide = t2.pivot(on="year", index=["key", "label"], values="value", sort_columns=True)
    wide = wide.rename({c: f"{c} 年" for c in wide.columns if c not in ("key", "label")})
    widgets.table(wide.drop("key").rename({"label": "项目"}))
    st.caption(
        "2019版与2021版表二口径不同，除“处理决定数量”外不宜跨年比较；“/”表示不适用，显示为空。"
    )


def _publication_mark() -> None:
    """The figures behind 年报发布及时性 of the year, days late boxed in red as 原文 boxes a
    printed cell: the link from a ranking figure whose cause is the publication date."""
    rows = profile.filter(pl.col("year") == year)
    if rows.is_empty():
        st.info(f"该单位没有 {year} 年度年报：发布及时性按未发布年报计。")
        return
    r = rows.row(0, named=True)
    late = r["days_late"]
    line = [
        (f"{year} 年度年报", False),
        (
            f"落款日期 {r['published']}（{r['date_note']}）"
            if r.get("date_note")
            else f"发布日期 {r['published'] or '未识别'}",
            False,
        ),
        (f"法定期限 {r['deadline'] or '—'}", False),
        ("逾期天数 —" if late is None else f"逾期 {max(int(late), 0)} 天", True),
    ]
    st.caption(
        "年报发布及时性所依据的数字（红框为计分所用的逾期天数：发布日期晚于法定期限的天数，"
        "未标明发布日期的按落款日期计）"
    )
    st.html(panels.context_html([(line, True)]))


def _compare() -> None:
    """对比: two years of this agency side by side, then the agency beside its peers."""
    st.markdown("**两年对比**")
    years = profile["year"].to_list()[::-1]
    newer, older = queries.comparison_years(years, year)
    c1, c2 = st.columns(2)
    y1 = urlstate.select(
        c1,
        "年度一",
        years,
        key="cmp_a",
        param="a",
        parse=int,
        what="对比年度",
        default=newer,
        format_func=lambda y: f"{y} 年度",
    )
    y2 = urlstate.select(
        c2,
        "年度二",
        years,
        key="cmp_b",
        param="b",
        parse=int,
        what="对比年度",
        default=older,
        format_func=lambda y: f"{y} 年度",
    )
    _, path = widgets.scheme_picker()
    side = compare.two_years(v, profile, agency_id, path, y1, y2)
    widgets.table(side)
    templates = dict(zip(profile["year"], profile["template"]))
    if (templates.get(y1) == "legacy") != (templates.get(y2) == "legacy"):
        st.warning(
            "两个年度跨越 2019 年模板变化（旧版统计表与新版表三/表四），部分指标口径不同，见下方说明。"
        )
        panels.continuity_note(profile.filter(pl.col("year").is_in([y1, y2])))
    st.markdown(f"**与同组单位对比（{year} 年度）**")
    compare.panel(v, year, info["peer_group"], agency_id, path)


_views()
