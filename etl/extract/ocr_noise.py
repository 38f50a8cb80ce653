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
  when nothing legible was read at all, the file is refused (code illegible_scan).
"""

from __future__ import annotations

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

    def __init__(self, tesseract):
        self.tesseract = tesseract
        self.first = True

    def __call__(self, image, lang: str, psm: int, whitelist: str | None = None):
        if not self.first:
            return self.tesseract(image, lang, psm, whitelist)
        self.first = False
        from etl.extract.ocr_words import is_cjk_word, is_digitish

        words = self.tesseract(image, lang, psm, whitelist, cpu_seconds=FIRST_PASS_CPU_SECONDS)
        sure = [w for w in words if w.conf >= LEGIBLE_CONF]
        if sum(1 for w in sure if is_cjk_word(w) or is_digitish(w.text)) < LEGIBLE_WORDS:
            raise NoisePage
        return words


class NoiseRun:
    """Pages of noise in a row, and where OCR of the file stopped."""

    def __init__(self, numbers: list[int]):
        self.numbers = numbers
        self.run: list[int] = []
        self.legible = 0
        self.stopped_at: int | None = None  # the page after which nothing was read

    def noise(self, number: int) -> bool:
        """Page `number` is noise; True when OCR of the file stops here."""
        self.run.append(number)
        if len(self.run) < NOISE_RUN:
            return False
        self.stopped_at = number
        return True

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
