"""Table rulings of a scanned page (numpy only): long runs of dark pixels, longer than any
character stroke, and the cell boxes they bound (etl/extract/scan.py).
"""

from __future__ import annotations

import numpy as np

from etl.extract.ocr_words import Word

DARK = 200  # grey level below which a pixel is ink (ruling lines are often light grey)
INK = 128  # below this a pixel counts as a stroke when deciding if a cell is blank
ANCHOR_PX = 4  # a ruling's end meets the ruling across it within this many pixels
ANCHOR_SPAN = 3  # a vertical run this many times a ruling's least length is a ruling anyway


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
    """(horizontal, vertical) ruling masks: runs longer than any character stroke. Both are
    measured against the page's size: the vertical one against its longer side, so that a page
    cut short (the rest of a table continued at the top of an otherwise blank or cropped page)
    keeps the scale of a whole page, and the stroke of a digit 1 is not taken for a ruling."""
    height, width = grey.shape
    dark = grey < DARK
    length = max(max(height, width) // 45, 20)
    # a filled shape (the star of a seal, a black box) is dark over runs both ways: a ruling
    # is a line a few pixels thick
    thick = max(width // 150, 6)
    h_mask, v_mask = runs(dark, max(width // 20, 20), 1), runs(dark, length, 0)
    h_mask &= ~runs(h_mask, thick, 0)
    v_mask &= ~runs(v_mask, thick, 1)
    return h_mask, _anchored(v_mask, h_mask, length)


def _anchored(v_mask: np.ndarray, h_mask: np.ndarray, length: int) -> np.ndarray:
    """The vertical runs that are rulings: a table's ruling starts and ends on a horizontal
    ruling (or at the page's edge). A shorter run that does not is a stroke of something else
    printed or stamped on the page: the arc of a seal ring, a filled star, a tall character of
    a heading. Such a run splits a row into one cell too many and moves every figure right of
    it into its neighbour's column. Runs of ANCHOR_SPAN × `length` or more are kept as they
    are (a table drawn without horizontal rulings)."""
    height = v_mask.shape[0]
    # a ruling drifting by a pixel or two on a scan straightened to within a fraction of a degree
    # is one run over these neighbouring columns, and meets its horizontal rulings within reach
    wide, near = _spread(v_mask, 2, axis=1), _spread(_spread(h_mask, 3, axis=1), ANCHOR_PX, 0)
    keep = np.zeros_like(v_mask)
    for x in np.flatnonzero(wide.any(axis=0)):
        ys = np.flatnonzero(wide[:, x])
        breaks = np.flatnonzero(np.diff(ys) > 1)
        for y0, y1 in zip(
            np.concatenate(([ys[0]], ys[breaks + 1])), np.concatenate((ys[breaks], [ys[-1]]))
        ):
            top = y0 <= ANCHOR_PX or near[y0, x]
            bottom = y1 >= height - 1 - ANCHOR_PX or near[y1, x]
            if y1 - y0 + 1 >= ANCHOR_SPAN * length or (top and bottom):
                keep[y0 : y1 + 1, x] = True
    return v_mask & keep


def _spread(mask: np.ndarray, reach: int, axis: int) -> np.ndarray:
    """The mask grown by `reach` pixels both ways along `axis`."""
    out = mask.copy()
    for d in range(1, reach + 1):
        if axis == 1:
            out[:, d:] |= mask[:, :-d]
            out[:, :-d] |= mask[:, d:]
        else:
            out[d:] |= mask[:-d]
            out[:-d] |= mask[d:]
    return out


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
