"""A parse worker stuck past the time limit, or killed, is replaced; only its file is refused.

etl.limits.time_limit's alarm interrupts Python code, and a subprocess being waited for, but not
a C call that never returns (a pdfium or lxml call on a hostile file). Each worker therefore
parses under a watchdog thread: HARD_STOP_AFTER seconds past the file's deadline it writes its
name into a folder made before the workers were forked, and ends the worker. The main process,
seeing the pool broken, refuses the files named there as too_slow.

A worker can also die of memory (etl.worker_memory caps each one; pdfium crashes where it cannot
allocate, the kernel's OOM killer sends SIGKILL). Each worker therefore names the file it is
reading in the same folder while it reads it, and takes the name away when done, or when the
pool ends it with SIGTERM because another worker died. A name left behind by a broken pool is
the file its worker died of: refused (too_much_memory), never read again, and certainly not in
the main process, which has no cap. The other files of the broken pool go to a new one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
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
    """Call before forking the workers: they inherit the folder's name. A pool forked later in
    the same load (after one broke, or after a lost cluster) keeps the load's folder."""
    global _folder
    if _folder is None:
        _folder = tempfile.mkdtemp(prefix="gongkai-stuck-")


def prepared() -> bool:
    """True once prepare() was called (and forget() not yet): a load's workers are about."""
    return _folder is not None


@contextlib.contextmanager
def watched(origin: str):
    """Worker side: parse `origin` inside this. A watchdog thread follows the file's deadline
    (etl.limits, which OCR extends per page) and ends the worker HARD_STOP_AFTER past it."""
    if _folder is None:
        yield
        return
    main = threading.get_ident()
    done = threading.Event()
    reading = Path(_folder, f"{os.getpid()}.reading")
    reading.write_text(origin, encoding="utf-8")

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
        reading.unlink(missing_ok=True)


def _ended_by_pool(signum, frame) -> None:
    """SIGTERM from a broken pool: this worker did not die of its file, so its name goes."""
    if _folder is not None:
        Path(_folder, f"{os.getpid()}.reading").unlink(missing_ok=True)
    os._exit(0)


def on_worker_start() -> None:
    """Worker side, in the pool initializer."""
    signal.signal(signal.SIGTERM, _ended_by_pool)


def stopped_files() -> tuple[set[str], set[str]]:
    """Files that ended a worker since the last call: (past the time limit, died reading)."""
    if _folder is None:
        return set(), set()
    slow, died = set(), set()
    for note in Path(_folder).iterdir():
        (died if note.suffix == ".reading" else slow).add(note.read_text(encoding="utf-8"))
        note.unlink()
    return slow, died - slow


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
