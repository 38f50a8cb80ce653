"""Numbering slips in the prose's enumerations: 「一是…三是」 with 二是 missing, 「四是…四是」
(category typo_wording, place DOC). Any template: the slip is the agency's wherever it prints it.

Only the 「X是」 lists of running prose are judged: a conversion loses headings (a PDF's line, a
page break), but it does not drop two characters from the middle of a sentence. A crawler that
cuts a multi-byte character at its own line break loses one character (「噪�\\n��」), never the two
of a marker: a gap with more damage than that is the reader's doubt, not the report's slip.
"""

from __future__ import annotations

import re

from etl.report import Finding, ParsedReport

_NUMERALS = "一二三四五六七八九十"
# A marker: 一是 … 十是, not inside a numeral (十二是, 第三是) or a word (统一是, 之一是: decided
# with the segmenter's dictionary below).
_MARKER = re.compile(rf"(?<![{_NUMERALS}第])([{_NUMERALS}])是")
# Two markers further apart than this belong to different passages, not to one list.
_MAX_GAP = 600
_DAMAGE = re.compile(r"\ufffd{4,}|\ufffd[\s\ufffd]*\ufffd[\s\ufffd]*\ufffd[\s\ufffd]*\ufffd")


def numbering_findings(report: ParsedReport) -> list[Finding]:
    if report.template == "not_a_report" or not report.prose:
        return []
    text = re.sub(r"[ \t\u3000]+", "", "\n".join(report.prose))
    slips = _section_slips(report) + list(_slips(text))
    if not slips:
        return []
    responsibility = "reader" if any(v.source == "ocr" for v in report.values.values()) else None
    quoted = "；".join(slips[:3])
    return [
        Finding(
            "wording.numbering_slip",
            (),
            None,
            None,
            f"正文中的序号有错漏：{quoted}",
            responsibility=responsibility,
        )
    ]


def _section_slips(report: ParsedReport) -> list[str]:
    """One statutory section of a std report printed under another section's number (「一、总体
    情况」「三、主动公开政府信息情况」「三、收到和处理…」): a slip. Two or more are the report's
    own numbering, structure.renumbered's (nonstandard_structure), not repeated here."""
    from etl.fields import STD_TEMPLATES
    from etl.validate.sections import prose_text
    from etl.validate.structure import renumbered_findings, top_headings

    if report.template not in STD_TEMPLATES:
        return []
    printed: dict[str, set[str]] = {}
    titles: dict[str, str] = {}
    for h in top_headings(prose_text(report)):
        if h.section and h.printed:
            printed.setdefault(h.section, set()).add(h.printed)
            titles.setdefault(h.section, h.title)
    wrong = [n for n, numerals in printed.items() if n not in numerals]
    if len(wrong) != 1 or renumbered_findings(report):
        return []
    return [f"「{titles[wrong[0]]}」应为第{wrong[0]}部分"]


def _markers(text: str):
    """(position, number) of each enumeration marker, in reading order."""
    for m in _MARKER.finditer(text):
        pair = text[max(0, m.start() - 1) : m.start() + 1]
        if len(pair) == 2 and "\u4e00" <= pair[0] <= "\u9fff" and _dictionary().get(pair, 0) > 0:
            continue  # 统一是, 之一是, 唯一是: a word ending in the numeral
        yield m.start(), _NUMERALS.index(m.group(1)) + 1


def _slips(text: str):
    """Lists nest (「一是推进A。一是…二是…二是推进B」: the inner list, then the outer one's next
    item), so the open lists are a stack of at most two (an outer list and the one inside its
    current item), each kept as (position, number) of its last marker. A marker continues the
    inner list, else the outer one; one that continues neither, repeating the inner list's last
    number or skipping one, is a slip."""
    stack: list[tuple[int, int]] = []
    for pos, n in _markers(text):
        if stack and pos - stack[-1][0] > _MAX_GAP:
            stack = []  # a marker far from the last one starts another passage
        if n == 1 or not stack:
            stack = stack[-1:] + [(pos, n)]  # a list starts, inside the current item
            continue
        if n == stack[-1][1] + 1:
            stack[-1] = (pos, n)
            continue
        if len(stack) == 2 and n == stack[0][1] + 1:
            stack = [(pos, n)]  # the inner list ended: the outer list's next item
            continue
        last, before = stack[-1]
        if (n == before or n == before + 2) and not _DAMAGE.search(text[last:pos]):
            what = "重复" if n == before else f"缺少“{_NUMERALS[before]}是”"
            yield f"「{_quote(text, last, pos)}」（{what}）"
        stack[-1] = (pos, n)


def _quote(text: str, start: int, end: int) -> str:
    """The two markers with a few words after each: 「一是部分单位…；三是开拓创新」."""
    first = text[start : start + 10].split("\n")[0]
    second = text[end : end + 10].split("\n")[0]
    return f"{first}…{second}"


def _dictionary() -> dict:
    """jieba's maintained word list (loaded only when a marker follows a Chinese character)."""
    from etl.validate.wording import initialized_jieba

    return initialized_jieba().dt.FREQ
