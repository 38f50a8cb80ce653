"""Table rulings of a scanned page (numpy only): long runs of dark pixels, longer than any
character stroke, and the cell boxes they bound (etl/extract/scan.py).
"""

from __future__ import annotations

import numpy as np

from etl.extract.ocr_words import Word

DARK = 200  # grey level below which a pixel is ink (ruling lines are often light grey)
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


def grow_mask(mask: np.ndarray) -> np.ndarray:
    out = mask.copy()
    out[1:] |= mask[:-1]
    out[:-1] |= mask[1:]
    out[:, 1:] |= mask[:, :-1]
    out[:, :-1] |= mask[:, 1:]
    return out


def run_centres(flags: np.ndarray) -> list[int]:
    """Centres of the runs of True in a 1-D array."""
    idx = np.flatnonzero(flags)
    if idx.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate(([idx[0]], idx[breaks + 1]))
    ends = np.concatenate((idx[breaks], [idx[-1]]))
    return [int((s + e) // 2) for s, e in zip(starts, ends)]


def cell_box(
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
