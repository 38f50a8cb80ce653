"""The one declaration of canonical report keys (shared/spec/report-fields.md).

Everything else (parser row maps, database checks, dashboard labels, export columns, tests)
refers to FIELDS or the tuples below; a key that is not declared here cannot be stored.
"""

from __future__ import annotations

from dataclasses import dataclass

STD2021 = "std2021"
STD2019 = "std2019"
LEGACY = "legacy"
NOT_A_REPORT = "not_a_report"
TEMPLATES = (STD2021, STD2019, LEGACY)
STD_TEMPLATES = (STD2021, STD2019)


@dataclass(frozen=True)
class Field:
    key: str
    table: str  # "t2" | "t3" | "t4" | "legacy"
    label: str  # Chinese label as printed in the template
    templates: tuple[str, ...]
    row: str = ""
    col: str = ""
    derived: bool = False  # a subtotal: stored only when a report prints nothing finer
    unit: str = "件"


# 表三 columns, in template order.
T3_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("social", "社会公益组织"),
    ("legal", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)
T3_PARTY_COLUMNS = tuple(c for c, _ in T3_COLUMNS if c != "total")

# 表三 rows in template order: (row key, label, templates).
_BOTH = STD_TEMPLATES
T3_ROWS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("new", "一、本年新收政府信息公开申请数量", _BOTH),
    ("carried_in", "二、上年结转政府信息公开申请数量", _BOTH),
    ("granted", "三(一)予以公开", _BOTH),
    ("partial", "三(二)部分公开", _BOTH),
    ("denied.state_secret", "三(三)1 属于国家秘密", _BOTH),
    ("denied.law_forbidden", "三(三)2 其他法律行政法规禁止公开", _BOTH),
    ("denied.security_stability", "三(三)3 危及“三安全一稳定”", _BOTH),
    ("denied.third_party", "三(三)4 保护第三方合法权益", _BOTH),
    ("denied.internal_affairs", "三(三)5 属于三类内部事务信息", _BOTH),
    ("denied.process_info", "三(三)6 属于四类过程性信息", _BOTH),
    ("denied.enforcement_file", "三(三)7 属于行政执法案卷", _BOTH),
    ("denied.admin_query", "三(三)8 属于行政查询事项", _BOTH),
    ("unable.not_held", "三(四)1 本机关不掌握相关政府信息", _BOTH),
    ("unable.needs_creation", "三(四)2 没有现成信息需要另行制作", _BOTH),
    ("unable.unclear", "三(四)3 补正后申请内容仍不明确", _BOTH),
    ("rejected.petition", "三(五)1 信访举报投诉类申请", _BOTH),
    ("rejected.duplicate", "三(五)2 重复申请", _BOTH),
    ("rejected.publication", "三(五)3 要求提供公开出版物", _BOTH),
    ("rejected.excessive", "三(五)4 无正当理由大量反复申请", _BOTH),
    ("rejected.confirmation", "三(五)5 要求行政机关确认或重新出具已获取信息", _BOTH),
    ("other.no_correction", "三(六)1 申请人无正当理由逾期不补正", (STD2021,)),
    ("other.no_fee", "三(六)2 申请人逾期未按收费通知要求缴纳费用", (STD2021,)),
    ("other.other", "三(六)3 其他", (STD2021,)),
    ("processed", "三(七)总计", _BOTH),
    ("carried_out", "四、结转下年度继续办理", _BOTH),
)
T3_SUBTOTALS: dict[str, str] = {
    "denied": "三(三)不予公开",
    "unable": "三(四)无法提供",
    "rejected": "三(五)不予处理",
    "other": "三(六)其他处理",
}
# Rows whose sum is t3.processed (identity 2): the outcome rows.
T3_OUTCOME_ROWS = tuple(
    r for r, _, _ in T3_ROWS if r not in ("new", "carried_in", "processed", "carried_out")
)

T4_GROUPS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("suit_direct", "行政诉讼·未经复议直接起诉"),
    ("suit_after_review", "行政诉讼·复议后起诉"),
)
T4_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)

