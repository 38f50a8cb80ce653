"""Chinese labels for columns, metrics and canonical keys, and the fixed identifier dicts.

A finding rule's label is declared once, in etl.rules (rule_label).

Anything a user can pick that ends up as an SQL identifier (a sort column, a figure) is
looked up here by key; an unknown key raises KeyError instead of reaching SQL.
"""

from __future__ import annotations

from assess.metrics import METRICS
from etl.fields import FIELDS

# Column names the query layer returns -> Chinese headers shown on pages and in exports.
COLUMNS: dict[str, str] = {
    "agency_id": "单位编码",
    "agency_name": "单位",
    "name": "单位",
    "level": "层级",
    "kind": "类型",
    "parent_region": "所属地区",
    "peer_group": "对标组",
    "year": "年度",
    "template": "模板",
    "published": "发布日期",
    "date_note": "日期说明",
    "deadline": "法定期限",
    "days_late": "逾期天数",
    "source_path": "源文件",
    "report_id": "报告编号",
    "score": "得分",
    "rank": "排名",
    "prev_rank": "上年排名",
    "rank_change": "名次变化",
    "cause": "升降原因",
    "score_change": "得分变化",
    "flag": "预警",
    "flags": "预警说明",
    "flag_notes": "预警说明",
    "requests": "新收申请",
    "carried_in": "上年结转",
    "processed": "办结",
    "carried_out": "结转下年",
    "granted": "予以公开",
    "partial": "部分公开",
    "denied": "不予公开",
    "unable": "无法提供",
    "rejected": "不予处理",
    "other_outcome": "其他处理",
    "on_time": "按时办结",
    "completion_rate": "办结率",
    "on_time_rate": "按时办结率",
    "disclosure_rate": "公开率",
    "already_public": "已主动公开",
    "answers": "申请答复数",
    "review_total": "行政复议",
    "review_upheld": "复议维持",
    "review_corrected": "复议纠正",
    "review_other": "复议其他",
    "review_pending": "复议未审结",
    "review_correction_rate": "复议纠错率",
    "suit_total": "行政诉讼",
    "suit_upheld": "诉讼维持",
    "suit_corrected": "诉讼纠正",
    "suit_other": "诉讼其他",
    "suit_pending": "诉讼未审结",
    "suit_correction_rate": "诉讼纠错率",
    "corrected_total": "被纠错合计",
    "findings": "发现问题",
    "errors": "错误",
    "warnings": "警告",
    "rule": "规则",
    "rule_label": "规则说明",
    "responsibility_label": "归属",
    "category_label": "问题类别",
    "place_label": "位置",
    "severity": "级别",
    "cells": "涉及单元格",
    "expected": "应为",
    "actual": "实为",
    "difference": "差额",
    "message": "说明",
    "key": "字段",
    "label": "字段名称",
    "value": "数值",
    "raw": "原文",
    "blank": "空白计零",
    "source": "来源",
    "location": "位置",
    "path": "文件",
    "code": "错误代码",
    "problem": "问题",
    "hint": "处理建议",
    "at": "时间",
    "reason": "原因",
    "previous_report_id": "上年报告编号",
    "metric": "指标",
    "indicator": "指标",
    "points": "得分",
    "item": "项目",
    # a rate's denominator (cases), for the scheme's small-sample rule
    "completion_rate_cases": "办结率计算件数",
    "on_time_rate_cases": "按时办结率计算件数",
    "disclosure_rate_cases": "公开率计算件数",
    "review_correction_rate_cases": "复议纠错率计算件数",
    "suit_correction_rate_cases": "诉讼纠错率计算件数",
    "note": "说明",
    "weight": "权重",
    "median": "对标组中位数",
    "agency_value": "本单位",
    "reports": "报告数",
    "agencies": "单位数",
    "missing": "未发布",
    "late": "逾期",
    "base_score": "原方案得分",
    "base_rank": "原方案排名",
    "whatif_change": "调整后名次变化",
    "last_year_reported": "最近发布年度",
    "run_id": "加载批次",
    "sha256": "文件哈希",
    "format": "格式",
    "total": "总分",
    "contribution": "绩效折算分",
    "tied": "并列",
    "group_size": "组内单位数",
    "prev_total": "上年得分",
    "weight_present": "有效权重",
    "unit": "单位",
    "lost": "失分",
    "small_sample": "样本过小",
    "indicator_name": "指标",
    "score_kind": "计分方式",
    "deduction_source": "数据来源",
    "copied": "年报雷同",
    "base_flag": "原方案预警",
    "moved": "名次变动",
    "evidence": "依据",
    "late_share": "逾期发布占比",
}

