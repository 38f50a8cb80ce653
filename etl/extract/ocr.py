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
import io
import subprocess

from etl.document import Location, RawDocument
from etl.errors import ReportError
from etl.extract.build import build_document
from etl.extract.page_images import damaged_image_error, image_frames, render_pages, scanned_indexes
from etl.extract.tesseract import TIMEOUT_SECONDS, require_tesseract, tesseract_words
from etl.limits import (
    LIMITS,
    TimeSpent,
    check_count,
    check_time,
    extend_time,
    held_to,
    ocr_allowance,
    refuse,
)
from etl.report import Finding, ParsedReport

LOW_CONFIDENCE = 80  # Tesseract's 0-100 word confidence below which a value is to be checked
UNREAD_PAGES = "ocr_unread_pages"  # meta: scanned pages not read, OCR stopped on noise


def ocr_pdf(path: str, sha256: str, pdf) -> RawDocument:
    """An open pypdfium2 document whose pages are images, read page by page."""
    require_tesseract(path, "the PDF has no text layer (it looks scanned); it")
    indexes = scanned_indexes(path, pdf, range(len(pdf)))
    numbers = [i + 1 for i in indexes]
    return _ocr_pages(path, sha256, "pdf", zip(numbers, render_pages(pdf, indexes)), numbers)


def ocr_rows(path: str, numbered_pages, numbers: list[int], held: bool = True):
    """Rows (cells, Location, is table row) of (page number, grey image) pages, the
    confidence of each block/cell keyed "page:line:column", each value cell's readings by
    both engines under the same key, and the NoiseRun that says whether reading stopped early
    on pages of noise (etl.extract.ocr_noise). `held`: the file has shown no text yet (a scan,
    not a text PDF with pictures of pages), so its OCR time is granted once a page shows
    text, and until then it is held to LIMITS.ocr_seconds_before_text."""
    from etl.extract.deskew import straighten
    from etl.extract.ocr_noise import (
        JudgedReader,
        NoisePage,
        NoiseRun,
        looks_like_noise,
    )
    from etl.extract.scan import read_page

    rows: list[tuple[list[str], Location, bool]] = []
    confidence: dict[str, float] = {}
    readings: dict[str, dict] = {}
    watch = NoiseRun(numbers)
    watch.found_text = not held
    number = numbers[0] if numbers else 0
    try:  # until a page shows text, OCR is held to LIMITS.ocr_seconds_before_text
        with held_to(LIMITS.ocr_seconds_before_text if held else float("inf")) as release:

            def grant() -> None:  # a page shows text: the scan's time is granted
                if not watch.found_text:
                    release()
                    extend_time(ocr_allowance(len(numbers)))
                    watch.found_text = True

            for number, grey in numbered_pages:
                try:
                    if looks_like_noise(grey):  # before straightening: 1.3 s on a page of dots
                        raise NoisePage
                    page_rows = read_page(straighten(grey), JudgedReader(tesseract_words, grant))
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
                _add_page(number, page_rows, rows, confidence, readings)
    except TimeSpent:
        watch.out_of_time(number, LIMITS.ocr_seconds_before_text)
    return rows, confidence, readings, watch


def _add_page(number: int, page_rows, rows: list, confidence: dict, readings: dict) -> None:
    for line, (cells, confs, is_row, cell_readings) in enumerate(page_rows):
        rows.append((cells, Location(page=number, line=line), is_row))
        for col, conf in confs.items():
            confidence[f"{number}:{line}:{'' if col is None else col}"] = conf
        for col, read in cell_readings.items():
            readings[f"{number}:{line}:{col}"] = read


def extract_image(path: str, data: bytes, sha256: str) -> RawDocument:
    """A PNG/JPEG/TIFF file (every frame of a multi-page TIFF is a page)."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        count = getattr(image, "n_frames", 1)  # counted from the frame directory, none decoded
    except Image.DecompressionBombError as exc:  # Pillow's own pixel limit (179 M)
        raise refuse(path, "page_too_large", f"the image is too large ({exc})")
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise damaged_image_error(path, exc)
    check_count(path, "too_many_frames", "image frames", count, LIMITS.scanned_pages)
    require_tesseract(path, "the file is an image; it")
    numbers = list(range(1, count + 1))
    return _ocr_pages(path, sha256, "image", zip(numbers, image_frames(path, image)), numbers)


def _ocr_pages(path: str, sha256: str, fmt: str, numbered_pages, numbers) -> RawDocument:
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
