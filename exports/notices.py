"""整改通知: one agency's confirmed problems as DOCX (python-docx) and PDF (fpdf2), on the
office's letterhead (data/office.toml). Pure builders: a workflow.problems.Notice in, bytes out.
"""

from __future__ import annotations

import io
from datetime import date

from exports.letterhead import RED, letterhead_document
from exports.office import OfficeSettings
from exports.pdf import FontFile, cjk_fonts

COLUMNS = ("序号", "问题", "证据（报告所印）", "整改要求")


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def title(notice) -> str:
    return f"关于{notice.year}年度政府信息公开工作年度报告存在问题的整改通知"


def body(notice, office: OfficeSettings) -> str:
    sender = office.short_name or office.name
    return (
        f"经核查，你单位发布的{notice.year}年度政府信息公开工作年度报告存在以下"
        f"{len(notice.items)}个问题。请对照逐项整改，于{_day(notice.deadline)}前更正并重新发布"
        f"年度报告，同时将整改情况书面报送{sender}。"
    )


def rows(notice) -> list[tuple[str, str, str, str]]:
    out = []
    for n, item in enumerate(notice.items, 1):
        problem = item.rule_label + ("（新版本年报仍存在）" if item.repeated else "")
        lines = [item.message] if item.message else []
        lines += [e for e in item.evidence if e != item.message]
        evidence = "\n".join(lines)
        out.append((str(n), problem, evidence, item.remedy))
    return out


def contact(office: OfficeSettings) -> str:
    parts = [
        f"联系人：{office.notice_contact}" if office.notice_contact else "",
        f"电话：{office.phone}" if office.phone else "",
        f"地址：{office.address}" if office.address else "",
    ]
    return "　".join(p for p in parts if p)


def notice_docx(notice, office: OfficeSettings) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = letterhead_document(office, title(notice))
    doc.add_paragraph(f"{notice.agency_name}：")
    doc.add_paragraph(body(notice, office)).paragraph_format.first_line_indent = Pt(24)
    table = doc.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, COLUMNS):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in rows(notice):
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text
    doc.add_paragraph(
        f"整改期限：{_day(notice.deadline)}前。逾期未整改或整改后仍存在的问题，"
        "将在年度考核中按考核方案扣分，并在全省年报质量通报中列明。"
    )
    if contact(office):
        doc.add_paragraph(contact(office))
    for text in (office.name, _day(notice.issued)):
        p = doc.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def notice_pdf(
    notice, office: OfficeSettings, *, fonts: dict[str, FontFile] | None = None
) -> bytes:
    from fpdf import FPDF, FontFace
    from fpdf.enums import WrapMode

    # One face only: embedding a CJK face costs about a second per PDF, and a batch writes one
    # PDF per agency; headings stand out by size and colour instead of weight.
    regular = (fonts or cjk_fonts())[""]
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.add_font("cjk", "", str(regular.path), collection_font_number=regular.index)
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(title(notice))
    pdf.set_creator("gongkai")
    pdf.add_page()
    pdf.set_font("cjk", "", 24)
    pdf.set_text_color(*RED)
    pdf.cell(0, 12, office.letterhead or office.name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.w - pdf.r_margin, pdf.get_y() + 1)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)
    pdf.ln(6)
    pdf.set_text_color(0)
    pdf.set_font("cjk", "", 16)
    pdf.multi_cell(0, 8, title(notice), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("cjk", "", 11)
    pdf.cell(0, 7, f"{notice.agency_name}：", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(
        0, 7, "　　" + body(notice, office), wrapmode=WrapMode.CHAR, new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(2)
    pdf.set_font("cjk", "", 9.5)
    heading = FontFace(emphasis=None, fill_color=(225, 225, 225))
    with pdf.table(
        col_widths=(10, 38, 72, 50),
        wrapmode=WrapMode.CHAR,
        headings_style=heading,
        line_height=5,
        padding=1.2,
        text_align=("C", "L", "L", "L"),
    ) as t:
        cells = t.row()
        for text in COLUMNS:
            cells.cell(text)
        for row in rows(notice):
            cells = t.row()
            for text in row:
                cells.cell(text)
    pdf.ln(3)
    pdf.set_font("cjk", "", 11)
    pdf.multi_cell(
        0,
        7,
        f"整改期限：{_day(notice.deadline)}前。逾期未整改或整改后仍存在的问题，"
        "将在年度考核中按考核方案扣分，并在全省年报质量通报中列明。",
        wrapmode=WrapMode.CHAR,
        new_x="LMARGIN",
        new_y="NEXT",
    )
    if contact(office):
        pdf.multi_cell(0, 7, contact(office), wrapmode=WrapMode.CHAR, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    for text in (office.name, _day(notice.issued)):
        pdf.cell(0, 7, text, align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
