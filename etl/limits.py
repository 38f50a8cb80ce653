"""How much work one file may cost, declared once: every reader under etl/extract/ checks these.

A hostile or broken file must be refused in seconds and a few hundred MB, never allowed to
take the loading machine down (two parse workers at 2-10 GB each did). Each limit is far above
what any real annual report needs; the comment on each number says what real reports measure.
Every refusal is a one-line ReportError naming the file and the limit, with its own code.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from dataclasses import dataclass

from etl.errors import ReportError


@dataclass(frozen=True)
class Limits:
    # Real reports run to 10-40 pages (hongze_2024.pdf: 22); provincial ones with appendices
    # to about a hundred. 500 is five times that; a report padded with thousands of blank
    # pages is refused before any page is read.
    pages: int = 500
    # Page box in points² (1 pt = 1/72 in). Reports are A4 (595x842 = 0.5 M pt²), a fold-out
    # table A3 (1.0 M). A0 (2384x3370 = 8.0 M) is the limit; PDF allows 14400x14400 (207 M),
    # which at 150 dpi is 900 M pixels.
    page_area: int = 2384 * 3370
    # Pixels of one rendered page handed to OCR. A4 at 150 dpi is 2.2 M, A3 4.4 M; a larger
    # page is rendered at a lower resolution so that it fits (the scan reader's numpy work costs
    # ~30 bytes per pixel).
    render_pixels: int = 10_000_000
    # Pages read by OCR in one file: the frames of a TIFF, or the image-only pages of a PDF.
    # Scanned reports have 10-40 pages; OCR costs seconds per page.
    scanned_pages: int = 60
    # Pixels of one decoded image frame (a scan at 600 dpi of an A4 page is 35 M).
    image_pixels: int = 60_000_000
    # Bytes a DOCX/XLSX inflates to, counted while inflating (never the sizes the zip claims).
    # Real report packages inflate to 0.1-5 MB, with pictures up to some tens of MB.
    inflated_bytes: int = 200 * 1024 * 1024
    member_bytes: int = 100 * 1024 * 1024  # one member (a picture) of the package
    # The zip's central directory (one record of ~50-100 bytes per member), read before any
    # member: a report package has 20-200 members (a few to some tens of KB). zipfile makes an
    # object per record, so a 50 MB directory of 600,000 empty members took 28 s and 750 MB
    # before a single limit was checked.
    zip_directory_bytes: int = 1024 * 1024
    # One PDF stream (a page's content, a font, a picture), counted while inflating before
    # pdfium opens the file: pdfium inflates a whole stream into memory (a 2 MB PDF whose one
    # content stream inflates to 2 GB took 3.2 GB). A page's content is 10-500 KB; a picture of
    # LIMITS.image_pixels in CMYK is 240 MB.
    pdf_stream_bytes: int = 256 * 1024 * 1024
    # Streams (`stream` keywords) of one PDF, each tried as a Flate stream before pdfium opens
    # the file: a 500-page report with its fonts and pictures has a few thousand.
    pdf_streams: int = 50_000
    # One XML part (document.xml, a worksheet, sharedStrings.xml): it becomes an lxml tree of
    # 5-10x its size. A 40-page report's document.xml is 1-3 MB.
    xml_bytes: int = 25 * 1024 * 1024
    # A report workbook holds a few hundred distinct strings and a few thousand cells.
    shared_strings: int = 200_000
    cells: int = 1_000_000
    # Lines (text lines, table rows, paragraphs) of one document: a report has 300-3,000.
    lines: int = 200_000
    # Tags of an HTML page ("<" counted in the bytes, before lxml parses it): a portal page has
    # 2-20 thousand, a Word-exported one up to a few hundred thousand.
    html_tags: int = 2_000_000
    # Characters of text: a report has 10-60 thousand.
    characters: int = 20_000_000
    # Wall time to read one file. A text report takes well under a second, a PDF with a text
    # layer one to two.
    seconds: float = 60.0
    # More wall time per page read by OCR: a scanned page took 7 s (hongze_2024.pdf as images,
    # 5 pages in 35 s on a busy 2-core machine). A scan is held to seconds + its OCR pages x
    # this, within ocr_file_seconds, one page in memory at a time.
    ocr_seconds_per_page: float = 15.0
    # Wall time of one file read by OCR, whatever its pages: seconds + ocr_seconds_per_page per
    # page, but never past this (a 40-page scan at 7 s a page takes under 5 minutes; pages of
    # noise are stopped long before: etl.extract.ocr_noise).
    ocr_file_seconds: float = 600.0
    # Wall time OCR may spend on a file before one of its pages yields text: only then is the
    # per-page allowance above granted. A real scanned page takes 3.5-5.7 s (9 s on a busy
    # machine), so the first legible page of a real scan comes in well under it; a scan of
    # noise that slips past etl.extract.ocr_noise's judgement is stopped here, and refused
    # within the 60 s any file may take, instead of running for minutes.
    ocr_seconds_before_text: float = 35.0
    # Memory one parse worker may take beyond what it inherits from the loading process
    # (etl.worker_memory, RLIMIT_DATA; a worker inherits ~255 MB of data segment). Reading
    # hongze_2024.pdf's pages as images with both OCR engines grew a worker by 273 MB; twice
    # that keeps two workers and the loading process near the 1.5 GB a whole load may take,
    # far from the 2-10 GB each that two hostile files took.
    worker_memory_bytes: int = 600 * 1024 * 1024
    # The same for a worker that reads alone (a load of fewer than pipeline.MIN_PARALLEL files,
    # GONGKAI_WORKERS=1, `gongkai parse`): one worker beside the loading process (~300 MB) may
    # take more within the 1.5 GB. A 50 MB Word-exported HTML page needs 550-600 MB (lxml's
    # tree), past which libxml2 stops short without an error and the page reads as empty.
    lone_worker_memory_bytes: int = 900 * 1024 * 1024
    # One compressed object stream of a PDF (/Type /ObjStm: the pages, fonts and arrays of a
    # PDF 1.5 file packed together), inflated before pdfium opens the file so that what is
    # packed in it can be checked; pdfium inflates it whole and parses every object it needs.
    # Word's and WPS's exports pack 100-200 objects per stream, 10-200 KB; 32 MB is far above.
    pdf_object_stream_bytes: int = 32 * 1024 * 1024


LIMITS = Limits()

_NO_HINT = "no annual report is this large; check that this is the right file"


def refuse(path: str, code: str, problem: str, hint: str = _NO_HINT) -> ReportError:
    """The one-line refusal for a file past a limit (raise it)."""
    return ReportError(path, problem, hint, code)


def ocr_allowance(pages: int) -> float:
    """Seconds added to a file's time for `pages` read by OCR (within LIMITS.ocr_file_seconds)."""
    return max(
        0.0, min(pages * LIMITS.ocr_seconds_per_page, LIMITS.ocr_file_seconds - LIMITS.seconds)
    )


