"""Scanned table cells decided from two OCR engines' readings and the table's identities
(etl.parse.ocr_vote): what is stored, corrected, or left out with a reader finding.

The table is the real report's (hongze_2024.pdf: its hand-checked 表二, 表三 and 表四), laid
out cell by cell as a scan's reader records it; the misreadings are the kinds measured on real
scans (a digit dropped: 3001 → 1001, 61 → 6, 21 → 2; a lone 0 the second engine does not
see), put in here. One test records real readings of the second engine from crops of the real
page.
"""

from __future__ import annotations

import pytest

from etl.extract.scan import cell_text
from etl.normalize import parse_cell
from etl.parse.ocr_vote import settle_scanned_cells
from etl.report import ParsedReport, Value
from etl.validate import validate_report
from tests.conftest import REAL, load_truth

HONGZE = REAL / "hongze_2024.pdf"
TRUTH = load_truth(REAL / "hongze_2024.pdf.truth.json")["values"]


def scanned(
    misread: dict[str, tuple[str, str]] | None = None, cleaned: dict[str, str] | None = None
) -> ParsedReport:
    """The real table as read from a scan: each cell on its own (page, line, column), both
    engines reading it as printed unless `misread` gives (Tesseract's, the other's) text;
    `cleaned` gives what both read again with light marks removed (etl.extract.scan_cells)."""
    misread, cleaned = misread or {}, cleaned or {}
    rows: dict[str, int] = {}
    readings = {}
    report = ParsedReport("scan.pdf", "x", "pdf", "std2021", meta={"ocr_pages": [1]})
    for key, number in TRUTH.items():
        row = key.rsplit(".", 1)[0]
        line = rows.setdefault(row, len(rows))
        col = sum(k.rsplit(".", 1)[0] == row for k in report.values)
        first, second = misread.get(key, (str(number), str(number)))
        readings[f"1:{line}:{col}"] = {"tesseract": (first, 90.0), "rapid": (second, 99.0)}
        if key in cleaned:
            readings[f"1:{line}:{col}"] |= {
                "tesseract_cleaned": (cleaned[key], 80.0),
                "rapid_cleaned": (cleaned[key], 95.0),
            }
        text = cell_text(first, second)  # what the parser is given
        cell = parse_cell(text)
        report.add(
            Value(key, cell.value or 0.0, text, {"page": 1, "line": line, "col": col}, cell.blank)
        )
    report.meta["ocr_readings"] = readings
    return report


def stored(report: ParsedReport) -> dict[str, float]:
    return {k: v.value for k, v in report.values.items()}


def ocr_findings(report: ParsedReport):
    return [f for f in report.findings if f.rule.startswith("ocr.")]


def test_cells_both_engines_read_alike_are_stored():
    report = scanned()
    settle_scanned_cells(report)
    assert stored(report) == TRUTH and not ocr_findings(report)
    assert "ocr_readings" not in report.meta  # not carried into the stored report


def test_dropped_digits_and_missed_zeros_are_settled_by_the_identities():
    misread = {
        "t3.new.natural": ("9", "95"),  # a digit dropped, as 61 → 6
        "t3.granted.total": ("5", "50"),
        "t3.unable.not_held.natural": ("0", "31"),  # a zero invented where the cell is 31
        "t3.processed.total": ("95", "96"),  # the second engine wrong this time
        "t3.carried_in.total": ("0", "?"),  # a lone 0 the second engine does not see (no reading)
        "t3.denied.security_stability.natural": ("1", "?"),
        "t4.suit_after_review.total": ("8", "3"),
    }
    report = scanned(misread)
    settle_scanned_cells(report)
    assert stored(report) == TRUTH
    assert not ocr_findings(report)
    assert report.values["t3.new.natural"].raw == "95"


def test_a_disagreement_two_readings_fit_equally_is_left_out_with_both_readings():
    # 复议后起诉 维持 2, 其他 1, 总计 3: read crosswise, (1, 2) fits the total as well as (2, 1)
    misread = {"t4.suit_after_review.upheld": ("1", "2"), "t4.suit_after_review.other": ("2", "1")}
    report = scanned(misread)
    settle_scanned_cells(report)
    assert set(TRUTH) - set(report.values) == set(misread)
    assert all(report.values[k].value == v for k, v in TRUTH.items() if k not in misread)
    [finding] = ocr_findings(report)
    assert finding.rule == "ocr.unsettled" and set(finding.cells) == set(misread)
    assert "「1」、「2」" in finding.message and "「2」、「1」" in finding.message
    assert "未入库" in finding.message and finding.place == "T4"


