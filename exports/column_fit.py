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

CELL_PAD_MM = 0.6  # left and right padding inside a table cell (1 mm cost a column's width)
PT_MM = 25.4 / 72  # one point in millimetres
SHORT_WORD_EM = 4.5  # a word up to this wide stays whole (「得分/15」 is 4.05 em)
ONE_LINE_EM = 8  # cells up to this wide (unit names, figures) stay on one line
LONG_TEXT_EM = 12  # a column whose cells run longer wraps before any other column does
NAME_EM = 24  # a unit name up to this wide is kept on one line while the page allows it
# A note column (计分说明, 预警说明) is kept wide enough for a typical note (three in four are
# no longer) in NOTE_LINES lines while the page allows (at 4 em a 40-character note took 7
# lines, its row 5 times as tall as the others), up to NOTE_EM: a rare long note may take more
# lines rather than narrow every other column.
NOTE_LINES = 3
NOTE_EM = 16

# Where a line may break inside a cell: spaces and Chinese list punctuation.
_WORD_BREAKS = re.compile(r"[\s、，,；;：:（）()]+")
# Inside a long Chinese word: a number or Latin run with its sign and unit, or one character.
_NOT_NAME = re.compile(r"[\s、，,；;：:。]")  # a cell with these is a note, not a name
_RUNS = re.compile(r"[+\-−/]?[A-Za-z0-9][A-Za-z0-9.,/:%‰+\-]*|.")


# Narrow characters drawn about as wide as a Chinese one in the fallback fonts (the rendered
# 「100.0%」 of a fitted 办结率 column still broke before its %, counted at 0.6 em; DejaVu, what
# LibreOffice draws for Times New Roman without it, draws + at 0.84 em: 「+13」 broke as +1/3)
_WIDE_SIGNS = "%‰+−"


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


def two_line_header(header: str) -> str:
    """`header` broken at its natural break point when it is longer than a short word: before an
    opening bracket, after 、 or ·, wherever the longer line is shortest (「绩效折算分」 over
    「（占4%）」), so it takes two lines in a column as wide as that line, not three in a narrower
    one. A header without such a point is kept whole; its column is made wide enough that the
    table program wraps it on two lines at most (header_em)."""
    if "\n" in header or text_em(header) <= SHORT_WORD_EM:
        return header
    cuts = [i for i, ch in enumerate(header) if ch in "（(" and i] + [
        i + 1 for i, ch in enumerate(header[:-1]) if ch in "、·，"
    ]
    if not cuts:
        return header
    cut = min(cuts, key=lambda i: max(text_em(header[:i]), text_em(header[i:])))
    return f"{header[:cut]}\n{header[cut:]}"


def header_em(header: str) -> float:
    """Width in em a header needs to take at most two lines: its widest line when it is already
    broken (two_line_header), else half of it (a Chinese word wraps between any characters)."""
    if "\n" in header:
        return text_em(header)
    return max(math.ceil(text_em(header) / 2), unbreakable_em(header))


def _is_name(texts: list[str]) -> bool:
    """A column of names (units): no cell has a space or list punctuation (a note has), none is
    longer than NAME_EM. Such a column is kept on one line while the page allows it."""
    return any(texts) and all(not _NOT_NAME.search(t) and text_em(t) <= NAME_EM for t in texts)


def _note_em(texts: list[str]) -> float:
    """The least width in em of a note column: a typical note of `texts` (the upper quartile of
    the non-empty ones) in NOTE_LINES lines, plus one em for a line broken early before a number
    or a Latin word."""
    ems = sorted(text_em(t) for t in texts if t)
    typical = ems[(len(ems) - 1) * 3 // 4] if ems else 0.0
    return min(math.ceil(typical / NOTE_LINES) + 1, NOTE_EM)


def _needs(
    headers, rows, font_pt: float, groups=None, *, wrap_names: bool = False, roomy_notes=False
):
    """(wanted, least) width in mm of each column at `font_pt` (see column_widths), and which
    columns hold long text; with `roomy_notes` a note column's least width holds a note in
    NOTE_LINES lines. A group's name (a header over several columns, `groups`) takes at
    most two lines across its columns' joint width: they are widened to it equally."""
    em = font_pt * PT_MM
    pad = 2 * CELL_PAD_MM + 0.5  # and a little room for a substituted font's wider glyphs
    columns = list(zip(*([list(headers)] + [list(r) for r in rows])))
    want, least, long = [], [], []
    for header, *cells in columns:
        texts = ["" if c is None else str(c) for c in cells]
        content = max((text_em(t) for t in texts), default=0.0)
        head = header_em(two_line_header(header))
        whole = max(unbreakable_em(t) for t in [header, *texts])
        name = _is_name(texts) and not wrap_names
        short = content <= ONE_LINE_EM or name  # figures, short words, names: one line
        want.append(max(content, head, whole, 2) * em + pad)
        is_long = content > LONG_TEXT_EM and not name
        note = _note_em(texts) if is_long and roomy_notes else 4
        least.append(max(content if short else note, head, whole, 2) * em + pad)
        long.append(is_long)
    for group, first, last in _runs(groups or [None] * len(want)):
        need = header_em(two_line_header(group)) * em + pad
        for widths in (want, least):
            short_by = need - sum(widths[first : last + 1])
            for c in range(first, last + 1):
                widths[c] += max(short_by, 0.0) / (last - first + 1)
    return want, least, long


def _runs(groups) -> list[tuple[str, int, int]]:
    """(group, first, last) of each run of adjacent columns under one group name."""
    runs: list[tuple[str, int, int]] = []
    for i, group in enumerate(groups):
        if group and runs and runs[-1][0] == group and runs[-1][2] == i - 1:
            runs[-1] = (group, runs[-1][1], i)
        elif group:
            runs.append((group, i, i))
    return runs


def fits(
    headers,
    rows,
    *,
    width_mm: float,
    font_pt: float,
    groups=None,
    wrap_names: bool = False,
    roomy_notes: bool = False,
) -> bool:
    """Whether the table fits `width_mm` at `font_pt` with every cell on one line (unit names
    too, unless `wrap_names`) except those of long-text columns (notes), which may wrap down to
    their least width (NOTE_LINES lines with `roomy_notes`)."""
    want, least, long = _needs(
        headers, rows, font_pt, groups, wrap_names=wrap_names, roomy_notes=roomy_notes
    )
    return sum(m if lg else w for w, m, lg in zip(want, least, long)) <= width_mm


def column_widths(
    headers, rows, *, width_mm: float, font_pt: float, groups=None, roomy_notes: bool = False
) -> list[float]:
    """Column widths (mm) that fit `width_mm`: each column wants its longest cell on one line and
    its header on at most two lines; when that is too wide, the widest columns give way first
    (their text wraps), never below their least width (no number, short token or unit name
    broken; names wrap only when even that is too wide; notes keep NOTE_LINES lines with
    `roomy_notes` unless even wrapped names leave no room for that); any width left over is
    shared out in proportion to what the columns want."""
    for wrap_names, roomy in ((False, roomy_notes), (True, roomy_notes), (True, False)):
        want, least, _ = _needs(
            headers, rows, font_pt, groups, wrap_names=wrap_names, roomy_notes=roomy
        )
        if sum(least) <= width_mm:
            break
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
