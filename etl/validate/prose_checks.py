"""The prose against itself, and its outcome statements against the tables (std2019/std2021).

* prose.outcome_vs_t4 (review_suit_inconsistent, T4): 「均获维持」「全部维持」「均胜诉」 while 表四
  shows 纠正 or 其他 results for the cases the sentence speaks of; 「未被纠错」 while 表四 shows
  纠正.
* prose.completion_vs_carry_over (prose_figures_inconsistent, S1/S3): 「均已办理完成」「全部按时
  办结」「办结率100%」 while the prose states a carry-over to next year or 表三 结转下年度 > 0.
* prose.parts_sum (prose_figures_inconsistent): 「受理申请 20 件，其中予以公开 8 件 … 其他 1 件」
  whose parts do not add up. Only a breakdown presented as complete is checked: one with an
  「其他/其余」 item, or 自然人 + 法人或其他组织 (inspection README: breakdowns without 其他
  need not add up). Parts that add up to the total ± the table's carry-over follow the
  carry-over convention and are not flagged.
* prose.percentage (prose_figures_inconsistent): 「予以公开 42 件，占 51.85%」 where 42 / total
  is another share (rounding and truncation to the printed decimals are accepted).

Scope: a department's sentence about the whole region (全县, 各部门) or a government's sentence
about the office (区政府办) speaks of other cases than the tables: no comparison with the table.
"""

from __future__ import annotations

import re

from etl.fields import STD_TEMPLATES, t4_key
from etl.normalize import as_number
from etl.report import Finding, ParsedReport
from etl.validate.prose_figures import (
    Figure,
    Sentence,
    figures,
    scope_of,
    sentences,
    speaks_for_region,
)
from etl.validate.quality_settings import quality_settings
from etl.validate.text_table import quote, row_total, unsure

_NOT = r"(?<![未非不没])"
_ALL_UPHELD = re.compile(
    _NOT
    + r"(?:均|全部|都|皆|全)(?:已|已经|被|获|得到|予以|依法|为)*(?:维持|胜诉)|维持率(?:为|达)?100%"
)
_NONE_CORRECTED = re.compile(
    r"(?:未|没有|无)(?:被|出现|发生)?[^，,。；;]{0,12}?(?:纠错|纠正|撤销|败诉)|纠错率(?:为)?0(?![.\d])"
)
_ALL_DONE = re.compile(
    _NOT + r"(?:均|全部|都|皆|悉数|全)(?:已|已经|依法|按时|按期|如期|按要求|按规定|及时"
    r"|在法定期限内|在规定期限内)*(?:办结|办理完成|办理完毕|处理完毕|答复完毕|办完|完成办理|完成答复)"
    r"|(?<!按时)(?<!按期)办结率(?:为|达到?)?100(?:\.0+)?%"
)
_CASES = {"review": re.compile(r"复议"), "suits": re.compile(r"诉讼|起诉")}
_GROUPS = {"review": ("review",), "suits": ("suit_direct", "suit_after_review")}
_INFO = re.compile(r"信息公开|依申请")
_OTHER_MATTERS = re.compile(r"建议|提案|信访|投诉|举报|热线|许可|审批|政务服务")
_TOTALS = ("requests", "handled", "processed", "review", "suits", "carried_in")
_PERCENT = re.compile(r"^[，,]?(?:占(?:比|总数|全部|总量)?(?:的)?(?:为)?)(\d+(?:\.\d+)?)[%％]")


def prose_check_findings(report: ParsedReport, settings: dict | None = None) -> list[Finding]:
    if report.template not in STD_TEMPLATES or not report.prose:
        return []
    settings = (settings or quality_settings())["text_table"]
    government = speaks_for_region(report, settings)
    sents = sentences(report)
    out: list[Finding] = []
    for i, sent in enumerate(sents):
        same_scope = scope_of(sent.text, government, settings) is None
        if same_scope:
            out += _outcomes_vs_t4(report, sents, i)
        out += _completion(report, sents, i, same_scope)
        out += _parts_and_shares(report, sent)
    return out


# ---- 「均获维持」 against 表四


def _outcomes_vs_t4(report: ParsedReport, sents: list[Sentence], i: int) -> list[Finding]:
    s = sents[i].text
    claims = [(m, "upheld") for m in _ALL_UPHELD.finditer(s)]
    claims += [(m, "none_corrected") for m in _NONE_CORRECTED.finditer(s)]
    if not claims or not (_INFO.search(s) or sents[i].place == "S4" or _about_info(sents, i)):
        return []
    out = []
    for m, claim in claims[:1]:
        before = s[: m.start()]
        # the cases the statement is about: those named in its own part of the sentence
        segment = re.split(r"[；;]", before)[-1]
        named = [g for g, rx in _CASES.items() if rx.search(segment)] or [
            g for g, rx in _CASES.items() if rx.search(before)
        ]
        if not named:
            continue
        groups = [k for g in named for k in _GROUPS[g]]
        bad = ("corrected", "other") if claim == "upheld" else ("corrected",)
        keys = [t4_key(g, o) for g in groups for o in bad]
        values = [report.values.get(k) for k in keys]
        if any(v is None for v in values):
            continue
        shown = [(k, v.value) for k, v in zip(keys, values) if not v.blank and v.value > 0]
        if not shown:
            continue
        cells = "、".join(f"{_t4_label(k)} {as_number(v)}" for k, v in shown)
        said = "均获维持" if claim == "upheld" else "未被纠错"
        out.append(
            Finding(
                "prose.outcome_vs_t4",
                tuple(k for k, _ in shown),
                0,
                sum(v for _, v in shown),
                f"正文：「{quote(s)}」称{said}；表四：{cells}",
                place="T4",
                responsibility="reader" if unsure(report, keys) else None,
            )
        )
    return out


