"""Identify a document: template (from its structure), agency, year, publication and signing dates.

The template comes from which row and column labels the document prints, not from the year:
agencies use the old table after 2019 or the new one early. Agency and year come from the
title (which may be split over lines, with the agency before or after the year), the
发布机构/发布单位/填报单位 lines, and the signature block.

The pieces: etl/detect_template.py (the template, from the labels printed), etl/detect_agency.py
(the agency), etl/detect_dates.py (the year, publication and signing dates); this module finds
the title and puts the identity together.
"""

from __future__ import annotations

import re

from etl.detect_agency import agency_like, agency_of
from etl.detect_dates import parse_date, published_date, report_year, signed_date
from etl.detect_template import NOT_REPORT_TITLE, REPORT_TITLE, detect_template
from etl.document import RawDocument
from etl.fields import NOT_A_REPORT
from etl.normalize import squash
from etl.report import Finding, ParsedReport


def detect_report(doc: RawDocument) -> ParsedReport:
    report = ParsedReport(doc.path, doc.sha256, doc.format, NOT_A_REPORT, meta=dict(doc.meta))
    head = _head_text(doc)
    full = squash(doc.text)
    title = _title(head)
    meta_title = squash(str(doc.meta.get("title") or ""))
    if (
        meta_title
        and REPORT_TITLE.search(meta_title)
        and re.search(r"\d{4}年", meta_title)
        and not re.search(r"\d{4}年", title)
    ):
        title = meta_title  # the HTML <title> when the page body starts with navigation
    report.meta["title"] = title
    report.template = detect_template(full, title, head)
    report.year = report_year(title, full)
    report.agency = agency_of(doc, title, head, full)
    report.published = published_date(doc) or parse_date(str(doc.meta.get("published") or ""))
    signed = signed_date(doc)
    if signed:
        report.meta["signed"] = signed
    if report.template == NOT_A_REPORT:
        what = _what_it_is(title) or "没有表三或统计表，也没有年度报告的标题或章节"
        report.findings.append(
            Finding(
                "document.not_a_report",
                (),
                None,
                None,
                f"不是政府信息公开工作年度报告（{what}），未载入任何统计数",
                "info",
            )
        )
        report.meta["reason"] = what
    return report


def _what_it_is(title: str) -> str:
    m = NOT_REPORT_TITLE.search(squash(title))
    if m:
        return f"标题为{m.group(1)}：«{title[:60]}»"
    return ""


def _head_text(doc: RawDocument, n: int = 40) -> str:
    lines = [b.text for b in doc.blocks[:n]]
    return "\n".join(lines)


def _title(head: str) -> str:
    """The title: the best early short line naming a report (year, 公开), joined with a split part."""
    lines = [squash(ln.strip("# ")) for ln in head.split("\n")]
    best, best_score = "", 0
    for i, sq in enumerate(lines[:40]):
        if sq.startswith(("标题:", "标题：")):
            return sq.split(":", 1)[-1].split("：", 1)[-1]
        named = REPORT_TITLE.search(sq) or NOT_REPORT_TITLE.search(sq)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if (
            not named
            and len(sq) < 40
            and REPORT_TITLE.search(nxt[:12])
            and ("公开" in sq or re.search(r"\d{4}年", sq))
        ):
            cand = sq + nxt  # "…2018年政府信息" + "公开工作年度报告"
        elif named and len(sq) <= 80:
            cand = sq
            if i > 0 and agency_like(lines[i - 1]) and not agency_like(sq.split("20")[0]):
                cand = lines[i - 1] + sq  # agency on the line above the title
        else:
            continue
        score = (
            (2 if re.search(r"(19|20)\d{2}年", cand) else 0)
            + ("公开" in cand)
            + (len(cand) <= 60)
            - (i > 15)
        )
        if score > best_score:
            best, best_score = cand, score
    return best