T2_ITEMS: dict[str, str] = {
    "rules": "规章",
    "normative": "规范性文件",
    "licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "penalty": "行政处罚",
    "coercion": "行政强制",
    "fees": "行政事业性收费",
    "procurement": "政府集中采购",
}
T2_MEASURES: dict[str, tuple[str, str]] = {  # measure -> (label, unit)
    "issued": ("本年制发件数", "件"),
    "repealed": ("本年废止件数", "件"),
    "in_force": ("现行有效件数", "件"),
    "made": ("本年新制作数量", "件"),
    "published": ("本年新公开数量", "件"),
    "total_public": ("对外公开总数量", "件"),
    "decisions": ("处理决定数量", "件"),
    "prior_items": ("上一年项目数量", "项"),
    "change": ("本年增/减", "项"),
    "amount_wan": ("金额(万元)", "万元"),
    "count": ("采购项目数量", "项"),
}
# Which measures each 表二 item has, per template, in printed column order.
T2_LAYOUT: dict[str, dict[str, tuple[str, ...]]] = {
    STD2021: {
        "rules": ("issued", "repealed", "in_force"),
        "normative": ("issued", "repealed", "in_force"),
        "licensing": ("decisions",),
        "penalty": ("decisions",),
        "coercion": ("decisions",),
        "fees": ("amount_wan",),
    },
    STD2019: {
        "rules": ("made", "published", "total_public"),
        "normative": ("made", "published", "total_public"),
        "licensing": ("prior_items", "change", "decisions"),
        "other_services": ("prior_items", "change", "decisions"),
        "penalty": ("prior_items", "change", "decisions"),
        "coercion": ("prior_items", "change", "decisions"),
        "fees": ("prior_items", "change"),
        "procurement": ("count", "amount_wan"),
    },
}

# legacy 统计表: (name, label, unit) in the order of the national table.
LEGACY_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("proactive_total", "主动公开政府信息数", "条"),
    ("normative_published", "主动公开规范性文件数", "条"),
    ("normative_issued", "制发规范性文件总数", "件"),
    ("by_gazette", "政府公报公开政府信息数", "条"),
    ("by_website", "政府网站公开政府信息数", "条"),
    ("by_weibo", "政务微博公开政府信息数", "条"),
    ("by_wechat", "政务微信公开政府信息数", "条"),
    ("by_other", "其他方式公开政府信息数", "条"),
    ("responses_hotspots", "回应公众关注热点或重大舆情数", "次"),
    ("press_conferences", "参加或举办新闻发布会总次数", "次"),
    ("interviews", "政府网站在线访谈次数", "次"),
    ("interpretations", "政策解读稿件发布数", "篇"),
    ("requests", "收到申请数", "件"),
    ("requests_in_person", "当面申请数", "件"),
    ("requests_fax", "传真申请数", "件"),
    ("requests_online", "网络申请数", "件"),
    ("requests_letter", "信函申请数", "件"),
    ("completed", "申请办结数", "件"),
    ("completed_on_time", "按时办结数", "件"),
    ("completed_late", "延期办结数", "件"),
    ("answers", "申请答复数", "件"),
    ("answer_already_public", "属于已主动公开范围数", "件"),
    ("answer_granted", "同意公开答复数", "件"),
    ("answer_partial", "同意部分公开答复数", "件"),
    ("answer_denied", "不同意公开答复数", "件"),
    ("answer_denied.state_secret", "涉及国家秘密", "件"),
    ("answer_denied.commercial_secret", "涉及商业秘密", "件"),
    ("answer_denied.privacy", "涉及个人隐私", "件"),
    ("answer_denied.security_stability", "危及国家安全、公共安全、经济安全和社会稳定", "件"),
    ("answer_denied.not_gov_info", "不是《条例》所指政府信息", "件"),
    ("answer_denied.other_law", "法律法规规定的其他情形", "件"),
    ("answer_not_this_agency", "不属于本行政机关公开数", "件"),
    ("answer_not_exist", "申请信息不存在数", "件"),
    ("answer_needs_change", "告知作出更改补充数", "件"),
    ("answer_other_channel", "告知通过其他途径办理数", "件"),
    ("review_total", "行政复议数量", "件"),
    ("review_upheld", "维持具体行政行为数", "件"),
    ("review_corrected", "被依法纠错数", "件"),
    ("review_other", "其他情形数", "件"),
    ("review_pending", "尚未审结数", "件"),
    ("suit_total", "行政诉讼数量", "件"),
    ("suit_upheld", "维持具体行政行为或者驳回原告诉讼请求数", "件"),
    ("suit_corrected", "依法纠错数", "件"),
    ("suit_other", "其他情形数", "件"),
    ("suit_pending", "尚未审结数", "件"),
    ("complaints", "举报投诉数量", "件"),
    ("fees_wan", "依申请公开信息收取的费用", "万元"),
    ("units", "政府信息公开工作专门机构数", "个"),
    ("reading_points", "设置政府信息公开查阅点数", "个"),
    ("staff", "从事政府信息公开工作人员数", "人"),
    ("staff_fulltime", "专职人员数", "人"),
    ("staff_parttime", "兼职人员数", "人"),
    ("budget_wan", "政府信息公开专项经费", "万元"),
    ("meetings", "召开政府信息公开工作会议或专题会议数", "次"),
    ("trainings", "举办各类培训班数", "次"),
    ("trainees", "接受培训人员数", "人次"),
)

