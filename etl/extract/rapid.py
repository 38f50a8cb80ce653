"""The second OCR engine for scanned tables: the PP-OCRv4 Chinese text recogniser that ships
inside the rapidocr-onnxruntime wheel (nothing is fetched at run time).

Only its recogniser is used, on the value cells etl.extract.scan_cells has already cut out
along the table's rulings: its text detector often misses a lone 0 in a cell, but reading a
given crop it does not, and it reads digits Tesseract drops (「3001」 that Tesseract reads as
1001).
"""

from __future__ import annotations

import functools

import numpy as np

# a cell crop is read at the model's 48 px line height; this much white is put around the ink
# (the model was trained on detector boxes, which leave a margin)
MARGIN = 8


@functools.lru_cache(maxsize=1)
def rapid_missing() -> str | None:
    """Why the second engine cannot run here (None when it can)."""
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return "the Python package rapidocr-onnxruntime is not installed"
    return None


@functools.lru_cache(maxsize=1)
def _recogniser():
    from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer
    from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
    from rapidocr_onnxruntime.utils import read_yaml, update_model_path

    config = update_model_path(read_yaml(DEFAULT_CFG_PATH))["Rec"]
    # one thread: the parse pool already runs one worker per core. A cell is a short line: a
    # batch padded to 160 px rather than the model's 320 reads the same, over twice as fast
    config.update(intra_op_num_threads=1, inter_op_num_threads=1, rec_img_shape=[3, 48, 160])
    return TextRecognizer(config)


def read_crops(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """Each grey crop's text and confidence (0–100); ("", 0.0) when the engine is missing."""
    if not crops:
        return []
    if rapid_missing():
        return [("", 0.0)] * len(crops)
    images = []
    for crop in crops:
        padded = np.full((crop.shape[0] + 2 * MARGIN, crop.shape[1] + 2 * MARGIN), 255, np.uint8)
        padded[MARGIN : MARGIN + crop.shape[0], MARGIN : MARGIN + crop.shape[1]] = crop
        images.append(np.repeat(padded[:, :, None], 3, axis=2))
    results, _elapsed = _recogniser()(images)
    return [(str(text).strip(), float(score) * 100) for text, score in results]
