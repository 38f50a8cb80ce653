"""The 汇总 sheet as the Word document and the PDF print it (exports/printed.py): one column
model for both, read back from the produced files. On the session demo database (tests/conftest.py),
whose 2024 sheet has indicators no unit has data for (按时办结率, 创新引领 …) and unit names of
13 characters (云岫市人力资源和社会保障局).
"""

from __future__ import annotations

import io
import re

import duckdb
import pypdfium2
import pytest

import exports as export
from exports import data as export_data
from exports.column_fit import CELL_PAD_MM, column_widths, two_line_header
from tests.conftest import ROOT

SCHEME = ROOT / "data" / "schemes" / "default.toml"
PT_TWIPS = 20


@pytest.fixture(scope="module")
def data(demo_db) -> export.AssessmentExport:
    with duckdb.connect(str(demo_db), read_only=True) as c:
        return export_data.gather(c, year=2024, scheme=SCHEME)


@pytest.fixture(scope="module")
def pdf(data) -> pypdfium2.PdfDocument:
    return pypdfium2.PdfDocument(export.summary_pdf(data))


@pytest.fixture(scope="module")
def word(data):
    import docx

    return docx.Document(io.BytesIO(export.assessment_docx(data)))


def _longest_name(data) -> str:
    return max(data.summary.frame["agency_name"].to_list(), key=len)


def _baselines(pdf, text: str) -> set[int]:
    """The line boxes (bottom, rounded points) the characters of the first whole occurrence of `text` sit
    on, in the first page that has it; empty when no page has it whole."""
    for page in pdf:
        tp = page.get_textpage()
        chars = [tp.get_text_range(i, 1) for i in range(tp.count_chars())]
        start = "".join(c if len(c) == 1 else "\0" for c in chars).find(text)
        if start >= 0:
            return {
                round(tp.get_charbox(i, loose=True)[1]) for i in range(start, start + len(text))
            }
    return set()


@pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
def test_pdf_leaves_out_empty_columns_with_the_words_note(data, pdf):
    page = pdf[0].get_textpage().get_text_range()
    first = page.split("注：")[0]  # the table on the first page, without the note under it
    assert "办结率" in first and "公开率" in first
    assert "按时办结率" not in first and "创新引领" not in first
    text = "".join(p.get_textpage().get_text_range() for p in pdf).replace("\r\n", "")
    assert (
        "注：按时办结率、超期答复（抽查）、申请渠道畅通（检查得分）、创新引领各列所有单位均无数据"
        in text
    )
    assert round(pdf[0].get_size()[0]) == 1191  # A3 landscape: too wide for A4 at 7.5 pt
    assert "第 1 页，共" in page


@pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
def test_pdf_long_unit_name_and_headers_stay_on_one_or_two_lines(data, pdf):
    name = _longest_name(data)
    assert len(name) >= 13
    assert len(_baselines(pdf, name)) == 1  # the whole name on one line
    head, tail = _baselines(pdf, "绩效折算分"), _baselines(pdf, "（占4%）")
    assert len(head) == 1 and len(tail) == 1 and head != tail  # two lines, each whole
    assert len(_baselines(pdf, "复议纠错、")) == 1 and len(_baselines(pdf, "诉讼败诉")) == 1


@pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
def test_word_table_same_columns_name_on_one_line_header_on_two(data, word):
    from docx.oxml.ns import qn

    table = word.tables[0]
    top = [c.text for c in table.rows[0].cells]
    assert "按时办结率" not in top and "创新引领" not in top
    assert "申请渠道畅通\n（检查得分）" not in top and "申请渠道畅通（检查得分）" not in top
    size = table.rows[2].cells[0].paragraphs[0].runs[0].font.size.pt
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.gridCol_lst]
    margins = 2 * CELL_PAD_MM / 25.4 * 72 * PT_TWIPS
    # a Chinese character is 1 em wide in any CJK font: the name column holds the longest name
    unit = top.index("单位")
    assert grid[unit] >= len(_longest_name(data)) * size * PT_TWIPS + margins
    share = next(i for i, t in enumerate(top) if t.startswith("绩效折算分"))
    assert top[share] == "绩效折算分\n（占4%）"  # broken where it naturally breaks
    assert grid[share] >= 5 * size * PT_TWIPS + margins  # each of its two lines fits whole


