"""Scanned reports (image-only PDFs, PNG/JPEG/TIFF pages) read with Tesseract, offline.

Debian's `tesseract-ocr` + `tesseract-ocr-chi-sim` carry their models; nothing is fetched at
run time. A page is read in two passes:

1. the ruling lines of its tables are found (long dark runs) and whitened, and the whole page
   is read with the Chinese model for the words and their boxes;
2. in each ruled table row, the cells right of the row's label are the value cells: a cell with
   no ink is blank, the others are cut out and read together in one strip with a digits-only
   model, so that adjacent cells never run into one number and a cell never slides into its
   neighbour's column.

The rows then go to the same block/table readers as any PDF. Each block remembers how sure
Tesseract was (`ocr_confidence` in the document meta); `mark_ocr_values` gives every value read
from a scan source "ocr" and its confidence, and a finding for a cell read with low confidence.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import math
import os
import re
import shutil
import subprocess
from dataclasses import dataclass

from etl.document import Location, RawDocument
from etl.errors import ReportError
from etl.extract.build import build_document
from etl.limits import (
    LIMITS,
    check_count,
    check_time,
    extend_time,
    ocr_allowance,
    refuse,
    seconds_left,
)
from etl.normalize import BLANK_MARKERS
from etl.report import Finding, ParsedReport

INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-chi-sim"
LOW_CONFIDENCE = 80  # Tesseract's 0-100 word confidence below which a value is to be checked
PAGE_DPI = 150  # scanned pages are read at this resolution (text of 9 pt and up reads well)
TIMEOUT_SECONDS = 180
_CJK = re.compile(r"[\u3400-\u9fff]")
# the model reads a full-width parenthesis as an angle bracket, which reports do not print
_CONFUSED = str.maketrans({"〈": "（", "〉": "）"})
_DIGITISH = re.compile(r"^[\dOoIl|.,]+$")
UNREAD_PAGES = "ocr_unread_pages"  # meta: scanned pages not read, OCR stopped on noise


@dataclass(frozen=True)
class Word:
    text: str
    x0: int
    y0: int
    x1: int
    y1: int
    conf: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@functools.lru_cache(maxsize=1)
def tesseract_missing() -> str | None:
    """Why OCR cannot run here (None when Tesseract and its Chinese model are installed)."""
    exe = shutil.which("tesseract")
    if exe is None:
        return "Tesseract is not installed"
    try:
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "Tesseract does not run"
    if b"chi_sim" not in langs:
        return "Tesseract's Simplified Chinese model (chi_sim) is not installed"
    return None


def require_tesseract(path: str, what: str) -> None:
    missing = tesseract_missing()
    if missing:
        raise ReportError(
            path,
            f"{what} needs text recognition (OCR) and {missing}",
            f"install it ({INSTALL_HINT}) or load the HTML version of the report",
            "needs_ocr",
        )


def render_page(pdf, index: int):
    """Page `index` as a grey image at PAGE_DPI, or less when that would pass
    LIMITS.render_pixels (a poster-size page is read at a lower resolution, not refused)."""
    import numpy as np

    width, height = pdf.get_page_size(index)
    scale = min(PAGE_DPI / 72, math.sqrt(LIMITS.render_pixels / max(width * height, 1.0)))
    page = pdf[index]
    try:
        bitmap = page.render(scale=scale, grayscale=True)
        grey = np.array(bitmap.to_pil().convert("L"))  # a copy: the bitmap is freed now
        bitmap.close()
    finally:
        page.close()
    return grey


def render_pages(pdf, indexes):
    """The pages `indexes`, rendered one at a time as they are read (never all in memory)."""
    for index in indexes:
        check_time()
        yield render_page(pdf, index)


def scanned_indexes(path: str, pdf, indexes) -> list[int]:
    """The pages among `indexes` that OCR must read: blank pages (nothing drawn on them) are
    left out; more than LIMITS.scanned_pages are refused before any is rendered."""
    import pypdfium2.raw as pdfium_c

    drawn = []
    for index in indexes:
        page = pdf[index]
        try:
            if pdfium_c.FPDFPage_CountObjects(page.raw) > 0:
                drawn.append(index)
        finally:
            page.close()
    if len(drawn) > LIMITS.scanned_pages:
        raise refuse(
            path,
            "too_many_pages",
            f"has {len(drawn):,} pages without a text layer, over the limit of "
            f"{LIMITS.scanned_pages} pages read by text recognition (OCR) per file",
            "load a copy of the report with a text layer (PDF, HTML or DOCX)",
        )
    return drawn


def ocr_pdf(path: str, sha256: str, pdf) -> RawDocument:
    """An open pypdfium2 document whose pages are images, read page by page."""
    require_tesseract(path, "the PDF has no text layer (it looks scanned); it")
    indexes = scanned_indexes(path, pdf, range(len(pdf)))
    numbers = [i + 1 for i in indexes]
    return _ocr_pages(path, sha256, "pdf", zip(numbers, render_pages(pdf, indexes)), numbers)


def ocr_rows(path: str, numbered_pages, numbers: list[int]):
    """Rows (cells, Location, is table row) of (page number, grey image) pages, the
    confidence of each block/cell keyed "page:line:column", each value cell's readings by
    both engines under the same key, and the NoiseRun that says whether reading stopped early
    on pages of noise (etl.extract.ocr_noise)."""
    from etl.extract.deskew import straighten
    from etl.extract.ocr_noise import JudgedReader, NoisePage, NoiseRun, looks_like_noise
    from etl.extract.scan import read_page

    rows: list[tuple[list[str], Location, bool]] = []
    confidence: dict[str, float] = {}
    readings: dict[str, dict] = {}
    watch = NoiseRun(numbers)
    for number, grey in numbered_pages:
        try:
            if looks_like_noise(grey):  # before straightening: 1.3 s on a page of dots
                raise NoisePage
            page_rows = read_page(straighten(grey), JudgedReader(_tesseract))
        except NoisePage:
            if watch.noise(number):
                break
            continue
        except subprocess.TimeoutExpired:
            check_time()  # the file's own time is up: too_slow, not this page's timeout
            raise ReportError(
                path,
                f"text recognition of page {number} took over {TIMEOUT_SECONDS} s",
                "load the HTML version of the report",
                "needs_ocr",
            )
        if page_rows:  # a blank page counts neither way
            watch.read()
        for line, (cells, confs, is_row, cell_readings) in enumerate(page_rows):
            rows.append((cells, Location(page=number, line=line), is_row))
            for col, conf in confs.items():
                confidence[f"{number}:{line}:{'' if col is None else col}"] = conf
            for col, read in cell_readings.items():
                readings[f"{number}:{line}:{col}"] = read
    return rows, confidence, readings, watch


def extract_image(path: str, data: bytes, sha256: str) -> RawDocument:
    """A PNG/JPEG/TIFF file (every frame of a multi-page TIFF is a page)."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        count = getattr(image, "n_frames", 1)  # counted from the frame directory, none decoded
    except Image.DecompressionBombError as exc:  # Pillow's own pixel limit (179 M)
        raise refuse(path, "page_too_large", f"the image is too large ({exc})")
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise _bad_image(path, exc)
    check_count(path, "too_many_frames", "image frames", count, LIMITS.scanned_pages)
    require_tesseract(path, "the file is an image; it")
    numbers = list(range(1, count + 1))
    return _ocr_pages(path, sha256, "image", zip(numbers, _frames(path, image)), numbers)