def check_count(path: str, code: str, what: str, count: int, limit: int) -> None:
    """Refuse when `count` of `what` is over `limit` (e.g. "pages", 5022, 500)."""
    if count > limit:
        raise refuse(path, code, f"has {count:,} {what}, over the limit of {limit:,} per file")


# --- wall time ------------------------------------------------------------------------------

# thread id -> (deadline on time.monotonic(), the alarm is armed for it); a dict rather than a
# threading.local so that a worker's watchdog thread can read its main thread's deadline
_deadlines: dict[int, tuple[float, bool]] = {}


class _TooSlow(BaseException):
    """Raised by the alarm inside whatever code runs, and turned into a ReportError by
    time_limit; a BaseException so that the readers' `except Exception` cannot swallow it."""


def _on_alarm(signum, frame):
    raise _TooSlow


@contextlib.contextmanager
def time_limit(path: str, seconds: float | None = None):
    """Refuse the file (code too_slow) when reading it takes longer than `seconds`.

    In the main thread of a process (the parse workers, the CLI) a SIGALRM interrupts any
    Python code, and a subprocess being waited for is killed. Elsewhere (a thread) the readers'
    loops call check_time(). Nested uses keep the outer deadline.
    """
    seconds = LIMITS.seconds if seconds is None else seconds
    me = threading.get_ident()
    if me in _deadlines:
        yield
        return
    use_alarm = threading.current_thread() is threading.main_thread()
    previous = None
    if use_alarm:
        try:
            previous = signal.signal(signal.SIGALRM, _on_alarm)
            signal.setitimer(signal.ITIMER_REAL, seconds)
        except (ValueError, OSError):  # no signals here (embedded interpreter): loops check
            use_alarm = False
    started = time.monotonic()
    _deadlines[me] = (started + seconds, use_alarm)
    try:
        yield
    except _TooSlow:
        raise _too_slow(path, _deadlines[me][0] - started) from None
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous or signal.SIG_DFL)
        _deadlines.pop(me, None)