def test_headers_break_at_their_natural_point_into_two_lines():
    assert two_line_header("绩效折算分（占4%）") == "绩效折算分\n（占4%）"
    assert two_line_header("申请渠道畅通（检查得分）") == "申请渠道畅通\n（检查得分）"
    assert two_line_header("复议纠错、诉讼败诉") == "复议纠错、\n诉讼败诉"
    assert two_line_header("名次变化") == "名次变化"  # a short word stays whole
    assert two_line_header("原始得分合计") == "原始得分合计"  # no break point: wraps in half


def test_unit_names_stay_whole_while_the_page_allows_then_wrap_not_numbers():
    """A 13-character name keeps its one-line width in a table that has room; in one too narrow
    for that, the name wraps (about half its width) and the figures keep theirs."""
    from exports.column_fit import PT_MM, unbreakable_em

    name = "雁澄市人力资源和社会保障局"
    headers = ["排名", "单位", "名次变化", "预警说明"]
    rows = [["1", name, "+103", "复议诉讼被纠错件数达到 3 件"], ["2", "甲县人民政府", "-7", ""]]
    em = 8 * PT_MM
    roomy = column_widths(headers, rows, width_mm=80, font_pt=8)  # the note wraps instead
    assert roomy[1] >= 13 * em
    narrow = column_widths(headers, rows, width_mm=70, font_pt=8)
    assert 7 * em <= narrow[1] < 13 * em  # on two lines
    assert narrow[2] >= unbreakable_em("+103") * em  # 「+103」 never broken


@pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
def test_nothing_below_the_floor_and_both_documents_on_a3(data, pdf, word):
    """The demo's sheet does not fit A4 landscape at 7.5 pt: Word and PDF both go onto A3
    landscape, every run of the Word table and every character of the PDF at 7.5 pt or more."""
    import pypdfium2.raw as raw

    from exports.printed import FLOOR_PT

    assert FLOOR_PT == 7.5
    xml = word.element.body.xml
    sizes = {int(v) / 2 for v in re.findall(r'<w:sz w:val="(\d+)"', xml)}  # half-points
    assert sizes and min(sizes) >= 7.5
    table_sizes = {
        r.font.size.pt for c in word.tables[0]._cells for p in c.paragraphs for r in p.runs
    }
    assert min(table_sizes) >= 7.5
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (420, 297)
    assert [round(x) for x in pdf[0].get_size()] == [1191, 842]  # A3 landscape in points
    seen = set()
    for page in pdf:
        tp = page.get_textpage()
        for i in range(tp.count_chars()):
            if tp.get_text_range(i, 1).strip():
                seen.add(round(raw.FPDFText_GetFontSize(tp, i), 1))
    assert min(seen) >= 7.5
    body = table_sizes.pop() if len(table_sizes) == 1 else max(table_sizes)
    assert body in seen  # the PDF's table at the Word table's size: one decision


@pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
def test_a_scoring_note_takes_at_most_three_lines(data, pdf):
    """计分说明: the demo's 40-character note (样本不足 5 件不计分：…) on at most three lines in the
    PDF, not the six or seven of a 4-em column."""
    note = max(data.summary.frame["scoring_note"].drop_nulls().to_list(), key=len)
    assert len(note) >= 35
    wanted = [c for c in note if not c.isspace()]
    for page in pdf:
        tp = page.get_textpage()
        chars = [tp.get_text_range(i, 1) for i in range(tp.count_chars())]
        at = [i for i, c in enumerate(chars) if len(c) == 1 and not c.isspace()]
        flat = "".join(chars[i] for i in at)
        start = flat.find("".join(wanted))
        if start >= 0:
            lines = {
                round(tp.get_charbox(i, loose=True)[1]) for i in at[start : start + len(wanted)]
            }
            assert 2 <= len(lines) <= 3
            return
    pytest.fail("the note is not in the PDF")


