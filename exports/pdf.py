"""The 汇总 sheet as a printable PDF (fpdf2, CJK font embedded). Frames in, bytes out."""

from __future__ import annotations

from etl.fonts import FontFile, MissingFontError, cjk_fonts  # noqa: F401 — re-exported
from exports.model import TEXT, AssessmentExport, Table, display

PDF_MARGIN = 10.0  # mm
PDF_SIZES = (9.0, 8.5, 8.0, 7.5, 7.0, 6.5, 6.0, 5.5)  # font sizes tried, largest that fits wins
PDF_PAD = 0.7  # mm of horizontal padding on each side of a cell
PDF_TEXT_MAX = 42.0  # mm: longer text columns wrap
PDF_TEXT_MIN = 6  # characters a text column keeps when the table is too wide


def summary_pdf(export: AssessmentExport, *, fonts: dict[str, FontFile] | None = None) -> bytes:
    """The 汇总 table as a landscape A4 PDF, CJK font embedded, header rows repeated on each page.

    The font size is the largest of PDF_SIZES at which the table fits the page width; a table
    too wide even at the smallest size goes onto A3 landscape rather than becoming unreadable.
    """
    from fpdf import FPDF, FontFace
    from fpdf.enums import WrapMode

    fonts = fonts or cjk_fonts()
    table = export.summary
    sections = [
        (title, [[display(v, c.kind) for v, c in zip(row, table.columns)] for row in rows])
        for title, rows in table.sections()
    ]
    texts = [r for _, rows in sections for r in rows]
    footer_left = f"{export.title}  ·  {export.office.name}  ·  {export.issued_text}"

    class SheetPDF(FPDF):
        def footer(self) -> None:
            self.set_y(-8)
            self.set_font("cjk", size=7)
            self.set_text_color(90)
            self.cell(0, 4, footer_left, align="L")
            self.set_x(self.l_margin)
            self.cell(0, 4, f"第 {self.page_no()} 页，共 {{nb}} 页", align="R")

    for paper in ("A4", "A3"):
        pdf = SheetPDF(orientation="L", unit="mm", format=paper)
        for style, font in fonts.items():
            pdf.add_font("cjk", style, str(font.path), collection_font_number=font.index)
        pdf.set_margins(PDF_MARGIN, PDF_MARGIN, PDF_MARGIN)
        fit = _fit_columns(pdf, table, texts)
        if fit:
            break
    size, widths = fit or (PDF_SIZES[-1], _squeezed(pdf, table, texts))
    pdf.set_title(export.title)
    pdf.set_creator("gongkai")
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font("cjk", "B", 14)
    pdf.cell(0, 8, export.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", "", 9)
    pdf.cell(0, 6, export.subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("cjk", "", size)
    aligns = tuple("L" if c.kind == TEXT else "R" for c in table.columns)
    heading = FontFace(emphasis="BOLD", fill_color=(220, 230, 241), size_pt=size)
    nheads = table.header_rows
    with pdf.table(
        col_widths=widths,
        width=min(sum(widths), pdf.epw),
        text_align=aligns,
        wrapmode=WrapMode.CHAR,
        headings_style=heading,
        line_height=size * 0.45,
        num_heading_rows=nheads,
        repeat_headings=1,
        padding=(0.8, PDF_PAD),
        cell_fill_color=(246, 246, 246),
        cell_fill_mode="ROWS",
    ) as t:
        _pdf_headings(t, table)
        if not texts:
            sections = [(None, [["（无）"] + [""] * (len(table.columns) - 1)])]
        for title, rows in sections:
            if title is not None:  # the peer group's heading; its ranks start at 1 below it
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
    _pdf_footer(pdf, export)
    return bytes(pdf.output())


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


def _pdf_headings(t, table: Table) -> None:
    top = t.row()
    for group, first, last in table.groups():
        if group is None:
            for c in range(first, last + 1):
                top.cell(table.columns[c].header, align="C", rowspan=table.header_rows)
        else:
            top.cell(group, align="C", colspan=last - first + 1)
    if table.header_rows == 2:
        sub = t.row()
        for column in table.columns:
            if column.group:
                sub.cell(column.header, align="C")


def _natural_widths(pdf, table: Table, texts: list[list[str]], size: float) -> list[float]:
    """Column widths (mm) at `size`: content on one line, long headers wrapped."""
    pdf.set_font("cjk", "", size)
    pad = 2 * PDF_PAD + 0.6
    char = pdf.get_string_width("国") * 1.1
    widths = []
    for i, column in enumerate(table.columns):
        content = max((pdf.get_string_width(r[i]) for r in texts), default=0.0)
        if column.kind == TEXT:
            content = min(content, PDF_TEXT_MAX)
        header = pdf.get_string_width(column.header) * 1.1  # bold is wider
        lines = 1 if header <= 4 * char else (2 if column.group else 3)
        widths.append(max(content + pad, header / lines + pad, 2 * char + pad))
    for group, first, last in table.groups():  # a group header may wrap onto two lines
        if group:
            need = pdf.get_string_width(group) * 1.1 / 2 + pad
            have = sum(widths[first : last + 1])
            if have < need:
                for c in range(first, last + 1):
                    widths[c] += (need - have) / (last - first + 1)
    return widths


def _fit_columns(pdf, table: Table, texts: list[list[str]]) -> tuple[float, list[float]] | None:
    """The largest font size of PDF_SIZES (and widths) at which the table fits, else None.

    Number columns keep their one-line width; text columns (names, notes) give up width in
    proportion, down to PDF_TEXT_MIN characters, and wrap: long text costs a line, not the font.
    """
    for size in PDF_SIZES:
        widths = _natural_widths(pdf, table, texts, size)
        over = sum(widths) - pdf.epw
        if over <= 0:
            return size, widths
        floor = pdf.get_string_width("国") * 1.1 * PDF_TEXT_MIN + 2 * PDF_PAD + 0.6
        room = [
            max(w - floor, 0.0) if c.kind == TEXT else 0.0 for w, c in zip(widths, table.columns)
        ]
        if sum(room) >= over:
            return size, [w - over * r / sum(room) for w, r in zip(widths, room)]
    return None


def _squeezed(pdf, table: Table, texts: list[list[str]]) -> list[float]:
    """Widths scaled down to the page, never below two characters (fpdf2 loops on narrower)."""
    widths = _natural_widths(pdf, table, texts, PDF_SIZES[-1])
    floor = pdf.get_string_width("国国") * 1.1 + 2 * PDF_PAD + 0.6
    scale = pdf.epw / sum(widths)
    squeezed = [max(w * scale, floor) for w in widths]
    extra = sum(squeezed) - pdf.epw
    if extra > 0:  # take the overflow from the columns above the floor
        room = [w - floor for w in squeezed]
        total = sum(room) or 1.0
        squeezed = [w - extra * r / total for w, r in zip(squeezed, room)]
    return squeezed
