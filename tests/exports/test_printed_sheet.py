"""The 汇总 sheet as the Word document and the PDF print it (exports/printed.py): one column
model for both, read back from the produced files. On the session demo database (tests/conftest.py),
whose 2024 sheet has indicators no unit has data for (按时办结率, 创新引领 …) and unit names of
13 characters (云岫市人力资源和社会保障局).
"""

from __future__ import annotations

import io

import duckdb
import pypdfium2
import pytest

import exports as export
from exports import data as export_data
from exports.column_fit import column_widths, two_line_header
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
    first = pdf[0].get_textpage().get_text_range()  # the table's first page: no notes yet
    assert "办结率" in first and "公开率" in first
    assert "按时办结率" not in first and "创新引领" not in first
    text = "".join(p.get_textpage().get_text_range() for p in pdf).replace("\r\n", "")
    assert (
        "注：按时办结率、超期答复（抽查）、申请渠道畅通（检查得分）、创新引领各列所有单位均无数据"
        in text
    )
    assert round(pdf[0].get_size()[0]) == 842  # A4 landscape, not A3
    assert "第 1 页，共" in first


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
    margins = 2 * 1.0 / 25.4 * 72 * PT_TWIPS  # exports.column_fit.CELL_PAD_MM each side
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
