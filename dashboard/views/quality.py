"""数据质量: load errors, findings by agency and rule, late / missing / copied reports."""

import streamlit as st

from dashboard import charts, data

from queries import labels
from dashboard.views import common, quality_check

v, year, peer = data.selection()
st.title(f"{year} 年度数据质量")
findings = data.findings(v, year, None, peer)
summary = data.findings_summary(v, year, peer)
errors = data.load_errors(v)
late = data.late_reports(v, year, peer)
missing = data.missing_reports(v, year, peer)
copied = data.copied_reports(v, year, peer)

c = st.columns(5)
c[0].metric("数据问题", findings.height, help="年报内勾稽关系不符、名称匹配等问题条数。", border=True)
c[1].metric("无法加载的文件", errors.height, help="加载时无法使用的文件（所有批次）。", border=True)
c[2].metric("逾期发布", late.height, help=labels.metric_help("days_late"), border=True)
c[3].metric("未发布", missing.height, help=labels.metric_help("missing"), border=True)
c[4].metric("疑似照搬上年", copied.height, help=labels.metric_help("copied"), border=True)

view = st.segmented_control("查看", ["问题明细", "年报质量检查", "重复段落", "发布及时性", "按单位",
                                    "加载错误", "逾期", "未发布", "照搬上年"],
                            default="问题明细", key="quality_view")
if view == "问题明细":
    if summary.height:
        st.plotly_chart(charts.findings_by_rule(summary), key="by_rule")
    common.findings_table(findings)
elif view == "年报质量检查":
    quality_check.quality_check(v, year, peer, findings)
elif view == "重复段落":
    quality_check.repeated(v, year, peer)
elif view == "发布及时性":
    quality_check.timeliness(v, year, peer)
elif view == "按单位":
    common.table(data.findings_by_agency(v, year, peer))
elif view == "加载错误":
    if errors.is_empty():
        st.success("没有加载错误。")
    else:
        common.table(errors.select("at", "path", "reason", "problem", "hint", "code"))
elif view == "逾期":
    common.table(late) if late.height else st.success("没有逾期发布的年报。")
elif view == "未发布":
    common.table(missing) if missing.height else st.success("所有登记单位均已发布。")
elif view == "照搬上年":
    common.table(copied) if copied.height else st.success("没有发现与上年雷同的年报。")
