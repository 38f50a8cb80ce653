"""A prose count of 复议 and 诉讼 cases together against 表四 (category review_suit_inconsistent,
place T4, rule text_table.review_suit).

「依法做好相关行政复议、行政诉讼案件的应诉工作，全县共办理相关案件 74 件」 counts both kinds in one
figure: 表四's 行政复议 total plus its two 行政诉讼 totals (61 + 3 + 10), or, where a 复议后起诉
case is counted once, 行政复议 plus 直接起诉. A figure that is neither contradicts the table.

Only a figure that names the cases as one total (共/合计 … 案件, 相关/上述 案件) after a sentence
naming both 复议 and 诉讼, in a paragraph about 政府信息公开 (a 司法局 counts all its cases):
the separate counts (行政复议案件 2 件、行政诉讼案件 7 件) are text_table.py's.
"""

from __future__ import annotations

import re

from etl.fields import STD_TEMPLATES
from etl.normalize import as_number
from etl.report import Finding, ParsedReport
from etl.validate.text_table import quote, unsure

_TOTAL = re.compile(
    r"(?:(?:共|合计|总计)(?P<between>[^。，,；;]{0,8}?)(?:相关|上述|各类|此类|两类)?"
    r"|(?:相关|上述|此类|两类))案件\s*(?P<n>\d+)\s*件"
)
_DISCLOSURE = re.compile(r"信息公开|依申请|公开申请")
_GROUPS = ("t4.review.total", "t4.suit_direct.total", "t4.suit_after_review.total")


def prose_t4_findings(report: ParsedReport) -> list[Finding]:
    if report.template not in STD_TEMPLATES or not report.prose:
        return []
    totals = [report.values.get(k) for k in _GROUPS]
    if any(v is None or v.blank for v in totals):
        return []  # a total printed blank is the table's problem (etl.validate.blank_cells)
    review, direct, after = (v.value for v in totals)
    accepted = {review + direct + after, review + direct}
    for paragraph in report.prose:
        if not _DISCLOSURE.search(paragraph):
            continue
        for sentence in re.split(r"[。！？!?]", re.sub(r"\s+", "", paragraph)):
            for m in _TOTAL.finditer(sentence):
                head = sentence[: m.start()]
                if "复议" not in head or "诉讼" not in head:
                    continue
                if re.search(r"复议|诉讼", m.group("between") or ""):
                    continue  # 共办理行政复议案件 5 件: one kind, not the two together
                stated = float(m.group("n"))
                if stated in accepted:
                    continue
                return [
                    Finding(
                        "text_table.review_suit",
                        _GROUPS,
                        review + direct + after,
                        stated,
                        f"正文：「{quote(sentence[max(0, m.start() - 40) : m.end()])}」写 "
                        f"{as_number(stated)} 件；表四行政复议 {as_number(review)} 件、"
                        f"行政诉讼 {as_number(direct + after)} 件，合计 "
                        f"{as_number(review + direct + after)} 件",
                        responsibility="reader" if unsure(report, list(_GROUPS)) else None,
                    )
                ]
    return []
