"""The 汇总 sheet as a Word document (python-docx), for offices that edit before they file:
title, scheme and share, one table per peer group with its own ranks, notes on method,
signature lines, issuing office and date. Frames in, bytes out."""

from __future__ import annotations

import io

from exports.model import TEXT, AssessmentExport, Table, display

FONT = "宋体"  # the east-Asian font Word uses for 公文-style sheets; Word substitutes if missing


def assessment_docx(export: AssessmentExport) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    normal = doc.styles["Normal"]
    normal.font.size = Pt(9)
    normal.font.name = FONT
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    doc.core_properties.title = export.title
    doc.core_properties.author = export.office.name

    def para(text: str, *, size: float = 9, bold: bool = False, align=None, space: float = 2):
        p = doc.add_paragraph()
        run = p.add_run(text)
        run.font.size, run.font.bold = Pt(size), bold
        run.font.name = FONT
        run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
        if align is not None:
            p.alignment = align
        p.paragraph_format.space_after = Pt(space)
        return p

    para(export.title, size=16, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space=4)
    para(export.subtitle, size=10, align=WD_ALIGN_PARAGRAPH.CENTER, space=8)
    table = export.summary
    for title, rows in table.sections():
        if title:
            para(title, size=11, bold=True, space=3)
        _table(doc, table, rows, WD_TABLE_ALIGNMENT, Pt)
        para("", space=4)
    for text in export.footer_lines:
        right = text in (export.office.name, export.issued_text)
        para(
            text, size=10, bold=text == "说明：", align=WD_ALIGN_PARAGRAPH.RIGHT if right else None
        )
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _table(doc, table: Table, rows: list[tuple], alignment, Pt) -> None:
    """One section's rows under the column headers (grouped headers as 'group·header')."""
    t = doc.add_table(rows=1, cols=len(table.columns))
    t.style = "Table Grid"
    t.alignment = alignment.CENTER
    for cell, column in zip(t.rows[0].cells, table.columns):
        cell.text = column.full_header
        for run in cell.paragraphs[0].runs:
            run.font.bold, run.font.size = True, Pt(8)
    for values in rows or [tuple([None] * len(table.columns))]:
        cells = t.add_row().cells
        for cell, column, value in zip(cells, table.columns, values):
            cell.text = display(value, column.kind) if values is not None else ""
            p = cell.paragraphs[0]
            if column.kind != TEXT:
                p.alignment = 2  # right
            for run in p.runs:
                run.font.size = Pt(8)
