"""One scanned page image -> rows of text and table cells, for etl/extract/ocr.py.

Table rulings are what make a scan's table readable: the vertical rulings crossing a text
line split it into cells, the horizontal ones bound each cell above and below. Rulings are
found as long runs of dark pixels (numpy only), whitened before Tesseract reads the page, and
then used to cut out every value cell, which is read on its own (in one strip per page).
"""

from __future__ import annotations

import numpy as np

from etl.extract.ocr import _CJK, Word, is_cjk_word, is_digitish
from etl.extract.rapid import read_crops
from etl.normalize import parse_cell

DARK = 200  # grey level below which a pixel is ink (ruling lines are often light grey)
MAX_RETRIES = 40  # cells per page read again on their own when the strip missed them
REREAD_CONF = 50  # a label word read less sure than this gets its cell read again alone
LABEL_CONF = 60  # a Chinese word read at least this sure marks a label cell (misread digits
# come out as odd characters at low confidence)
INK = 128  # below this a pixel counts as a stroke when deciding if a cell is blank


def runs(dark: np.ndarray, length: int, axis: int) -> np.ndarray:
    """Pixels that lie in a run of at least `length` dark pixels along `axis`."""
    d = dark if axis == 1 else dark.T
    csum = np.pad(np.cumsum(d, axis=1, dtype=np.int32), ((0, 0), (1, 0)))
    full = (csum[:, length:] - csum[:, :-length]) == length  # window starting here is all dark
    starts = np.pad(np.cumsum(full, axis=1, dtype=np.int32), ((0, 0), (1, 0)))
    j = np.arange(d.shape[1])
    lo = np.clip(j - length + 1, 0, full.shape[1])
    hi = np.clip(j + 1, 0, full.shape[1])
    covered = (starts[:, hi] - starts[:, lo]) > 0
    return covered if axis == 1 else covered.T


