"""Column widths fitted to what a Word table holds (exports.docx_layout, exports.word).

Text is measured in em: a Chinese or full-width character 1, a Latin letter or digit 0.6 (a
Chinese character is about two Latin ones). A column is never narrower than the widest piece a
line must not break: a number with its sign and unit (「+13」, 「100.0%」), a header token such as
「得分/15」, a mixed word of up to four and a half em, a Chinese word of up to three characters; a longer
Chinese word wraps on at most two lines (名次/变化), a long mixed one between its characters,
never inside a number.
"""

from __future__ import annotations

import math
import re

CELL_PAD_MM = 1.0  # left and right padding inside a table cell
PT_MM = 25.4 / 72  # one point in millimetres
SHORT_WORD_EM = 4.5  # a word up to this wide stays whole (「得分/15」 is 4.05 em)
ONE_LINE_EM = 8  # cells up to this wide (unit names, figures) stay on one line
LONG_TEXT_EM = 12  # a column whose cells run longer wraps before any other column does

# Where a line may break inside a cell: spaces and Chinese list punctuation.
_WORD_BREAKS = re.compile(r"[\s、，,；;：:（）()]+")
# Inside a long Chinese word: a number or Latin run with its sign and unit, or one character.
_RUNS = re.compile(r"[+\-−/]?[A-Za-z0-9][A-Za-z0-9.,/:%‰+\-]*|.")


# Narrow characters drawn about as wide as a Chinese one in the fallback fonts (the rendered
# 「100.0%」 of a fitted 办结率 column still broke before its %, counted at 0.6 em)
_WIDE_SIGNS = "%‰"


def _wide(ch: str) -> bool:
    return ord(ch) > 0x2E7F


def text_em(text: str) -> float:
    """Width of the longest line of `text` in em: Chinese and full-width characters and % 1, others 0.6,
    plus the ¼ em Word and LibreOffice put between Chinese and Latin text (「2023 年 1 月」)."""

    def em(line: str) -> float:
        switches = sum(_wide(a) != _wide(b) for a, b in zip(line, line[1:]))
        return sum(1.0 if _wide(ch) or ch in _WIDE_SIGNS else 0.6 for ch in line) + 0.25 * switches

    return max(em(line) for line in str(text).split("\n"))


def unbreakable_em(text: str) -> float:
    """Width in em of the widest piece of `text` that must stay on one line (module doc); a run
    longer than a long-text line (a file name, a URL) may still be cut."""
    widest = 0.0
    for line in str(text).split("\n"):
        for word in _WORD_BREAKS.split(line):
            if not word:
                continue
            em = text_em(word)
            if all(_wide(ch) for ch in word) and len(word) > 3:
                em = math.ceil(len(word) / 2)  # 「名次变化」 may wrap as 名次/变化, not further
            elif em > SHORT_WORD_EM and any(_wide(ch) for ch in word):
                em = max(text_em(run) for run in _RUNS.findall(word))
            widest = max(widest, min(em, LONG_TEXT_EM))
    return widest


def _needs(headers, rows, font_pt: float) -> tuple[list[float], list[float], list[bool]]:
    """(wanted, least) width in mm of each column at `font_pt` (see column_widths), and which
    columns hold long text."""
    em = font_pt * PT_MM
    pad = 2 * CELL_PAD_MM + 0.5  # and a little room for a substituted font's wider glyphs
    columns = list(zip(*([list(headers)] + [list(r) for r in rows])))
    want, least, long = [], [], []
    for header, *cells in columns:
        texts = ["" if c is None else str(c) for c in cells]
        content = max((text_em(t) for t in texts), default=0.0)
        head = text_em(header)
        whole = max(unbreakable_em(t) for t in [header, *texts])
        short = content <= ONE_LINE_EM  # figures and short words stay on one line
        want.append(max(content, math.ceil(head / (3 if short else 2)), whole, 2) * em + pad)
        least.append(max(content if short else 4, math.ceil(head / 4), whole, 2) * em + pad)
        long.append(content > LONG_TEXT_EM)
    return want, least, long


def fits(headers, rows, *, width_mm: float, font_pt: float) -> bool:
    """Whether the table fits `width_mm` at `font_pt` with every cell on one line except those
    of long-text columns (notes), which may wrap down to their least width."""
    want, least, long = _needs(headers, rows, font_pt)
    return sum(m if lg else w for w, m, lg in zip(want, least, long)) <= width_mm


def column_widths(headers, rows, *, width_mm: float, font_pt: float) -> list[float]:
    """Column widths (mm) that fit `width_mm`: each column wants its longest cell on one line and
    its header on at most three lines; when that is too wide, the widest columns give way first
    (their text wraps), never below their least width (no number or short token broken); any
    width left over is shared out in proportion to what the columns want."""
    want, least, _ = _needs(headers, rows, font_pt)
    total = sum(want)
    if total <= width_mm:
        return [w + (width_mm - total) * w / total for w in want]
    if sum(least) > width_mm:  # too wide even wrapped (the caller picks a smaller font first)
        return [m * width_mm / sum(least) for m in least]
    # the widest columns give way first: cap every column at one width, found by bisection
    low, high = 0.0, max(want)
    for _ in range(40):
        cap = (low + high) / 2
        if sum(max(m, min(w, cap)) for w, m in zip(want, least)) > width_mm:
            high = cap
        else:
            low = cap
    widths = [max(m, min(w, low)) for w, m in zip(want, least)]
    spare = width_mm - sum(widths)
    capped = [i for i, w in enumerate(widths) if w < want[i]] or list(range(len(widths)))
    for i in capped:
        widths[i] += spare / len(capped)
    return widths
