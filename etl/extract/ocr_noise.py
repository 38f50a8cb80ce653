"""Pages that are noise, not print: found before Tesseract spends minutes on them.

Tesseract's whole-page read of a page of random dots took 45 s (10 % of the pixels dark) to
108 s (50 %) on the busy 2-core machine, against 9 s for a real scanned page; a 60-page scan of
noise would have run for an hour within the per-page allowance. So each scanned page is judged
before it is read, and OCR of a file stops early when page after page is noise:

- before Tesseract: a page of print has a few thousand ink specks (connected dark areas: the
  strokes of the characters) and a few % ink; the image-only copies of the real reports
  (bench/ocr.py's variants: skew, JPEG, seal, photo) measure at most 2,300 specks and 4.3 % ink.
  A page with more than NOISE_SPECKS specks, or more than NOISE_INK of it dark, is noise;
- the whole-page read (read_page's first Tesseract call) is held to FIRST_PASS_CPU_SECONDS of
  CPU time, and a page where it reads fewer than LEGIBLE_WORDS sure words (Chinese or
  figures) is not read on (its table cells are not read one by one): a page of print holds
  hundreds;
- after NOISE_RUN such pages in a row (blank pages do not count either way), the file's other
  pages are not read: the rows read so far are kept and a reader finding names the pages left;
  when nothing legible was read at all, the file is refused (code illegible_scan);
- until one page shows text (shows_text: TEXT_CHARACTERS read with confidence), OCR of the
  file is held to LIMITS.ocr_seconds_before_text (etl.limits.held_to), and only then is the
  scan's per-page time granted: blots that pass the judgements above (3 sure "words" among
  lines of junk, a minute of Tesseract a page) are stopped there, the file refused as above.
"""

from __future__ import annotations

import re

from etl.errors import ReportError
from etl.report import Finding

NOISE_SPECKS = 20_000  # ~10x the most a real page has (2,300)
NOISE_INK = 0.30  # ~7x the darkest real page (4.3 %); a page of dots past half dark merges
# CPU seconds of a page's whole-page read: a real page takes 2-3 (bench/ocr.py, tesseract
# 1.7-3.0 s a page in all), a page of dots 40-100. CPU, not wall time: on a busy machine a
# real page took 9 s of wall time, and more while tests ran alongside
FIRST_PASS_CPU_SECONDS = 20
LEGIBLE_CONF = 60  # Tesseract's confidence of a word that counts as read (scan.LABEL_CONF)
LEGIBLE_WORDS = 3
NOISE_RUN = 3  # pages of noise in a row after which OCR of the file stops
# Chinese characters among the sure words (confidence >= LEGIBLE_CONF) of a page's whole-page
# read that make it a page of text: hongze_2024.pdf's pages as scans have 150-462 (the last,
# half a page, 150), a page of blots that passes the judgements above 7 (23 sure "words").
TEXT_CHARACTERS = 40


class NoisePage(Exception):
    """Raised from the first Tesseract call of a page that is noise: the page is not read on."""


def looks_like_noise(grey) -> bool:
    """A grey page whose ink is specks, not strokes (cheap: no Tesseract)."""
    import cv2  # OpenCV comes with the second OCR engine (rapidocr-onnxruntime)
    import numpy as np

    from etl.extract.scan_rulings import INK

    ink = (grey < INK).astype(np.uint8)
    if ink.mean() > NOISE_INK:
        return True
    specks, _ = cv2.connectedComponents(ink, connectivity=8)
    return specks - 1 > NOISE_SPECKS


class JudgedReader:
    """read_page's Tesseract for one page: its first call (the whole page, in Chinese) is held
    to FIRST_PASS_CPU_SECONDS and its words judged; NoisePage when the page reads as noise."""

    def __init__(self, tesseract, on_text=None):
        self.tesseract = tesseract
        self.first = True
        self.on_text = on_text  # called when the whole-page read shows_text

    def __call__(self, image, lang: str, psm: int, whitelist: str | None = None):
        if not self.first:
            return self.tesseract(image, lang, psm, whitelist)
        self.first = False
        from etl.extract.ocr_words import is_cjk_word, is_digitish

        words = self.tesseract(image, lang, psm, whitelist, cpu_seconds=FIRST_PASS_CPU_SECONDS)
        sure = [w for w in words if w.conf >= LEGIBLE_CONF]
        if sum(1 for w in sure if is_cjk_word(w) or is_digitish(w.text)) < LEGIBLE_WORDS:
            raise NoisePage
        if self.on_text is not None and shows_text(sure):
            self.on_text()
        return words


def shows_text(words) -> bool:
    """The sure words of a page's whole-page read hold text a person wrote: until one page
    does, OCR of the file is held to LIMITS.ocr_seconds_before_text (etl.extract.ocr)."""
    sure = (w.text for w in words if w.conf >= LEGIBLE_CONF)
    return sum(len(_CHINESE.findall(text)) for text in sure) >= TEXT_CHARACTERS


_CHINESE = re.compile(r"[\u3400-\u9fff]")


class NoiseRun:
    """Pages of noise in a row, and where OCR of the file stopped."""

    def __init__(self, numbers: list[int]):
        self.numbers = numbers
        self.run: list[int] = []
        self.legible = 0
        self.stopped_at: int | None = None  # the page after which nothing was read
        self.spent: float | None = None  # stopped at the time limit before any text, seconds
        self.found_text = False  # a page has shown text (shows_text)

    def noise(self, number: int) -> bool:
        """Page `number` is noise; True when OCR of the file stops here."""
        self.run.append(number)
        if len(self.run) < NOISE_RUN:
            return False
        self.stopped_at = number
        return True

    def out_of_time(self, number: int, seconds: float) -> None:
        """OCR of the file ran out of its time before any page yielded text (etl.limits.
        held_to), while on page `number`: that page and those after it are not read."""
        self.stopped_at, self.spent = number - 1, seconds

    def read(self) -> None:
        self.run.clear()
        self.legible += 1

    def unread(self) -> list[int]:
        """The pages never read because OCR stopped."""
        if self.stopped_at is None:
            return []
        return [n for n in self.numbers if n > self.stopped_at]

    def refusal(self, path: str) -> ReportError | None:
        """The file's refusal when OCR stopped before anything legible was read."""
        if self.spent is not None and not self.found_text:
            return ReportError(
                path,
                "the pages are images and none read by text recognition (OCR) in its first "
                f"{self.spent:.0f} s held any text (the limit before a scan must show text); "
                "the rest was not read",
                "check that the scan is legible, or load the HTML version of the report",
                "illegible_scan",
            )
        if self.stopped_at is None or self.legible:
            return None
        return ReportError(
            path,
            f"the pages are images and the first {len(self.run)} read are noise, not print "
            "(text recognition found no text in them); the rest was not read",
            "check that the scan is legible, or load the HTML version of the report",
            "illegible_scan",
        )


def unread_finding(unread: list[int]) -> Finding:
    """The reader finding naming the scanned pages OCR did not read (numbers ascending)."""
    first, last = unread[0], unread[-1]
    pages = f"第 {first} 页" if first == last else f"第 {first}–{last} 页（{len(unread)} 页）"
    return Finding(
        "ocr.pages_unread",
        (),
        None,
        None,
        f"扫描件连续多页无法识别出文字（像是噪点而非印刷），其后的{pages}未读取，"
        "其中的数字均未入库，请对照原件核对",
        "warning",
    )