def extend_time(seconds: float) -> None:
    """Give the current file `seconds` more (OCR: a scanned report costs seconds per page)."""
    me = threading.get_ident()
    if me not in _deadlines:
        return
    deadline, use_alarm = _deadlines[me]
    _set_deadline(me, deadline + seconds, use_alarm)


class TimeSpent(Exception):
    """Raised out of held_to when the part of a file's time it holds is spent."""


@contextlib.contextmanager
def held_to(seconds: float):
    """Hold the code inside, within the current file's time, to `seconds`: past them it is
    stopped (by the alarm, or the next check_time) and TimeSpent is raised instead of
    too_slow. Calling the function it yields gives the file back its own deadline; extend
    the file's time (extend_time) only after that."""
    me = threading.get_ident()
    entry = _deadlines.get(me)
    if entry is None:  # not inside time_limit: nothing to hold
        yield lambda: None
        return
    kept, use_alarm = entry
    until = min(kept, time.monotonic() + seconds)
    held = [True]

    def release() -> None:
        if held[0]:
            held[0] = False
            _set_deadline(me, kept, use_alarm)

    _set_deadline(me, until, use_alarm)
    try:
        yield release
    except _TooSlow:
        if held[0] and until < kept and time.monotonic() < kept:
            raise TimeSpent from None
        raise
    finally:
        release()


def _set_deadline(me: int, deadline: float, use_alarm: bool) -> None:
    _deadlines[me] = (deadline, use_alarm)
    if use_alarm:
        signal.setitimer(signal.ITIMER_REAL, max(0.01, deadline - time.monotonic()))


def deadline_of(thread_id: int) -> float | None:
    """The deadline (time.monotonic()) of the file that thread is reading, if any."""
    entry = _deadlines.get(thread_id)
    return entry[0] if entry else None


def check_time() -> None:
    """Raise too_slow when the current file is past its deadline (cheap; call it in loops)."""
    deadline = deadline_of(threading.get_ident())
    if deadline is not None and time.monotonic() > deadline:
        raise _TooSlow


def seconds_left(default: float) -> float:
    """Time left for the current file (for a subprocess's timeout), at most `default`."""
    deadline = deadline_of(threading.get_ident())
    if deadline is None:
        return default
    return max(0.1, min(default, deadline - time.monotonic()))


def _too_slow(path: str, seconds: float) -> ReportError:
    return refuse(
        path,
        "too_slow",
        f"reading it took longer than the limit of {seconds:.0f} s for this file",
        "no annual report takes this long to read; check that this is the right file, "
        "or load another copy of the report (PDF with a text layer, HTML or DOCX)",
    )
