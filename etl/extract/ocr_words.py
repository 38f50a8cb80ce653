"""Words read by Tesseract (etl/extract/tesseract.py) and how they lie on a page: the word
with its box and confidence, whether it is Chinese or a figure, and the words grouped into text
lines as a text layer would print them (etl/extract/scan.py, scan_cells.py, ocr_noise.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from etl.normalize import BLANK_MARKERS

CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_DIGITISH = re.compile(r"^[\dOoIl|.,]+$")


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


def is_cjk_word(word: Word) -> bool:
    return bool(CJK_CHAR.search(word.text)) and word.text not in BLANK_MARKERS


def is_digitish(text: str) -> bool:
    return bool(_DIGITISH.match(text))


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Words into text lines by their vertical centres, each line left to right."""
    if not words:
        return []
    unit = float(np.median([w.y1 - w.y0 for w in words]))
    lines: list[list[Word]] = []
    centre = None
    for word in sorted(words, key=lambda w: w.cy):
        if lines and abs(word.cy - centre) <= max(unit * 0.5, 4):
            lines[-1].append(word)
            centre = float(np.mean([w.cy for w in lines[-1]]))
        else:
            lines.append([word])
            centre = word.cy
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def join_words(words: list[Word]) -> str:
    """A line's text: words far apart are separated by a space, as a text layer would print."""
    out = ""
    prev = None
    for w in words:
        if prev is not None:
            gap = w.x0 - prev.x1
            out += " " if gap > 0.6 * max(prev.y1 - prev.y0, w.y1 - w.y0, 1) else ""
        out += w.text
        prev = w
    return out


def min_confidence(words: list[Word]) -> float:
    digits = [w.conf for w in words if any(ch.isdigit() for ch in w.text)]
    return min(digits) if digits else min((w.conf for w in words), default=0.0)
