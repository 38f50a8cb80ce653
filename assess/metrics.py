"""Assessment metrics, each declared once: what it means, how it is computed, from which keys.

A metric is a number per report (per agency and year) computed in DuckDB from the long view
`current_values` plus report columns of `current_reports`. Invariants:
- a value that cannot be computed is NULL (shown as N/A), never 0: a std report has no
  按时办结率, a rate over zero cases has no value;
- every report key a metric reads comes from etl.fields (the SQL is built with
  assess.metric_exprs.column, which refuses undeclared keys), and `Metric.sources` is derived
  from the SQL, so it cannot drift;
- `cases` is the denominator of a rate (the number of cases it is computed over); the scorer
  flags a rate over fewer than the scheme's `min_cases` as small_sample.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assess.metric_exprs import (
    ALL_T4,
    LEGACY_ANSWERS,
    REVIEW,
    STD_RECEIVED,
    SUITS,
    correction_rate,
    legacy_subtotal,
    legacy_value,
    per_template,
    rate,
    sum_present,
    t3_subtotal,
    t3_total,
    t4_sum,
)
from etl.fields import FIELDS, LEGACY, STD_TEMPLATES, legacy_key, t3_key
from etl.rule_vocabulary import IDENTITY, LEDGER, QUALITY
from etl.rules import rules_costing

HIGHER, LOWER, NEUTRAL = "higher", "lower", "none"
ALL_TEMPLATES = (*STD_TEMPLATES, LEGACY)
# Which findings each findings indicator counts: the rule catalogue says (etl.rules), and only
# findings that blame the report (responsibility = 'report'; reading difficulties never cost).
IDENTITY_RULES = rules_costing(IDENTITY)  # 数据一致性: the spec identities, the carry-over
QUALITY_RULES = rules_costing(QUALITY)  # 年报质量问题: the annual quality check
LEDGER_RULES = rules_costing(LEDGER)  # 复议诉讼与台账不符
# Report columns (not report_values keys) a metric may read; named like sources.
REPORT_COLUMNS = {
    "days_late": "reports.days_late",
    "identity_findings": "findings.rule",
    "text_fingerprint": "reports.text_fingerprint",
    "prev_fingerprint": "reports.text_fingerprint(上年)",
    "quality_findings": "findings.rule(年报质量检查)",
    "ledger_findings": "findings.rule(t4.ledger_mismatch)",
    "copied_findings": "findings.rule(report.copied)",
    "repeat_share_prev": "report_similarity.share(上年)",
}


@dataclass(frozen=True)
class Metric:
    id: str
    name: str  # Chinese name shown in the dashboard and exports
    formula: str  # the formula in words, per template
    unit: str  # "%", "件", "天", "条", "" ...
    direction: str  # higher | lower | none (informational, cannot be ranked)
    templates: tuple[str, ...]  # templates for which it has a value
    value_sql: str  # expression over the per-report wide row (see wide_sql)
    cases_sql: str | None = None  # denominator (number of cases) of a rate; None otherwise
    sources: tuple[str, ...] = field(default=())  # derived: keys and report columns it reads

    def __post_init__(self) -> None:
        text = self.value_sql + " " + (self.cases_sql or "")
        keys = sorted(set(re.findall(r'"([a-z0-9_.]+)"', text)))
        extra = sorted(v for k, v in REPORT_COLUMNS.items() if re.search(rf"\b{k}\b", text))
        object.__setattr__(self, "sources", tuple(keys + extra))


_METRICS: tuple[Metric, ...] = (
    Metric(
        "requests",
        "申请数量",
        "本年新收申请数 t3.new.total（旧版：收到申请数）",
        "件",
        NEUTRAL,
        ALL_TEMPLATES,
        per_template(t3_total("new"), legacy_value("requests")),
    ),
    Metric(
        "completion_rate",
        "办结率",
        "办结数 / (本年新收 + 上年结转) × 100（新版表三）；申请办结数 / 收到申请数 × 100（旧版）",
        "%",
        HIGHER,
        ALL_TEMPLATES,
        per_template(
            rate(t3_total("processed"), STD_RECEIVED),
            rate(legacy_value("completed"), legacy_value("requests")),
        ),
        per_template(STD_RECEIVED, legacy_value("requests")),
    ),
    Metric(
        "carryover_rate",
        "结转率",
        "结转下年度 / (本年新收 + 上年结转) × 100（仅新版表三）",
        "%",
        LOWER,
        STD_TEMPLATES,
        per_template(rate(t3_total("carried_out"), STD_RECEIVED), None),
        per_template(STD_RECEIVED, None),
    ),
    Metric(
        "on_time_rate",
        "按时办结率",
        "按时办结数 / 申请办结数 × 100（旧版统计表或文字说明；新版表三无此项，为 N/A）",
        "%",
        HIGHER,
        (LEGACY,),
        per_template(None, rate(legacy_value("completed_on_time"), legacy_value("completed"))),
        per_template(None, legacy_value("completed")),
    ),
    Metric(
        "disclosure_rate",
        "公开率",
        "(予以公开 + 部分公开) / 办理总计 × 100（新版）；(已主动公开 + 同意公开 + 部分公开) / 答复数 × 100（旧版）",
        "%",
        HIGHER,
        ALL_TEMPLATES,
        per_template(
            rate(
                sum_present(t3_key("granted", "total"), t3_key("partial", "total")),
                t3_total("processed"),
            ),
            rate(
                sum_present(
                    *[
                        legacy_key(n)
                        for n in ("answer_already_public", "answer_granted", "answer_partial")
                    ]
                ),
                LEGACY_ANSWERS,
            ),
        ),
        per_template(t3_total("processed"), LEGACY_ANSWERS),
    ),
    Metric(
        "denial_rate",
        "不予公开率",
        "不予公开 / 办理总计 × 100（新版）；不同意公开 / 答复数 × 100（旧版）",
        "%",
        LOWER,
        ALL_TEMPLATES,
        per_template(
            rate(t3_subtotal("denied"), t3_total("processed")),
            rate(legacy_subtotal("answer_denied"), LEGACY_ANSWERS),
        ),
        per_template(t3_total("processed"), LEGACY_ANSWERS),
    ),
    Metric(
        "unable_rate",
        "无法提供率",
        "无法提供 / 办理总计 × 100（仅新版表三）",
        "%",
        LOWER,
        STD_TEMPLATES,
        per_template(rate(t3_subtotal("unable"), t3_total("processed")), None),
        per_template(t3_total("processed"), None),
    ),
    Metric(
        "review_correction_rate",
        "复议纠错率",
        "复议结果纠正 / (维持 + 纠正 + 其他) × 100",
        "%",
        LOWER,
        ALL_TEMPLATES,
        *correction_rate(REVIEW),
    ),
    Metric(
        "suit_correction_rate",
        "诉讼纠错率",
        "诉讼结果纠正 / (维持 + 纠正 + 其他) × 100，直接起诉与复议后起诉合计",
        "%",
        LOWER,
        ALL_TEMPLATES,
        *correction_rate(SUITS),
    ),
    Metric(
        "correction_rate",
        "综合纠错率",
        "复议与诉讼结果纠正合计 / 已审结合计 × 100",
        "%",
        LOWER,
        ALL_TEMPLATES,
        *correction_rate(ALL_T4),
    ),
    Metric(
        "corrected_count",
        "被纠错或败诉件数",
        "复议结果纠正 + 诉讼结果纠正（件）",
        "件",
        LOWER,
        ALL_TEMPLATES,
        per_template(
            t4_sum(ALL_T4, ("corrected",)),
            sum_present(legacy_key("review_corrected"), legacy_key("suit_corrected")),
        ),
    ),
    Metric(
        "dispute_rate",
        "复议诉讼发生率",
        "(复议总计 + 诉讼总计) / 本年新收申请 × 100（每百件申请）",
        "件/百件",
        LOWER,
        ALL_TEMPLATES,
        per_template(
            rate(t4_sum(ALL_T4, ("total",)), t3_total("new")),
            rate(
                sum_present(legacy_key("review_total"), legacy_key("suit_total")),
                legacy_value("requests"),
            ),
        ),
        per_template(t3_total("new"), legacy_value("requests")),
    ),
    Metric(
        "days_late",
        "年报发布及时性",
        "发布日期（未标明的按落款日期计）− 法定期限（天；负数为提前，两者均不明为 N/A）",
        "天",
        LOWER,
        ALL_TEMPLATES,
        "days_late",
    ),
    Metric(
        "identity_findings",
        "数据一致性",
        "年报表内、跨年数据勾稽不符的条数（只计报告本身的问题，系统读取困难不计）",
        "条",
        LOWER,
        ALL_TEMPLATES,
        "identity_findings",
    ),
    Metric(
        "copied_report",
        "与上年年报雷同",
        "年报质量检查认定正文与本单位上年或其他单位年报雷同（重复率超过质量检查设定的比例）为 1，"
        "否则为 0；没有上年年报且未认定雷同为 N/A",
        "",
        LOWER,
        ALL_TEMPLATES,
        "(CASE WHEN copied_findings > 0 THEN 1 WHEN prev_fingerprint IS NULL THEN NULL ELSE 0 END)",
    ),
    Metric(
        "repeat_share_prev",
        "与上年重复率",
        "正文（去掉模板句、标题和十个以上单位同年共用的句子后）在本单位上年年报中重复出现的比例（%）；"
        "没有可比的上年年报为 N/A",
        "%",
        LOWER,
        ALL_TEMPLATES,
        "repeat_share_prev",
    ),
    Metric(
        "quality_findings",
        "年报质量问题",
        "年报质量检查发现的报告问题条数：缺章节、内容空泛、总体情况不完整、格式不规范、整表空白、"
        "正文与表格或正文前后不符、文字差错、表二存量不衔接、发布后改动（系统读取困难不计）",
        "条",
        LOWER,
        ALL_TEMPLATES,
        "quality_findings",
    ),
    Metric(
        "ledger_mismatches",
        "复议诉讼与台账不符",
        "表四与法制部门复议诉讼台账不一致的格数（未导入台账的单位为 0）",
        "格",
        LOWER,
        ALL_TEMPLATES,
        "ledger_findings",
    ),
)

METRICS: dict[str, Metric] = {m.id: m for m in _METRICS}


def source_keys(metric_ids=None) -> list[str]:
    """Report keys read by the given metrics (all metrics by default)."""
    ids = METRICS if metric_ids is None else metric_ids
    return sorted({s for i in ids for s in METRICS[i].sources if s in FIELDS})
