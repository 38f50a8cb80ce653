"""The 汇总 sheet as a Word document (python-docx), for offices that edit before they file:
title, scheme and share, one table per peer group with its own ranks, notes on method,
signature lines, issuing office and date. Frames in, bytes out.

Fileable as printed: A4 landscape (the sheet is wide), columns sized to their content (unit
names on one line, no number or short token broken: exports.column_fit), an indicator's name
over its 数值 | 得分 columns in two header rows repeated on every page, columns empty for every
unit left out with a note saying which, 「第 X 页 共 Y 页」 in the footer, 公文 fonts
(exports.docx_layout).
"""

from __future__ import annotations

import io
from dataclasses import replace

from exports.docx_layout import (
    TITLE_FONT,
    a4,
    column_widths,
    fits,
    fixed_table,
    house_styles,
    page_numbers,
    set_font,
)
from exports.model import TEXT, AssessmentExport, Table, display

TABLE_SIZES = (10.5, 9, 8.5, 8, 7.5, 7, 6.5)  # the largest at which the table fits wins
MARGINS_MM = (15.0, 12.0, 15.0, 12.0)  # top, right, bottom, left


def assessment_docx(export: AssessmentExport) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    house_styles(doc, body_pt=10.5)
    width = a4(doc.sections[0], landscape=True, margins_mm=MARGINS_MM)
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
    table, dropped = without_empty_columns(export.summary)
    headers = [c.header for c in table.columns]
    measured = _measured_headers(table)
    sections = [
        (name, [[display(v, c.kind) for v, c in zip(row, table.columns)] for row in rows])
        for name, rows in table.sections()
    ]
    every_row = [r for _, rows in sections for r in rows]
    size = next(
        (s for s in TABLE_SIZES if fits(measured, every_row, width_mm=width, font_pt=s)),
        TABLE_SIZES[-1],
    )
    numeric = {i for i, c in enumerate(table.columns) if c.kind != TEXT}
    for name, rows in sections:
        if name:
            p, _ = para(name, size=12, bold=True, space=3)
            p.paragraph_format.keep_with_next = True
        shown = rows or [[""] * len(table.columns)]
        _table(doc, table, (headers, measured), shown, every_row, width, size, numeric)
        para("", space=4)
    if dropped:
        note = (
            f"注：{'、'.join(dropped)}各列所有单位均无数据，本表未列出（Excel 工作簿保留全部列）。"
        )
        para(note, size=9)
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


def without_empty_columns(table: Table) -> tuple[Table, list[str]]:
    """`table` without the columns no row has a value in, and their names for the note under
    the table: a whole group by its name (按时办结率), one column of a group by group·header (总分计算·否决)."""
    if not table.frame.height:  # a table without rows keeps its headers
        return table, []
    empty = {
        c.key
        for c in table.columns
        if not any(display(v, c.kind) for v in table.frame.get_column(c.key).to_list())
    }
    names: list[str] = []
    for group, first, last in table.groups():
        keys = [c.key for c in table.columns[first : last + 1]]
        if group and all(k in empty for k in keys):
            names.append(group)
        else:
            names += [
                table.columns[i].full_header
                for i in range(first, last + 1)
                if keys[i - first] in empty
            ]
    kept = tuple(c for c in table.columns if c.key not in empty)
    return replace(table, columns=kept), names


def _measured_headers(table: Table) -> list[str]:
    """What each column's header needs room for: its own header, and a one-column group's name
    above it (a group over several columns wraps across their joint width)."""
    single = {group for group, first, last in table.groups() if group and first == last}
    return [f"{c.group}\n{c.header}" if c.group in single else c.header for c in table.columns]


def _table(doc, table: Table, headers, rows, every_row, width, size, numeric) -> None:
    """One section's rows under the column headers, with the widths every section shares (the
    tables of all peer groups line up)."""
    headers, measured = headers
    widths = column_widths(measured, every_row or rows, width_mm=width, font_pt=size)
    groups = [c.group for c in table.columns]
    fixed_table(
        doc,
        headers,
        rows,
        width_mm=width,
        font_pt=size,
        numeric=numeric,
        groups=groups,
        widths_mm=widths,
    )
