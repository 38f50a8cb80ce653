"""PDF table rows placed by the characters' x positions under 表三's column headings.

A text layer prints nothing for a blank cell. The PDF here is made with fpdf2 (CJK font from
fonts-noto-cjk) from the real report's 表三 figures, with one party cell left blank: the row
must keep its other numbers in their own columns and the blank in its column, instead of
sliding left and losing the total. The real text-layer PDF must still read exactly.
"""

from __future__ import annotations

import pytest

from etl.extract import extract_document
from etl.fields import T3_COLUMNS, T3_ROWS, t3_key
from etl.parse import parse_file
from etl.parse.std import parse_std
from etl.report import ParsedReport
from tests.conftest import REAL, load_truth

HONGZE = REAL / "hongze_2024.pdf"
TRUTH = load_truth(REAL / "hongze_2024.pdf.truth.json")["values"]


def _rows():
    rows = [(key, label) for key, label, _ in T3_ROWS if t3_key(key, "total") in TRUTH]
    if t3_key("other", "total") in TRUTH:  # printed as one （六）其他处理 row
        rows.insert(
            next(i for i, (k, _) in enumerate(rows) if k == "processed"),
            ("other", "三(六)其他处理"),
        )
    return rows


def t3_pdf(blank: set[tuple[str, str]]) -> bytes:
    """表三 with the real figures, the cells in `blank` printed empty."""
    from fpdf import FPDF

    from exports.pdf import MissingFontError, cjk_fonts

    try:
        font = cjk_fonts()[""]
    except MissingFontError as exc:  # it names the package to install
        pytest.skip(str(exc))
    pdf = FPDF()
    pdf.add_font("cjk", "", str(font.path), collection_font_number=font.index)
    pdf.add_page()
    pdf.set_font("cjk", size=7)
    pdf.cell(0, 8, "三、收到和处理政府信息公开申请情况", new_x="LMARGIN", new_y="NEXT")
    label_w, col_w = 78, 15
    pdf.cell(label_w, 7, "", border=1)
    for _, heading in T3_COLUMNS:
        pdf.cell(col_w, 7, heading, border=1, align="C")
    pdf.ln()
    for key, label in _rows():
        pdf.cell(label_w, 7, label, border=1)
        for col, _ in T3_COLUMNS:
            text = "" if (key, col) in blank else str(int(TRUTH[t3_key(key, col)]))
            pdf.cell(col_w, 7, text, border=1, align="C")
        pdf.ln()
    pdf.cell(0, 8, "四、政府信息公开行政复议、行政诉讼情况", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _parse(path):
    doc = extract_document(path)
    report = ParsedReport(str(path), doc.sha256, doc.format, "std2021")
    parse_std(doc, report)
    return doc, report


@pytest.mark.parametrize(
    "blank", [("granted", "commercial"), ("new", "natural"), ("unable.not_held", "other_org")]
)
def test_a_blank_party_cell_stays_in_its_column(tmp_path, blank):
    path = tmp_path / "t3.pdf"
    path.write_bytes(t3_pdf({blank}))
    doc, report = _parse(path)
    row, col = blank
    placed = [b for b in doc.blocks if b.is_table_row]
    assert len(placed) == 1 and placed[0].cells[1 + [c for c, _ in T3_COLUMNS].index(col)] == ""
    value = report.values[t3_key(row, col)]
    assert value.blank and value.value == 0
    for c, _ in T3_COLUMNS:
        if c != col:
            assert report.values[t3_key(row, c)].value == TRUTH[t3_key(row, c)], c
    assert not [f for f in report.findings if f.rule in ("t3.short_row", "t3.row_width")]
    if TRUTH[t3_key(row, col)] == 0:  # what was printed blank was a zero: every figure is right
        assert {k: v.value for k, v in report.values.items()} == {
            k: v for k, v in TRUTH.items() if k.startswith("t3.")
        }


def test_full_rows_stay_lines_and_the_real_pdf_reads_exactly():
    doc = extract_document(HONGZE)
    assert not any(b.is_table_row for b in doc.blocks)  # every 表三 row prints seven numbers
    report = parse_file(HONGZE)
    assert {k: report.values[k].value for k in TRUTH} == TRUTH
