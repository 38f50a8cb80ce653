"""One scanned page image -> rows of text and table cells, for etl/extract/ocr.py.

Table rulings are what make a scan's table readable: the vertical rulings crossing a text
line split it into cells, the horizontal ones bound each cell above and below. Rulings are
found as long runs of dark pixels (numpy only), whitened before Tesseract reads the page, and
then used to cut out every value cell, which is read on its own (in one strip per page).
"""

from __future__ import annotations

import numpy as np

from etl.extract.ocr_words import (
    CJK_CHAR,
    Word,
    group_lines,
    is_cjk_word,
    is_digitish,
    join_words,
    min_confidence,
)
from etl.extract.scan_cells import read_cells, reread_labels
from etl.extract.scan_rulings import INK, cell_box, grow_mask, rulings, run_centres
from etl.normalize import parse_cell

LABEL_CONF = 60  # a Chinese word read at least this sure marks a label cell (misread digits
# come out as odd characters at low confidence)


def _row_cells(
    line: list[Word], v_mask, yc: int
) -> tuple[list[tuple[int, int]], list[bool]] | None:
    """The cells the vertical rulings cut the line into, and which of them hold label text."""
    band = v_mask[max(yc - 2, 0) : yc + 3].any(axis=0)
    xs = run_centres(band)
    if len(xs) < 2:
        return None
    cells = list(zip(xs, xs[1:]))
    return cells, [
        any(_inside(w, x0, x1) and is_cjk_word(w) and w.conf >= LABEL_CONF for w in line)
        for x0, x1 in cells
    ]


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


def read_page(grey: np.ndarray, tesseract) -> list[tuple[list[str], dict, bool, dict]]:
    """Rows of the page in reading order: (cells, {column or None: confidence}, is table row,
    {column: {engine: (text, confidence)}})."""
    if (grey < INK).mean() < 0.0005:
        return []  # an empty page
    h_mask, v_mask = rulings(grey)
    clean = grey.copy()
    clean[grow_mask(h_mask | v_mask)] = 255
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
            boxes = [cell_box(h_mask, v_mask, line, x0, x1, centres[n]) for (x0, x1), _ in values]
            if boxes and not _heading_row(boxes, labels):
                cells = boxes
        plans.append(cells)
        if cells:
            digits = sum(1 for w in line if is_digitish(w.text))
            key = _row_key(cells)
            if key not in ruled or digits > ruled[key][0]:
                ruled[key] = (digits, n)
    owners = {n: key for key, (_, n) in ruled.items()}
    members = _row_members(plans, ruled)
    reread_labels(clean, h_mask, v_mask, lines, found, plans, owners, centres, tesseract)
    order = sorted(owners)
    read = dict(zip(order, read_cells(clean, [plans[n] for n in order], tesseract)))
    rows = []
    for n, line in enumerate(lines):
        cells = plans[n]
        if not cells:
            rows.append(([join_words(line)], {None: min_confidence(line)}, False, {}))
            continue
        if n not in owners:
            continue  # a line of a wrapped label: its words are in the row's label
        label = _row_label(lines, found[n][0], members[n], cells[0][0])
        row = [label] if label else []  # 表四 rows carry no label cell
        confs, readings = {}, {}
        for col, (box, (text, conf, other, again)) in enumerate(
            zip(cells, read[n]), start=len(row)
        ):
            if text == "?":  # unreadable alone: the page reading of the cell, else a blank to check
                inside = [
                    w
                    for w in words
                    if box[0] <= w.cx < box[2] and box[1] <= w.cy < box[3] and is_digitish(w.text)
                ]
                text, conf = (
                    ("".join(w.text for w in inside), min_confidence(inside))
                    if inside
                    else ("", 0.0)
                )
            # ink Tesseract read as nothing is no reading ("?"), not a blank cell's 0
            readings[col] = {"tesseract": (text if text or conf is None else "?", conf)}
            readings[col]["rapid"] = other
            readings[col].update(again)  # both engines again, light marks removed
            row.append(cell_text(text, other[0]))
            if conf is not None:
                confs[col] = conf
        if any(row):
            rows.append((row, confs, True, readings))
    return rows


def _heading_row(boxes, labels) -> bool:
    """A heading row: most cells hold words (on this text line or another); one sure
    character alone may be a misread digit."""
    worded = sum(
        sum(
            len(CJK_CHAR.findall(w.text))
            for w in labels
            if w.conf >= LABEL_CONF and b[0] <= w.cx < b[2] and b[1] <= w.cy < b[3]
        )
        >= 2
        for b in boxes
    )
    return worded * 2 >= len(boxes)


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
