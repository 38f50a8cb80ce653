"""parse_file(path) -> ParsedReport: extract, detect, parse the tables or prose, validate."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from etl.document import RawDocument
from etl.extract import extract_document
from etl.extract.main_text import MAIN_TEXT_KEY, report_prose
from etl.limits import time_limit
from etl.normalize import squash
from etl.report import ParsedReport

_NOT_WORDS = re.compile(r"[\s\d〇零一二三四五六七八九十.,:：，。、%()（）-]+")


def parse_file(path: str | Path, data: bytes | None = None) -> ParsedReport:
    """Parse one file; raises etl.errors.ReportError for a file that cannot be used, or that
    takes longer than etl.limits.LIMITS.seconds (code too_slow)."""
    with time_limit(str(path)):
        return parse_document(extract_document(path, data))


def text_fingerprint(doc: RawDocument) -> str:
    """A hash of the prose with digits and spaces removed: a report copied from last year with
    only the year and the figures changed gets the same fingerprint."""
    prose = "".join(b.text for b in doc.blocks if not b.is_table_row)
    return hashlib.sha256(_NOT_WORDS.sub("", prose).encode("utf-8")).hexdigest()[:24]


def _text_after_last_table(doc: RawDocument) -> int | None:
    """Characters of text after the document's last table row (None: it has no table rows)."""
    last = max((i for i, b in enumerate(doc.blocks) if b.is_table_row), default=None)
    if last is None:
        return None
    return sum(len(squash(b.text)) for b in doc.blocks[last + 1 :])


def parse_document(doc: RawDocument) -> ParsedReport:
    from etl.detect import detect_report
    from etl.validate import validate_report
    from etl.validate.truncation import TAIL_KEY

    report = detect_report(doc)
    report.meta["text_fingerprint"] = text_fingerprint(doc)
    # the report's own prose: no portal menus, breadcrumbs, header tables or footers
    report.prose = report_prose(doc, report.meta.pop(MAIN_TEXT_KEY, None))
    if report.template in ("std2021", "std2019"):
        from etl.parse.std import parse_std

        parse_std(doc, report)
    elif report.template == "legacy":
        from etl.parse.legacy import parse_legacy

        parse_legacy(doc, report)
    if doc.meta.get("ocr"):
        from etl.extract.ocr import mark_ocr_values
        from etl.parse.ocr_missing import flag_unread_cells
        from etl.parse.ocr_vote import settle_scanned_cells

        settle_scanned_cells(report)  # before the checks: they judge only what is kept
        flag_unread_cells(report)  # every expected cell not kept is named for the analyst
        mark_ocr_values(report)
    report.meta[TAIL_KEY] = _text_after_last_table(doc)
    report.findings.extend(validate_report(report))
    report.meta.pop(TAIL_KEY, None)
    if report.template != "not_a_report":
        from etl.validate.copy_detect import profile

        report.copy_profile = profile(report.prose)  # here, in the parse workers, not the loader
    return report
