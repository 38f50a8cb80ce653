"""Printed wording slips in std2019/std2021 reports (category typo_wording, place DOC).

Rules: wording.doubled_word (「资金资金分配结果」), wording.label_misprinted (a 表三 row label that is
the template's label with words dropped from its middle), wording.report_misnamed (the report calls
itself 政务公开工作报告), wording.year_mismatch (the title's year is not the statistics year) and
wording.template_blank (a placeholder or an empty year left in a template sentence).

Conservative by design: conversions (PDF→Markdown, OCR, a crawler's flattened page) damage text
too, and their damage is never the report's fault. So only what conversion does not produce is
flagged: an exact doubled word inside a punctuated clause (not a collapsed table header such as
结果结果), a label cut in its middle on one printed line (wrapping cuts at the ends), and on a
report read by OCR every finding goes to the analyst (responsibility reader), not the agency.
Words come from jieba's maintained dictionary, never from a list fitted to one file.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from etl.fields import FIELDS, STD_TEMPLATES, T3_ROWS, T3_SUBTOTALS, T4_OUTCOMES
from etl.report import Finding, ParsedReport

_HAN_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")
_CLAUSE_MARK = re.compile(r"[，,、；;。：:]")
_SENTENCE_END = re.compile(r"[。；;！!？?\n]")
# Counting reduplication is Chinese grammar, not a slip: 一件一件、一步一步、每年每年.
_COUNTING = re.compile(r"^[一二两三四五六七八九十百千万几每数]")
# Template row labels without their numbering, e.g. 其他法律行政法规禁止公开.
_ROW_NUMBER = re.compile(r"^[一二三四五六七八九十]?\s*[(（]?[一二三四五六七八九十]*[)）]?\s*\d*\s*")


@lru_cache(maxsize=1)
def initialized_jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


@lru_cache(maxsize=1)
def _table_words() -> frozenset[str]:
    """Words of the templates' table labels and headers: a collapsed header (结果结果其他尚未,
    总计总计) repeats them, and that is the conversion's doing."""
    jieba = initialized_jieba()
    labels = [f.label for f in FIELDS.values()] + [o for _, o in T4_OUTCOMES]
    return frozenset(w for label in labels for w in jieba.cut(label) if len(w) >= 2)


def _read_by_ocr(report: ParsedReport) -> bool:
    return any(v.source == "ocr" for v in report.values.values())


def wording_findings(report: ParsedReport) -> list[Finding]:
    if report.template == "not_a_report" or not report.prose:
        return []
    found = _doubled_words(report.prose)  # a doubled word is a slip in any template
    if report.template in STD_TEMPLATES:
        found += (
            _misprinted_labels(report.prose)
            + _misnamed(report)
            + year_mismatch_findings(report)
            + _template_blanks(report.prose)
        )
    if _read_by_ocr(report):  # a scan's text is the OCR's reading: the analyst checks it
        found = [
            Finding(f.rule, f.cells, f.expected, f.actual, f.message, responsibility="reader")
            for f in found
        ]
    return found


def _clauses(prose: tuple[str, ...]):
    """Sentences of the prose that are punctuated clauses (table headers and labels are not)."""
    for line in prose:
        for sentence in _SENTENCE_END.split(line):
            if len(sentence) >= 8 and _CLAUSE_MARK.search(sentence + "。"):
                yield sentence


# Two to six characters printed twice in a row: the candidates; the segmenter then decides
# whether the repeat is a word (资金资金) or spans two words by chance. Most reports have no
# candidate at all, and then jieba's dictionary is never loaded.
_REPEAT = re.compile(r"([\u4e00-\u9fff]{2,6})\1")


def _doubled_words(prose: tuple[str, ...]) -> list[Finding]:
    hits: list[str] = []
    for sentence in _clauses(prose):
        if not _REPEAT.search(sentence):
            continue
        if not re.search(r"[，,、]", sentence) and len(sentence) < 20:
            continue  # too short to be a clause of running prose
        jieba, table_words = initialized_jieba(), _table_words()
        tokens = list(jieba.cut(sentence))
        pos = 0
        for a, b in zip(tokens, tokens[1:]):
            pos += len(a)
            # 资金资金, and 办公厅办公厅 where the segmenter glued the first to 国务院办公厅
            if (
                a.endswith(b)
                and _HAN_WORD.match(b)
                and not _COUNTING.match(b)
                and b not in table_words
            ):
                start = max(0, pos - len(b) - 12)
                while start > 0 and sentence[start - 1 : start + 1].strip().isdigit():
                    start -= 1  # quote a figure whole, not its last digits
                hits.append(f"「{sentence[start : pos + len(b) + 10].strip()}」中“{b}{b}”")
    if not hits:
        return []
    return [
        Finding(
            "wording.doubled_word",
            (),
            None,
            None,
            f"正文中有重复的词语：{'；'.join(hits[:5])}",
        )
    ]


def _template_labels() -> dict[str, str]:
    """Squashed template label → label as the template words it (表三's rows and groups)."""
    labels = [label for _, label, _ in T3_ROWS] + list(T3_SUBTOTALS.values())
    out = {}
    for label in labels:
        words = _ROW_NUMBER.sub("", label)
        out[_squash(words)] = words.lstrip("、 ")
    return out


def _squash(text: str) -> str:
    return re.sub(r"[^\u4e00-\u9fff]", "", text)


