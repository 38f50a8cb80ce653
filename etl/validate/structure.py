"""The layout the report actually prints, against the national template's.

Rules: structure.renumbered (sections numbered other than the template's, e.g. the sub-topics of
总体情况 promoted to top-level sections and the statutory sections restarting at 一) and
t3.layout_2019 (a 2021-era report whose 表三 prints the 2019 single （六）其他处理 row).

The statutory sections are recognised by the template's own heading words (data/quality.toml
[[sections]].names), never by their number, so the number the report prints can be compared with
the template's. Only top-level markers (一、) count: （一） sub-headings are each report's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.fields import STD2021, STD_TEMPLATES
from etl.parse.table3_rows import t3_label_key
from etl.report import Finding, ParsedReport
from etl.validate.quality_settings import quality_settings
from etl.validate.sections import NAME_REACH, TOP, find_sections, heading_window, prose_text

_NOT_WORDS = re.compile(r"[\s\d\W_]+")
# A renumbering touches several sections; one odd number can be a slip or a misread numeral.
MIN_MISNUMBERED = 2
TITLE_CHARS = 20  # how much of a heading the message quotes
_ORDER = "一二三四五六七八九十"


@dataclass(frozen=True)
class TopHeading:
    printed: str  # the numeral as printed (一 … 十)
    section: str | None  # the statutory section whose name it carries, if any
    title: str  # the heading as printed, for the message
    start: int


def top_headings(text: str, settings: dict | None = None) -> list[TopHeading]:
    """Every top-level heading (一、…) in print order, except 表三's numbered row labels."""
    settings = settings or quality_settings()
    names = [
        (spec["number"], [_NOT_WORDS.sub("", n) for n in spec.get("names", [])])
        for spec in settings["sections"]
    ]
    out = []
    for m in TOP.finditer(text):
        window = heading_window(text, m.end(), NAME_REACH)
        title = re.split(r"[\n。；;，,]", text[m.start() : m.start() + TITLE_CHARS + 4])[0]
        title = re.sub(r"\s+", "", title)[:TITLE_CHARS]
        if not window or t3_label_key(title) is not None or "办理结果" in window:
            continue  # 表三's 一、本年新收… / 三、本年度办理结果 / 四、结转下年度… rows
        section = next((n for n, words in names if any(w in window for w in words)), None)
        printed = re.match(r"#*\s*([一二三四五六七八九十]+)", text[m.start() :].lstrip("#\n "))
        out.append(TopHeading(printed.group(1) if printed else "", section, title, m.start()))
    return out


def renumbered_findings(report: ParsedReport, settings: dict | None = None) -> list[Finding]:
    """structure.renumbered: at least two statutory sections printed only under other numbers."""
    if report.template not in STD_TEMPLATES or not report.prose:
        return []
    settings = settings or quality_settings()
    text = prose_text(report)
    headings = top_headings(text, settings)
    printed: dict[str, set[str]] = {}
    for h in headings:
        if h.section:
            printed.setdefault(h.section, set()).add(h.printed)
    wrong = sorted(
        (n for n, numerals in printed.items() if n not in numerals),
        key=_ORDER.index,
    )
    promoted = _promoted(headings, text, settings)
    # a promoted sub-topic whose number a statutory section then prints again (二、依申请公开情况
    # … 二、主动公开政府信息情况): the numbering collides even if every statutory number is right
    collides = any(
        _ORDER.find(h.printed) >= _ORDER.find(s.printed) >= 0
        for h in promoted
        for s in headings
        if s.section and s.start > h.start
    )
    if len(wrong) < MIN_MISNUMBERED and not (promoted and collides):
        return []
    message = "章节编号与国家规定格式（一、总体情况 … 六、其他需要报告的事项）不一致"
    if wrong:
        wrong_titles = [h.title for h in headings if h.section in wrong]
        message += (
            "："
            + "、".join(f"「{t}」" for t in wrong_titles)
            + f"的编号应依次为第{'、'.join(wrong)}部分"
        )
    if promoted:
        message += (
            "；“总体情况”的分项被编成了一级标题："
            + "".join(f"「{h.title}」" for h in promoted)
            + "，与其后法定章节的编号重复"
        )
    return [Finding("structure.renumbered", (), None, None, message, place="DOC")]


def _promoted(headings: list[TopHeading], text: str, settings: dict) -> list[TopHeading]:
    """Top-level headings between 一、总体情况 and the statutory 二 that are no statutory section."""
    sections = {s.number: s for s in find_sections(text, settings)}
    one, two = sections["一"], sections["二"]
    if not (one.found and two.found):
        return []
    return [h for h in headings if one.start < h.start < two.start and h.section is None]


_OTHER_SUB_ROWS = ("other.no_correction", "other.no_fee", "other.other")


def table3_layout_findings(report: ParsedReport) -> list[Finding]:
    """t3.layout_2019: a 2021+ report in the 2021 format (its 表二 says so) whose 表三 prints the
    2019 single （六）其他处理 row. Both the parser's alignment (the group read as one row) and the
    row's printed label (etl.parse.table3 records it) must say so: an alignment guess alone blames
    no one."""
    if report.template != STD2021 or report.year is None or report.year < 2021:
        return []
    values = report.values
    single = any(k.startswith("t3.other.") and k.count(".") == 2 for k in values)
    split = any(k.startswith(f"t3.{r}.") for k in values for r in _OTHER_SUB_ROWS)
    if not single or split:
        return []
    row = report.meta.get("t3_single_other_row")
    if not row:
        return []
    return [
        Finding(
            "t3.layout_2019",
            ("t3.other.total",),
            None,
            None,
            f"{report.year} 年度报告使用 2021 年版格式，但表三“（六）其他处理”仍按 2019 年版只印一行"
            f"「{row.strip()[:40]}」，未分列“申请人无正当理由逾期不补正”“申请人逾期未按收费通知"
            "要求缴纳费用”“其他”三项",
            place="T3",
        )
    ]
