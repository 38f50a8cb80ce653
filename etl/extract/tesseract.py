"""The tesseract command, offline: whether it and its Chinese model are installed, and one
image read into words with boxes and confidences (etl.extract.ocr_words.Word).
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess

from etl.errors import ReportError
from etl.extract.ocr_words import Word
from etl.limits import seconds_left

INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-chi-sim"
TIMEOUT_SECONDS = 180
# the model reads a full-width parenthesis as an angle bracket, which reports do not print
_CONFUSED = str.maketrans({"〈": "（", "〉": "）"})


@functools.lru_cache(maxsize=1)
def tesseract_missing() -> str | None:
    """Why OCR cannot run here (None when Tesseract and its Chinese model are installed)."""
    exe = shutil.which("tesseract")
    if exe is None:
        return "Tesseract is not installed"
    try:
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "Tesseract does not run"
    if b"chi_sim" not in langs:
        return "Tesseract's Simplified Chinese model (chi_sim) is not installed"
    return None


def require_tesseract(path: str, what: str) -> None:
    missing = tesseract_missing()
    if missing:
        raise ReportError(
            path,
            f"{what} needs text recognition (OCR) and {missing}",
            f"install it ({INSTALL_HINT}) or load the HTML version of the report",
            "needs_ocr",
        )


def tesseract_words(
    image, lang: str, psm: int, whitelist: str | None = None, cpu_seconds: int | None = None
) -> list[Word]:
    """Words with boxes and confidences from the tesseract command (TSV output). With
    `cpu_seconds`, tesseract is stopped past that much CPU time (ulimit -t: CPU, not wall
    time, so a busy machine never cuts a real page short) and what it read is empty."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(image).save(buf, "PNG")
    command = ["tesseract", "stdin", "stdout", "-l", lang, "--psm", str(psm)]
    if whitelist:
        command += ["-c", f"tessedit_char_whitelist={whitelist}"]
    if cpu_seconds:  # the limit and the command as arguments of sh, never parsed as shell text
        command = ["sh", "-c", 'ulimit -t "$0" && exec "$@"', str(cpu_seconds), *command]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one thread: parse workers run in parallel
    done = subprocess.run(
        command + ["tsv"],
        input=buf.getvalue(),
        capture_output=True,
        timeout=seconds_left(TIMEOUT_SECONDS),
        env=env,
    )
    words = []
    if done.returncode < 0:  # killed (past cpu_seconds): a partial TSV is not a reading
        return words
    for line in done.stdout.decode("utf-8", "replace").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) < 12 or parts[0] != "5" or not parts[11].strip():
            continue
        left, top, width, height = (int(p) for p in parts[6:10])
        words.append(
            Word(
                parts[11].strip().translate(_CONFUSED),
                left,
                top,
                left + width,
                top + height,
                float(parts[10]),
            )
        )
    return words
