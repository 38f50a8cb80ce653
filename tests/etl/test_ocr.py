"""Scanned reports: image-only copies of a real report's pages read by Tesseract.

The copies are made here from ../shared/real-reports/hongze_2024.pdf the way bench/ocr.py
makes them (150 dpi grey, no text layer), two pages at most to keep the suite fast. Skipped
locally without Tesseract; with CI=true they fail instead.
"""

from __future__ import annotations

import io
import os

import pytest

from bench.ocr import image_only_copy
from etl.extract import extract_document
from etl.extract.ocr import LOW_CONFIDENCE, mark_ocr_values
from etl.extract.tesseract import INSTALL_HINT, tesseract_missing
from etl.parse import parse_file
from etl.parse.std import parse_std
from etl.report import ParsedReport, Value
from etl.rules import RULES
from tests.conftest import REAL, load_truth

# slow: Tesseract reads every page (OCR)
pytestmark = pytest.mark.slow

HONGZE = REAL / "hongze_2024.pdf"
TRUTH = load_truth(REAL / "hongze_2024.pdf.truth.json")["values"]
T4 = {k: v for k, v in TRUTH.items() if k.startswith("t4.")}


@pytest.fixture(scope="module", autouse=True)
def tesseract():
    missing = tesseract_missing()
    if missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {missing}: {INSTALL_HINT}")
        pytest.skip(f"{missing}: {INSTALL_HINT} to run the OCR tests")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    """The pages holding 表三 and 表四 of the real report, as images only."""
    path = tmp_path_factory.mktemp("ocr") / "hongze_scan.pdf"
    path.write_bytes(image_only_copy(HONGZE, pages=[2, 3]))
    return path


def test_an_image_only_pdf_is_read_like_the_text_layer(scanned):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(scanned))
    assert sum(pdf[i].get_textpage().count_chars() for i in range(len(pdf))) == 0
    pdf.close()
    doc = extract_document(scanned)
    assert doc.format == "pdf" and doc.meta["ocr"]
    report = ParsedReport(str(scanned), doc.sha256, doc.format, "std2021", meta=dict(doc.meta))
    parse_std(doc, report)
    mark_ocr_values(report)
    checked = {k: v for k, v in TRUTH.items() if k.startswith(("t3.", "t4."))}
    got = {k: report.values[k].value for k in checked if k in report.values}
    flagged = {c for f in report.findings for c in f.cells}
    wrong = {k for k in checked if got.get(k) != checked[k]}
    assert len(wrong) <= 0.02 * len(checked) and wrong <= flagged, sorted(wrong)
    assert {v.source for v in report.values.values()} == {"ocr"}
    assert all(0 <= v.loc["confidence"] <= 100 for v in report.values.values())


def test_an_image_file_is_read(tmp_path):
    copy = image_only_copy(HONGZE, pages=[3])
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(copy)[0]
    buf = io.BytesIO()
    page.render(scale=150 / 72, grayscale=True).to_pil().save(buf, "PNG")
    path = tmp_path / "page4.png"
    path.write_bytes(buf.getvalue())
    doc = extract_document(path)
    assert doc.format == "image" and doc.meta["ocr"]
    t4_row = [b for b in doc.blocks if b.is_table_row and len(b.cells) == 15]
    assert [int(c) for c in t4_row[0].cells] == list(T4.values())[:5] + list(T4.values())[5:]


