"""How a worksheet's table fits the printed page: display widths, text columns capped so a sheet
prints one A4 landscape page wide at a readable size, row heights for wrapped text (spreadsheet
programs do not grow a row on their own for text written by a library), no server paths."""

from __future__ import annotations

import math
import re


def text_width(text: str) -> int:
    """Display width in Excel character units: CJK and full-width characters count two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


PAGE_WIDTH = 170  # character units that print one A4 landscape page wide at about 90%
TEXT_MIN = 14  # a text column keeps this width when the sheet is made to fit the page
LINE_HEIGHT = 14  # points per wrapped line at the sheet's 10 pt font


def fit_widths(widths: list[float], text: list[bool], page: float = PAGE_WIDTH) -> list[float]:
    """Column widths with the widest text columns capped (their text wraps) so the sheet prints
    one page wide at a readable size; figure columns are never narrowed."""
    if sum(widths) <= page or not any(text):
        return list(widths)
    fixed = sum(w for w, t in zip(widths, text) if not t)
    room = max(page - fixed, TEXT_MIN * sum(text))
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
