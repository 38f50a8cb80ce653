"""Figures stated in the prose against the tables (std2019/std2021): text_table.mismatch.

A claim is a number followed by 件 inside one clause, labelled by the words before it since the
previous number ("收到政府信息公开申请 34 件", "予以公开及部分公开42件", "行政复议案件2件、行政诉讼
案件7件"). Only labels that name one 表三/表四 figure unambiguously are read; counts of anything
else (信息4511条, 对3件文件征求意见, 其中民政局1件) are never compared.

Scope-aware: a sentence about the office itself (本机关, 区政府办) in a 人民政府 report whose table
covers the whole region, or about the whole region (全县, 各部门) in a department's report, is a
difference of scope: text_table.scope_note (info), not an error. Both passages are quoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.fields import STD_TEMPLATES, T3_ROWS, t3_key, t4_key
from etl.normalize import as_number
from etl.report import Finding, ParsedReport
from etl.validate.quality_settings import quality_settings

_SENTENCES = re.compile(r"[^。；;!！?？]+[。；;!！?？]?")
_CLAUSES = re.compile(r"[^，,：:。；;]+")
_COUNT = re.compile(r"(\d[\d,]*)\s*件")
_OUTCOME_TERM = r"(?:予以公开|同意公开|部分公开|不予公开|不同意公开|无法提供|不予处理|其他处理)"
# outcome terms joined directly ("予以公开及部分公开"), at the end of the label
_JOINED = re.compile(
    _OUTCOME_TERM + r"(?:[及和与、]" + _OUTCOME_TERM + r")+(?:答复|的|共|合计|为|有|\s)*$"
)
MAX_LABEL = 40  # "全年共受理政府信息公开申请" is 13 characters; a longer run is a table's labels

# (label pattern, what): the more specific first; an outcome beats 办理/办结 in one label.
_TERMS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"上年结转"), "carried_in"),
    (re.compile(r"结转下一?年度?|转下一?年度|结转至下一?年"), "carried_out"),
    (re.compile(r"部分公开"), "partial"),
    (re.compile(r"不予公开|不同意公开"), "denied"),
    (re.compile(r"(?<!不)(?<!部分)(?:予以公开|同意公开)"), "granted"),
    (re.compile(r"无法提供"), "unable"),
    (re.compile(r"不予处理"), "rejected"),
    (re.compile(r"其他处理"), "other"),
    (re.compile(r"行政复议"), "review"),
    (re.compile(r"行政诉讼"), "suits"),
    (re.compile(r"(?:收到|受理|接收|接到|新收|收悉).*申请|申请.*(?:收到|受理)"), "requests"),
    (re.compile(r"办结|办理完成|共办理|已办理|答复(?:办结)?$"), "processed"),
)
_OUTCOMES = ("granted", "partial", "denied", "unable", "rejected", "other")
_LABELS = {
    "carried_in": "上年结转",
    "carried_out": "结转下年度",
    "granted": "予以公开",
    "partial": "部分公开",
    "denied": "不予公开",
    "unable": "无法提供",
    "rejected": "不予处理",
    "other": "其他处理",
    "review": "行政复议总计",
    "suits": "行政诉讼总计",
    "requests": "收到申请",
    "processed": "办理结果总计",
}
_TABLE_TEXT = re.compile(r"第二十条第|勾稽关系|本年新收政府信息公开申请数量")
_ABOUT_CASES = re.compile(r"复议|诉讼|案件|信访|建议|提案")
_SUBJECTS = re.compile(r"自然人|法人|企业|其中.{0,6}(?:局|委|办|镇|街道|乡)")


@dataclass(frozen=True)
class Claim:
    what: tuple[str, ...]  # table figures summed ("granted", "partial") for 予以公开及部分公开
    value: float
    sentence: str


def _printed(report: ParsedReport, key: str) -> bool:
    """A figure the table states: a cell printed blank is no statement to compare with."""
    v = report.values.get(key)
    return v is not None and not v.blank


def _row_total(report: ParsedReport, row: str) -> tuple[float, list[str]] | None:
    key = t3_key(row, "total")
    if _printed(report, key):
        return report.values[key].value, [key]
    keys = [
        t3_key(r, "total")
        for r, _, tpl in T3_ROWS
        if r.startswith(row + ".") and report.template in tpl
    ]
    if keys and all(_printed(report, k) for k in keys):
        return sum(report.values[k].value for k in keys), keys
    return None


def table_candidates(report: ParsedReport, what: str) -> list[tuple[float, list[str]]]:
    """What the table says for `what`; a request count may be 新收 or 新收 + 上年结转."""
    if what in ("review",):
        key = t4_key("review", "total")
        return [(report.values[key].value, [key])] if _printed(report, key) else []
    if what == "suits":
        keys = [t4_key(g, "total") for g in ("suit_direct", "suit_after_review")]
        if all(_printed(report, k) for k in keys):
            return [(sum(report.values[k].value for k in keys), keys)]
        return []
    if what == "requests":
        new, cin = _row_total(report, "new"), _row_total(report, "carried_in")
        out = [new] if new else []
        if new and cin:
            out.append((new[0] + cin[0], new[1] + cin[1]))
        return out
    got = _row_total(report, what)
    return [got] if got else []


def claims(text: str) -> list[Claim]:
    out = []
    for sentence in _SENTENCES.findall(text.replace("\n", "")):
        if _TABLE_TEXT.search(sentence):
            continue  # the tables themselves, printed as text
        for clause in _CLAUSES.findall(sentence):
            prev = 0
            for m in _COUNT.finditer(clause):
                label, prev = clause[prev : m.start()], m.end()
                if _SUBJECTS.search(label) or "%" in label or len(label) > MAX_LABEL:
                    continue  # a table printed as running text has long label runs, not prose
                what = _what(label)
                if what in (("requests",), ("processed",)) and _ABOUT_CASES.search(
                    sentence[: sentence.find(clause)] + label
                ):
                    continue  # "复议、诉讼案件的应诉工作，共办理相关案件74件": not requests
                if what:
                    out.append(Claim(what, float(m.group(1).replace(",", "")), sentence.strip()))
    return out


def _what(label: str) -> tuple[str, ...] | None:
    hits = []
    for pattern, what in _TERMS:
        for m in pattern.finditer(label):
            hits.append((m.start(), what))
    if not hits:
        return None
    kinds = {w for _, w in hits}
    outcomes = [w for _, w in sorted(hits) if w in _OUTCOMES]
    if len(set(outcomes)) > 1:  # "予以公开及部分公开42件": the sum, if the terms are joined
        return tuple(dict.fromkeys(outcomes)) if _JOINED.search(label) else None
    if outcomes:
        return (outcomes[0],)
    for what in ("carried_in", "carried_out", "review", "suits", "requests", "processed"):
        if what in kinds:
            if what in ("review", "suits") and {"review", "suits"} <= kinds:
                return None  # "行政复议和行政诉讼共3件": not one table figure
            return (what,)
    return None


def _scope(sentence: str, report: ParsedReport, settings: dict) -> str | None:
    """'local' / 'wide' when the sentence's scope differs from what the table covers."""
    is_government = any(m in (report.agency or "") for m in settings["government_markers"])
    if is_government and any(m in sentence for m in settings["local_scope"]):
        return "local"
    if not is_government and any(m in sentence for m in settings["wide_scope"]):
        return "wide"
    return None


