"""整改通知: one agency's confirmed problems as DOCX (python-docx) and PDF (fpdf2), on the
office's letterhead (data/office.toml). Pure builders: a workflow.problems.Notice in, bytes out.

Written for the agency that receives it: each problem under the name the inspection notice gives
its type (the rule catalogue's category and label), the part of the report it is in, each cell it
concerns as a row of 项目 (the national template's wording), 报告所列数值 and 位置 (1-based, as the
pages print places), a sum's two sides and their difference, what to do (the catalogue's remedy);
then the deadline. No file names, codes
or paths: workflow.problems made the texts fit for the agency. Every text passes xml_text here
too: a control character would make python-docx refuse the whole document.
"""

from __future__ import annotations

import io
from datetime import date

from etl.rule_vocabulary import TIMING
from etl.rules import rule
from etl.safe_text import xml_text
from exports.cjk_lines import cjk_lines
from exports.docx_layout import HEADING_FONT, fixed_table, set_font
from exports.letterhead import RED, letterhead_document
from exports.office import OfficeSettings
from exports.pdf import FontFile, cjk_fonts

_DIGITS = "零一二三四五六七八九"


def numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 35 → 三十五 (the 公文 numbering of first-level items)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def title(notice) -> str:
    """The title in two lines, broken between its phrases ("\n"); join them for one line."""
    return f"关于{notice.year}年度政府信息公开工作年度报告\n存在问题的整改通知"


def _about_timing(item) -> bool:
    """A problem of when the report came out (逾期发布): nothing in the report to correct."""
    return rule(item.rule).indicator == TIMING


def body(notice, office: OfficeSettings) -> str:
    """What the agency must do follows its problems: a report to correct is corrected and
    published again; a late one is explained, and the next published on time."""
    sender = office.short_name or office.name
    late = any(_about_timing(item) for item in notice.items)
    to_correct = not all(_about_timing(item) for item in notice.items)
    found = (
        f"经核查，你单位发布的{notice.year}年度政府信息公开工作年度报告存在以下"
        f"{len(notice.items)}个问题。"
    )
    if not to_correct:
        return (
            found + f"请于{_day(notice.deadline)}前将逾期发布的原因和改进措施书面报送{sender}，"
            "今后在法定期限内发布年度报告。"
        )
    return found + (
        f"请对照逐项整改，于{_day(notice.deadline)}前更正并重新发布年度报告，同时将整改情况"
        + ("和逾期发布的原因" if late else "")
        + f"书面报送{sender}"
        + ("；今后在法定期限内发布年度报告。" if late else "。")
    )


def closing(notice) -> str:
    if all(_about_timing(item) for item in notice.items):
        return (
            f"整改期限：{_day(notice.deadline)}前。逾期发布的情况将按考核方案计入年度考核，"
            "并在年报质量通报中列明。"
        )
    return (
        f"整改期限：{_day(notice.deadline)}前。逾期未整改或整改后仍存在的问题，"
        "将在年度考核中按考核方案扣分，并在年报质量通报中列明。"
    )


def heading(n: int, item) -> str:
    """「一、表内数据勾稽不符（表三：各类申请人之和 ≠ 总计列）」."""
    again = "，新版本年报仍存在" if item.repeated else ""
    return f"{numeral(n)}、{item.category}（{item.rule_label}{again}）"


CELL_HEADERS = ("项目", "报告所列数值", "位置")


def placed(item) -> list[tuple[str, str]]:
    """The line over a problem's cell table: the part of the report it is in."""
    return [("所在位置", item.place)] if item.place else []


def cell_line(cell: tuple[str, str, str]) -> str:
    """One row of the cell table as a line: 「一、本年新收政府信息公开申请数量（总计栏）：23（原文第
    5 张表格第 2 行）」."""
    name, value, where = cell
    return f"{name}：{value}" + (f"（{where}）" if where else "")


def details(item) -> list[tuple[str, str]]:
    """(label, text) lines under a problem's cell table (`item.cells`, 项目/报告所列数值/位置):
    an identity's sums and difference, what else the report prints, the explanation, the remedy."""
    out = list(item.sums)
    out += [("报告所印", line) for line in item.evidence]
    if item.message:
        out.append(("问题说明", item.message))
    out.append(("整改要求", item.remedy))
    return out


