"""Printable assessment sheets: pure builders, frames in, bytes out (no streamlit, no database).

Invariant: the builders never compute a figure. Every number written comes from the frames in
`AssessmentExport`, which `exports.data.gather` takes from the same query-layer
functions the dashboard pages show, so an export equals the screen for the same selection.
This module is the one entry point the pages and the CLI use: the CSV here, the workbook in
excel.py, the PDF in pdf.py, the Word document in docx.py, the shared model in model.py.
"""

from __future__ import annotations

import csv
import io

from etl.safe_text import csv_cell, xml_text
from exports.excel import assessment_workbook, text_width  # noqa: F401
from exports.model import *  # noqa: F401,F403 — the model is part of this entry point
from exports.model import TEXT, AssessmentExport, Column, display
from exports.office import load_office  # noqa: F401
from exports.pdf import FontFile, MissingFontError, cjk_fonts, summary_pdf  # noqa: F401
from exports.word import assessment_docx  # noqa: F401
from exports.xlsx_text import sheet_name  # noqa: F401

# ---------------------------------------------------------------- CSV


def summary_csv(export: AssessmentExport) -> bytes:
    """The 汇总 table as CSV, UTF-8 with BOM so Excel on Windows reads the Chinese.

    Numbers are rounded as the screen and the printed sheet show them (rates 1 decimal, points
    2, counts whole) but written without % or thousands separators, so a spreadsheet reads
    them as numbers; with all peer groups the group is a column (a CSV has no headings)."""
    table = export.summary
    columns = list(table.columns)
    keys = [c.key for c in columns]
    if table.section and table.section not in keys:
        columns.insert(2, Column(table.section, "对标组", TEXT))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([csv_cell(c.full_header) for c in columns])
    for row in table.frame.select([c.key for c in columns]).rows():
        writer.writerow([csv_cell(csv_value(v, c.kind)) for v, c in zip(row, columns)])
    return buf.getvalue().encode("utf-8-sig")


def csv_value(value: object, kind: str) -> object:
    """One CSV cell: as displayed, minus the % sign and thousands separators; text as it is
    (the caller quotes formula-like text, etl.safe_text.csv_cell)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return display(value, kind).replace("%", "").replace(",", "")
    return xml_text(value) if isinstance(value, str) else value
