"""A scan must show text early, or OCR of it stops within the 60 s any file may take (issue 23).

A scan of blots (random noise blurred: the specks and ink of print) passes the noise judgement of
etl.extract.ocr_noise, and Tesseract reads dozens of lines of junk from each page, 50-80 s a page
on the busy machine; a page with three sure "words" among them counted as legible, so a 60-page
file of it was granted 60 x 15 s and ran for minutes. Now OCR of a file is held to
LIMITS.ocr_seconds_before_text until a page shows text (Chinese characters read with
confidence by its whole-page read), and only then is the scan's per-page time granted; a file that shows no
text by then is refused on one line naming the limit.
"""

from __future__ import annotations

import dataclasses
import time

import pytest

import etl.extract.ocr as ocr
from bench.hostile_pdfs import noise_scan_pdf
from etl.errors import ReportError
from etl.extract.ocr_noise import shows_text
from etl.extract.ocr_words import Word
from etl.limits import LIMITS
from etl.parse import parse_file

_HELD = 4.0  # seconds before text, in the quick test


def _junk_reader(seconds: float, calls: list):
    """A Tesseract that takes `seconds` for a page's whole-page read and finds three sure
    "words" (enough to pass as legible) and a line of unsure junk: what blots give."""

    def read(image, lang, psm, whitelist=None, cpu_seconds=None):
        calls.append(lang)
        if lang != "chi_sim":
            return []
        time.sleep(seconds)
        sure = [Word(t, 100 + 60 * n, 100, 140 + 60 * n, 140, 91.0) for n, t in enumerate("人12")]
        junk = [Word("准0《人生了", 100, 300, 400, 340, 12.0)]
        return sure + junk

    return read


def test_pages_of_junk_stop_ocr_within_the_time_before_text(tmp_path, monkeypatch):
    calls: list = []
    monkeypatch.setattr(ocr, "tesseract_words", _junk_reader(1.0, calls))
    monkeypatch.setattr(ocr, "LIMITS", dataclasses.replace(LIMITS, ocr_seconds_before_text=_HELD))
    scan = tmp_path / "blots.pdf"
    scan.write_bytes(noise_scan_pdf(20))
    started = time.monotonic()
    with pytest.raises(ReportError) as caught:
        parse_file(scan)
    took = time.monotonic() - started
    assert caught.value.code == "illegible_scan", caught.value
    assert "none read by text recognition (OCR) in its first 4 s held any text" in str(caught.value)
    assert str(caught.value).startswith(f"{scan}: ")
    assert took < _HELD + 8, took  # rendering the first page, then 4 s of reading
    assert calls.count("chi_sim") < 8  # not the 20 pages


def test_a_page_of_text_grants_the_scan_its_time():
    def words(text: str, conf: float) -> list[Word]:
        return [Word(t, 10 * n, 0, 10 * n + 9, 9, conf) for n, t in enumerate(text.split())]

    prose = words("本报告由 淮安市洪泽区 人民政府办公室 根据 条例 要求 编制 " * 3, 84.5)
    blots = words("人 2 、 各 < 2 2 9 、 中 = 他 4 - ， 、 2 1 人 这 。 人 ~", 75.0)
    junk = words("人有 4人 1多 Mr和 准0 《，_ -人生LA了 本 由 区 人 从 " * 20, 18.9)
    assert shows_text(prose)
    assert not shows_text(blots + junk)  # a page of blots' whole-page read: 7 sure characters
    assert not shows_text(prose[:5])  # a line or two is not yet a page of text


@pytest.mark.slow  # Tesseract on pages of blots, as long as the limit lets it
def test_a_sixty_page_scan_of_blots_is_refused_within_a_minute(tmp_path):
    from etl.parse_worker import parse_alone

    scan = tmp_path / "blots_60.pdf"
    scan.write_bytes(noise_scan_pdf(60))
    started = time.monotonic()
    with pytest.raises(ReportError) as caught:
        parse_alone(str(scan))
    assert caught.value.code == "illegible_scan", caught.value
    assert time.monotonic() - started < 55  # 35 s of OCR and the file's opening
