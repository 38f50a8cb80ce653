"""The report's shape: the six sections of the national template, the template itself, blank tables.

Rules: section.missing, section.thin, template.nonstandard, table.all_blank. Keywords and
thresholds come from data/quality.toml (each with its reason). Sections are found by headings
(一、… / （一）… / ## …) that carry a keyword, anywhere in the prose, so a crawler's one-line
body works like a PDF's lines. Top-level headings (一、) win over sub-headings (（一）): in many
reports 一、总体情况 has a sub-heading （一）主动公开情况 that is not section 二.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from etl.fields import STD2021, STD_TEMPLATES
from etl.report import Finding, ParsedReport
from etl.validate.quality_settings import quality_settings

_NUM = "一二三四五六七八九十"
# a heading follows a break, a sentence end or (in a crawler's flattened body) a table's last digit
_BEFORE = r"(?:^|(?<=[\s\d。；;:：!！?？#]))"
TOP = re.compile(_BEFORE + r"[" + _NUM + r"]{1,2}\s*[、.．]\s*")
SUB = re.compile(_BEFORE + r"[（(]\s*[" + _NUM + r"]{1,2}\s*[)）]\s*")
KEYWORD_REACH = 16  # a heading's keyword sits within this many characters of its marker
NAME_REACH = 26  # the template's heading words may follow a prefix (五、政府信息公开工作存在的…)
_NOT_WORDS = re.compile(r"[\s\d\W_]+")


@dataclass(frozen=True)
class Section:
    number: str
    name: str
    start: int | None  # offset of the heading in the prose text; None: not found
    text: str = ""  # the section's own text up to the next section's heading

    @property
    def found(self) -> bool:
        return self.start is not None


def prose_text(report: ParsedReport) -> str:
    return "\n".join(report.prose)


# The last text's sections: five checks look for the same report's sections one after another
# (structure, sections, truncation, overview, substance), and finding them is the costly part.
# Keyed on the text and the settings object itself (the cached file's dict): other settings, such
# as a test's edited copy, are read afresh.
_last: tuple[str, dict, list[Section]] | None = None


def find_sections(text: str, settings: dict | None = None) -> list[Section]:
    global _last
    settings = settings or quality_settings()
    last = _last  # one read: a thread may store another text meanwhile
    if last is not None and last[1] is settings and last[0] == text:
        return list(last[2])
    found = _find_sections(text, settings)
    _last = (text, settings, found)
    return list(found)


def _find_sections(text: str, settings: dict) -> list[Section]:
    specs = settings["sections"]
    windows = _Windows(text)
    starts: list[int | None] = []
    first = None
    for i, spec in enumerate(specs):
        after = 0 if i == 0 or first is None else first + 1  # the opening paragraph lists them all
        # The template's own heading words first, whatever number is printed before them: a
        # promoted sub-topic of 总体情况 (三、主动公开工作情况) is not the statutory 二 when
        # 一、主动公开政府信息情况 follows. Then the looser keywords.
        pos = None
        names = spec.get("names", [])
        for marker, words, reach in (
            (TOP, names, NAME_REACH),
            (SUB, names, NAME_REACH),
            (TOP, spec["keywords"], KEYWORD_REACH),
            (SUB, spec["keywords"], KEYWORD_REACH),
        ):
            pos = _heading(windows, marker, words, after, reach)
            if pos is not None:
                break
        if i == 0:
            first = pos
        starts.append(pos)
    found = sorted(p for p in starts if p is not None)
    out = []
    for spec, pos in zip(specs, starts):
        if pos is None:
            out.append(Section(spec["number"], spec["name"], None))
            continue
        end = next((p for p in found if p > pos), len(text))
        out.append(Section(spec["number"], spec["name"], pos, text[pos:end]))
    return out


def heading_window(text: str, end_of_marker: int, reach: int = KEYWORD_REACH) -> str:
    """The words a heading marker introduces, up to the sentence end, squashed (no spaces,
    no punctuation), so 行政复议、行政诉讼 and 行政复议 行政诉讼 read alike."""
    window = text[end_of_marker : end_of_marker + reach + 8]
    window = re.split(r"[。；;\n]", window, maxsplit=1)[0]
    return _NOT_WORDS.sub("", window)[:reach]


def _heading(
    windows: _Windows, marker: re.Pattern, keywords: list[str], after: int, reach: int
) -> int | None:
    words = [_NOT_WORDS.sub("", k) for k in keywords]
    for start, window in windows(marker, after, reach):
        if any(k in window for k in words):
            return start
    return None


class _Windows:
    """Each heading marker's matches in the text from `after` on, with the words they introduce,
    computed once: the six sections each look through the same markers up to four times."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.seen: dict[tuple, tuple[list[tuple[int, str]], Iterator[re.Match]]] = {}

    def __call__(self, marker: re.Pattern, after: int, reach: int) -> Iterator[tuple[int, str]]:
        key = (marker, after, reach)
        if key not in self.seen:  # read lazily: most sections are found at an early match
            self.seen[key] = ([], marker.finditer(self.text, after))
        done, matches = self.seen[key]
        yield from list(done)
        for m in matches:
            done.append((m.start(), heading_window(self.text, m.end(), reach)))
            yield done[-1]


_DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")


def _body(section: Section, agency: str | None) -> str:
    """The section's words without its heading line, the signature (agency, date), spaces,
    digits and punctuation."""
    text = section.text
    first_break = re.search(r"[\n]|(?<=情况)|(?<=事项)", text)
    body = _DATE.sub("", text[first_break.end() :] if first_break else "")
    if agency:
        body = body.replace(agency, "")
    return _NOT_WORDS.sub("", body)


SECTION_PLACES = {n: f"S{i}" for i, n in enumerate("一二三四五六", 1)}


def section_findings(report: ParsedReport, settings: dict | None = None) -> list[Finding]:
    """section.missing / section.thin / section.fee_missing for std2019 and std2021 reports
    (legacy has no six parts). The overview's parts are etl.validate.overview's."""
    if report.template not in STD_TEMPLATES or not report.prose:
        return []
    settings = settings or quality_settings()
    text = prose_text(report)
    sections = find_sections(text, settings)
    specs = {s["number"]: s for s in settings["sections"]}
    boiler = {_NOT_WORDS.sub("", p) for p in settings["boilerplate"]["phrases"]}
    out: list[Finding] = []
    for sec in sections:
        if not sec.found:
            out.append(_missing(report, sec, specs[sec.number], text, settings))
            continue
        spec = specs[sec.number]
        body = _body(sec, report.agency)
        minimum = spec.get("min_chars")
        if minimum is not None and (len(body) < minimum or body in boiler):
            out.append(
                Finding(
                    "section.thin",
                    (),
                    float(minimum),
                    float(len(body)),
                    f"第{sec.number}部分“{sec.name}”只有 {len(body)} 字"
                    f"（至少 {minimum} 字，且不能只是“无”等套话）：「{quote(sec.text)}」",
                    place=SECTION_PLACES.get(sec.number),
                )
            )
    six = next((s for s in sections if s.number == "六"), None)
    if report.template == STD2021 and six is not None and six.found:
        fee = settings["fee"]["keywords"]
        if not any(k in six.text for k in fee):
            out.append(
                Finding(
                    "section.fee_missing",
                    (),
                    None,
                    None,
                    f"第六部分“其他需要报告的事项”没有写明信息处理费收取情况：「{quote(six.text)}」",
                )
            )
        elif not re.search(settings["fee"]["stated"], six.text):
            out.append(
                Finding(
                    "section.fee_amount_missing",
                    (),
                    None,
                    None,
                    f"第六部分提到信息处理费，但没有写明收取的金额或未收取：「{quote(six.text)}」",
                )
            )
    return out


# A section's table, read by the parser, shows the section is there even when its heading is not.
_SECTION_TABLES = {"二": "t2.", "三": "t3.", "四": "t4."}


def _missing(report: ParsedReport, sec: Section, spec: dict, text: str, settings: dict) -> Finding:
    """section.missing; a reader finding when the section's content is there without a heading
    that gongkai could find (a conversion that dropped or mangled the heading line)."""
    keywords = "、".join(spec["keywords"])
    prefix = _SECTION_TABLES.get(sec.number)
    table = prefix is not None and any(
        k.startswith(prefix) and v.source == "table" for k, v in report.values.items()
    )
    # 六's own content is the 信息处理费 statement: 「处理费」, not any 收费 (「行政事业性收费目录」
    # is 二's business)
    words = spec["keywords"] + (["处理费"] if sec.number == "六" else [])
    hit = next((m for k in words if (m := re.search(re.escape(k), text))), None)
    place = SECTION_PLACES.get(sec.number)
    if table or hit is not None:
        evidence = (
            "报告中有该部分的表格"
            if table
            else f"正文中有该部分的内容「{quote(text[max(0, hit.start() - 10) : hit.end() + 30])}」"
        )
        return Finding(
            "section.missing",
            (),
            None,
            None,
            f"未找到第{sec.number}部分“{sec.name}”的标题，但{evidence}："
            "可能是文本转换丢失或打乱了标题，请对照原件核对",
            place=place,
            responsibility="reader",
        )
    return Finding(
        "section.missing",
        (),
        None,
        None,
        f"未找到第{sec.number}部分“{sec.name}”（按关键词{keywords}查找标题，正文中也没有相关内容）",
        place=place,
    )


def quote(text: str, limit: int = 80) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[:limit] + "…"
