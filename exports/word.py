"""The 汇总 sheet as a Word document (python-docx), for offices that edit before they file:
title, scheme and share, one table per peer group with its own ranks, notes on method,
signature lines, issuing office and date. Frames in, bytes out.

Fileable as printed: A4 landscape, or A3 landscape when the table does not fit A4 at a legible
size (the paper and size are the PDF's: exports.printed.PrintedTable.page), columns sized to their content (unit
names on one line, no number or short token broken, headers on two lines at most:
exports.column_fit), an indicator's name over its 数值 | 得分 columns in two header rows repeated
on every page, columns empty for every unit left out with a note saying which (the columns, their
headers and widths are the PDF's too: exports.printed), 「第 X 页 共 Y 页」 in the footer, 公文 fonts
(exports.docx_layout).
"""

from __future__ import annotations

import io

from exports.docx_layout import TITLE_FONT, a4, fixed_table, house_styles, page_numbers, set_font
from exports.model import AssessmentExport
from exports.printed import SIDE_MARGIN_MM, printed_table

MARGINS_MM = (15.0, SIDE_MARGIN_MM, 15.0, SIDE_MARGIN_MM)  # top, right, bottom, left


def assessment_docx(export: AssessmentExport) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = Document()
    house_styles(doc, body_pt=10.5)
    table = printed_table(export.summary)
    page = table.page()
    section = doc.sections[0]
    a4(section, landscape=True, margins_mm=MARGINS_MM)
    section.page_width, section.page_height = Mm(page.width_mm), Mm(page.height_mm)
    width = page.text_width_mm
    page_numbers(doc.sections[0], size_pt=9)
    doc.core_properties.title = export.title
    doc.core_properties.author = export.office.name

    def para(text: str, *, size: float = 10.5, bold: bool = False, align=None, space: float = 2):
        p = doc.add_paragraph()
        run = p.add_run(text)
        run.font.size, run.font.bold = Pt(size), bold
        if align is not None:
            p.alignment = align
        p.paragraph_format.space_after = Pt(space)
        return p, run

    _, title = para(export.title, size=18, align=WD_ALIGN_PARAGRAPH.CENTER, space=4)
    set_font(title._r, TITLE_FONT)
    para(export.subtitle, size=10.5, align=WD_ALIGN_PARAGRAPH.CENTER, space=8)
    size = page.font_pt
    widths = table.widths(page)
    for name, rows in table.sections:
        if name:
            p, _ = para(name, size=12, bold=True, space=3)
            p.paragraph_format.keep_with_next = True
        fixed_table(
            doc,
            table.headers,
            rows or [[""] * len(table.columns)],
            width_mm=width,
            font_pt=size,
            numeric=table.numeric,
            groups=table.group_headers,
            widths_mm=widths,
        )
        para("", space=4)
    if table.note:
        para(table.note, size=9)
    for text in export.footer_lines:
        right = text in (export.office.name, export.issued_text)
        para(
            text,
            size=10.5,
            bold=text == "说明：",
            align=WD_ALIGN_PARAGRAPH.RIGHT if right else None,
        )
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
