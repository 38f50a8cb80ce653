"""The legacy era's (2008–2018) report checks beside its 统计表 identities.

* legacy.part_missing: a part the 2008 条例 第三十二条 requires (收费及减免, 复议诉讼, 问题及改进,
  其他需要报告的事项) that no sentence of the prose names: found by the words the report prints,
  a heading or a paragraph (data/quality.toml [legacy_parts]), or by the 统计表's own figures for
  it (a fee row, 复议/诉讼 rows: the table is part of the report).
* legacy.text_table / legacy.review_prose: prose figures against the 统计表
  (etl/validate/legacy_prose.py).
"""

from __future__ import annotations

import re

from etl.fields import LEGACY
from etl.normalize import looks_traditional, to_simplified
from etl.report import Finding, ParsedReport
from etl.validate.quality_settings import quality_settings

# Where the 统计表 starts in the prose (crawler text carries it in the body): the last marker
# followed by the table's column headings. Everything after it is the table, not a part.
_TABLE_START = re.compile(r"统计表.{0,120}?(?:指标|计量单位|统计数|填报单位)", re.S)
_SENTENCE = re.compile(r"[^。；;！!？?\n]+")


def prose_without_table(report: ParsedReport) -> str:
    text = "\n".join(report.prose)
    starts = [m.start() for m in _TABLE_START.finditer(text)]
    if starts:
        text = text[: starts[-1]]
    return to_simplified(text) if looks_traditional(text) else text


_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,2}\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]{1,2}\s*[)）]|\d{1,2}\s*[、．])"
)
HEADING_REACH = 24  # a heading's words sit this close to its number


def _names(sentence: str, part: dict) -> bool:
    for phrase in part.get("ignore", ()):
        sentence = sentence.replace(phrase, "")
    if any(w in sentence for w in part["words"]):
        return True
    heading = _HEADING.match(sentence)
    if not heading:
        return False
    head = sentence[heading.end() : heading.end() + HEADING_REACH]
    return any(w in head for w in part.get("heading_words", ()))


# The 条例's parts as a report's top-level headings name them (二、主动公开政府信息情况, 三、…依申请
# 公开…, 五、因政府信息公开申请行政复议…, 六、主要问题和改进措施)
_PART_HEADINGS = (r"主动公开", r"依申请", r"复议|诉讼", r"问题|改进|不足")
_TOP_HEADING = re.compile(r"(?:^|(?<=[\s\d。；;:：!！?？]))[一二三四五六七八九十]{1,2}\s*[、.．]")


def follows_statutory_parts(text: str) -> bool:
    """The report is written part by part along the 条例: three or more of its parts head a
    top-level section. Then a part missing from the prose is missing, whatever the 统计表 prints
    (the inspector: 「四 follows 三 directly」); a report of another plan (004: 工作开展情况,
    困难和问题, 下一步工作计划) states fees and cases in its 统计表 only, which is accepted."""
    heads = [text[m.end() : m.end() + HEADING_REACH] for m in _TOP_HEADING.finditer(text)]
    named = {rx for rx in _PART_HEADINGS for head in heads if re.search(rx, head)}
    return len(named) >= 3


# Parts the 统计表 states with figures of its own: 收费 (依申请公开信息收取的费用) and 复议/诉讼.
STATED_IN_TABLE = {
    "S.fees": ("legacy.fees_wan",),
    "S.review": ("legacy.review_total", "legacy.suit_total"),
}


def part_findings(report: ParsedReport, settings: dict | None = None) -> list[Finding]:
    cfg = (settings or quality_settings()).get("legacy_parts")
    if not cfg or report.template != LEGACY or (report.year or 0) > cfg["until_year"]:
        return []
    text = prose_without_table(report)
    if len(re.sub(r"\s", "", text)) < cfg["min_prose_chars"]:
        return []
    parts = cfg["part"]
    found = {p["place"]: False for p in parts}
    in_table = {  # the 统计表 is part of the report (its 附件): a figure it prints for the part
        place  # states it (the inspector's reading of 004) …
        for place, keys in STATED_IN_TABLE.items()
        if any(
            k in report.values and report.values[k].source == "table" and not report.values[k].blank
            for k in keys
        )
    }
    by_parts = follows_statutory_parts(text)
    if not by_parts:  # … unless the report is written part by part (pingtan 2015): then each
        found.update(dict.fromkeys(in_table, True))  # part owes its own prose
    for sentence in _SENTENCE.findall(text):
        named = [p["place"] for p in parts if _names(sentence, p)]
        if len(named) >= 3:
            continue  # "本报告由概述、…、收费及减免情况、…组成": the list of parts, not a part
        for place in named:
            found[place] = True
    return [
        Finding(
            "legacy.part_missing",
            (),
            None,
            None,
            f"年度报告正文未写“{p['name']}”（2008 年《政府信息公开条例》第三十二条规定的内容；"
            f"正文中没有提到{'、'.join(p['words'][:3])}等的段落或标题，"
            + (
                "报告按条例各项分部分撰写，统计表中的数字不能代替这一部分）"
                if p["place"] in in_table
                else "统计表也没有这一项的数字）"
            ),
            place=p["place"],
        )
        for p in parts
        if not found[p["place"]] and p.get("required", True)
    ]


def legacy_report_findings(report: ParsedReport) -> list[Finding]:
    if report.template != LEGACY or not report.prose:
        return []
    from etl.validate.legacy_prose import prose_findings

    return part_findings(report) + prose_findings(report)