# Metric definitions shown with help= next to each figure.
METRIC_HELP: dict[str, str] = {
    "score": "按所选考核方案计算的总分：各指标得分乘以权重之和，扣分项按方案规则扣减。",
    "rank_change": "与上一年度同一方案、同一对标组下的名次相比，正数表示名次上升。",
    "completion_rate": "办结率 = 表三“(七)总计”÷(本年新收 + 上年结转)；旧版统计表为 申请办结数 ÷ 收到申请数。",
    "on_time_rate": "按时办结率 = 按时办结数 ÷ 申请办结数（旧版统计表）；新版表三无此项，显示为空。",
    "review_correction_rate": "复议纠错率 = 复议结果纠正 ÷ (复议总计 − 尚未审结)。",
    "suit_correction_rate": "诉讼纠错率 = 诉讼结果纠正 ÷ (诉讼总计 − 尚未审结)，含直接起诉与复议后起诉。",
    "days_late": "发布日期晚于法定期限的天数（未标明发布日期的按落款日期计）："
    "部门为次年1月31日，县级以上政府为次年3月31日（2019年前均为3月31日）。",
    "flag": "红色须督促整改，黄色需关注；具体规则见考核方案的预警规则（排名总览页“预警规则”）。",
    "contribution": "绩效折算分 = 总分 × 政务公开在绩效考核中的权重（考核方案的 performance_share，不低于 4%）。",
    "missing": "登记在册但该年度没有已加载年报的单位。",
    "copied": "年报质量检查认定正文与本单位上年或其他单位年报雷同（重复率超过规定比例）。",
}

FLAG_LABELS = {
    "red": "● 红",
    "amber": "● 黄",
    "": "○ 正常",
}  # no emoji: servers often lack an emoji font

KIND_LABELS = {"government": "政府", "department": "部门"}

SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}

TEMPLATE_LABELS = {"std2021": "2021版", "std2019": "2019版", "legacy": "旧版统计表"}

SOURCE_LABELS = {"table": "表格", "prose": "正文"}

SCORE_KINDS = {
    "linear": "线性计分",
    "rank": "同组排名",
    "deduction": "按事件扣分",
    "bonus": "加分",
    "veto": "否决",
}

# Coded values of a column -> Chinese, applied wherever a frame is shown or exported.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "template": TEMPLATE_LABELS,
    "kind": KIND_LABELS,
    "severity": SEVERITY,
    "source": SOURCE_LABELS,
    "score_kind": SCORE_KINDS,
    "flag": FLAG_LABELS,
    "base_flag": FLAG_LABELS,
}


# What the office calls the scheme's manual inputs (the scheme file: 只能靠检查、抽查得到的项目);
# their CSV's file name is the scorer's provenance, never a page's or a document's words.
MANUAL_INPUTS = "检查抽查结果"


def source_text(source: str | None) -> str:
    """assess's provenance of a deduction ('report 12 · metric completion_rate', 'registry',
    'manual:file.csv') in words."""
    import re

    if not source:
        return ""
    if source.startswith("manual:"):
        return f"人工录入（{MANUAL_INPUTS}）"
    if source.startswith("registry"):
        return "单位名录（未发布年报）" if "no report" in source else "单位名录"
    m = re.match(r"report \d+ · metric (\w+)", source)
    if m:
        metric = METRICS.get(m.group(1))
        name = metric.name if metric else "指标"
        return f"本年度年报：{name}"
    return source


# Who a finding blames (etl.rules responsibilities), as the pages say it.
RESPONSIBILITY: dict[str, str] = {
    "report": "报告问题",
    "reader": "需人工核对",
    "registry": "名录待核实",
    "portal": "网站发布问题",
}

# Figures a user may pick for trend/peer comparison -> column name in the figures CTE.
FIGURES: dict[str, str] = {
    k: k
    for k in (
        "requests",
        "processed",
        "granted",
        "partial",
        "denied",
        "unable",
        "rejected",
        "completion_rate",
        "on_time_rate",
        "disclosure_rate",
        "review_total",
        "review_corrected",
        "suit_total",
        "suit_corrected",
        "review_correction_rate",
        "suit_correction_rate",
        "days_late",
    )
}

# Sort orders for the 复议诉讼 "most corrected" table (identifier from a fixed dict).
SORTS: dict[str, str] = {
    "corrected_total": "corrected_total DESC, review_total + suit_total DESC",
    "review_corrected": "review_corrected DESC, review_total DESC",
    "suit_corrected": "suit_corrected DESC, suit_total DESC",
    "pending": "review_pending + suit_pending DESC",
}


def without_rule_ids(text: str) -> str:
    """A definition for people: a parenthesised list of rule ids ("（规则 t3./legacy.）") dropped."""
    import re

    return re.sub(r"[（(]规则[^）)]*[）)]", "", text)


def metric_help(name: str) -> str:
    """Definition of a metric: from assess.metrics (the one declaration) when it has it."""
    alias = {"disclosure_rate": "disclosure_rate", "corrected_total": "corrected_count"}
    m = METRICS.get(alias.get(name, name))
    if m is not None:
        unit = f"（单位：{m.unit}）" if m.unit else ""
        return f"{m.name}：{without_rule_ids(m.formula)}{unit}。空白表示该模板没有此项或分母为0（N/A），不是0。"
    return METRIC_HELP.get(name, col(name))


def col(name: str) -> str:
    """Chinese header for a result column (the name itself if not declared)."""
    return COLUMNS.get(name, name)


def key_label(key: str) -> str:
    """Chinese label for a canonical key, e.g. 't3.new.total' -> '一、本年新收…·总计'."""
    f = FIELDS.get(key)
    return f.label if f else key


def rename(df, extra: dict[str, str] | None = None):
    """Polars frame with Chinese headers for display/export."""
    mapping = {c: (extra or {}).get(c, col(c)) for c in df.columns}
    return df.rename(mapping)
