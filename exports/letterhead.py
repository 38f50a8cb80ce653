"""The office's red-letterhead Word document (红头文件) that notices and the bulletin start from.

One place for the house style an office's documents share: 宋体 12 pt body, the letterhead line
from data/office.toml in red, a red rule under it, then a bold centred title.
"""

from __future__ import annotations

from exports.office import OfficeSettings

RED = (0xC0, 0x00, 0x00)
BODY_FONT = "宋体"


def letterhead_document(office: OfficeSettings, title: str, *, letterhead_pt: int = 24):
    """A python-docx Document with the letterhead, the red rule and `title`; callers add the body."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "SimSun"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)
    normal.font.size = Pt(12)
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(office.letterhead or office.name)
    run.bold, run.font.size, run.font.color.rgb = True, Pt(letterhead_pt), RGBColor(*RED)
    rule = doc.add_paragraph("━" * 24)
    rule.alignment = WD_ALIGN_PARAGRAPH.CENTER
    rule.runs[0].font.color.rgb = RGBColor(*RED)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold, run.font.size = True, Pt(16)
    return doc
