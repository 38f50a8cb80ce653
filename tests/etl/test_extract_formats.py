"""HTML / DOCX / XLSX extraction, on files built from the real reports in shared/.

The rows of 表三/表四 of shuyang_2025.md and the legacy 统计表 of seed 004 are written out the way
government sites and offices publish them (rowspan/colspan headers, merged Word and Excel
cells), and every format must give back exactly the printed numeric rows, in order.
"""

from __future__ import annotations

import functools
import html
import io
import random
import re
import zipfile

import pytest

from etl.errors import ReportError
from etl.extract import extract_document
from etl.extract.docx import extract_docx
from etl.extract.html import extract_html
from etl.extract.text import extract_text
from etl.extract.xlsx import extract_xlsx, format_value
from tests.conftest import REAL, SEEDS

SHUYANG = REAL / "shuyang_2025.md"
SEED_004 = SEEDS / "004_a0ca8ba4d3202da2.txt"
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
HEADER_LINES = ["发布机构：沭阳县人民政府办公室", "发布时间：2025-01-20 09:30"]
GRANTED = ["290", "1", "0", "0", "3", "0", "294"]


# ---------------------------------------------------------------- source rows from shared/


def _shuyang():
    """(表三 rows as (label, 7 numbers), 表四 rows as 5 numbers each) as printed in the report."""
    doc = extract_text(str(SHUYANG), SHUYANG.read_bytes(), "x")
    t3, t4 = [], []
    for b in doc.blocks:
        nums = [c for c in b.raw if re.fullmatch(r"\d+", c)]
        if b.is_table_row and len(b.raw) == 8 and len(nums) == 7:
            t3.append((b.raw[0], list(b.raw[1:])))
        elif b.is_table_row and len(b.raw) == 5 and len(nums) == 5:
            t4.append(list(b.raw))
    assert len(t3) == 25 and len(t4) == 3  # std2021: 25 rows in 表三; three 表四 groups
    return t3, t4


def _legacy():
    """Seed 004's 统计表 (one cell per line, '|||' = a section row) as [label] or [label, unit, value]."""
    lines = SEED_004.read_text(encoding="utf-8").splitlines()
    lines = lines[next(i for i, s in enumerate(lines) if s.startswith("统计指标")) + 4 :]
    rows, i = [], 0
    while i < len(lines):
        label = lines[i].rstrip(" |").strip()
        if i + 2 >= len(lines) or lines[i + 1].strip() == "|||":
            rows.append([label])
            i += 2
        else:
            rows.append([label, lines[i + 1].rstrip("|").strip(), lines[i + 2].rstrip("|").strip()])
            i += 4
    assert ["(一)主动公开政府信息数", "", "3528"] in rows and len(rows) > 60
    return rows


T3, T4 = _shuyang()
LEGACY = _legacy()
# 表三 row layout of std2021: row index -> (group label spanning rows, group size)
T3_GROUPS = {
    2: ("三、本年度办理结果", 22),
    4: ("（三）不予公开", 8),
    12: ("（四）无法提供", 3),
    15: ("（五）不予处理", 5),
    20: ("（六）其他处理", 3),
}
T3_TOP = {0, 1, 24}  # label spans all three label columns
T3_SUB = {2, 3, 23}  # label spans the two inner label columns
SUB_LABELS = {
    2: "（一）予以公开",
    3: "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    23: "（七）总计",
}
COMPANIES = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
OUTCOMES = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def numeric_rows(doc, table=None):
    """The digit-only cells of every table row that has any, in document order."""
    out = []
    for b in doc.blocks:
        if b.is_table_row and (table is None or b.loc.table == table):
            nums = [c for c in b.cells if re.fullmatch(r"[0-9]+", c)]
            if nums:
                out.append(nums)
    return out


def expected_t3():
    return [nums for _, nums in T3]


def expected_t4():
    return [T4[0] + T4[1] + T4[2]]


def expected_legacy():
    return [[r[2]] for r in LEGACY if len(r) == 3 and re.fullmatch(r"\d+", r[2])]


def row_with(doc, text):
    return next(b for b in doc.blocks if b.is_table_row and text in b.text)


# ---------------------------------------------------------------- tables as printed
# A table is a list of rows; a row is a list of cells (text, rowspan, colspan), written the
# way the cell appears in the printed table (a spanned cell only in its first row/column).