def test_two_wrong_readings_are_never_stored():
    report = scanned({"t3.new.total": ("9", "96")})  # printed 95
    settle_scanned_cells(report)
    assert "t3.new.total" not in report.values
    assert report.values["t3.new.natural"].value == 95  # its row and column are kept
    [finding] = ocr_findings(report)
    assert finding.rule == "ocr.unsettled" and finding.cells == ("t3.new.total",)
    assert "本年新收" in finding.message and "「9」、「96」" in finding.message


def test_an_agreed_reading_an_identity_contradicts_is_left_out_not_blamed_on_the_agency():
    """Both engines read 96 where 95 is printed: 新收 + 结转 ≠ 办理总计 + 结转下年度 and the
    outcomes do not sum to it; the one cell common to both broken identities is left out."""
    report = scanned({"t3.processed.total": ("96", "96")})
    settle_scanned_cells(report)
    assert set(TRUTH) - set(report.values) == {"t3.processed.total"}
    [finding] = ocr_findings(report)
    assert finding.rule == "ocr.contradicted" and finding.cells == ("t3.processed.total",)
    assert finding.responsibility == "reader" and not finding.blames_report
    checks = validate_report(report)
    assert not any(f.rule.startswith("t3.") for f in checks)  # nothing judged on a doubt


def test_a_cell_in_no_identity_needs_both_engines():
    t2 = sorted(k for k in TRUTH if k.startswith("t2."))[:3]
    misread = {t2[0]: ("3", "8"), t2[1]: (str(int(TRUTH[t2[1]])), "?")}
    report = scanned(misread)
    settle_scanned_cells(report)
    assert set(TRUTH) - set(report.values) == {t2[0], t2[1]}
    assert report.values[t2[2]].value == TRUTH[t2[2]]
    assert {f.rule for f in ocr_findings(report)} == {"ocr.unsettled"}
    assert any("「8」" in f.message for f in ocr_findings(report))
    assert any("未读出" in f.message for f in ocr_findings(report))
    assert all(f.responsibility == "reader" for f in ocr_findings(report))


@pytest.fixture(scope="module")
def t4_crops():
    """The 15 figures of 表四 cut from the real page rendered at 150 dpi grey, each by the box
    the PDF's text layer gives it (a scan's reader cuts the same cells along the rulings)."""
    import numpy as np
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(HONGZE))
    page = pdf[3]
    scale = 150 / 72
    grey = np.array(page.render(scale=scale, grayscale=True).to_pil().convert("L"))
    text = page.get_textpage()
    height = page.get_height()
    boxes: list[list] = []  # runs of digits on the 表四 figure line
    for i in range(text.count_chars()):
        ch = text.get_text_range(i, 1)
        if not ch.isdigit():
            continue
        left, bottom, right, top = text.get_charbox(i)
        if boxes and abs(boxes[-1][3] - top) < 2 and left - boxes[-1][2] < 3:
            boxes[-1][2] = right
        else:
            boxes.append([left, bottom, right, top])
    lines: dict[int, list] = {}
    for box in boxes:
        lines.setdefault(round(box[3]), []).append(box)
    row = next(b for b in lines.values() if len(b) == 15)
    crops = []
    for left, bottom, right, top in sorted(row):
        y0, y1 = int((height - top) * scale) - 2, int((height - bottom) * scale) + 3
        crops.append(grey[y0:y1, int(left * scale) - 2 : int(right * scale) + 3])
    return crops


def test_the_second_engine_reads_real_cells_and_its_readings_settle_a_tesseract_slip(t4_crops):
    from etl.extract.rapid import rapid_missing, read_crops

    if rapid_missing():
        pytest.skip(rapid_missing())
    keys = [k for k in TRUTH if k.startswith("t4.")]
    read = read_crops(t4_crops)
    assert [parse_cell(t).value for t, _ in read] == [TRUTH[k] for k in keys]
    assert all(conf > 50 for _, conf in read)
    # those readings against a Tesseract that dropped 复议 总计's digit and read a 0 as 8
    recorded = dict(zip(keys, (t for t, _ in read)))
    report = scanned(
        {
            "t4.review.total": ("", recorded["t4.review.total"]),
            "t4.review.other": ("8", recorded["t4.review.other"]),
        }
    )
    settle_scanned_cells(report)
    assert stored(report) == TRUTH and not ocr_findings(report)


