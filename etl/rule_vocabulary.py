"""The terms a rule of the catalogue (etl/rules.py) is declared in: who a finding blames, the
indicator it may cost, the inspector's categories, the places in a report, and the Rule record.

Only "report" findings count against an agency; the category decides the responsibility and the
default severity of every rule in it.
"""

from __future__ import annotations

from dataclasses import dataclass

# Who a finding blames. Only "report" findings count against an agency.
REPORT, READER, REGISTRY, PORTAL = "report", "reader", "registry", "portal"
RESPONSIBILITIES = (REPORT, READER, REGISTRY, PORTAL)

# Indicators (assess.metrics ids of the columns they count) a rule may cost.
IDENTITY, QUALITY, LEDGER, TIMING, COPYING = (
    "identity_findings",
    "quality_findings",
    "ledger_findings",
    "days_late",
    "repeat_share_prev",
)


@dataclass(frozen=True)
class Category:
    id: str
    label: str  # as an inspection notice names the problem type
    responsibility: str
    severity: str  # the inspector's default


CATEGORIES: dict[str, Category] = {
    c.id: c
    for c in (
        Category("table_identity", "表内数据勾稽不符", REPORT, "error"),
        Category("table_blank", "表格填报不全", REPORT, "error"),
        Category("review_suit_inconsistent", "复议诉讼数据前后矛盾", REPORT, "error"),
        Category("text_table_mismatch", "正文与表格数据不一致", REPORT, "error"),
        Category("prose_figures_inconsistent", "正文数据前后矛盾", REPORT, "warning"),
        Category("crossyear_inconsistent", "跨年数据不衔接", REPORT, "warning"),
        Category("late_publication", "未按时发布", REPORT, "error"),
        Category("missing_section", "内容缺项", REPORT, "error"),
        Category("overview_incomplete", "总体情况不完整", REPORT, "warning"),
        Category("nonstandard_structure", "格式不规范", REPORT, "warning"),
        Category("copied", "内容雷同", REPORT, "error"),
        Category("perfunctory", "内容空泛", REPORT, "warning"),
        Category("typo_wording", "文字差错", REPORT, "warning"),
        Category("core_data_missing", "核心数据未公开", REPORT, "warning"),
        Category("scope_error", "统计口径错误", REPORT, "error"),
        Category("changed_after_publication", "发布后改动", REPORT, "warning"),
        Category("reader", "需人工核对（系统读取困难）", READER, "warning"),
        Category("registry", "单位名录待核实", REGISTRY, "warning"),
        Category("portal", "门户网站发布问题", PORTAL, "warning"),
    )
}

# Places (shared/inspection/README.md): 表二/三/四, legacy 统计表 rows, std sections 一…六,
# legacy report parts, the preamble, the document as a whole.
PLACE_LABELS: dict[str, str] = {
    "T2": "表二（主动公开）",
    "T3": "表三（收到和处理申请）",
    "T4": "表四（行政复议、行政诉讼）",
    "LEG.proactive": "统计表·主动公开",
    "LEG.requests": "统计表·依申请公开",
    "LEG.answers": "统计表·答复情况",
    "LEG.review": "统计表·复议诉讼",
    "LEG.fees": "统计表·收费及减免",
    "LEG.staff": "统计表·工作人员",
    "S1": "一、总体情况",
    "S2": "二、主动公开政府信息情况",
    "S3": "三、收到和处理政府信息公开申请情况",
    "S4": "四、行政复议、行政诉讼情况",
    "S5": "五、存在的主要问题及改进情况",
    "S6": "六、其他需要报告的事项",
    "S.fees": "收费及减免情况",
    "S.review": "复议诉讼情况",
    "S.problems": "存在的问题及改进措施",
    "S.other": "其他需要报告的事项",
    "PRE": "报告开头",
    "DOC": "全文",
    "DOC:copy:own": "全文（与本单位上年报告）",
    "DOC:copy:other": "全文（与其他单位报告）",
}


@dataclass(frozen=True)
class Rule:
    id: str
    label: str
    category: str
    place: str
    remedy: str  # what the agency must do; for reader/registry/portal rules, what the analyst does
    indicator: str | None = None  # the assessment column it may cost (report findings only)
    severity: str | None = None  # None: the category's default

    @property
    def responsibility(self) -> str:
        return CATEGORIES[self.category].responsibility

    @property
    def default_severity(self) -> str:
        return self.severity or CATEGORIES[self.category].severity


def category_label(category: str) -> str:
    c = CATEGORIES.get(category)
    return c.label if c else category


def place_label(place: str | None) -> str:
    return PLACE_LABELS.get(place or "", place or "")


def report_categories() -> tuple[str, ...]:
    return tuple(c.id for c in CATEGORIES.values() if c.responsibility == REPORT)