# A table row printed on one line: its label (after an optional 1. / （三） numbering) and at
# least three figures (separate, or glued as a crawler prints them). Each figure is an atomic
# group: a long digit run is never re-split (no catastrophic backtracking on huge pages).
_ROW = re.compile(
    r"(?:^|[\s|｜\d])(?:\d{1,2}\s*[.．、]|[(（][一二三四五六七][)）])?\s*"
    r"([\u4e00-\u9fff“”\"‘’'、]{4,40})\s*[|｜]?\s*(?:(?>\d+\s*[|｜]?\s*){3}|\d{3})"
)


def _misprinted_labels(prose: tuple[str, ...]) -> list[Finding]:
    templates = _template_labels()
    out = []
    seen = set()
    for line in prose:
        for m in _ROW.finditer(line):
            printed = _squash(m.group(1))
            if printed in templates or printed in seen:
                continue
            for squashed, words in templates.items():
                if _inner_cut(printed, squashed):
                    seen.add(printed)
                    out.append(
                        Finding(
                            "wording.label_misprinted",
                            (),
                            None,
                            None,
                            f"表格项目名称「{_row_text(line, m)}」与国家规定格式不符，"
                            f"应为「{words}」",
                        )
                    )
                    break
    return out


def _row_text(line: str, m: re.Match) -> str:
    """The printed row: the whole line when it is one row, else the match (a crawler's line)."""
    return line.strip() if len(line) <= 60 else m.group(0).strip()[:40]


def _inner_cut(printed: str, template: str) -> bool:
    """printed = template with characters dropped from its middle (both ends kept, ≥ 2
    characters each: a wrapped label loses an end, never its middle), and the cut breaks a word
    of the template (行政法规禁止 → 行政止): dropping whole words (本年新收申请数量) may be a
    deliberate abbreviation, a broken word is a slip."""
    cut = len(template) - len(printed)
    if cut < 1 or cut > len(template) // 2:
        return False
    for i in range(2, len(printed) - 1):
        if template[:i] == printed[:i] and template[i + cut :] == printed[i:]:
            bounds = _word_bounds(template)  # the segmenter only for a real candidate
            if i not in bounds or i + cut not in bounds:
                return True
    return False


@lru_cache(maxsize=256)
def _word_bounds(text: str) -> frozenset[int]:
    bounds, pos = {0}, 0
    for word in initialized_jieba().cut(text):
        pos += len(word)
        bounds.add(pos)
    return frozenset(bounds)


def _joined(prose: tuple[str, ...]) -> str:
    """The prose as one string without spaces: a PDF's wrapped line (…工作\n报告) reads whole."""
    return re.sub(r"\s+", "", "".join(prose))


# This report naming itself: the year, then a name that ends in 报告.
_SELF_NAME = re.compile(r"(\d{4})年度?([\u4e00-\u9fff]{0,16}?(?:工作)?(?:年度)?报告)")


def _misnamed(report: ParsedReport) -> list[Finding]:
    text = _joined(((report.meta.get("title") or ""),) + report.prose[:60])
    for m in _SELF_NAME.finditer(text):
        name = m.group(2)
        if (
            "政务公开" in name
            and "政府信息公开" not in name
            and str(report.year) == m.group(1)
            and not _about_another_document(text, m)
        ):
            quoted = text[max(0, m.start() - 8) : m.end() + 2]
            return [
                Finding(
                    "wording.report_misnamed",
                    (),
                    None,
                    None,
                    f"报告自称「{m.group(0)}」（「…{quoted}…」），应为“政府信息公开工作年度报告”",
                )
            ]
    return []


def _about_another_document(text: str, m: re.Match) -> bool:
    """《…报告》, 关于做好…报告 (the notice that asks for the report) or …报告的通知 name another
    document, not this report."""
    before, after = text[max(0, m.start() - 12) : m.start()], text[m.end() : m.end() + 6]
    return before.endswith("《") or "关于" in before or bool(re.match(r"的?(通知|编制工作)", after))


_TITLE_YEAR = re.compile(r"(\d{4})\s*年度?")
_PERIOD = re.compile(
    r"统计(?:期限|期间|周期|时限|时间)[^。]{0,8}?(\d{4})\s*年\s*1\s*月\s*1\s*日[^。]{0,6}?"
    r"(\d{4})\s*年\s*12\s*月\s*31\s*日"
)


def year_mismatch_findings(report: ParsedReport) -> list[Finding]:
    title = report.meta.get("title") or ""
    title_year = _TITLE_YEAR.search(title) if "报告" in title else None
    period = _PERIOD.search(_joined(report.prose[:80]))
    if title_year is None or period is None:
        return []
    years = {int(title_year.group(1)), int(period.group(1)), int(period.group(2))}
    if len(years) == 1:
        return []
    return [
        Finding(
            "wording.year_mismatch",
            (),
            float(period.group(2)),
            float(title_year.group(1)),
            f"标题「{title}」的年度与统计期限「{period.group(0)}」不一致",
        )
    ]


# A placeholder left where the template asks for a figure or a year, or the statistics period
# printed without its year. Not □ or ○: a PDF's missing glyphs extract as boxes.
_BLANK = re.compile(
    r"(?:[XxＸｘ×]{2,}|_{2,}|＿{2,})\s*(?:年|月|日|件|元|条|个|次|万元)"
    r"|统计(?:期限|期间|周期)[^。\d]{0,4}[自从]\s*年"
    r"|信息处理费\s*元"
)


def _template_blanks(prose: tuple[str, ...]) -> list[Finding]:
    for line in prose:
        m = _BLANK.search(line)
        if m is not None:
            start = max(0, m.start() - 15)
            return [
                Finding(
                    "wording.template_blank",
                    (),
                    None,
                    None,
                    f"模板语句中留有空白或占位符：「{line[start : m.end() + 10].strip()}」",
                )
            ]
    return []