def test_a_figure_crossed_by_a_seal_is_settled_by_its_reading_with_the_seal_removed():
    """A 0 crossed by a seal's arc reads 8 and 6; read again without the light arc, 0. The
    seal's star hides the figure two rows up in the same column (no reading), so the
    column's sum cannot be checked: the row's own sum (总计 = the six applicant columns, a row
    of 三(三) like every other) picks the 0 among the three."""
    key, hidden = "t3.denied.admin_query.legal", "t3.denied.enforcement_file.legal"
    report = scanned({key: ("8", "6"), hidden: ("?", "U")}, cleaned={key: "0"})
    settle_scanned_cells(report)
    assert stored(report) == {k: v for k, v in TRUTH.items() if k != hidden}
    assert report.values[key].raw == "0"
    [finding] = ocr_findings(report)
    assert finding.rule == "ocr.unsettled" and finding.cells == (hidden,)


def test_a_reading_with_light_marks_removed_is_a_candidate_never_an_agreement():
    """In 表二 no identity checks a figure: the engines' readings again, even alike, do not
    replace the two engines agreeing; the finding says what each reading gave."""
    key = sorted(k for k in TRUTH if k.startswith("t2."))[0]
    right = str(int(TRUTH[key]))
    report = scanned({key: ("8", "6")}, cleaned={key: right})
    settle_scanned_cells(report)
    assert key not in report.values
    [finding] = ocr_findings(report)
    assert finding.rule == "ocr.unsettled"
    assert f"「8」、「6」，去除浅色印迹后再读作「{right}」" in finding.message


def test_a_zero_crossed_by_a_seal_arc_reads_again_as_zero(t4_crops):
    """A real 0 of 表四 (enlarged as cells are) with a seal's arc drawn across it in a stamp's
    mid grey reads 6; read again with the light arc removed, 0 (the second engine reads a
    number, so Tesseract is not asked again: it read nothing of the broken ring)."""
    import numpy as np
    from PIL import Image, ImageDraw

    from etl.extract.rapid import rapid_missing, read_crops
    from etl.extract.scan_cells import _enlarge, _read_cleaned
    from etl.extract.tesseract import tesseract_missing, tesseract_words

    if rapid_missing() or tesseract_missing():
        pytest.skip(rapid_missing() or tesseract_missing())
    keys = [k for k in TRUTH if k.startswith("t4.")]
    zero = next(c for k, c in zip(keys, t4_crops) if TRUTH[k] == 0)
    crop = Image.fromarray(_enlarge(zero, 32))
    ImageDraw.Draw(crop).line((0, 17, crop.width, 15), fill=150, width=6)
    crossed = np.asarray(crop)
    [(as_read, _)] = read_crops([crossed])
    assert as_read != "0"
    results = [[("", 0.0, (as_read, 20.0), {})]]
    _read_cleaned({(0, 0): crossed}, results, tesseract_words)
    again = results[0][0][3]
    assert again == {"rapid_cleaned": ("0", again["rapid_cleaned"][1])}


def test_a_broken_identity_elsewhere_does_not_hold_up_the_other_disputes():
    """Both engines read 96 for a printed 95 (a shared misread, or the report's own misprint):
    it is left out. A digit dropped in another row (50 read 5 / 50) is still settled, by an
    identity none of whose cells is in doubt (its column's sum), not by its row, whose 总计
    is in the broken 总计 column."""
    report = scanned({"t3.processed.total": ("96", "96"), "t3.granted.natural": ("5", "50")})
    settle_scanned_cells(report)
    assert set(TRUTH) - set(report.values) == {"t3.processed.total"}
    assert report.values["t3.granted.natural"].value == 50
    [finding] = ocr_findings(report)
    assert finding.rule == "ocr.contradicted" and finding.cells == ("t3.processed.total",)
