"""Scanned tables: every figure the template expects is stored right or named by an `ocr.*`
reader finding (etl.parse.ocr_missing), and a table is read across a page break.

The scans are pages of the real report (hongze_2024.pdf) rendered at 150 dpi grey, one page
at a time among its text-layer pages (as bench/ocr.py makes image-only copies), degraded or
cut here: a seal stamped over 表二, a 表三 row cut out of the page, 表三's page cut in two.
"""

from __future__ import annotations

import io

import numpy as np
import pytest

from etl.extract.tesseract import INSTALL_HINT, tesseract_missing
from etl.parse import parse_file
from etl.parse.ocr_missing import expected_keys, flag_unread_cells
from etl.report import ParsedReport, Value
from tests.conftest import REAL, load_truth

HONGZE = REAL / "hongze_2024.pdf"
TRUTH = load_truth(REAL / "hongze_2024.pdf.truth.json")["values"]


def unnamed_misses(report: ParsedReport) -> set[str]:
    """Expected cells neither stored nor named by an ocr.* finding (must always be empty)."""
    named = {c for f in report.findings if f.rule.startswith("ocr.") for c in f.cells}
    return {k for k in expected_keys(report) if k not in report.values and k not in named}


def wrong_values(report: ParsedReport) -> dict[str, str]:
    return {k: v.raw for k, v in report.values.items() if k in TRUTH and v.value != TRUTH[k]}


# ---- the property on recorded reports (no OCR) ----------------------------------------------


def _recorded(dropped: set[str], pages=(1,)) -> ParsedReport:
    """The real report's figures as a scan's reader stores them (each on its own scanned row),
    without the cells `dropped`."""
    report = ParsedReport("scan.pdf", "x", "pdf", "std2021", meta={"ocr_pages": list(pages)})
    rows: dict[str, int] = {}
    for key, number in TRUTH.items():
        if key not in dropped:
            line = rows.setdefault(key.rsplit(".", 1)[0], len(rows))
            report.add(Value(key, number, str(number), {"page": 1, "line": line, "col": 1}))
    return report


def test_a_read_report_gets_no_missing_cell_finding():
    report = _recorded(set())
    flag_unread_cells(report)
    assert not report.findings and not unnamed_misses(report)


def test_cells_and_rows_not_read_are_named_row_by_row():
    row = [k for k in TRUTH if k.startswith("t3.unable.unclear.")]
    dropped = {"t2.coercion.decisions", "t2.fees.amount_wan", "t4.review.pending", *row}
    report = _recorded(dropped)
    flag_unread_cells(report)
    assert not unnamed_misses(report)
    by_cells = {f.cells: f for f in report.findings}
    assert set(by_cells) == {
        ("t2.coercion.decisions",),
        ("t2.fees.amount_wan",),
        ("t4.review.pending",),
        tuple(row),
    }
    assert all(
        f.rule == "ocr.cell_missing" and f.responsibility == "reader" for f in by_cells.values()
    )
    assert "行政强制" in by_cells[("t2.coercion.decisions",)].message
    assert by_cells[("t2.coercion.decisions",)].place == "T2"
    assert "整行未能识别（7 个数字）" in by_cells[tuple(row)].message
    assert "补正后申请内容仍不明确" in by_cells[tuple(row)].message
    assert "未入库" in by_cells[("t4.review.pending",)].message


def test_a_table_not_read_at_all_is_one_finding_and_text_pages_are_not_blamed():
    t4 = {k for k in TRUTH if k.startswith("t4.")}
    report = _recorded(t4)
    flag_unread_cells(report)
    [finding] = report.findings
    assert set(finding.cells) == t4 and "表四未能读出" in finding.message
    # the same cells missing from a text-layer page are the text reader's business
    report = _recorded({"t2.coercion.decisions"}, pages=(2,))
    flag_unread_cells(report)
    assert not report.findings


def test_a_missing_cell_already_named_by_the_vote_is_not_named_twice():
    from etl.report import Finding

    report = _recorded({"t2.fees.amount_wan"})
    report.findings.append(Finding("ocr.unsettled", ("t2.fees.amount_wan",), None, None, "…"))
    flag_unread_cells(report)
    assert len(report.findings) == 1


# ---- real page images -----------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def tesseract():
    missing = tesseract_missing()
    if missing:
        pytest.skip(f"{missing}: {INSTALL_HINT} to run the OCR tests")


