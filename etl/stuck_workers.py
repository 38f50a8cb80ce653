"""A parse worker stuck past the time limit in library code is stopped; only its file is refused.

etl.limits.time_limit's alarm interrupts Python code, and a subprocess being waited for, but not
a C call that never returns (a pdfium or lxml call on a hostile file). Each worker therefore
parses under a watchdog thread: HARD_STOP_AFTER seconds past the file's deadline it writes its
name into a folder made before the workers were forked, and ends the worker. The main process,
seeing the pool broken, refuses the files named there as too_slow and reads the rest itself.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from etl.errors import ReportError
from etl.limits import LIMITS, deadline_of

HARD_STOP_AFTER = 10.0  # seconds past the time limit after which a stuck worker is stopped
POLL_SECONDS = 0.5
_folder: str | None = None  # where a stopped worker names its file (made before forking)


def prepare() -> None:
    """Call before forking the workers: they inherit the folder's name."""
    global _folder
    _folder = tempfile.mkdtemp(prefix="gongkai-stuck-")


@contextlib.contextmanager
def watched(origin: str):
    """Worker side: parse `origin` inside this. A watchdog thread follows the file's deadline
    (etl.limits, which OCR extends per page) and ends the worker HARD_STOP_AFTER past it."""
    if _folder is None:
        yield
        return
    main = threading.get_ident()
    done = threading.Event()

    def watch() -> None:
        while not done.wait(POLL_SECONDS):
            deadline = deadline_of(main)
            if deadline is not None and time.monotonic() > deadline + HARD_STOP_AFTER:
                try:
                    Path(_folder, str(os.getpid())).write_text(origin, encoding="utf-8")
                finally:
                    os._exit(75)

    watchdog = threading.Thread(target=watch, daemon=True)
    watchdog.start()
    try:
        yield
    finally:
        done.set()
        watchdog.join()


def stopped_files() -> set[str]:
    """Files that ended a worker since the last call."""
    if _folder is None:
        return set()
    found = set()
    for note in Path(_folder).iterdir():
        found.add(note.read_text(encoding="utf-8"))
        note.unlink()
    return found


def forget() -> None:
    global _folder
    if _folder is not None:
        shutil.rmtree(_folder, ignore_errors=True)
        _folder = None


def too_slow(origin: str) -> ReportError:
    return ReportError(
        origin,
        f"reading it took longer than the limit ({LIMITS.seconds:.0f} s per file, more for "
        "scanned pages) and the reader was stopped",
        "no annual report takes this long to read; check that this is the right file, "
        "or load another copy of the report (PDF with a text layer, HTML or DOCX)",
        "too_slow",
    )
