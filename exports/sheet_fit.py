"""How a worksheet's table fits the printed page: display widths, text columns capped so a sheet
prints one A4 landscape page wide at a readable size, row heights for wrapped text (spreadsheet
programs do not grow a row on their own for text written by a library), no server paths."""

from __future__ import annotations

import math
import re


def text_width(text: str) -> int:
    """Display width in Excel character units: CJK and full-width characters count two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


# A4 landscape less the 0.4-inch side margins (exports.xlsx_text.print_setup), in pixels at 96
# dpi, and what a column `width` characters wide takes: Excel's character unit is 7 pixels
# (Calibri), LibreOffice's about 9.3 where Calibri's metric twin is missing (DejaVu Sans); the
# wider one keeps a page from being cut again by the program that prints it.
PRINTABLE_PX = (297 / 25.4 - 0.8) * 96
CHAR_PX = 9.5
MIN_SCALE = 70  # below this a 10-pt sheet prints under 7 pt: print across pages instead
# character units of columns that still print one page wide at MIN_SCALE (with cell padding)
PAGE_WIDTH = int(PRINTABLE_PX * 100 / MIN_SCALE / CHAR_PX) - 7
# A3 landscape (a wide 汇总 sheet, as offices print it) with the same margins
A3_PRINTABLE_PX = (420 / 25.4 - 0.8) * 96
A3_PAGE_WIDTH = int(A3_PRINTABLE_PX * 100 / MIN_SCALE / CHAR_PX) - 7
TEXT_MIN = 14  # a text column keeps this width when the sheet is made to fit the page
LINE_HEIGHT = 14  # points per wrapped line at the sheet's 10 pt font


def fit_widths(widths: list[float], text: list[bool], page: float = PAGE_WIDTH) -> list[float]:
    """Column widths with the widest text columns capped (their text wraps) so the sheet prints
    one page wide at a readable size; figure columns are never narrowed. A sheet whose figure
    columns alone pass the page prints across pages (print_plan): its text keeps its width
    rather than wrap into rows many lines tall on every page."""
    fixed = sum(w for w, t in zip(widths, text) if not t)
    if sum(widths) <= page or not any(text) or fixed + TEXT_MIN * sum(text) > page:
        return list(widths)
    room = page - fixed
    low, high = float(TEXT_MIN), max(widths)
    for _ in range(40):
        cap = (low + high) / 2
        used = sum(min(w, max(cap, TEXT_MIN)) for w, t in zip(widths, text) if t)
        low, high = (cap, high) if used <= room else (low, cap)
    return [min(w, max(low, TEXT_MIN)) if t else w for w, t in zip(widths, text)]


def wrapped_lines(text: str, width: float) -> int:
    """Lines `text` takes in a wrapping cell `width` character units wide."""
    usable = max(width - 1, 1)
    return sum(max(1, math.ceil(text_width(part) / usable)) for part in str(text).split("\n"))


# A server path in a cell (a loader message naming another year's file): only its file name.
PATH = re.compile(r"(?:[A-Za-z]:)?[\\/](?:[^\s\\/，。；：（）()]+[\\/])+([^\s\\/，。；：（）()]+)")


def column_px(width: float) -> float:
    return width * CHAR_PX + 5


def one_page_wide(widths: list[float], printable: float = PRINTABLE_PX) -> bool:
    """Whether columns this wide print one page wide at MIN_SCALE % or more."""
    return printable / sum(column_px(w) for w in widths) * 100 >= MIN_SCALE


def print_plan(widths: list[float], repeat: int, starts: list[int]) -> tuple[int | None, list[int]]:
    """How a sheet with these column widths prints: (None, []) when it fits one page wide at
    MIN_SCALE or more (fit to width); else (scale %, columns that start a new page), the first
    `repeat` columns repeated on every page and pages cut only at `starts` (a group's first
    column), so no page prints below MIN_SCALE and no indicator's columns are split."""
    px = [column_px(w) for w in widths]
    if one_page_wide(widths):
        return None, []
    cuts = sorted(set(starts) - set(range(repeat + 1)))
    fewest = len(_page_starts(px, repeat, cuts, MIN_SCALE))
    if not fewest:  # nowhere to cut (one wide group): smaller type beats a clipped page
        return None, []
    for scale in range(100, MIN_SCALE - 1, -1):  # the largest type that needs no more pages
        breaks = _page_starts(px, repeat, cuts, scale)
        pages = zip([repeat, *breaks], [*breaks, len(px)])
        widest = max(sum(px[a:b]) for a, b in pages) + sum(px[:repeat])
        if len(breaks) <= fewest and widest * scale / 100 <= PRINTABLE_PX:
            return scale, breaks
    return MIN_SCALE, breaks  # one indicator wider than a page: it prints cut at MIN_SCALE


def _page_starts(px: list[float], repeat: int, cuts: list[int], scale: int) -> list[int]:
    """The columns that start a new page when pages fill up greedily at `scale` %."""
    room = PRINTABLE_PX * 100 / scale - sum(px[:repeat])
    breaks, first, fitting = [], repeat, None  # fitting: the furthest cut that still fits
    for cut in [*cuts, len(px)]:
        if sum(px[first:cut]) > room and fitting is not None and fitting > first:
            breaks.append(fitting)
            first = fitting
        fitting = cut
    return breaks