def _page(index: int, dpi: int = 150) -> np.ndarray:
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(str(HONGZE))[index]
    return np.array(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))


def _row_rulings(grey: np.ndarray) -> list[int]:
    """The y of each horizontal ruling crossing the table's value columns."""
    from etl.extract.scan_rulings import rulings, run_centres

    h_mask, _ = rulings(grey)
    return run_centres(h_mask[:, int(grey.shape[1] * 0.6)])


def _label_y(index: int, label: str, dpi: int = 150) -> float:
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(str(HONGZE))[index]
    text = page.get_textpage()
    at = text.get_text_range().index(label)
    _, bottom, _, top = text.get_charbox(at)
    return (page.get_height() - (top + bottom) / 2) * dpi / 72


def _with_scans(tmp_path, scans: dict[int, list[np.ndarray]]):
    """The real report with pages `scans` replaced by the given images (no text layer)."""
    import pypdfium2 as pdfium
    from PIL import Image

    real = pdfium.PdfDocument(str(HONGZE))
    mixed = pdfium.PdfDocument.new()
    for index in range(len(real)):
        if index not in scans:
            mixed.import_pages(real, [index])
            continue
        images = [Image.fromarray(g) for g in scans[index]]
        buf = io.BytesIO()
        images[0].save(buf, "PDF", resolution=150.0, save_all=True, append_images=images[1:])
        mixed.import_pages(pdfium.PdfDocument(buf.getvalue()))
    path = tmp_path / "scan.pdf"
    mixed.save(str(path))
    return parse_file(path)


@pytest.mark.slow  # OCR of a scan
def test_a_stamp_over_table_two_leaves_no_silent_miss(tmp_path):
    from PIL import Image

    from bench.ocr import degrade

    stamped = np.asarray(degrade(Image.fromarray(_page(2)), "stamp"))
    report = _with_scans(tmp_path, {2: [stamped]})
    assert not wrong_values(report)
    assert not unnamed_misses(report)
    t2 = [k for k in TRUTH if k.startswith("t2.")]
    assert sum(k in report.values for k in t2) >= len(t2) - 3
    ocr = [f for f in report.findings if f.rule.startswith("ocr.")]
    assert all(f.responsibility == "reader" for f in ocr)


@pytest.mark.slow  # OCR of a scan
def test_a_row_cut_out_of_the_scan_is_named(tmp_path):
    grey = _page(3)
    y = _label_y(3, "补正后申请内容仍不明确")
    lines = _row_rulings(grey)
    above = max(r for r in lines if r < y)
    below = min(r for r in lines if r > y)
    cut = np.vstack([grey[:above], grey[below:]])  # the ruling below closes the row above
    report = _with_scans(tmp_path, {3: [cut]})
    assert not wrong_values(report)
    assert not unnamed_misses(report)
    row = tuple(k for k in TRUTH if k.startswith("t3.unable.unclear."))
    assert not any(k in report.values for k in row)
    [finding] = [f for f in report.findings if set(row) <= set(f.cells)]
    assert finding.rule == "ocr.cell_missing" and "整行" in finding.message
    stored = sum(k in report.values for k in TRUTH)
    assert stored >= len(TRUTH) - len(row) - 3


@pytest.mark.slow  # OCR of a scan
def test_table_three_across_a_page_break_of_the_scan(tmp_path):
    """表三's page cut in two between its rows: the top rows end one scanned page, the others
    start the next, on a page half as tall. Every figure is read right, on both parts (the
    stroke of a digit 1 on the short page is no table ruling: etl.extract.scan_rulings)."""
    grey = _page(2)
    y = _label_y(2, "属于国家秘密")
    split = min(r for r in _row_rulings(grey) if r > y)  # the ruling under that row
    top = grey[: split + 2]
    bottom = np.vstack([np.full((120, grey.shape[1]), 255, np.uint8), grey[split - 1 :]])
    report = _with_scans(tmp_path, {2: [top, bottom]})
    assert not wrong_values(report)
    assert not unnamed_misses(report)
    t3 = [k for k in TRUTH if k.startswith("t3.")]
    assert {k: report.values[k].value for k in t3 if k in report.values} == {
        k: TRUTH[k] for k in t3 if k in report.values
    }
    assert all(k in report.values for k in t3)
    pages = {report.values[k].loc["page"] for k in t3 if k in report.values}
    assert {3, 4, 5} <= pages  # read from both halves and the text page after them