def _check_scaled(path: str, width: int, height: int) -> None:
    """Refuse a frame that scaled to a page 1,240 pixels wide would pass the pixel limit: a
    sliver (1 x 59,000,000 pixels is within the limit as it is) would become 73 billion."""
    scaled = 1240 * height / width
    if 1240 * scaled > LIMITS.image_pixels:
        raise refuse(
            path,
            "page_too_large",
            f"an image frame measures {width:,} x {height:,} pixels: scaled to a page 1,240 "
            f"pixels wide it is {scaled:,.0f} pixels tall, over the limit of "
            f"{LIMITS.image_pixels // 1_000_000} million pixels",
            "scan the page at 300 dpi or less, one page per image",
        )


def _frames(path: str, image):
    """Each frame as a grey page near 150 dpi, decoded one at a time as OCR reaches it."""
    import numpy as np
    from PIL import Image, ImageSequence

    try:
        for frame in ImageSequence.Iterator(image):
            check_time()
            if frame.width * frame.height > LIMITS.image_pixels:
                raise refuse(
                    path,
                    "page_too_large",
                    f"an image frame measures {frame.width:,} x {frame.height:,} pixels, over "
                    f"the limit of {LIMITS.image_pixels // 1_000_000} million pixels",
                    "scan the page at 300 dpi or less",
                )
            if frame.width > 2 * 1240 or frame.width < 1000:  # bring an A4 page near 150 dpi
                _check_scaled(path, frame.width, frame.height)
            grey = frame.convert("L")
            if grey.width > 2 * 1240 or grey.width < 1000:
                ratio = 1240 / grey.width
                grey = grey.resize((1240, max(1, round(grey.height * ratio))), Image.LANCZOS)
            yield np.asarray(grey)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise _bad_image(path, exc)


