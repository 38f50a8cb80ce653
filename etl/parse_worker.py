"""Where an untrusted file is parsed: a forked worker with a memory cap, not the caller.

A report's bytes come from portals and strangers, and reading one costs what the file decides.
So neither the loading process (which holds the database) nor `gongkai parse` reads a file
itself: a load's parse pool (etl.pipeline: one worker per core, or one worker for a small load)
and parse_alone (one file, one worker) fork workers started by init_worker. Each worker has the
memory cap (etl.worker_memory), the watchdog that ends it when it is stuck past the time limit
(etl.stuck_workers), the alarm of etl.limits inside the parse, and dies with its parent. A file
past the cap or the time is refused on one line (too_much_memory, too_slow); the caller goes on.

Where no worker can be forked (not Linux, or the fork fails), the file is parsed in the calling
process as before (start_pool returns None): the readers' own limits hold, the memory cap does
not.
"""

from __future__ import annotations

import multiprocessing
import signal
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import etl.parse
from etl import stuck_workers, worker_memory
from etl.errors import ReportError
from etl.limits import LIMITS
from etl.report import ParsedReport


def init_worker() -> None:
    """Worker side, the pool's initializer: cap, watchdog, and death with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's business
    stuck_workers.on_worker_start()
    worker_memory.cap_worker_memory()
    try:  # die with the main process (a killed load must not leave workers behind)
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def start_pool(workers: int) -> ProcessPoolExecutor | None:
    """`workers` parse workers, forked now (while no database is open), or None where they
    cannot be (the caller parses in-process)."""
    try:
        ctx = multiprocessing.get_context("fork")  # workers inherit the loaded modules
    except ValueError:
        ctx = None
    stuck_workers.prepare()  # before forking: the workers inherit it
    worker_memory.set_pool_size(workers)  # so does their cap
    pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=init_worker)
    try:
        pool.submit(int).result()  # start the workers now
    # no pool here: the workers could not be started (OSError: no fork, no memory, no
    # processes left) or died starting (BrokenProcessPool): parse in-process
    except (OSError, BrokenExecutor):
        pool.shutdown(wait=False, cancel_futures=True)
        return None
    return pool


def parse_or_refusal(origin: str, data: bytes | None):
    """ParsedReport, or ReportError for a bad file or any unexpected exception (code internal)."""
    try:
        return etl.parse.parse_file(origin, data)
    except ReportError as err:
        return err
    except MemoryError:  # past the worker's memory cap (or the machine's)
        return worker_memory.too_much_memory(origin)
    # the worker's last-resort boundary: a bug in reading one file must not stop the batch; it is
    # recorded like a bad file, with the type named (code internal)
    except Exception as exc:  # noqa: BLE001 -- worker boundary
        return internal_error(origin, exc)


def internal_error(origin: str, exc: BaseException) -> ReportError:
    return ReportError(
        origin,
        f"unexpected error while loading the file ({type(exc).__name__}: {exc})",
        "this is a bug in gongkai; please report it together with the file",
        "internal",
    )


# A worker whose watchdog cannot run (a C call holding the GIL forever) is ended by the caller
# after the longest a file may take (a scan read by OCR) and the watchdog's own grace, twice.
BACKSTOP_SECONDS = LIMITS.ocr_file_seconds + 2 * stuck_workers.HARD_STOP_AFTER


def parse_alone(path: str, data: bytes | None = None) -> ParsedReport:
    """Parse one file (read by the worker when `data` is None) in a worker of its own.

    Raises the file's ReportError, the refusals too_much_memory and too_slow included; any
    other exception of the parse is raised here as the worker raised it (a bug)."""
    owned = not stuck_workers.prepared()  # inside a load, the load's folder is kept
    pool = start_pool(1)
    if pool is None:
        if owned:
            stuck_workers.forget()
        return etl.parse.parse_file(path, data)  # no watchdog here: it would end the caller
    future = pool.submit(_parse_watched, path, data)
    try:
        return future.result(timeout=BACKSTOP_SECONDS)
    except BrokenProcessPool:  # the worker died: past its memory cap, or stopped by its watchdog
        slow, _ = stuck_workers.stopped_files()
        if path in slow:
            raise stuck_workers.too_slow(path) from None
        raise worker_memory.too_much_memory(path) from None
    except TimeoutError:
        raise stuck_workers.too_slow(path) from None
    finally:
        if not future.done():  # past the backstop, or Ctrl-C: shutdown would wait for the file
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.kill()  # the one worker this call forked
        pool.shutdown(wait=True, cancel_futures=True)
        if owned:
            stuck_workers.forget()


def _parse_watched(origin: str, data: bytes | None) -> ParsedReport:
    """Worker side of parse_alone: the file is named for the watchdog while it is read."""
    with stuck_workers.watched(origin):
        try:
            return etl.parse.parse_file(origin, data)
        except MemoryError:  # past the worker's memory cap
            raise worker_memory.too_much_memory(origin) from None