def text_table_findings(report: ParsedReport, settings: dict | None = None) -> list[Finding]:
    if report.template not in STD_TEMPLATES or not report.prose:
        return []
    settings = (settings or quality_settings())["text_table"]
    tolerance = float(settings["tolerance"])
    out: list[Finding] = []
    seen: set[tuple] = set()
    for claim in claims("\n".join(report.prose)):
        parts = [table_candidates(report, w) for w in claim.what]
        if not all(parts):
            continue  # the table does not print this figure: nothing to compare
        if len(parts) == 1:
            candidates = parts[0]
        else:  # a sum of outcomes: one reading each
            candidates = [(sum(p[0][0] for p in parts), [k for p in parts for k in p[0][1]])]
        if any(abs(v - claim.value) <= tolerance for v, _ in candidates):
            continue
        value, keys = candidates[0]
        if (claim.what, claim.value) in seen:
            continue
        seen.add((claim.what, claim.value))
        label = "+".join(_LABELS[w] for w in claim.what)
        scope = _scope(claim.sentence, report, settings)
        table = f"表格“{label}”为 {as_number(value)}"
        if scope is not None:
            what = "本机关" if scope == "local" else "全辖区"
            out.append(
                Finding(
                    "text_table.scope_note",
                    tuple(keys),
                    value,
                    claim.value,
                    f"正文所述为{what}口径：「{_quote(claim.sentence)}」写 {as_number(claim.value)} 件；"
                    f"{table}（口径不同，不作为错误）",
                    "info",
                )
            )
        else:
            out.append(
                Finding(
                    "text_table.mismatch",
                    tuple(keys),
                    value,
                    claim.value,
                    f"正文：「{_quote(claim.sentence)}」写 {as_number(claim.value)} 件；"
                    f"{table}（差 {as_number(claim.value - value):+}）",
                    "warning",
                )
            )
    return out


def _quote(text: str, limit: int = 90) -> str:
    text = re.sub(r"\s+", "", text)
    return text if len(text) <= limit else text[:limit] + "…"
