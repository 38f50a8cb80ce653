"""A 工作总结 / 工作要点 published in place of the annual report (category nonstandard_structure,
place DOC): the document names itself something else and never calls itself the report.

The reader took the file for a report (its contents are the year's disclosure work), so the
agency did publish something for the year; what it published is not a 政府信息公开工作年度报告
organised by the 条例's contents. Judged on the document's own name only (its title, or its
first short line when the page gave no title), never on its headings' wording.
"""

from __future__ import annotations

import re

from etl.report import Finding, ParsedReport

# What the document calls itself: the kind word at the end of its name.
_OTHER_KIND = re.compile(r"(工作总结|总结|工作要点|工作计划|实施方案|工作安排|自查报告|情况汇报)$")
# Words by which a document names itself the annual report (or includes it: 「…总结暨…年度报告」).
_REPORT_NAME = re.compile(r"年度报告|年报|公开工作报告|信息公开.{0,6}报告")


# A title that is the report's name and its year only: no agency before or after it.
_BARE_TITLE = re.compile(
    r"(?:\d{4}年度?)?(?:政府信息公开|政务公开)?(?:工作)?(?:年度)?报告(?:\d{4}年度?)?"
)


def document_kind_findings(report: ParsedReport) -> list[Finding]:
    if report.template == "not_a_report" or not report.prose:
        return []
    return _other_kind(report) + _title_without_agency(report) + _preamble_year(report)


# The preamble presenting this report: 「现将…2025年政府信息公开年度报告向社会公布」.
_PRESENTS = re.compile(r"现将|现予|特此|向社会公布|予以公布|予以公开|正式发布")
_SELF_YEAR = re.compile(r"(\d{4})\s*年度?[\u4e00-\u9fff]{0,24}?(?:年度报告|工作报告)")


def _preamble_year(report: ParsedReport) -> list[Finding]:
    """The sentence that presents the report names another year than the title's: a year left
    from last year's text (the title and the report's year agree, so that year is the printed
    slip, not a misreading)."""
    from etl.validate.wording import year_mismatch_findings

    title = report.meta.get("title") or ""
    if report.year is None or not re.search(rf"{report.year}\s*年", title):
        return []
    if year_mismatch_findings(report):
        return []  # the title's year against the statistics period: one slip, reported there
    for line in report.prose[:8]:
        for sentence in re.split(r"[。；;！!]", line):
            if not _PRESENTS.search(sentence) or "《" in sentence:
                continue
            m = _SELF_YEAR.search(sentence)
            if m and int(m.group(1)) != report.year:
                return [
                    Finding(
                        "wording.year_mismatch",
                        (),
                        float(report.year),
                        float(m.group(1)),
                        f"标题为 {report.year} 年度，正文却写「{sentence.strip()[:60]}」",
                    )
                ]
    return []


def _title_without_agency(report: ParsedReport) -> list[Finding]:
    """「2025年政府信息公开工作年度报告」: the title the reader found (an agency line right above
    it is joined to it by etl.detect) names no agency at all."""
    title = re.sub(r"\s+", "", report.meta.get("title") or "")
    if not title or not re.search(r"\d{4}", title) or not _BARE_TITLE.fullmatch(title):
        return []
    if _agency_line_above(report.prose, title):
        return []
    return [
        Finding(
            "wording.title_without_agency",
            (),
            None,
            None,
            f"报告标题「{title}」未写明发布机关名称",
        )
    ]


_AGENCY_LINE = re.compile(
    r"^[\u4e00-\u9fff（）()]{2,30}(?:人民政府|政府|管委会|委员会|局|厅|委|办公室|办|中心|院)$"
)


def _agency_line_above(prose: tuple[str, ...], title: str) -> bool:
    """The agency printed on its own line(s) right above the title (a PDF's two-line title)."""
    lines = [re.sub(r"[\s#]+", "", line) for line in prose[:12]]
    for i, line in enumerate(lines):
        if line and (line in title or title in line):
            return any(_AGENCY_LINE.match(above) for above in lines[max(0, i - 3) : i])
    return False


def _other_kind(report: ParsedReport) -> list[Finding]:
    name = _own_name(report)
    if not name:
        return []
    kind = _OTHER_KIND.search(name)
    if kind is None or _REPORT_NAME.search(name):
        return []
    if any(_REPORT_NAME.search(line) for line in report.prose[:40]):
        return []  # it calls itself the report further on: only its title is worded otherwise
    return [
        Finding(
            "wording.not_annual_report",
            (),
            None,
            None,
            f"发布的文件名为「{name}」（{kind.group(1)}），全文未称“政府信息公开工作年度报告”："
            f"应发布按《政府信息公开条例》规定内容编制的年度报告",
        )
    ]


def _own_name(report: ParsedReport) -> str:
    """The document's title: the one the page or the file gave, else its first short line."""
    title = re.sub(r"\s+", "", report.meta.get("title") or "")
    if title:
        return title
    first = re.sub(r"\s+", "", report.prose[0])
    return first if len(first) <= 40 and not re.search(r"[，,。；;：:]", first) else ""
