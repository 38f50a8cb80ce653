"""The cells of a scanned page's ruled rows read on their own, cut out along the rulings: value
cells in one digits-only strip per page (and by the second engine, etl.extract.rapid), unsure
label cells again in one Chinese strip (etl/extract/scan.py).
"""

from __future__ import annotations

import numpy as np

from etl.extract.ocr_words import CJK_CHAR, Word, group_lines, is_cjk_word, join_words
from etl.extract.rapid import read_crops
from etl.extract.scan_rulings import INK, cell_box
from etl.normalize import parse_cell

MAX_RETRIES = 40  # cells per page read again on their own when the strip missed them
MAX_CLEANED = 12  # cells per page the engines disagree on, read again with light marks removed
REREAD_CONF = 50  # a label word read less sure than this gets its cell read again alone


def read_cells(  # noqa: C901 (one case per document layout; see docstring)
    clean: np.ndarray, rows_of_boxes, tesseract
) -> list[list[tuple[str, float | None, tuple[str, float | None], dict]]]:
    """Each cell's Tesseract text and confidence, the second engine's, and the readings again
    with light marks removed when the two disagree (_read_cleaned): no ink is blank; the
    rest are read by Tesseract in one strip, a ruled row per strip line with wide gaps between
    cells (so no two cells run together and a lone narrow digit such as 1 is still seen as a
    word), and by the second engine crop by crop (etl.extract.rapid)."""
    from PIL import Image

    results = [[("", None, ("", None), {})] * len(boxes) for boxes in rows_of_boxes]
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
            results[r][c] = (text, conf, second[(r, c)], {})
    _read_cleaned(crops, results, tesseract)
    return results


def _read_cleaned(crops: dict[tuple[int, int], np.ndarray], results, tesseract) -> None:
    """Cells whose two readings are not the same number, read again with every pixel lighter
    than a stroke (INK) made white: a seal's ring or star printed in a lighter tone across a
    figure («0» crossed by an arc reads as 8 or 6) no longer touches it. The second engine reads
    them all (one batch), Tesseract those it reads no number in. The new readings are only more
    candidates: etl.parse.ocr_vote stores one only when the table's identities pick it out."""
    disputed = [
        (r, c)
        for (r, c) in crops
        if _number(results[r][c][0]) is None
        or _number(results[r][c][0]) != _number(results[r][c][2][0])
    ][:MAX_CLEANED]
    cleaned = {}
    for r, c in disputed:
        crop = np.where(crops[(r, c)] < INK, crops[(r, c)], 255).astype(np.uint8)
        if (crop < INK).sum() >= 6 and (crop != crops[(r, c)]).any():
            cleaned[(r, c)] = crop
    for (r, c), (text, conf) in zip(cleaned, read_crops(list(cleaned.values()))):
        again = {"rapid_cleaned": (text or "?", conf)}
        if _number(text) is not None:  # Tesseract alone costs a process per cell: when needed
            results[r][c] = results[r][c][:3] + (again,)
            continue
        words = sorted(_read_alone(cleaned[(r, c)], tesseract), key=lambda w: w.x0)
        if words:
            again["tesseract_cleaned"] = (
                "".join(w.text for w in words),
                min(w.conf for w in words),
            )
        results[r][c] = results[r][c][:3] + (again,)


def _number(text: str) -> float | None:
    """The number a reading gives, as the vote counts it (a blank mark is 0)."""
    cell = parse_cell(text)
    return 0.0 if cell.blank else cell.value if cell.numeric else None


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


def reread_labels(clean, h_mask, v_mask, lines, found, plans, owners, centres, tesseract) -> None:
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
            lone = 0 < sum(len(CJK_CHAR.findall(w.text)) for w in inside) <= 2
            if not lone and not any(w.conf < REREAD_CONF for w in inside):
                continue
            bx0, by0, bx1, by1 = cell_box(h_mask, v_mask, lines[n], x0, x1, centres[n])
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
        # a cell wrapped over two lines is read as two: line by line, not word by word by x
        text = "".join(join_words(line) for line in group_lines(again))
        cell = Word(text, x0 + 3, cy - 1, x1 - 3, cy + 1, min(w.conf for w in again))
        lines[n] = sorted(kept + [cell], key=lambda w: w.x0)
