"""Sections present but empty of substance (category perfunctory).

Rules: section.one_sentence (五, 存在的主要问题及改进情况, reduced to one sentence: problems and
measures cannot both be stated in it) and section.empty_subheading (a sub-heading of 一 or 五
directly followed by the next sub-heading: nothing was written under it). Shorter sections are
section.thin's (etl.validate.sections). Only multi-line prose is read for sub-headings: in a
crawler's one-line text a heading and its paragraph run together and nothing tells them apart.
"""

from __future__ import annotations

import re

from etl.fields import STD_TEMPLATES
from etl.report import Finding, ParsedReport
from etl.validate.quality_settings import quality_settings
from etl.validate.sections import SECTION_PLACES, find_sections, prose_text, quote

_NUMERALS = "一二三四五六七八九十"
_SENTENCE = re.compile(r"[^。；;！!？?]+[。；;！!？?]?")
_NOT_WORDS = re.compile(r"[\s\d\W_]+")
_SUB_LINE = re.compile(r"^\s*#*\s*[（(]\s*([一二三四五六七八九十])\s*[)）]\s*(\S.{0,24})$")
# a sentence of a few characters (一是……) is part of a list, not a sentence of its own
MIN_SENTENCE_CHARS = 6


def substance_findings(report: ParsedReport, settings: dict | None = None) -> list[Finding]:
    if report.template not in STD_TEMPLATES or not report.prose:
        return []
    settings = settings or quality_settings()
    sections = {s.number: s for s in find_sections(prose_text(report), settings)}
    out = _one_sentence(sections["五"], settings)
    if len(report.prose) > 3:  # lines, not a crawler's single line
        for number in ("一", "五"):
            out += _empty_subheadings(sections[number])
    return out


def _body(text: str) -> str:
    """A section's text without its heading line."""
    first, _, rest = text.partition("\n")
    return rest if rest.strip() else re.sub(r"^.{0,30}?(?:情况|事项)", "", first, count=1)


def _one_sentence(five, settings: dict) -> list[Finding]:
    if not five.found:
        return []
    spec = next(s for s in settings["sections"] if s["number"] == "五")
    body = _body(five.text)
    words = _NOT_WORDS.sub("", body)
    if len(words) < spec.get("min_chars", 0) or len(words) > spec.get("one_sentence_max", 120):
        return []  # shorter: section.thin; longer: a long sentence may well say both
    sentences = [
        s for s in _SENTENCE.findall(body) if len(_NOT_WORDS.sub("", s)) >= MIN_SENTENCE_CHARS
    ]
    if len(sentences) != 1:
        return []
    return [
        Finding(
            "section.one_sentence",
            (),
            None,
            1.0,
            f"第五部分“存在的主要问题及改进情况”只有一句话：「{quote(body, 120)}」",
            place="S5",
        )
    ]


def _empty_subheadings(section) -> list[Finding]:
    if not section.found:
        return []
    lines = [line.strip() for line in section.text.split("\n") if line.strip()]
    out = []
    for line, following in zip(lines, lines[1:]):
        here, there = _SUB_LINE.match(line), _SUB_LINE.match(following)
        if here is None or there is None or re.search(r"[。；;，,]", line.rstrip("。.")):
            continue
        # the next sub-heading in sequence right after this one: nothing written under it
        if _NUMERALS.index(there.group(1)) == _NUMERALS.index(here.group(1)) + 1:
            out.append(
                Finding(
                    "section.empty_subheading",
                    (),
                    None,
                    None,
                    f"第{section.number}部分的小标题「{line}」下没有内容，"
                    f"紧接着是「{following[:30]}」",
                    place=SECTION_PLACES.get(section.number),
                )
            )
    return out


__all__ = ["substance_findings"]
