"""Table rulings of a scanned page (etl.extract.scan_rulings): the lines of the table and nothing
else, on a real page (hongze_2024.pdf's 表三 page rendered at 150 dpi grey, as bench/ocr.py
makes image-only copies), stamped with a seal or cut across at a page break.

A vertical run taken for a ruling splits a row into one cell too many and moves every figure
right of it into its neighbour's column, so these are exact: the same column rulings as the
clean page, no more.
"""

from __future__ import annotations

import numpy as np
import pytest

from etl.extract.scan_rulings import rulings, run_centres
from tests.conftest import REAL

HONGZE = REAL / "hongze_2024.pdf"


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    import pypdfium2 as pdfium

    rendered = pdfium.PdfDocument(str(HONGZE))[2].render(scale=150 / 72, grayscale=True)
    return np.array(rendered.to_pil().convert("L"))


def columns(grey: np.ndarray) -> list[int]:
    """The x of each vertical ruling."""
    _, v_mask = rulings(grey)
    return run_centres(v_mask.any(axis=0))


def rows(grey: np.ndarray) -> list[int]:
    """The y of each horizontal ruling crossing the value columns."""
    h_mask, _ = rulings(grey)
    return run_centres(h_mask[:, int(grey.shape[1] * 0.6)])


def test_a_seal_over_the_table_adds_no_ruling(page):
    """The seal of bench/ocr.py's stamp variant (a ring and a filled star in mid grey, over
    the table's header and 表三's first rows): its arcs and star are no rulings."""
    from PIL import Image

    from bench.ocr import degrade

    stamped = np.asarray(degrade(Image.fromarray(page), "stamp"))
    assert columns(stamped) == columns(page)
    assert rows(stamped) == rows(page)
    assert len(columns(page)) >= 11  # the label columns and 表三's 7 value columns


def test_the_rest_of_a_table_at_the_top_of_a_short_page_has_the_same_rulings(page):
    """表三 cut under a row, its lower part alone on a page half as tall (a cropped scan): the
    vertical stroke of a digit 1 (22-27 px, longer than a 45th of this short page) is no
    ruling there; every value column's ruling is found."""
    split = rows(page)[len(rows(page)) // 2]
    bottom = np.vstack([np.full((120, page.shape[1]), 255, np.uint8), page[split - 1 :]])
    assert bottom.shape[0] < 0.5 * page.shape[0]

    def near(x: int, xs: list[int]) -> bool:
        return any(abs(x - other) <= 4 for other in xs)

    found = columns(bottom)
    assert all(near(x, columns(page)) for x in found), found
    values = [x for x in columns(page) if x > page.shape[1] // 2]
    assert len(values) >= 8 and all(near(x, found) for x in values), found