def test_a_low_confidence_value_gets_a_finding():
    report = ParsedReport(
        "scan.pdf",
        "x",
        "pdf",
        "std2021",
        meta={
            "ocr_confidence": {"4:7:1": LOW_CONFIDENCE - 30.0, "4:7:2": 96.0, "4:3:": 91.0},
            "ocr_pages": [4],
        },
    )
    report.add(Value("t4.review.upheld", 7, "7", {"page": 4, "line": 7, "col": 1}))
    report.add(Value("t4.review.corrected", 1, "1", {"page": 4, "line": 7, "col": 2}))
    report.add(Value("t2.rules.issued", 3, "3", {"page": 4, "line": 3}, source="prose"))
    report.add(Value("t2.rules.repealed", 0, "0", {"page": 3, "line": 3}))  # a text-layer page
    mark_ocr_values(report)
    assert report.values.pop("t2.rules.repealed").source == "table"
    assert {v.source for v in report.values.values()} == {"ocr"}
    assert report.values["t2.rules.issued"].loc["confidence"] == 91.0
    flagged = [f for f in report.findings if f.rule == "ocr.low_confidence"]
    assert [f.cells for f in flagged] == [("t4.review.upheld",)]
    assert "ocr.low_confidence" in RULES and "原件" in flagged[0].message
    assert "ocr_confidence" not in report.meta  # not carried into the stored report


def test_a_blank_scan_says_so(tmp_path):
    from PIL import Image

    path = tmp_path / "blank.pdf"
    buf = io.BytesIO()
    Image.new("L", (1240, 1754), 255).save(buf, "PDF", resolution=150.0)
    path.write_bytes(buf.getvalue())
    from etl.errors import ReportError

    with pytest.raises(ReportError) as err:
        extract_document(path)
    assert err.value.code == "no_text"


def test_scanned_pages_inside_a_text_pdf_are_read_in_their_place(tmp_path):
    """The real report with its fourth page (the end of 表三 and 表四) pasted as a picture."""
    import pypdfium2 as pdfium

    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(pdfium.PdfDocument(str(HONGZE)), [0, 1, 2])
    mixed.import_pages(pdfium.PdfDocument(image_only_copy(HONGZE, pages=[3])))
    path = tmp_path / "mixed.pdf"
    mixed.save(str(path))
    report = parse_file(path)
    assert {k: report.values[k].value for k in TRUTH if k in report.values} == TRUTH
    by_page = {v.loc["page"]: v.source for v in report.values.values()}
    assert by_page[3] == "table" and by_page[4] == "ocr"
    assert report.values["t4.review.total"].source == "ocr"
    assert report.values["t3.new.total"].source == "table"


@pytest.mark.slow
def test_a_skewed_stamped_jpeg_scan_stores_no_wrong_value(tmp_path):
    """The real report with its fourth page (the end of 表三, all of 表四) scanned askew
    (1.5°) at 200 dpi, saved as a poor JPEG and stamped with a seal over the table: every
    figure stored is right; one not read surely is left out with a reader finding."""
    import pypdfium2 as pdfium

    from bench.ocr import degrade

    page = pdfium.PdfDocument(str(HONGZE))[3]
    grey = page.render(scale=200 / 72, grayscale=True).to_pil().convert("L")
    for variant in ("skew", "jpeg", "stamp"):
        grey = degrade(grey, variant)
    scan = io.BytesIO()
    grey.save(scan, "PDF", resolution=200.0)
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(pdfium.PdfDocument(str(HONGZE)), [0, 1, 2])
    mixed.import_pages(pdfium.PdfDocument(scan.getvalue()))
    path = tmp_path / "mixed.pdf"
    mixed.save(str(path))
    report = parse_file(path)
    on_page = [k for k in TRUTH if k not in report.values or report.values[k].loc["page"] == 4]
    assert len(on_page) == 85  # 表三 from 三(四) on (ten rows) and 表四
    wrong = [k for k in on_page if k in report.values and report.values[k].value != TRUTH[k]]
    assert not wrong, {k: report.values[k].raw for k in wrong}
    left_out = {k for k in on_page if k not in report.values}
    ocr = [f for f in report.findings if f.rule.startswith("ocr.")]
    assert left_out <= {c for f in ocr for c in f.cells}
    assert len(left_out) <= 0.05 * len(on_page), sorted(left_out)
    assert all(f.responsibility == "reader" for f in ocr)