def _bad_image(path: str, exc) -> ReportError:
    return ReportError(
        path,
        f"the image is damaged or not a picture ({exc})",
        "download it again or scan the page anew",
        "bad_image",
    )


def _ocr_pages(path: str, sha256: str, fmt: str, numbered_pages, numbers) -> RawDocument:
    extend_time(ocr_allowance(len(numbers)))
    rows, confidence, readings, watch = ocr_rows(path, numbered_pages, numbers)
    refusal = watch.refusal(path)
    if refusal is not None:
        raise refusal
    if not any(any(c.strip() for c in cells) for cells, _, _ in rows):
        raise ReportError(
            path,
            "the pages are images and text recognition (OCR) found no text in them",
            "check that the scan is legible, or load the HTML version of the report",
            "no_text",
        )
    return build_document(
        path,
        sha256,
        fmt,
        rows,
        {
            "ocr": True,
            "ocr_confidence": confidence,
            "ocr_readings": readings,
            "ocr_pages": numbers,
            UNREAD_PAGES: watch.unread(),
        },
    )


def _tesseract(
    image, lang: str, psm: int, whitelist: str | None = None, cpu_seconds: int | None = None
) -> list[Word]:
    """Words with boxes and confidences from the tesseract command (TSV output). With
    `cpu_seconds`, tesseract is stopped past that much CPU time (ulimit -t: CPU, not wall
    time, so a busy machine never cuts a real page short) and what it read is empty."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(image).save(buf, "PNG")
    command = ["tesseract", "stdin", "stdout", "-l", lang, "--psm", str(psm)]
    if whitelist:
        command += ["-c", f"tessedit_char_whitelist={whitelist}"]
    if cpu_seconds:  # the limit and the command as arguments of sh, never parsed as shell text
        command = ["sh", "-c", 'ulimit -t "$0" && exec "$@"', str(cpu_seconds), *command]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one thread: parse workers run in parallel
    done = subprocess.run(
        command + ["tsv"],
        input=buf.getvalue(),
        capture_output=True,
        timeout=seconds_left(TIMEOUT_SECONDS),
        env=env,
    )
    words = []
    if done.returncode < 0:  # killed (past cpu_seconds): a partial TSV is not a reading
        return words
    for line in done.stdout.decode("utf-8", "replace").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) < 12 or parts[0] != "5" or not parts[11].strip():
            continue
        left, top, width, height = (int(p) for p in parts[6:10])
        words.append(
            Word(
                parts[11].strip().translate(_CONFUSED),
                left,
                top,
                left + width,
                top + height,
                float(parts[10]),
            )
        )
    return words


def mark_ocr_values(report: ParsedReport) -> None:
    """Values read from a scan carry source "ocr" and Tesseract's confidence; values read with
    low confidence get a finding (one per printed row, naming each cell) so that someone
    checks them against the scan."""
    confidence = report.meta.pop("ocr_confidence", None)
    pages = set(report.meta.pop("ocr_pages", ()))
    unread = report.meta.pop(UNREAD_PAGES, None)
    if unread:
        from etl.extract.ocr_noise import unread_finding

        report.findings.append(unread_finding(unread))
    if confidence is None:
        return
    unsure: dict[tuple, list[tuple[str, float, str]]] = {}
    for key, value in list(report.values.items()):
        loc = value.loc
        if loc.get("page") not in pages:
            continue  # read from the text layer of a page that has one
        cell = f"{loc.get('page')}:{loc.get('line')}:"
        conf = confidence.get(cell + str(loc.get("col", "")), confidence.get(cell))
        new_loc = dict(loc)
        if conf is not None:
            new_loc["confidence"] = round(conf, 1)
        report.values[key] = dataclasses.replace(value, source="ocr", loc=new_loc)
        if conf is not None and conf < LOW_CONFIDENCE:
            unsure.setdefault((loc.get("page"), loc.get("line")), []).append((key, conf, value.raw))
    for cells in unsure.values():
        lowest = min(conf for _, conf, _ in cells)
        read = "".join(f"「{raw}」" for _, _, raw in cells)
        report.findings.append(
            Finding(
                "ocr.low_confidence",
                tuple(key for key, _, _ in cells),
                None,
                report.values[cells[0][0]].value if len(cells) == 1 else None,
                f"扫描件文字识别把握不大（最低可信度 {lowest:.0f}%）：读作{read}，请对照原件核对",
                "warning",
            )
        )


def is_cjk_word(word: Word) -> bool:
    return bool(_CJK.search(word.text)) and word.text not in BLANK_MARKERS


def is_digitish(text: str) -> bool:
    return bool(_DIGITISH.match(text))
