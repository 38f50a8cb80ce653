"""Scans of noise stop OCR early (issue 23, fourth round).

Tesseract's whole-page read of one page of random dots took 45-108 s on the busy machine, so a
60-page scan of noise ran for most of its 60 s + 60 x 15 s. Pages of noise are now told from
pages of print before Tesseract runs (etl.extract.ocr_noise), OCR of a file stops after a few in
a row, and a file of nothing else is refused in seconds; the real scans read as before.
"""

from __future__ import annotations

import time
from io import BytesIO

import numpy as np
import pytest
from PIL import Image

from etl.errors import ReportError
from etl.extract import ocr_noise
from etl.extract.ocr_words import Word
from etl.limits import LIMITS, ocr_allowance
from etl.parse import parse_file
from tests.conftest import REAL

QUICK = 20  # seconds; the 60-page file is refused in 2-4 s


def _noise(density: float, seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    dots = np.where(rng.random((1754, 1240)) < density, 0, 255).astype(np.uint8)
    return Image.fromarray(dots).convert("1")  # a bilevel scan: 270 KB a page


def _real_pages() -> list[Image.Image]:
    """hongze_2024.pdf's pages as a scanner gives them (grey, 150 dpi, no text layer)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(REAL / "hongze_2024.pdf"))
    return [
        pdf[i].render(scale=150 / 72, grayscale=True).to_pil().convert("L") for i in range(len(pdf))
    ]


def _tiff(path, frames: list[Image.Image]) -> None:
    buffer = BytesIO()
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:])
    path.write_bytes(buffer.getvalue())


def test_a_sixty_page_scan_of_noise_is_refused_in_seconds(tmp_path):
    scan = tmp_path / "noise.tiff"
    _tiff(scan, [_noise(0.1, 0)] * LIMITS.scanned_pages)
    started = time.monotonic()
    with pytest.raises(ReportError) as caught:
        parse_file(scan)
    assert time.monotonic() - started < QUICK
    assert caught.value.code == "illegible_scan"
    assert f"the first {ocr_noise.NOISE_RUN} read are noise" in str(caught.value)


@pytest.mark.parametrize("density", [0.03, 0.1, 0.5, 0.7])
def test_pages_of_dots_are_noise_whatever_their_density(density):
    assert ocr_noise.looks_like_noise(np.array(_noise(density).convert("L")))


@pytest.mark.slow  # OCR of real scans or Tesseract run to its CPU limit
def test_the_real_scans_are_not_taken_for_noise():
    """Every page of hongze_2024.pdf as images, in each way bench/ocr.py degrades it (its
    dpi variants are rendered, not degraded: the same page here)."""
    from bench.ocr import VARIANTS, degrade

    for number, page in enumerate(_real_pages()):
        for variant in (v for v in VARIANTS if not v.startswith("dpi")):
            grey = np.array(degrade(page, variant, number).convert("L"))
            assert not ocr_noise.looks_like_noise(grey), (number, variant)


def test_reading_stops_after_pages_of_noise_in_a_row_and_names_the_rest(tmp_path, monkeypatch):
    """Real pages, one page of noise (reading goes on), real pages, then noise to the end:
    what was read is kept, the pages after the stop are never rendered nor read, and a reader
    finding names them."""
    import etl.extract.scan as scan

    read: list[int] = []

    def read_page(grey, tesseract):  # the real reader costs 10-30 s a page: a stand-in
        read.append(len(read))
        return [(["政府信息公开工作年度报告"], {None: 95.0}, False, {})]

    monkeypatch.setattr(scan, "read_page", read_page)
    real = _real_pages()
    frames = [real[0], _noise(0.1, 1), real[1]] + [_noise(0.1, n) for n in range(2, 8)]
    scan_file = tmp_path / "mixed.tiff"
    _tiff(scan_file, frames)
    report = parse_file(scan_file)
    assert len(read) == 2  # pages 1 and 3; never a page of noise, never one after the stop
    [unread] = [f for f in report.findings if f.rule == "ocr.pages_unread"]
    assert unread.responsibility == "reader"
    assert "其后的第 7–9 页（3 页）未读取" in unread.message


def test_a_page_whose_whole_page_read_finds_no_sure_word_is_not_read_on():
    sure = [
        Word("政府", 0, 0, 10, 10, 91.0),
        Word("信息", 0, 0, 10, 10, 88.0),
        Word("12", 0, 0, 5, 5, 90.0),
    ]
    calls = []

    def tesseract(image, lang, psm, whitelist=None, cpu_seconds=None):
        calls.append(cpu_seconds)
        return sure if image == "print" else [Word("#~", 0, 0, 5, 5, 12.0)] * 400

    assert ocr_noise.JudgedReader(tesseract)("print", "chi_sim", 6) == sure
    with pytest.raises(ocr_noise.NoisePage):
        ocr_noise.JudgedReader(tesseract)("dots", "chi_sim", 6)
    assert calls == [ocr_noise.FIRST_PASS_CPU_SECONDS] * 2  # the whole-page read is held


@pytest.mark.slow  # OCR of real scans or Tesseract run to its CPU limit
def test_tesseract_past_its_cpu_time_reads_nothing():
    """A page of dots that passes the speck count: its whole-page read is stopped after the
    CPU seconds given (CPU time: a busy machine does not make a real page run out of it)."""
    from etl.extract.tesseract import tesseract_words

    dots = np.array(_noise(0.1).convert("L"))  # its whole-page read takes 45 s unstopped
    started = time.monotonic()
    assert tesseract_words(dots, "chi_sim", 6, cpu_seconds=1) == []
    assert time.monotonic() - started < 30


def test_ocr_time_per_file_has_a_ceiling():
    assert LIMITS.seconds + ocr_allowance(LIMITS.scanned_pages) == LIMITS.ocr_file_seconds == 600
    assert ocr_allowance(5) == 5 * LIMITS.ocr_seconds_per_page  # a short scan: as before