def rows(notice) -> list[tuple[str, str, str, str]]:
    """(序号, 问题, 证据, 整改要求) per problem, for a listing in one table (dashboard, tests);
    the cells one a line, each with its place."""
    out = []
    for n, item in enumerate(notice.items, 1):
        lines = [text for _, text in placed(item)] + [cell_line(c) for c in item.cells]
        lines += [f"{label}：{text}" for label, text in item.sums]  # the label says which side
        lines += [text for label, text in details(item)[len(item.sums) :] if label != "整改要求"]
        out.append((str(n), heading(n, item).split("、", 1)[1], "\n".join(lines), item.remedy))
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
    doc.add_paragraph(xml_text(f"{notice.agency_name}："))

    def para(text: str, *, indent: bool = True, size: float | None = None):
        p = doc.add_paragraph()
        run = p.add_run(xml_text(text))
        if size:
            run.font.size = Pt(size)
            p.paragraph_format.line_spacing = Pt(size * 1.6)
        if indent:
            p.paragraph_format.first_line_indent = Pt(2 * (size or 16))
        return p, run

    para(body(notice, office))
    for n, item in enumerate(notice.items, 1):
        p, run = para(heading(n, item))
        set_font(run._r, HEADING_FONT)
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.space_before = Pt(6)
        for k, (label, text) in enumerate(placed(item) + details(item)):
            if k == len(placed(item)) and item.cells:
                fixed_table(
                    doc,
                    CELL_HEADERS,
                    item.cells,
                    width_mm=doc.text_width_mm,
                    font_pt=12,
                    numeric=(1,),
                )
            p, run = para(f"{label}：", size=14)
            run.bold = True
            p.add_run(xml_text(text)).font.size = Pt(14)
            p.paragraph_format.keep_with_next = k < len(placed(item))  # 所在位置 over its table
    # the deadline, the contact and the signature stay on one page: a date alone on a last
    # page is a notice nobody signs
    p, _ = para(closing(notice))
    p.paragraph_format.keep_with_next = True
    if contact(office):
        p, _ = para(contact(office))
        p.paragraph_format.keep_with_next = True
    for n, text in enumerate((office.name, _day(notice.issued))):
        p, _ = para(text, indent=False)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.keep_together = True
        if n == 0:
            p.paragraph_format.space_before = Pt(28)
            p.paragraph_format.keep_with_next = True
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def notice_pdf(
    notice, office: OfficeSettings, *, fonts: dict[str, FontFile] | None = None
) -> bytes:
    from fpdf import FPDF

    # One face only: embedding a CJK face costs about a second per PDF, and a batch writes one
    # PDF per agency; headings stand out by size and colour instead of weight.
    regular = (fonts or cjk_fonts())[""]

    class NoticePDF(FPDF):
        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("cjk", "", 10)
            self.set_text_color(0)
            self.cell(0, 5, f"第 {self.page_no()} 页 共 {{nb}} 页", align="C")

    pdf = NoticePDF(orientation="P", unit="mm", format="A4")
    pdf.add_font("cjk", "", str(regular.path), collection_font_number=regular.index)
    pdf.set_margins(28, 30, 26)
    pdf.set_auto_page_break(True, margin=25)
    pdf.set_title(title(notice).replace("\n", ""))
    pdf.set_creator("gongkai")
    pdf.add_page()
    pdf.set_font("cjk", "", 26)
    pdf.set_text_color(*RED)
    pdf.cell(0, 14, office.letterhead or office.name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, pdf.get_y() + 2, pdf.w - pdf.r_margin, pdf.get_y() + 2)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)
    pdf.ln(9)
    pdf.set_text_color(0)
    pdf.set_font("cjk", "", 20)
    pdf.multi_cell(0, 10, title(notice), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    def lines(text: str, size: float = 14, *, indent: bool = True) -> list[str]:
        pdf.set_font("cjk", "", size)
        return cjk_lines(("　　" if indent else "") + xml_text(text), pdf.epw, pdf.get_string_width)

    def para(text: str, size: float = 14, *, indent: bool = True, color=(0, 0, 0)) -> None:
        pdf.set_text_color(*color)
        for line in lines(text, size, indent=indent):
            pdf.cell(0, size * 0.55, line, new_x="LMARGIN", new_y="NEXT")

    para(f"{notice.agency_name}：", indent=False)
    para(body(notice, office))
    for n, item in enumerate(notice.items, 1):
        pdf.ln(2)
        para(heading(n, item), color=(0x20, 0x20, 0x20))
        for label, text in placed(item):
            para(f"{label}：{text}", 12)
        if item.cells:
            _pdf_cells(pdf, item.cells)
        for label, text in details(item):
            para(f"{label}：{text}", 12)
    # the deadline, the contact and the signature stay on one page (as in the DOCX): a 落款
    # alone on a last page is a notice nobody can sign or seal
    tail = [closing(notice)] + ([contact(office)] if contact(office) else [])
    if pdf.will_page_break(2 + sum(len(lines(t)) * 14 * 0.55 for t in tail) + 8 + 8 * 2):
        pdf.add_page()
    else:
        pdf.ln(2)
    for text in tail:
        para(text)
    pdf.ln(8)
    pdf.set_font("cjk", "", 14)
    for text in (office.name, _day(notice.issued)):
        pdf.cell(0, 8, text, align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _pdf_cells(pdf, cells) -> None:
    """The cell table in the PDF: wrapped by character (Chinese has no spaces to wrap at), the
    header in the one face at hand (no bold face is embedded)."""
    from fpdf.enums import WrapMode
    from fpdf.fonts import FontFace

    pdf.set_font("cjk", "", 10.5)
    pdf.set_text_color(0)
    with pdf.table(
        col_widths=(46, 16, 38),
        text_align=("LEFT", "RIGHT", "LEFT"),
        line_height=5.5,
        wrapmode=WrapMode.CHAR,
        headings_style=FontFace(emphasis="", fill_color=(235, 235, 235)),
    ) as table:
        for values in (CELL_HEADERS, *cells):
            row = table.row()
            for text in values:
                row.cell(xml_text(text))
    pdf.ln(1)
