"""Scanned pages as grey images for OCR, one at a time and within etl/limits.py: the image
pages of a PDF rendered by pdfium (blank ones left out), the frames of a PNG/JPEG/TIFF decoded
and brought near 150 dpi.
"""

from __future__ import annotations

import math

from etl.errors import ReportError
from etl.limits import LIMITS, check_time, refuse

PAGE_DPI = 150  # scanned pages are read at this resolution (text of 9 pt and up reads well)


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


def image_frames(path: str, image):
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
        raise damaged_image_error(path, exc)


def damaged_image_error(path: str, exc) -> ReportError:
    return ReportError(
        path,
        f"the image is damaged or not a picture ({exc})",
        "download it again or scan the page anew",
        "bad_image",
    )
