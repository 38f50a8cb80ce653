"""The 汇总 sheet as a printable PDF (fpdf2, CJK font embedded). Frames in, bytes out.

The same table as the Word document (exports.printed): the columns empty for every unit left
out with the same note, headers on two lines at most, columns as wide as the Word document's
at the same font size (unit names on one line while the page allows), on the same paper (A4
landscape, A3 landscape for a table too wide for A4 at a legible size) with the header rows
repeated on every page and 「第 X 页，共 Y 页」 in the footer.
"""

from __future__ import annotations

from etl.fonts import FontFile, MissingFontError, cjk_fonts  # noqa: F401 — re-exported
from exports.column_fit import CELL_PAD_MM
from exports.model import AssessmentExport
from exports.printed import SIDE_MARGIN_MM, Page, PrintedTable, printed_table

PDF_MARGIN = 10.0  # mm, top (left and right: exports.printed.SIDE_MARGIN_MM, as the Word document)


def summary_pdf(export: AssessmentExport, *, fonts: dict[str, FontFile] | None = None) -> bytes:
    """The 汇总 table as a landscape PDF, CJK font embedded, header rows repeated on each page,
    on the paper and at the font size exports.printed.PrintedTable.page chooses (A3 for a table
    too wide for A4 at a legible size)."""
    from fpdf import FPDF

    fonts = fonts or cjk_fonts()
    table = printed_table(export.summary)
    footer_left = f"{export.title}  ·  {export.office.name}  ·  {export.issued_text}"

    class SheetPDF(FPDF):
        def footer(self) -> None:
            self.set_y(-8)
            self.set_font("cjk", size=8)  # nothing printed below 7.5 pt
            self.set_text_color(90)
            self.cell(0, 4, footer_left, align="L")
            self.set_x(self.l_margin)
            self.cell(0, 4, f"第 {self.page_no()} 页，共 {{nb}} 页", align="R")

    page = table.page()
    pdf = SheetPDF(orientation="L", unit="mm", format=page.paper)
    for style, font in fonts.items():
        pdf.add_font("cjk", style, str(font.path), collection_font_number=font.index)
    pdf.set_margins(SIDE_MARGIN_MM, PDF_MARGIN, SIDE_MARGIN_MM)
    pdf.set_title(export.title)
    pdf.set_creator("gongkai")
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font("cjk", "B", 14)
    pdf.cell(0, 8, export.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", "", 9)
    pdf.cell(0, 6, export.subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _pdf_table(pdf, table, page)
    if table.note:
        pdf.ln(2)
        pdf.set_font("cjk", "", 8)
        pdf.multi_cell(0, 4.5, table.note, new_x="LMARGIN", new_y="NEXT")
    _pdf_footer(pdf, export)
    return bytes(pdf.output())


def _pdf_table(pdf, table: PrintedTable, page: Page) -> None:
    """The table at `page`'s font size, its header rows repeated on every page, a peer group's heading row
    above its units (their ranks start at 1 below it)."""
    from fpdf import FontFace
    from fpdf.enums import WrapMode

    size = page.font_pt
    pdf.set_font("cjk", "", size)
    widths = table.widths(page)
    aligns = tuple("R" if i in table.numeric else "L" for i in range(len(table.columns)))
    heading = FontFace(emphasis="BOLD", fill_color=(220, 230, 241), size_pt=size)
    with pdf.table(
        col_widths=widths,
        width=min(sum(widths), pdf.epw),  # not more by a rounding
        text_align=aligns,
        wrapmode=WrapMode.CHAR,
        headings_style=heading,
        line_height=size * 0.45,
        num_heading_rows=table.header_rows,
        repeat_headings=1,
        padding=(0.8, CELL_PAD_MM),
        cell_fill_color=(246, 246, 246),
        cell_fill_mode="ROWS",
    ) as t:
        _pdf_headings(t, table)
        sections = table.sections
        if not table.rows:
            sections = ((None, (("（无）",) + ("",) * (len(table.columns) - 1),)),)
        for title, rows in sections:
            if title is not None:
                t.row().cell(
                    title,
                    colspan=len(table.columns),
                    align="L",
                    style=FontFace(emphasis="BOLD", fill_color=(238, 243, 248), size_pt=size),
                )
            for row in rows:
                cells = t.row()
                for text in row:
                    cells.cell(text)


def _pdf_footer(pdf, export: AssessmentExport) -> None:
    """说明, the signature line, then the issuing office and the date on the right."""
    pdf.ln(3)
    for text in export.footer_lines:
        if not text:
            pdf.ln(2)
            continue
        right = text in (export.office.name, export.issued_text)
        pdf.set_font("cjk", "B" if text == "说明：" else "", 9)
        pdf.multi_cell(0, 5, text, align="R" if right else "L", new_x="LMARGIN", new_y="NEXT")


def _pdf_headings(t, table: PrintedTable) -> None:
    """A group's name over its columns, an ungrouped header down both header rows."""
    top = t.row()
    headers = table.headers
    for group, first, last in table.group_runs():
        if group is None:
            for c in range(first, last + 1):
                top.cell(headers[c], align="C", rowspan=table.header_rows)
        else:
            top.cell(group, align="C", colspan=last - first + 1)
    if table.header_rows == 2:
        sub = t.row()
        for c, column in enumerate(table.columns):
            if column.group:
                sub.cell(headers[c], align="C")