def test_a_too_wide_table_goes_onto_a3_at_a_legible_size_not_smaller_type():
    """One page decision for both documents: a narrow table on A4 at the largest size, a table
    too wide for A4 at 7.5 pt on A3, never below 7.5 pt."""
    import polars as pl

    from exports.model import POINTS, TEXT, Column, Table
    from exports.printed import printed_table

    def table(n: int):
        cols = [Column("name", "单位", TEXT)] + [
            Column(f"c{i}", f"得分/{i}", POINTS, group=f"指标{i}") for i in range(n)
        ]
        frame = pl.DataFrame(
            {"name": ["雁澄市人力资源和社会保障局"], **{f"c{i}": [12.5] for i in range(n)}}
        )
        return printed_table(Table(frame, tuple(cols)))

    small = table(4).page()
    assert (small.paper, small.font_pt) == ("A4", 10.5)
    wide = table(30).page()
    assert wide.paper == "A3" and wide.font_pt >= 7.5
    huge = table(80).page()
    assert huge.paper == "A3" and huge.font_pt == 7.5


def _summary_sheet(data, table=None):
    import dataclasses

    import openpyxl

    export_ = dataclasses.replace(data, summary=table) if table is not None else data
    book = openpyxl.load_workbook(io.BytesIO(export.assessment_workbook(export_)))
    return book["汇总"]


@pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
def test_workbook_summary_without_empty_columns_prints_across_a4_when_a3_is_too_small(data):
    """The demo's 汇总 leaves out the indicators no unit has data for, as the Word document does;
    even on A3 one page wide it would print under 70 %, so it keeps the across-pages layout on A4."""
    ws = _summary_sheet(data)
    top = {c.value for c in ws[3] if c.value}
    assert {"按时办结率", "超期答复（抽查）", "申请渠道畅通（检查得分）", "创新引领"}.isdisjoint(
        top
    )
    assert {"办结率", "公开率", "计分说明"} <= top
    assert ws.page_setup.paperSize == 9 and ws.page_setup.scale >= 70  # A4
    assert 1 <= len(ws.col_breaks.brk) <= 3  # at most four pages across (five before)


@pytest.mark.slow  # the demo database: the whole ETL over real and generated reports
def test_workbook_summary_too_wide_for_a4_prints_one_a3_page_wide(data):
    """A 汇总 of 20 score columns: under 70 % one A4 page wide, at 70 % or more on A3 — A3
    landscape, fitted to one page wide, no column breaks."""
    import polars as pl

    from exports.model import POINTS, TEXT, Column, Table

    cols = [Column("name", "单位", TEXT)] + [
        Column(f"c{i}", "得分/10", POINTS, width=8, group=f"指标{i}") for i in range(20)
    ]
    frame = pl.DataFrame(
        {"name": ["雁澄市人力资源和社会保障局"], **{f"c{i}": [9.5] for i in range(20)}}
    )
    ws = _summary_sheet(data, Table(frame, tuple(cols)))
    assert ws.page_setup.paperSize == 8  # A3
    assert ws.sheet_properties.pageSetUpPr.fitToPage  # one page wide (fitToWidth's default 1)
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert not ws.col_breaks.brk
    narrow = Table(frame, tuple(cols[:6]))  # fits A4 as before
    ws = _summary_sheet(data, narrow)
    assert ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage


def test_no_word_table_row_splits_across_pages(word):
    """A row a page break splits leaves its tail (「…报，总分上限 0 分」) on the next page
    without its unit: every row of every table is kept whole (w:cantSplit)."""
    from docx.oxml.ns import qn

    rows = [r for t in word.tables for r in t.rows]
    assert len(rows) > 20
    whole = [
        r._tr.trPr is not None and r._tr.trPr.find(qn("w:cantSplit")) is not None for r in rows
    ]
    assert all(whole), whole.count(False)
