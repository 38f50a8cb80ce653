"""A scanned page turned straight before it is read.

A page fed into a scanner slightly askew (a degree or two) breaks the table rulings into short
steps that no longer read as lines, so etl.extract.scan would find no cells. The angle is the
one at which the page's ink lines up best in rows: the text lines and horizontal rulings then
make sharp peaks in the row profile (the sum of squares of ink per row is largest).
"""

from __future__ import annotations

import numpy as np

MAX_ANGLE = 3.0  # degrees either way; a page turned further is not a slip of the feeder
STEP = 0.1
MIN_ANGLE = 0.15  # below this the rulings still read as lines: the page is left as it is
INK = 160


def skew_angle(grey: np.ndarray) -> float:
    """The angle (degrees, counter-clockwise) the page's content is turned by."""
    small = grey[::2, ::2] < INK
    ys, xs = np.nonzero(small)
    if ys.size < 500:
        return 0.0
    height = small.shape[0]

    def sharpness(angle: float) -> float:
        rows = np.round(ys + np.tan(np.radians(angle)) * xs).astype(np.int64)
        keep = (rows >= 0) & (rows < height)
        profile = np.bincount(rows[keep], minlength=height).astype(np.float64)
        return float((profile**2).sum())

    steps = round(MAX_ANGLE / STEP)
    coarse = max((k * STEP for k in range(-steps, steps + 1)), key=sharpness)
    fine = (coarse + k * STEP / 5 for k in range(-5, 6))  # then to a fiftieth of a degree
    return round(max(fine, key=sharpness), 2)


def straighten(grey: np.ndarray) -> np.ndarray:
    """The page turned back by its skew angle (white where the turn uncovers the margin)."""
    angle = skew_angle(grey)
    if abs(angle) < MIN_ANGLE:
        return grey
    from PIL import Image

    turned = Image.fromarray(grey).rotate(-angle, Image.BICUBIC, expand=False, fillcolor=255)
    return np.asarray(turned)