# The 统计表's reasons for 不同意公开 that add up to it (legacy.denied_sum), in the table's order.
LEGACY_DENIED_REASONS = tuple(
    name for name, _, _ in LEGACY_ITEMS if name.startswith("answer_denied.")
)

# The 统计表's 答复 outcomes that add up to 答复数 (legacy.answers), in the table's order.
LEGACY_ANSWER_PARTS = (
    "answer_already_public",
    "answer_granted",
    "answer_partial",
    "answer_denied",
    "answer_not_this_agency",
    "answer_not_exist",
    "answer_needs_change",
    "answer_other_channel",
)


def t3_key(row: str, col: str) -> str:
    return f"t3.{row}.{col}"


def t4_key(group: str, outcome: str) -> str:
    return f"t4.{group}.{outcome}"


def t2_key(item: str, measure: str) -> str:
    return f"t2.{item}.{measure}"


def legacy_key(name: str) -> str:
    return f"legacy.{name}"


def _declare() -> dict[str, Field]:
    fields: dict[str, Field] = {}
    col_labels = dict(T3_COLUMNS)
    for row, label, templates in T3_ROWS:
        for col, _ in T3_COLUMNS:
            k = t3_key(row, col)
            fields[k] = Field(k, "t3", f"{label}·{col_labels[col]}", templates, row, col)
    for sub, label in T3_SUBTOTALS.items():
        for col, _ in T3_COLUMNS:
            k = t3_key(sub, col)
            fields[k] = Field(
                k, "t3", f"{label}·{col_labels[col]}", STD_TEMPLATES, sub, col, derived=True
            )
    for group, glabel in T4_GROUPS:
        for outcome, olabel in T4_OUTCOMES:
            k = t4_key(group, outcome)
            fields[k] = Field(k, "t4", f"{glabel}·{olabel}", STD_TEMPLATES, group, outcome)
    for template, layout in T2_LAYOUT.items():
        for item, measures in layout.items():
            for m in measures:
                k = t2_key(item, m)
                mlabel, unit = T2_MEASURES[m]
                prev = fields.get(k)
                templates = (prev.templates + (template,)) if prev else (template,)
                fields[k] = Field(
                    k, "t2", f"{T2_ITEMS[item]}·{mlabel}", templates, item, m, unit=unit
                )
    for name, label, unit in LEGACY_ITEMS:
        k = legacy_key(name)
        fields[k] = Field(k, "legacy", label, (LEGACY,), name, unit=unit)
    return fields


FIELDS: dict[str, Field] = _declare()


def keys_for(template: str) -> list[str]:
    """Keys a report of `template` can carry (derived subtotals excluded)."""
    return [k for k, f in FIELDS.items() if template in f.templates and not f.derived]