def _about_info(sents: list[Sentence], i: int) -> bool:
    return i > 0 and bool(_INFO.search(sents[i - 1].text)) and "复议" in sents[i - 1].text


def _t4_label(key: str) -> str:
    group, outcome = key.split(".")[1:]
    g = {"review": "行政复议", "suit_direct": "直接起诉", "suit_after_review": "复议后起诉"}[group]
    return g + {"corrected": "纠正", "other": "其他结果"}[outcome]


# ---- 「均已办结」 against a carry-over


def _completion(report: ParsedReport, sents: list[Sentence], i: int, same_scope: bool):
    sent = sents[i]
    m = _ALL_DONE.search(sent.text)
    if not m:
        return []
    clause = re.split(r"[，,；;]", sent.text[: m.start()])[-1]
    if "结转" in clause or _OTHER_MATTERS.search(clause) or re.search(r"复议|诉讼|案件", clause):
        return []  # "上年结转的 2 件均已办结", or other cases than the requests
    context = " ".join(s.text for s in sents[max(0, i - 1) : i + 1])
    if "申请" not in context:
        return []
    # the carry-over the prose itself states, in this sentence or the next two
    for later in sents[i : i + 3]:
        for fig in figures(later):
            if fig.what == ("carried_out",) and fig.value > 0:
                # the prose contradicts itself: no table cell (and no doubt about reading one)
                return [_done_finding(sent, fig.value, f"「{quote(later.text)}」", ())]
    out = row_total(report, "carried_out") if same_scope else None
    if out and out[0] > 0:
        reader = "reader" if unsure(report, out[1]) else None
        return [_done_finding(sent, out[0], "表三“结转下年度继续办理”", tuple(out[1]), reader)]
    return []


def _done_finding(sent: Sentence, carried: float, where: str, cells, reader=None) -> Finding:
    return Finding(
        "prose.completion_vs_carry_over",
        cells,
        carried,
        0,
        f"正文：「{quote(sent.text)}」称申请均已办结；{where}有 {as_number(carried)} 件结转下年度",
        place=sent.place,
        responsibility=reader,
    )


# ---- a complete breakdown that does not add up; a share that is not the stated one


def _parts_and_shares(report: ParsedReport, sent: Sentence) -> list[Finding]:
    figs = figures(sent)
    out = []
    for i, total in enumerate(figs):
        parts = _breakdown(sent.text, figs, i)
        if not parts:
            continue
        out += _shares(sent, total, parts)
        if not _complete(parts):
            continue
        got = sum(p.value for p in parts)
        gap = abs(got - total.value)
        if gap < 1e-9 or gap in _carry_overs(report):
            continue
        items = "、".join(f"{p.label.lstrip('其中：:')}{as_number(p.value)}" for p in parts)
        out.append(
            Finding(
                "prose.parts_sum",
                (),
                total.value,
                got,
                f"正文：「{quote(sent.text)}」总数 {as_number(total.value)}{total.unit}，"
                f"其中各项（{items}）合计 {as_number(got)}{total.unit}",
                place=sent.place,
            )
        )
    return out


def _breakdown(text: str, figs: list[Figure], i: int) -> list[Figure]:
    """The parts after 「其中」 that follow figure i, in the same unit; [] if none."""
    total = figs[i]
    if i + 1 >= len(figs) or not re.match(r"^[^。]{0,4}?其中", text[total.end :].lstrip("，,：: ")):
        return []
    parts = []
    for fig in figs[i + 1 :]:
        between = text[(parts[-1].end if parts else total.end) : fig.start]
        if parts and re.search(r"共|合计|总计|累计|另|此外|同时|结转", fig.label):
            break
        if fig.unit != total.unit or (parts and "其中" in between):
            break  # another unit, or a breakdown of the part before (nested 「其中」)
            break
        if fig.what and fig.what[0] in _TOTALS:
            break  # a new total
        parts.append(fig)
    return parts if len(parts) >= 2 else []


def _complete(parts: list[Figure]) -> bool:
    labels = [re.sub(r"^(?:其中|[：:])+", "", p.label) for p in parts]
    if any(re.match(r"(?:其他|其余|其它)(?!组织)", lab) for lab in labels):
        return True
    return (
        len(parts) == 2
        and labels[0].startswith("自然人")
        and re.match(r"法人(?:或|和|及)其他组织", labels[1]) is not None
    )


def _carry_overs(report: ParsedReport) -> set[float]:
    out = set()
    for row in ("carried_in", "carried_out"):
        if (got := row_total(report, row)) and got[0] > 0:
            out.add(got[0])
    return out


def _shares(sent: Sentence, total: Figure, parts: list[Figure]) -> list[Finding]:
    out = []
    if total.value <= 0:
        return out
    for p in parts:
        m = _PERCENT.match(sent.text[p.end :])
        if not m:
            continue
        printed = float(m.group(1))
        decimals = len(m.group(1).split(".")[1]) if "." in m.group(1) else 0
        share = 100 * p.value / total.value
        if abs(printed - share) < 10**-decimals + 1e-9:
            continue
        out.append(
            Finding(
                "prose.percentage",
                (),
                round(share, 2),
                printed,
                f"正文：「{quote(sent.text)}」{p.label.lstrip('其中：:')}{as_number(p.value)}"
                f"{p.unit}占 {m.group(1)}%，按所述总数 {as_number(total.value)} 应为 {share:.2f}%",
                place=sent.place,
            )
        )
    return out
