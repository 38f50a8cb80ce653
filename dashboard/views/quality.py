"""数据质量: load errors, findings by agency and rule, late / missing / copied reports."""

import streamlit as st

from dashboard import data, urlstate, vega_bars
from dashboard.views import panels, quality_check, widgets
from queries import labels

v, year, peer = data.selection()
st.title(f"{year} 年度数据质量")
findings = data.findings(v, year, None, peer)
summary = data.findings_summary(v, year, peer)
errors = data.load_errors(v)
late = data.late_reports(v, year, peer)
missing = data.missing_reports(v, year, peer)
copied = data.copied_reports(v, year, peer)

tally = data.finding_tally(v, year, peer)
others = {labels.RESPONSIBILITY[k]: n for k, n in tally.items() if k != "report" and n}

c = st.columns(5)
c[0].metric(
    "数据问题",
    tally["report"],
    help="年报本身的问题（勾稽不符、内容缺项、逾期发布等），与通报的计数一致：不含已判为误报、"
    "已被修正消除的问题和说明性提示。",
    border=True,
)
c[1].metric("无法加载的文件", errors.height, help="加载时无法使用的文件（所有批次）。", border=True)
c[2].metric("逾期发布", late.height, help=labels.metric_help("days_late"), border=True)
c[3].metric("未发布", missing.height, help=labels.metric_help("missing"), border=True)
c[4].metric("疑似照搬上年", copied.height, help=labels.metric_help("copied"), border=True)
if others:  # raised, listed under 问题明细, but no problem of the report: said apart from the card
    st.caption(
        f"另有 {sum(others.values())} 条不是年报本身的问题，不计入数据问题和通报："
        + "、".join(f"{k} {n} 条" for k, n in others.items())
        + "，见“问题明细”的“归属”列。"
    )

VIEWS = [
    "问题明细",
    "年报质量检查",
    "重复段落",
    "发布及时性",
    "按单位",
    "加载错误",
    "逾期与未发布",
    "照搬上年",
]


def _to_profile(df, tab: str) -> list[dict]:
    return [
        {
            "page": "profile",
            "agency": a,
            "year": year,
            "tab": tab,
            "label": f"打开“{n}”的单位画像·{tab}",
        }
        for a, n in zip(df["agency_id"].to_list(), df["agency_name"].to_list())
    ]


def _late_and_missing() -> None:
    """逾期与未发布: late reports (to the profile) and units that published none."""
    st.markdown(f"**逾期发布（{late.height}）**")
    if late.is_empty():
        st.success("没有逾期发布的年报。")
    else:
        widgets.drill_table(
            late.drop("agency_id", "year"), key="late_table", targets=_to_profile(late, "办理情况")
        )
    st.markdown(f"**未发布年报（{missing.height}）**")
    if missing.is_empty():
        st.success("所有登记单位均已发布。")
    else:
        widgets.table(
            missing.select(
                "agency_name", "level", "kind", "peer_group", "parent_region", "last_year_reported"
            )
        )


def _copied() -> None:
    """照搬上年: reports the quality check found copied from last year."""
    if copied.is_empty():
        st.success("没有发现与上年雷同的年报。")
    else:
        widgets.drill_table(
            copied.select("agency_name", "peer_group", "year", "source_path"),
            key="copied_table",
            targets=_to_profile(copied, "原文"),
        )


@st.fragment
def _views() -> None:
    """The tabs and what each shows. A fragment: a tab click or a pick in a table reruns
    this part only, not the page's title, figures and sidebar."""
    view = urlstate.segmented(
        st, "查看", VIEWS, key="quality_view", param="view", default="问题明细"
    )

    if view == "问题明细":
        if summary.height:
            widgets.light_chart(vega_bars.findings_by_rule(summary), key="by_rule")
        if findings.is_empty():
            st.success("没有数据质量问题。")
        else:
            shown = findings.select(panels.FINDING_COLUMNS)
            widgets.drill_table(shown, key="findings_table", targets=_to_profile(findings, "问题"))
            st.caption("点击一行左侧的方框，再点下方链接查看该单位的问题与原文。")
    elif view == "年报质量检查":
        quality_check.quality_check(v, year, peer, findings)
    elif view == "重复段落":
        quality_check.repeated(v, year, peer)
    elif view == "发布及时性":
        quality_check.timeliness(v, year, peer)
    elif view == "按单位":
        by_agency = data.findings_by_agency(v, year, peer)
        if by_agency.is_empty():
            st.success("没有数据质量问题。")
        else:
            widgets.table(by_agency.drop("agency_id"))
    elif view == "加载错误":
        if errors.is_empty():
            st.success("没有加载错误。")
        else:
            widgets.table(errors.select("at", "path", "reason", "problem", "hint"))
    elif view == "逾期与未发布":
        _late_and_missing()
    elif view == "照搬上年":
        _copied()


_views()
