"""What makes a Word document fileable in a Chinese office, for every DOCX gongkai writes (the
assessment sheet, the 整改通知, the 通报): A4 paper, the 公文 fonts named for East Asian text
(w:eastAsia: 仿宋_GB2312 body, 黑体 headings, 方正小标宋简体 title; Word substitutes a font the
machine lacks), 「第 X 页 共 Y 页」 page numbers built from PAGE/NUMPAGES fields, and tables whose
columns are sized to what they hold (fixed layout, so Word and WPS keep the widths) with the
header row repeated on every page.
"""

from __future__ import annotations

from etl.safe_text import xml_text
from exports.column_fit import CELL_PAD_MM, column_widths, fits  # noqa: F401 — re-exported

BODY_FONT = "仿宋_GB2312"  # GB/T 9704 body text
HEADING_FONT = "黑体"  # first-level headings
TITLE_FONT = "方正小标宋简体"  # the document title
LATIN_FONT = "Times New Roman"  # digits and Latin letters in a 公文
A4_MM = (210.0, 297.0)


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


def fixed_table(
    doc,
    headers,
    rows,
    *,
    width_mm: float,
    font_pt: float,
    numeric=(),
    groups=None,
    widths_mm=None,
):
    """A bordered table: header row(s) in bold, repeated on every page, columns fitted to the
    content (fixed layout), numeric columns right-aligned, every cell in `font_pt`. With `groups`
    (a group name or None per column) the header has two rows: a group's name over its columns,
    an ungrouped header over both rows, so a long group name does not widen every column."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    body = [["" if v is None else str(v) for v in r] for r in rows]
    widths = widths_mm or column_widths(headers, body, width_mm=width_mm, font_pt=font_pt)
    grouped = groups is not None and any(groups)
    tops = [[g or h for g, h in zip(groups, headers)]] if grouped else []
    all_rows = tops + [list(headers)] + body
    header_rows = len(tops) + 1
    table = doc.add_table(rows=0, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed_layout(table, widths)
    for n, values in enumerate(all_rows):
        row = table.add_row()
        head = n < header_rows
        if head:
            repeat_header(row)
        else:  # a row split by a page break leaves its tail (「…报，总分上限 0 分」) nameless
            keep_row_whole(row)
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
    if grouped:
        _merge_groups(table, list(groups))
    return table


def _merge_groups(table, groups) -> None:
    """Merge a group's name across its columns and an ungrouped header down both header rows
    (the merged-away cells are emptied first, so no text is doubled)."""
    top, sub = table.rows[0].cells, table.rows[1].cells
    c = 0
    while c < len(groups):
        end = c
        while groups[c] and end + 1 < len(groups) and groups[end + 1] == groups[c]:
            end += 1
        for cell in [top[i] for i in range(c + 1, end + 1)] + ([] if groups[c] else [sub[c]]):
            for p in cell.paragraphs:
                for run in list(p.runs):
                    run._r.getparent().remove(run._r)
        if end > c:
            top[c].merge(top[end])
        elif not groups[c]:
            top[c].merge(sub[c])
        c = end + 1


def keep_row_whole(row) -> None:
    """Never split the table row across pages (w:cantSplit)."""
    from docx.oxml import OxmlElement

    tr_pr = row._tr.get_or_add_trPr()
    keep = OxmlElement("w:cantSplit")
    tr_pr.insert_element_before(keep, "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc")


def repeat_header(row) -> None:
    """Mark a table row as a header row Word repeats at the top of every page (w:tblHeader),
    never split across pages."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    keep_row_whole(row)
    tr_pr = row._tr.get_or_add_trPr()
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