def spec_t3(digits=str):
    rows = [
        [
            ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3),
            ("申请人情况", 1, 7),
        ],
        [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
        [(c, 1, 1) for c in COMPANIES],
    ]
    for i, (label, nums) in enumerate(T3):
        cells = []
        if i in T3_TOP:
            cells.append((label, 1, 3))
        else:
            if i in T3_GROUPS:
                cells.append((T3_GROUPS[i][0], T3_GROUPS[i][1], 1))
            cells.append((SUB_LABELS[i], 1, 2) if i in T3_SUB else (label, 1, 1))
        rows.append(cells + [(digits(n), 1, 1) for n in nums])
    return rows


def spec_t4(digits=str):
    return [
        [("行政复议", 2, 5), ("行政诉讼", 1, 10)],
        [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
        [(c, 1, 1) for c in OUTCOMES * 3],
        [(digits(n) if k == 0 else n, 1, 1) for k, n in enumerate(expected_t4()[0])],
    ]


def spec_legacy():
    rows = [
        [("政府信息公开情况统计表（2017年度）", 1, 3)],
        [(c, 1, 1) for c in ("统计指标", "单位", "统计数")],
    ]
    return rows + [
        [(row[0], 1, 3)] if len(row) == 1 else [(c, 1, 1) for c in row] for row in LEGACY
    ]


def placed(spec):
    """(row, col, text, rowspan, colspan) for every cell, resolving the grid like a browser."""
    taken, out = set(), []
    for r, row in enumerate(spec):
        c = 0
        for text, rs, cs in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, text, rs, cs))
            taken.update((r + i, c + j) for i in range(rs) for j in range(cs))
            c += cs
    return out


def html_table(spec):
    def td(text, rs, cs):
        attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
        return f"<td{attrs}><p style='text-align:center'><span>{html.escape(text)}</span></p></td>"

    rows = ["<tr>" + "".join(td(*cell) for cell in row) + "</tr>" for row in spec]
    return "<table border='1' cellspacing='0'>\n" + "\n".join(rows) + "\n</table>"


def html_t3(digits=str):
    return html_table(spec_t3(digits))


def html_t4():
    return html_table(spec_t4())


def html_legacy():
    return html_table(spec_legacy())


def html_page(body, charset="utf-8"):
    meta = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        if charset
        else ""
    )
    return f"""<!DOCTYPE html><html><head>{meta}
<title>沭阳县人民政府2025年政府信息公开工作年度报告</title>
<meta name="PubDate" content="2025-01-20 09:30"><meta name="ContentSource" content="沭阳县人民政府办公室">
<script>var nav = "首页 不要这段脚本";</script><style>.x {{ color: red }}</style></head>
<body><div class="nav"><nav>首页 &gt; 政务公开 &gt; 年度报告</nav></div>
<div class="info"><span>{HEADER_LINES[0]}</span><br><span>{HEADER_LINES[1]}</span></div>
<h1>沭阳县人民政府2025年政府信息公开工作年度报告</h1>
<p>　　本报告根据《中华人民共和国政府信息公开条例》编制。</p>
<p>三、收到和处理政府信息公开申请情况</p>{body}
<p>四、政府信息公开行政复议、行政诉讼情况</p>{html_t4()}
<p>五、存在的主要问题及改进情况</p><p>一是政策解读<b>多样性</b>需进一步加强。</p>
</body></html>"""


