"""What makes a Word document fileable in a Chinese office, for every DOCX gongkai writes (the
assessment sheet, the 整改通知, the 通报): A4 paper, the 公文 fonts named for East Asian text
(w:eastAsia: 仿宋_GB2312 body, 黑体 headings, 方正小标宋简体 title; Word substitutes a font the
machine lacks), 「第 X 页 共 Y 页」 page numbers built from PAGE/NUMPAGES fields, and tables whose
columns are sized to what they hold (fixed layout, so Word and WPS keep the widths) with the
header row repeated on every page.
"""

from __future__ import annotations

import math

from etl.safe_text import xml_text

BODY_FONT = "仿宋_GB2312"  # GB/T 9704 body text
HEADING_FONT = "黑体"  # first-level headings
TITLE_FONT = "方正小标宋简体"  # the document title
LATIN_FONT = "Times New Roman"  # digits and Latin letters in a 公文
A4_MM = (210.0, 297.0)
CELL_PAD_MM = 1.0  # left and right padding inside a table cell
PT_MM = 25.4 / 72  # one point in millimetres


def set_font(element, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Name the fonts of a run or style element: `east_asia` for Chinese (w:eastAsia), `latin`
    for digits and Latin letters (w:ascii, w:hAnsi)."""
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)  # a theme font would override the named one


def house_styles(doc, *, body_pt: float) -> None:
    """Normal in 仿宋_GB2312; headings in 黑体, black, not italic; the Title style in 方正小标宋."""
    from docx.shared import Pt, RGBColor

    normal = doc.styles["Normal"]
    normal.font.size = Pt(body_pt)
    set_font(normal.element, BODY_FONT)
    for name, font in (
        ("Heading 1", HEADING_FONT),
        ("Heading 2", HEADING_FONT),
        ("Heading 3", HEADING_FONT),
        ("Title", TITLE_FONT),
    ):
        style = doc.styles[name]
        set_font(style.element, font)
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.font.italic = False
        style.font.bold = False
        style.font.size = Pt(body_pt)


def a4(section, *, landscape: bool = False, margins_mm=(25.0, 25.0, 25.0, 25.0)) -> float:
    """A4 paper (portrait or landscape), margins top/right/bottom/left; returns the text width in mm."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    short, long = A4_MM
    width, height = (long, short) if landscape else (short, long)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(width), Mm(height)
    top, right, bottom, left = margins_mm
    section.top_margin, section.right_margin = Mm(top), Mm(right)
    section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
    section.footer_distance = Mm(min(bottom * 0.5, 15))
    return width - left - right


def _field(paragraph, instruction: str) -> None:
    """A complex field (w:fldChar begin/separate/end) Word and LibreOffice update on opening."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str):
        run = paragraph.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._r.append(el)
        return run

    char("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    char("separate")
    paragraph.add_run("1")  # shown until the field is updated
    char("end")


def page_numbers(section, *, size_pt: float = 10.5) -> None:
    """「第 X 页 共 Y 页」 centred in the footer of `section`."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    footer = section.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("第 ")
    _field(p, "PAGE")
    p.add_run(" 页 共 ")
    _field(p, "NUMPAGES")
    p.add_run(" 页")
    for run in p.runs:
        run.font.size = Pt(size_pt)
        set_font(run._r, BODY_FONT)


def _wide(ch: str) -> bool:
    return ord(ch) > 0x2E7F


def text_em(text: str) -> float:
    """Width of the longest line of `text` in em: Chinese and full-width characters 1, others 0.6,
    plus the ¼ em Word and LibreOffice put between Chinese and Latin text (「2023 年 1 月」)."""

    def em(line: str) -> float:
        switches = sum(_wide(a) != _wide(b) for a, b in zip(line, line[1:]))
        return sum(1.0 if _wide(ch) else 0.6 for ch in line) + 0.25 * switches

    return max(em(line) for line in str(text).split("\n"))


LONG_TEXT_EM = 12  # a column whose cells run longer wraps before any other column does


def _needs(headers, rows, font_pt: float) -> tuple[list[float], list[float], list[bool]]:
    """(wanted, least) width in mm of each column at `font_pt` (see column_widths), and which
    columns hold long text."""
    em = font_pt * PT_MM
    pad = 2 * CELL_PAD_MM + 1.5  # and room for a substituted font's wider glyphs
    columns = list(zip(*([list(headers)] + [list(r) for r in rows])))
    want, least, long = [], [], []
    for header, *cells in columns:
        content = max((text_em("" if c is None else c) for c in cells), default=0.0)
        head = text_em(header)
        short = content <= 8  # figures and short words stay on one line; their header may wrap
        want.append(max(content, math.ceil(head / (3 if short else 2)), 2) * em + pad)
        least.append(max(content if short else 4, math.ceil(head / 4), 2) * em + pad)
        long.append(content > LONG_TEXT_EM)
    return want, least, long


def fits(headers, rows, *, width_mm: float, font_pt: float) -> bool:
    """Whether the table fits `width_mm` at `font_pt` with every cell on one line except those
    of long-text columns (notes), which may wrap."""
    want, least, long = _needs(headers, rows, font_pt)
    return sum(m if lg else w for w, m, lg in zip(want, least, long)) <= width_mm


def column_widths(headers, rows, *, width_mm: float, font_pt: float) -> list[float]:
    """Column widths (mm) that fit `width_mm`: each column wants its longest cell on one line and
    its header on at most two; when that is too wide, the widest columns give way first (their
    text wraps), down to their header on three lines and at least 4 characters; any width left
    over is shared out in proportion to what the columns want."""
    want, least, _ = _needs(headers, rows, font_pt)
    total = sum(want)
    if total <= width_mm:
        return [w + (width_mm - total) * w / total for w in want]
    if sum(least) > width_mm:  # too wide even wrapped: scale everything
        return [m * width_mm / sum(least) for m in least]
    # the widest columns give way first: cap every column at one width, found by bisection
    low, high = 0.0, max(want)
    for _ in range(40):
        cap = (low + high) / 2
        if sum(max(m, min(w, cap)) for w, m in zip(want, least)) > width_mm:
            high = cap
        else:
            low = cap
    widths = [max(m, min(w, low)) for w, m in zip(want, least)]
    spare = width_mm - sum(widths)
    capped = [i for i, w in enumerate(widths) if w < want[i]] or list(range(len(widths)))
    for i in capped:
        widths[i] += spare / len(capped)
    return widths


def fixed_table(
    doc,
    headers,
    rows,
    *,
    width_mm: float,
    font_pt: float,
    numeric=(),
    header_rows=1,
    widths_mm=None,
):
    """A bordered table: header row(s) in bold, repeated on every page, columns fitted to the
    content (fixed layout), numeric columns right-aligned, every cell in `font_pt`."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    all_rows = [list(headers)] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = widths_mm or column_widths(headers, all_rows[1:], width_mm=width_mm, font_pt=font_pt)
    table = doc.add_table(rows=0, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed_layout(table, widths)
    for n, values in enumerate(all_rows):
        row = table.add_row()
        head = n < header_rows
        if head:
            repeat_header(row)
        for c, (cell, text) in enumerate(zip(row.cells, values)):
            cell.width = Mm(widths[c])
            p = cell.paragraphs[0]
            lines = xml_text(text).split("\n")
            for i, line in enumerate(lines):
                run = p.add_run(line)
                if i < len(lines) - 1:
                    run.add_break()
                run.font.size, run.font.bold = Pt(font_pt), head
                if head:
                    set_font(run._r, HEADING_FONT)
            p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.first_line_indent = Pt(0)
            p.paragraph_format.line_spacing = 1.0  # not the body's fixed 公文 line height
            if head:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif c in numeric:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return table


def repeat_header(row) -> None:
    """Mark a table row as a header row Word repeats at the top of every page (w:tblHeader)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    keep = OxmlElement("w:cantSplit")  # and never split a header row across pages
    tr_pr.insert_element_before(keep, "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc")
    head = OxmlElement("w:tblHeader")
    head.set(qn("w:val"), "true")
    tr_pr.insert_element_before(head, "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del")


def _fixed_layout(table, widths_mm) -> None:
    """Fixed layout with the grid columns set (LibreOffice reads w:gridCol, Word w:tcW) and
    narrow cell padding."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    table.autofit = False  # w:tblLayout fixed
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblW")) + tbl_pr.findall(qn("w:tblCellMar")):
        tbl_pr.remove(old)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(int(Mm(sum(widths_mm)).twips)))
    width.set(qn("w:type"), "dxa")
    tbl_pr.insert_element_before(
        width,
        "w:jc",
        "w:tblCellSpacing",
        "w:tblInd",
        "w:tblBorders",
        "w:shd",
        "w:tblLayout",
        "w:tblCellMar",
        "w:tblLook",
    )
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(int(Mm(CELL_PAD_MM).twips)))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tbl_pr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_mm):
        col.set(qn("w:w"), str(int(Mm(w).twips)))
