"""Printable assessment sheets: pure builders, frames in, bytes out (no streamlit, no database).

Invariant: the builders never compute a figure. Every number written comes from the frames in
`AssessmentExport`, which `exports.data.gather` takes from the same query-layer
functions the dashboard pages show, so an export equals the screen for the same selection.
This module is the one entry point the pages and the CLI use: the CSV here, the workbook in
export_excel.py, the PDF in export_pdf.py, the shared model in export_model.py.
"""

from __future__ import annotations

import csv
import io

from exports.excel import assessment_workbook, sheet_name, text_width  # noqa: F401
from exports.model import *  # noqa: F401,F403 — the model is part of this entry point
from exports.model import AssessmentExport
from exports.pdf import FontFile, MissingFontError, cjk_fonts, summary_pdf  # noqa: F401


# ---------------------------------------------------------------- CSV


def summary_csv(export: AssessmentExport) -> bytes:
    """The 汇总 table as CSV, UTF-8 with BOM so Excel on Windows reads the Chinese."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(export.summary.headers)
    for row in export.summary.rows():
        writer.writerow(["" if v is None else _csv_value(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")


def _csv_value(value: object) -> object:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return repr(value)  # shortest round-trip text: reading back gives the same float
    return value