def write(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_html_rows_exactly_as_printed(tmp_path):
    p = write(tmp_path, "report.html", html_page(html_t3()).encode("utf-8"))
    doc = extract_document(p)
    assert doc.format == "html"
    assert numeric_rows(doc, table=0) == expected_t3()
    assert numeric_rows(doc, table=1) == expected_t4()
    granted = row_with(doc, "予以公开")
    assert list(granted.cells[-7:]) == GRANTED
    assert granted.cells[0] == "三、本年度办理结果"  # the rowspan cell sits in its first row only
    partial = row_with(doc, "部分公开")
    assert len(partial.cells) == 8 and "三、本年度办理结果" not in partial.cells
    header = [b.cells for b in doc.blocks if b.is_table_row and b.loc.table == 0][:3]
    assert header[1] == ("自然人", "法人或其他组织", "总计")  # colspan stays one cell
    assert len(header[2]) == 5


def test_html_prose_meta_and_order(tmp_path):
    p = write(tmp_path, "report.htm", html_page(html_t3()).encode("utf-8"))
    doc = extract_document(p)
    prose = [b.raw[0] for b in doc.blocks if not b.is_table_row]
    assert prose[:2] == HEADER_LINES
    assert doc.meta["title"] == "沭阳县人民政府2025年政府信息公开工作年度报告"
    assert doc.meta["published"] == "2025-01-20 09:30"
    assert doc.meta["publisher"] == "沭阳县人民政府办公室"
    assert "不要这段脚本" not in doc.text and "color" not in doc.text and "首页" not in doc.text
    assert "一是政策解读多样性需进一步加强。" in prose
    kinds = [(b.is_table_row, b.loc.table) for b in doc.blocks]
    t3_heading = next(i for i, b in enumerate(doc.blocks) if b.text.startswith("三、收到"))
    t4_heading = next(
        i for i, b in enumerate(doc.blocks) if b.text.startswith("四、政府信息公开行政复议")
    )
    assert kinds[t3_heading + 1] == (True, 0) and kinds[t4_heading - 1] == (True, 0)
    assert kinds[t4_heading + 1] == (True, 1)


@pytest.mark.parametrize("charset", ["gbk", "gb2312", None])
def test_html_gbk_round_trip(tmp_path, charset):
    page = html_page(html_t3() + html_legacy(), charset=charset)
    p = write(tmp_path, "gbk.html", page.encode("gbk"))
    doc = extract_document(p)
    assert doc.meta["encoding"] == "gb18030"
    assert numeric_rows(doc, table=0) == expected_t3()
    assert numeric_rows(doc, table=1) == expected_legacy()
    assert "3. 危及“三安全一稳定”" in doc.text and "（三）不予公开" in row_with(doc, "国家秘密").raw
    assert any(b.raw == ("其中:涉及国家秘密", "件", "1") for b in doc.blocks)
    assert doc.blocks[0].raw == (HEADER_LINES[0],)


def test_html_fullwidth_digits(tmp_path):
    page = html_page(html_t3(digits=lambda n: n.translate(FULLWIDTH)))
    doc = extract_document(write(tmp_path, "fw.html", page.encode("utf-8")))
    assert numeric_rows(doc, table=0) == expected_t3()
    granted = row_with(doc, "予以公开")
    assert list(granted.cells[-7:]) == GRANTED
    assert list(granted.raw[-7:]) == [n.translate(FULLWIDTH) for n in GRANTED]
    assert granted.raw[1] == "（一）予以公开" and granted.cells[1] == "(一)予以公开"


def test_html_layout_tables_are_flattened(tmp_path):
    """Old portals wrap the whole article in layout tables; the data tables inside still count."""
    inner = html_page(html_t3())
    body = inner[inner.index("<body>") + 6 : inner.index("</body>")]
    page = (
        "<html><head><meta charset='utf-8'></head><body><table width='100%'><tr><td>"
        "<table><tr><td>站点导航</td></tr></table></td></tr><tr><td>"
        f"{body}</td></tr></table></body></html>"
    )
    doc = extract_document(write(tmp_path, "layout.html", page.encode("utf-8")))
    assert numeric_rows(doc) == expected_t3() + expected_t4()
    prose = [b.raw[0] for b in doc.blocks if not b.is_table_row]
    assert HEADER_LINES[0] in prose and "三、收到和处理政府信息公开申请情况" in prose
    assert row_with(doc, "予以公开").loc.row == 5  # rows numbered within their own table


@pytest.mark.slow  # builds and reads a 5 MB page
def test_html_large_page_is_quick(tmp_path):
    para = (
        "<p class=MsoNormal style='text-indent:32pt;line-height:28pt'><span style='font-family:"
        "仿宋_GB2312'>我县认真贯彻落实《中华人民共和国政府信息公开条例》，持续推进政务公开。</span></p>\n"
    )
    chunk = para * 40 + html_t3()
    page = html_page(chunk * max(1, 5_000_000 // len(chunk.encode())))
    doc = extract_document(write(tmp_path, "big.html", page.encode("utf-8")))
    rows = numeric_rows(doc)
    assert len(rows) > 2000 and rows[:25] == expected_t3()


def test_html_binary_junk_is_refused(tmp_path):
    junk = bytearray(random.Random(7).randbytes(6000))
    junk[10:11] = b"<"
    with pytest.raises(ReportError) as err:
        extract_document(write(tmp_path, "junk.html", bytes(junk)))
    assert err.value.code == "binary" and "junk.html" in str(err.value)


def test_html_without_text_is_refused(tmp_path):
    page = b"<html><head><title>t</title><script>x()</script></head><body><div></div></body></html>"
    with pytest.raises(ReportError) as err:
        extract_html(str(tmp_path / "e.html"), page, "x")
    assert err.value.code == "no_text" and err.value.hint


def test_empty_file_is_refused(tmp_path):
    with pytest.raises(ReportError) as err:
        extract_document(write(tmp_path, "empty.html", b""))
    assert err.value.code == "empty"


# ---------------------------------------------------------------- DOCX


def word_table(spec):
    """The table as Word writes it: gridSpan for colspan, vMerge restart/continue for rowspan."""
    from docx.oxml import parse_xml

    cells = placed(spec)
    ncols = max(c + cs for _, c, _, _, cs in cells)
    grid: dict[int, list] = {r: [] for r in range(len(spec))}
    for r, c, text, rs, cs in cells:
        for i in range(rs):
            grid[r + i].append(
                (
                    c,
                    text if i == 0 else "",
                    cs,
                    None if rs == 1 else ("restart" if i == 0 else "continue"),
                )
            )
    xml = [
        f'<w:tbl xmlns:w="{W_NS}"><w:tblPr><w:tblStyle w:val="TableGrid"/></w:tblPr><w:tblGrid>'
        + "<w:gridCol/>" * ncols
        + "</w:tblGrid>"
    ]
    for r in range(len(spec)):
        xml.append("<w:tr>")
        for _, text, cs, vmerge in sorted(grid[r]):
            pr = (f'<w:gridSpan w:val="{cs}"/>' if cs > 1 else "") + (
                '<w:vMerge w:val="restart"/>'
                if vmerge == "restart"
                else "<w:vMerge/>"
                if vmerge
                else ""
            )
            run = f"<w:r><w:t>{html.escape(text)}</w:t></w:r>" if text else ""
            xml.append(f"<w:tc><w:tcPr>{pr}</w:tcPr><w:p>{run}</w:p></w:tc>")
        xml.append("</w:tr>")
    return parse_xml("".join(xml) + "</w:tbl>")


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@functools.lru_cache(maxsize=1)
def docx_bytes():
    import docx

    d = docx.Document()

    def table(spec):
        body = d.element.body
        body.insert(len(body) - 1, word_table(spec))  # before the final section properties

    for line in HEADER_LINES:
        d.add_paragraph(line)
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    table(spec_t3())
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    table(spec_t4(digits=lambda n: n.translate(FULLWIDTH)))
    d.add_paragraph("附件：政府信息公开情况统计表")
    table(spec_legacy())
    d.add_paragraph("五、存在的主要问题及改进情况")
    d.core_properties.title = "沭阳县人民政府2025年政府信息公开工作年度报告"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_rows_exactly_as_printed(tmp_path):
    doc = extract_document(write(tmp_path, "report.docx", docx_bytes()))
    assert doc.format == "docx"
    assert numeric_rows(doc, table=0) == expected_t3()
    assert numeric_rows(doc, table=1) == expected_t4()
    assert numeric_rows(doc, table=2) == expected_legacy()
    rows0 = [b for b in doc.blocks if b.is_table_row and b.loc.table == 0]
    assert len(rows0[0].cells) == 2  # a merged header is one cell, not repeated per grid column
    assert rows0[1].cells == ("", "自然人", "法人或其他组织", "总计")  # vertical continuation is ""
    granted = row_with(doc, "予以公开")
    assert granted.cells[0] == "三、本年度办理结果" and list(granted.cells[-7:]) == GRANTED
    partial = row_with(doc, "部分公开")
    assert partial.cells[0] == "" and len(partial.cells) == 9
    secret = row_with(doc, "属于国家秘密")
    assert secret.cells[:2] == ("", "(三)不予公开")
    t4 = [b for b in doc.blocks if b.is_table_row and b.loc.table == 1][-1]
    assert t4.cells[0] == "27" and t4.raw[0] == "２７"
    assert any(b.raw == ("其中:涉及国家秘密", "件", "1") for b in doc.blocks)


def test_docx_order_and_meta(tmp_path):
    doc = extract_document(write(tmp_path, "report.docx", docx_bytes()))
    assert [b.raw[0] for b in doc.blocks[:2]] == HEADER_LINES
    seq = [("T%d" % b.loc.table) if b.is_table_row else b.text[:2] for b in doc.blocks]
    compact = [s for i, s in enumerate(seq) if i == 0 or s != seq[i - 1]]
    assert compact == ["发布", "三、", "T0", "四、", "T1", "附件", "T2", "五、"]
    assert doc.meta["title"] == "沭阳县人民政府2025年政府信息公开工作年度报告"


def test_docx_links_revisions_and_content_controls(tmp_path):
    import docx
    from docx.oxml import parse_xml

    d = docx.Document()
    body = d.element.body
    for xml in (
        "<w:p><w:hyperlink><w:r><w:t>发布机构：</w:t></w:r></w:hyperlink><w:ins><w:r><w:t>沭阳县"
        "</w:t></w:r></w:ins><w:del><w:r><w:delText>已删除</w:delText></w:r></w:del><w:r><w:t>人民政府"
        "</w:t><w:br/><w:t>发布时间：2025-01-20</w:t></w:r></w:p>",
        "<w:sdt><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p></w:sdtContent></w:sdt>",
    ):
        body.insert(
            len(body) - 1,
            parse_xml(
                xml.replace("<w:p>", f'<w:p xmlns:w="{W_NS}">', 1)
                if xml.startswith("<w:p>")
                else xml.replace("<w:sdt>", f'<w:sdt xmlns:w="{W_NS}">', 1)
            ),
        )
    buf = io.BytesIO()
    d.save(buf)
    doc = extract_docx(str(tmp_path / "r.docx"), buf.getvalue(), "x")
    assert [b.raw[0] for b in doc.blocks] == [
        "发布机构：沭阳县人民政府",
        "发布时间：2025-01-20",
        "一、总体情况",
    ]


def test_docx_not_a_zip(tmp_path):
    with pytest.raises(ReportError) as err:
        extract_docx(str(tmp_path / "x.docx"), b"this is an error page, not a document", "x")
    assert err.value.code == "bad_zip" and "x.docx" in str(err.value) and err.value.hint


def test_docx_truncated(tmp_path):
    with pytest.raises(ReportError) as err:
        extract_document(write(tmp_path, "cut.docx", docx_bytes()[: len(docx_bytes()) // 2]))
    assert err.value.code == "bad_zip"


def _zip(members: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_docx_zip_bomb(tmp_path):
    bomb = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": b" " * (24 * 1024 * 1024)})
    assert len(bomb) < 200_000
    with pytest.raises(ReportError) as err:
        extract_document(write(tmp_path, "bomb.docx", bomb))
    assert err.value.code == "zip_bomb"


def test_docx_garbage_inside(tmp_path):
    junk = _zip({"[Content_Types].xml": "not xml", "word/document.xml": "<w:document"})
    with pytest.raises(ReportError) as err:
        extract_document(write(tmp_path, "junk.docx", junk))
    assert err.value.code == "bad_docx"


# ---------------------------------------------------------------- XLSX


def sheet_table(ws, spec, top=1, left=1):
    for r, c, text, rs, cs in placed(spec):
        ws.cell(top + r, left + c, int(text) if text.isascii() and text.isdigit() else text)
        if rs > 1 or cs > 1:
            ws.merge_cells(
                start_row=top + r,
                start_column=left + c,
                end_row=top + r + rs - 1,
                end_column=left + c + cs - 1,
            )


@functools.lru_cache(maxsize=1)
def xlsx_bytes():
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表三"
    ws.append(["三、收到和处理政府信息公开申请情况"])
    ws.merge_cells("A1:J1")
    sheet_table(ws, spec_t3(), top=2)
    ws["J7"] = 294.0  # a total typed as a float must still print "294"
    ws4 = wb.create_sheet("表四")
    sheet_table(ws4, spec_t4(), top=2, left=2)  # column A left empty
    ws4["B7"] = "收费金额（万元）"
    ws4["C7"] = 4068.208
    ws4["D7"] = 0.25
    ws4["D7"].number_format = "0%"
    sheet_table(wb.create_sheet("统计表"), spec_legacy())
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_rows_exactly_as_printed(tmp_path):
    doc = extract_document(write(tmp_path, "report.xlsx", xlsx_bytes()))
    assert doc.format == "xlsx" and doc.meta["sheets"] == ["表三", "表四", "统计表"]
    assert numeric_rows(doc, table=0) == expected_t3()
    assert numeric_rows(doc, table=1) == expected_t4()
    assert numeric_rows(doc, table=2) == expected_legacy()
    granted = row_with(doc, "予以公开")
    assert granted.cells == (
        "三、本年度办理结果",
        "(一)予以公开",
        "",
        *GRANTED,
    )  # "294", not "294.0"
    assert granted.loc.table == 0 and granted.loc.row == 6  # Excel row 7
    partial = row_with(doc, "部分公开")
    assert partial.cells[0] == "" and partial.cells[2] == ""  # merged-away cells are empty
    header = [b.cells for b in doc.blocks if b.is_table_row and b.loc.table == 0][:4]
    assert header[0] == ("三、收到和处理政府信息公开申请情况",) + ("",) * 9
    assert header[1][:4] == (
        "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)",
        "",
        "",
        "申请人情况",
    )
    fee = row_with(doc, "收费金额")
    assert fee.cells[:3] == ("收费金额(万元)", "4068.208", "25%")
    assert row_with(doc, "行政复议").cells[0] == "行政复议"  # leading empty column A is trimmed


def test_format_value():
    assert [format_value(v) for v in (None, 3, 3.0, -2.0, 0.1 + 0.2, 1234567.5, True)] == [
        "",
        "3",
        "3",
        "-2",
        "0.3",
        "1234567.5",
        "TRUE",
    ]
    assert format_value(0.075, "0.0%") == "7.5%"


def test_xlsx_bad_inputs(tmp_path):
    with pytest.raises(ReportError) as err:
        extract_xlsx(str(tmp_path / "x.xlsx"), b"\x00\x01 not a zip", "x")
    assert err.value.code == "bad_zip"
    junk = _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<broken"})
    with pytest.raises(ReportError) as err:
        extract_document(write(tmp_path, "junk.xlsx", junk))
    assert err.value.code == "bad_xlsx" and "junk.xlsx" in str(err.value)
    bomb = _zip(
        {"[Content_Types].xml": "<Types/>", "xl/worksheets/sheet1.xml": b"0" * (24 * 1024 * 1024)}
    )
    with pytest.raises(ReportError) as err:
        extract_document(write(tmp_path, "bomb.xlsx", bomb))
    assert err.value.code == "zip_bomb"


# ---------------------------------------------------------------- end to end: parse_file per format


def _shuyang_truth():
    import json

    truth = json.loads((REAL / "shuyang_2025.md.truth.json").read_text(encoding="utf-8"))
    return {k: v for k, v in truth["values"].items() if k.startswith(("t3.", "t4."))}


@pytest.mark.parametrize("fmt", ["html-utf8", "html-gbk", "docx", "xlsx"])
def test_real_report_tables_parse_to_the_checked_values_in_every_format(tmp_path, fmt):
    """shuyang's 表三/表四 written as real sites and offices write them parse to the truth values."""
    from etl.parse import parse_file

    if fmt.startswith("html"):
        charset = "gbk" if fmt == "html-gbk" else "utf-8"
        path = write(tmp_path, "report.html", html_page(html_t3(), charset).encode(charset))
    elif fmt == "docx":
        path = write(tmp_path, "report.docx", docx_bytes())
    else:
        path = write(tmp_path, "report.xlsx", xlsx_bytes())
    report = parse_file(path)
    assert report.template == "std2021"
    got = {k: v.value for k, v in report.values.items()}
    expected = _shuyang_truth()
    assert {k: got.get(k) for k in expected if got.get(k) != expected[k]} == {}
    assert [f.rule for f in report.findings if f.rule.startswith(("t3.", "t4."))] == []