def rulings(grey: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(horizontal, vertical) ruling masks: runs longer than any character stroke."""
    height, width = grey.shape
    dark = grey < DARK
    return runs(dark, max(width // 20, 20), 1), runs(dark, max(height // 45, 20), 0)


def _grow(mask: np.ndarray) -> np.ndarray:
    out = mask.copy()
    out[1:] |= mask[:-1]
    out[:-1] |= mask[1:]
    out[:, 1:] |= mask[:, :-1]
    out[:, :-1] |= mask[:, 1:]
    return out


def _centres(flags: np.ndarray) -> list[int]:
    """Centres of the runs of True in a 1-D array."""
    idx = np.flatnonzero(flags)
    if idx.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate(([idx[0]], idx[breaks + 1]))
    ends = np.concatenate((idx[breaks], [idx[-1]]))
    return [int((s + e) // 2) for s, e in zip(starts, ends)]


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


def _row_cells(
    line: list[Word], v_mask, yc: int
) -> tuple[list[tuple[int, int]], list[bool]] | None:
    """The cells the vertical rulings cut the line into, and which of them hold label text."""
    band = v_mask[max(yc - 2, 0) : yc + 3].any(axis=0)
    xs = _centres(band)
    if len(xs) < 2:
        return None
    cells = list(zip(xs, xs[1:]))
    return cells, [
        any(_inside(w, x0, x1) and is_cjk_word(w) and w.conf >= LABEL_CONF for w in line)
        for x0, x1 in cells
    ]


def _cell_box(
    h_mask, v_mask, line: list[Word], x0: int, x1: int, yc: int
) -> tuple[int, int, int, int]:
    """The cell's box: the horizontal rulings above and below the line at the cell's middle. A
    table row is bounded by its rulings, not by its text: a label wrapped over five lines makes
    a cell taller than any fixed reach, so a ruling further off still bounds the cell when the
    cell's left ruling runs unbroken from the line to it."""
    column = h_mask[:, (x0 + x1) // 2]
    above = np.flatnonzero(column[:yc])
    below = np.flatnonzero(column[yc:])
    reach = 4 * max((w.y1 - w.y0 for w in line), default=20)
    up, down = _ruled_extent(v_mask, x0, yc)
    y0 = int(above[-1]) if above.size and yc - above[-1] < max(reach, up) else yc - reach // 3
    y1 = int(yc + below[0]) if below.size and below[0] < max(reach, down) else yc + reach // 3
    return x0, y0, x1, y1


def _ruled_extent(v_mask, x: int, yc: int) -> tuple[int, int]:
    """How far up and down from yc the vertical ruling at x runs unbroken (0 when none)."""
    side = v_mask[:, max(x - 2, 0) : x + 3].any(axis=1)
    if not side[yc]:
        return 0, 0
    gaps_up = np.flatnonzero(~side[: yc + 1][::-1])
    gaps_down = np.flatnonzero(~side[yc:])
    up = int(gaps_up[0]) if gaps_up.size else yc
    down = int(gaps_down[0]) if gaps_down.size else len(side) - yc
    return up + 4, down + 4


def _table_key(cells: list[tuple[int, int]]) -> tuple[int, ...]:
    """Rows of one table share their last column rulings (label columns vary with row spans)."""
    return tuple(x // 8 for _, x in cells[-3:])


def _value_start(plans) -> dict[int, int]:
    """Per table (known by its last column rulings), where the value columns start: the most common
    first cell after the label across its rows (a misread mark in one row does not move it)."""
    starts: dict[int, list[int]] = {}
    for plan in plans:
        if plan is None:
            continue
        cells, cjk = plan
        label_end = max((i for i, c in enumerate(cjk) if c), default=-1)
        if label_end < len(cells) - 1:
            starts.setdefault(_table_key(cells), []).append(cells[label_end + 1][0])
    return {table: max(set(xs), key=xs.count) for table, xs in starts.items()}


def _inside(word: Word, x0: int, x1: int) -> bool:
    """Most of the word lies between x0 and x1."""
    overlap = min(word.x1, x1) - max(word.x0, x0)
    return overlap > 0.5 * max(word.x1 - word.x0, 1)


def _read_cells(  # noqa: C901 (one case per document layout; see docstring)
    clean: np.ndarray, rows_of_boxes, tesseract
) -> list[list[tuple[str, float | None, tuple[str, float | None]]]]:
    """Each cell's Tesseract text and confidence, and the second engine's: no ink is blank; the
    rest are read by Tesseract in one strip, a ruled row per strip line with wide gaps between
    cells (so no two cells run together and a lone narrow digit such as 1 is still seen as a
    word), and by the second engine crop by crop (etl.extract.rapid)."""
    from PIL import Image

    results = [[("", None, ("", None))] * len(boxes) for boxes in rows_of_boxes]
    lines = []  # per strip line: [(row, cell, crop)]
    for r, boxes in enumerate(rows_of_boxes):
        line = []
        for c, (x0, y0, x1, y1) in enumerate(boxes):
            crop = clean[y0 + 3 : y1 - 2, x0 + 3 : x1 - 2]
            ink = crop < INK
            if crop.size == 0 or ink.sum() < 6:
                continue
            ys, xs = np.nonzero(ink)
            crop = crop[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
            if crop.shape[0] < 32:  # small print reads better enlarged
                factor = 32 / crop.shape[0]
                crop = np.asarray(
                    Image.fromarray(crop).resize(
                        (max(1, round(crop.shape[1] * factor)), 32), Image.LANCZOS
                    )
                )
            line.append((r, c, crop))
        if line:
            lines.append(line)
    if not lines:
        return results
    tall = max(crop.shape[0] for line in lines for _, _, crop in line)
    slot, gap = tall + 40, max(100, 3 * tall)
    width = max(sum(crop.shape[1] + gap for _, _, crop in line) for line in lines) + gap
    strip = np.full((slot * len(lines), width), 255, dtype=np.uint8)
    spans: list[list[tuple[int, int, int, int]]] = []  # per strip line: (row, cell, x0, x1)
    for n, line in enumerate(lines):
        x = gap
        placed = []
        for r, c, crop in line:
            strip[n * slot + 20 : n * slot + 20 + crop.shape[0], x : x + crop.shape[1]] = crop
            placed.append((r, c, x, x + crop.shape[1]))
            x += crop.shape[1] + gap
        spans.append(placed)
    found: dict[tuple[int, int], list[Word]] = {}
    for word in tesseract(strip, "eng", 6, "0123456789.,/-"):
        n = int(word.cy // slot)
        for r, c, x0, x1 in spans[n] if 0 <= n < len(spans) else ():
            if x0 - gap / 2 <= word.cx < x1 + gap / 2:
                found.setdefault((r, c), []).append(word)
                break
    crops = {(r, c): crop for line in lines for r, c, crop in line}
    # a crop with ink the second engine reads as nothing is no reading ("?"), not a blank
    second = {k: (t or "?", c) for k, (t, c) in zip(crops, read_crops(list(crops.values())))}
    retries = 0
    for placed in spans:
        for r, c, _, _ in placed:
            words = sorted(found.get((r, c), []), key=lambda w: w.x0)
            if not words and retries < MAX_RETRIES:  # read a cell the strip missed on its own
                retries += 1
                words = _read_alone(crops[(r, c)], tesseract)
            if words:
                text, conf = "".join(w.text for w in words), min(w.conf for w in words)
            else:
                text, conf = "?", 0.0  # ink that reads as nothing
            results[r][c] = (text, conf, second[(r, c)])
    return results


def _enlarge(crop: np.ndarray, height: int) -> np.ndarray:
    """Small print scaled up to `height` pixels: Tesseract reads a lone character or digit of
    a 150 dpi scan far better at about 48 px than at its printed 17 px."""
    from PIL import Image

    if crop.shape[0] >= height:
        return crop
    width = max(1, round(crop.shape[1] * height / crop.shape[0]))
    return np.asarray(Image.fromarray(crop).resize((width, height), Image.LANCZOS))


def _read_alone(crop: np.ndarray, tesseract) -> list[Word]:
    """One cell read as a single word: Tesseract drops a lone narrow digit (a serif 1) from a
    line, but reads it as a word of its own at about 48 px high with a small margin."""
    from PIL import Image

    factor = 48 / crop.shape[0]
    crop = np.asarray(
        Image.fromarray(crop).resize((max(1, round(crop.shape[1] * factor)), 48), Image.LANCZOS)
    )
    alone = np.full((crop.shape[0] + 40, crop.shape[1] + 40), 255, np.uint8)
    alone[20 : 20 + crop.shape[0], 20 : 20 + crop.shape[1]] = crop
    return tesseract(alone, "eng", 8, "0123456789.,/-") or tesseract(
        alone, "eng", 13, "0123456789.,/-"
    )


def read_page(grey: np.ndarray, tesseract) -> list[tuple[list[str], dict, bool, dict]]:
    """Rows of the page in reading order: (cells, {column or None: confidence}, is table row,
    {column: {engine: (text, confidence)}})."""
    if (grey < INK).mean() < 0.0005:
        return []  # an empty page
    h_mask, v_mask = rulings(grey)
    clean = grey.copy()
    clean[_grow(h_mask | v_mask)] = 255
    words = tesseract(clean, "chi_sim", 6)
    labels = [w for w in words if is_cjk_word(w) and w.conf >= 20]
    lines = group_lines(words)
    centres = [int(np.median([w.cy for w in line])) for line in lines]
    found = [_row_cells(line, v_mask, yc) for line, yc in zip(lines, centres)]
    value_start = _value_start(found)
    ruled: dict[tuple, tuple[int, int]] = {}  # first value cell -> (digits, owner line)
    plans: list[list | None] = []
    for n, (line, plan) in enumerate(zip(lines, found)):
        cells = None
        if plan is not None and _table_key(plan[0]) in value_start:
            start = value_start[_table_key(plan[0])]
            values = [(c, cjk) for c, cjk in zip(*plan) if c[0] >= start - 4]
            boxes = [_cell_box(h_mask, v_mask, line, x0, x1, centres[n]) for (x0, x1), _ in values]
            # a heading row: most cells hold words (on this text line or another); one sure
            # character alone may be a misread digit
            worded = sum(
                sum(
                    len(_CJK.findall(w.text))
                    for w in labels
                    if w.conf >= LABEL_CONF and b[0] <= w.cx < b[2] and b[1] <= w.cy < b[3]
                )
                >= 2
                for b in boxes
            )
            if boxes and worded * 2 < len(boxes):
                cells = boxes
        plans.append(cells)
        if cells:
            digits = sum(1 for w in line if is_digitish(w.text))
            key = _row_key(cells)
            if key not in ruled or digits > ruled[key][0]:
                ruled[key] = (digits, n)
    owners = {n: key for key, (_, n) in ruled.items()}
    members = _row_members(plans, ruled)
    _reread_labels(clean, h_mask, v_mask, lines, found, plans, owners, centres, tesseract)
    order = sorted(owners)
    read = dict(zip(order, _read_cells(clean, [plans[n] for n in order], tesseract)))
    rows = []
    for n, line in enumerate(lines):
        cells = plans[n]
        if not cells:
            rows.append(([join_words(line)], {None: _min_conf(line)}, False, {}))
            continue
        if n not in owners:
            continue  # a line of a wrapped label: its words are in the row's label
        label = _row_label(lines, found[n][0], members[n], cells[0][0])
        row = [label] if label else []  # 表四 rows carry no label cell
        confs, readings = {}, {}
        for col, (box, (text, conf, other)) in enumerate(zip(cells, read[n]), start=len(row)):
            if text == "?":  # unreadable alone: the page reading of the cell, else a blank to check
                inside = [
                    w
                    for w in words
                    if box[0] <= w.cx < box[2] and box[1] <= w.cy < box[3] and is_digitish(w.text)
                ]
                text, conf = (
                    ("".join(w.text for w in inside), _min_conf(inside)) if inside else ("", 0.0)
                )
            # ink Tesseract read as nothing is no reading ("?"), not a blank cell's 0
            readings[col] = {"tesseract": (text if text or conf is None else "?", conf)}
            readings[col]["rapid"] = other
            row.append(cell_text(text, other[0]))
            if conf is not None:
                confs[col] = conf
        if any(row):
            rows.append((row, confs, True, readings))
    return rows


def _row_members(plans, ruled) -> dict[int, list[int]]:
    """Owner line -> every text line of its ruled row (a wrapped label's lines)."""
    members: dict[int, list[int]] = {}
    for n, cells in enumerate(plans):
        if cells:
            members.setdefault(ruled[_row_key(cells)][1], []).append(n)
    return members


def _row_key(cells: list[tuple[int, int, int, int]]) -> tuple[int, int, int]:
    """A ruled row is known by its first value cell's left ruling and its rulings above and
    below: every text line of the row gives the same."""
    return cells[0][:2] + (cells[0][3],)


def _row_label(lines, label_cells, member_lines: list[int], start: int) -> str:
    """The words left of the row's values on every text line of the ruled row, cell by cell
    left to right and each cell's lines top to bottom: a label wrapped over several lines of a
    narrow column («1.属于» «国家秘» «密») reads as one («1.属于国家秘密»)."""
    bounds = [(x0, x1) for x0, x1 in label_cells if x0 < start]
    by_cell: dict[int, list[Word]] = {}
    for m in member_lines:
        for w in lines[m]:
            if w.cx < start:
                cell = next((i for i, (x0, x1) in enumerate(bounds) if x0 <= w.cx < x1), -1)
                by_cell.setdefault(cell, []).append(w)
    return " ".join(
        "".join(join_words(line) for line in group_lines(by_cell[cell])) for cell in sorted(by_cell)
    )


def cell_text(first: str, second: str) -> str:
    """What the parser is given for a cell: Tesseract's reading, or the second engine's when
    only that one is a number (the two are weighed later, etl.parse.ocr_vote)."""
    if parse_cell(first).numeric or not parse_cell(second).numeric:
        return first
    return second


def _reread_labels(clean, h_mask, v_mask, lines, found, plans, owners, centres, tesseract) -> None:
    """Label cells of table rows holding a word Tesseract was unsure of, or a character or two
    alone (a unit such as 件 alone in its cell often reads as a random character, even with
    confidence), are read again on their own, all in one strip, and replace the page reading
    of that cell."""
    jobs = []
    for n in owners:
        start = plans[n][0][0]
        height = max(w.y1 - w.y0 for w in lines[n])
        for x0, x1 in found[n][0]:
            if x1 > start + 4:
                break
            inside = [w for w in lines[n] if x0 <= w.cx < x1 and is_cjk_word(w)]
            lone = 0 < sum(len(_CJK.findall(w.text)) for w in inside) <= 2
            if not lone and not any(w.conf < REREAD_CONF for w in inside):
                continue
            bx0, by0, bx1, by1 = _cell_box(h_mask, v_mask, lines[n], x0, x1, centres[n])
            crop = clean[by0 + 3 : by1 - 2, bx0 + 3 : bx1 - 2]
            ys, xs = np.nonzero(crop < INK)
            if ys.size and ys.max() - ys.min() < 2.5 * height:  # one line of text, not a span
                jobs.append(
                    (
                        n,
                        x0,
                        x1,
                        _enlarge(crop[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1], 48),
                    )
                )
    if not jobs:
        return
    slot = max(c.shape[0] for *_, c in jobs) + 30
    strip = np.full((slot * len(jobs), max(c.shape[1] for *_, c in jobs) + 40), 255, np.uint8)
    for i, (*_, crop) in enumerate(jobs):
        strip[i * slot + 15 : i * slot + 15 + crop.shape[0], 20 : 20 + crop.shape[1]] = crop
    read: dict[int, list[Word]] = {}
    for word in tesseract(strip, "chi_sim", 6):
        read.setdefault(int(word.cy // slot), []).append(word)
    for i, (n, x0, x1, _) in enumerate(jobs):
        again = sorted(read.get(i, []), key=lambda w: w.x0)
        if not again:
            continue
        kept = [w for w in lines[n] if not x0 <= w.cx < x1]
        before = min((w.conf for w in lines[n] if x0 <= w.cx < x1), default=0.0)
        if min(w.conf for w in again) <= before:
            continue  # the page reading was at least as sure
        cy = int(centres[n])
        cell = Word(join_words(again), x0 + 3, cy - 1, x1 - 3, cy + 1, min(w.conf for w in again))
        lines[n] = sorted(kept + [cell], key=lambda w: w.x0)


def _min_conf(words: list[Word]) -> float:
    digits = [w.conf for w in words if any(ch.isdigit() for ch in w.text)]
    return min(digits) if digits else min((w.conf for w in words), default=0.0)
