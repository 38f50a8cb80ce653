"""The office's red-letterhead Word document (红头文件) that notices and the bulletin start from.

One place for the house style an office's documents share (after GB/T 9704): A4 with the 公文
margins, 仿宋_GB2312 三号 body, the letterhead line from data/office.toml in red 方正小标宋 over a
red rule, the title in 方正小标宋 二号, page numbers 「第 X 页 共 Y 页」 in the footer.
"""

from __future__ import annotations

from exports.docx_layout import TITLE_FONT, a4, house_styles, page_numbers, set_font
from exports.office import OfficeSettings

RED = (0xC0, 0x00, 0x00)
BODY_PT = 16  # 三号
TITLE_PT = 22  # 二号
MARGINS_MM = (37.0, 26.0, 35.0, 28.0)  # top, right, bottom, left (GB/T 9704)


def letterhead_document(office: OfficeSettings, title: str, *, letterhead_pt: int = 26):
    """A python-docx Document with the letterhead, the red rule and `title`; callers add the body.
    A "\n" in `title` is where its lines break (a 公文 title breaks between phrases, never
    inside a word as Word's own wrapping would). The text width in mm is on `doc.text_width_mm`."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    doc = Document()
    house_styles(doc, body_pt=BODY_PT)
    doc.styles["Normal"].paragraph_format.line_spacing = Pt(28)  # 公文: fixed 28 pt lines
    doc.styles["Normal"].paragraph_format.space_after = Pt(0)
    width = a4(doc.sections[0], margins_mm=MARGINS_MM)
    page_numbers(doc.sections[0], size_pt=12)
    doc.core_properties.title = title.replace("\n", "")
    doc.core_properties.author = office.name
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.paragraph_format.line_spacing = 1.0
    run = head.add_run(office.letterhead or office.name)
    run.font.size, run.font.color.rgb = Pt(letterhead_pt), RGBColor(*RED)
    set_font(run._r, TITLE_FONT)
    # the red rule: a bottom border of the letterhead paragraph, full text width
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "18"), ("space", "6"), ("color", "C00000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    head._p.get_or_add_pPr().insert_element_before(
        borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr"
    )
    head.paragraph_format.space_after = Pt(24)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.line_spacing = Pt(36)
    heading.paragraph_format.space_after = Pt(16)
    for n, line in enumerate(title.split("\n")):
        if n:
            run.add_break()  # the end of the previous line
        run = heading.add_run(line)
        run.font.size = Pt(TITLE_PT)
        set_font(run._r, TITLE_FONT)
    doc.text_width_mm = width
    return doc
