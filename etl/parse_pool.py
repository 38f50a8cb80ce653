"""Where files are parsed during a load: a pool of worker processes, a window ahead of the writer.

Files are parsed in a pool of worker processes (one per core, forked before the database is
opened; one for a load of fewer than MIN_PARALLEL files or with `GONGKAI_WORKERS=1`, there for
its memory cap, etl/parse_worker.py) and handed back strictly in input order. Only where no
worker can be started (no fork on this system, or forking fails) is a file parsed in this
process, without the memory cap. A file past etl.limits' time limit is refused (too_slow) by an
alarm in the process parsing it; a worker stuck past it in library code is stopped, and only its file is refused
(etl/stuck_workers.py); so is a worker that dies past its memory cap (etl/worker_memory.py): its
file is refused, never parsed again in the main process, and the rest goes to a new pool. With
--cluster the pool is a Dask scheduler's (etl/cluster.py). Nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice

from etl import parse_worker, stuck_workers, worker_memory
from etl.errors import ReportError
from etl.extract import read_file
from etl.report_rows import value_locations
from etl.settings import Settings
from etl.source_file import SourceFile

CHUNK = 8  # files per task sent to a parse worker
MIN_PARALLEL = 32  # fewer files than this are parsed by one worker (for its memory cap)
_RETRIES = 3  # new pools a chunk is sent to after its worker pool broke


@dataclass
class Item:
    """One source in input order, with the result of reading and parsing it."""

    source: SourceFile
    sha: str | None = None
    data: bytes | None = None
    outcome: object = None  # ParsedReport | ReportError | None (not parsed: seen before)
    locations: list[str] | None = None  # report_rows.value_locations(outcome), made by the worker


def worker_count(workers: int | None) -> int:
    """`workers`, else $GONGKAI_WORKERS, else one per available core."""
    if workers is None:
        declared = Settings.from_env().workers
        if declared:
            return declared
        try:
            return len(os.sched_getaffinity(0))
        except AttributeError:
            return os.cpu_count() or 1
    return max(1, workers)


def _local_pool(workers: int, n_sources: int) -> ProcessPoolExecutor | None:
    # a small load gets one worker: not for speed, for the memory cap no file may be read without
    return parse_worker.start_pool(workers if n_sources >= MIN_PARALLEL else 1)


class ParsePool:
    """The parse workers, replaced by a new pool when one dies (the old one is then broken).

    With --cluster the workers are the cluster's (etl.cluster.ClusterPool: it refuses a file
    that ends a worker itself); a lost cluster is a broken pool too, and the rest of the files
    are parsed by a local pool."""

    def __init__(self, workers: int, n_sources: int, remote=None) -> None:
        self.workers = workers
        self.executor = remote if remote is not None else _local_pool(workers, n_sources)

    def submit(self, todo: list[tuple[str, bytes]]) -> tuple[Future, ProcessPoolExecutor] | None:
        """The chunk's future and the pool it runs in, or None (parsed in-process)."""
        for _ in range(2):
            executor = self.executor
            if executor is None:
                return None
            try:
                return executor.submit(_parse_chunk, todo), executor
            except (BrokenProcessPool, RuntimeError):
                self.replace(executor)
        return None

    def replace(self, broken: ProcessPoolExecutor) -> None:
        """A new pool for the rest of the batch, once per broken pool."""
        if self.executor is broken:
            broken.shutdown(wait=False, cancel_futures=True)
            self.executor = _local_pool(self.workers, MIN_PARALLEL)

    def shutdown(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)


internal_error = parse_worker.internal_error


def parse_alone_or_refusal(origin: str, data: bytes):
    """A file left unparsed by the pool (it broke again and again): returns the ParsedReport or
    the file's ReportError (a bug too, as code internal), never raises them. Parsed in a worker
    of its own (parse_worker.parse_alone), or in this process where no worker can start."""
    try:
        return parse_worker.parse_alone(origin, data)
    except ReportError as err:
        return err
    # the worker's boundary (parse_worker.parse_or_refusal), kept for the file parsed here or whose
    # worker raised: a bug must not stop the batch; it is recorded like a bad file (code internal)
    except Exception as exc:  # noqa: BLE001 -- worker boundary
        return internal_error(origin, exc)


def _parse_chunk(jobs: list[tuple[str, bytes]]) -> list[tuple]:
    """Worker side: ("ok", report, locations) or ("error", ReportError); the error pickles."""
    out = []
    for origin, data in jobs:
        with stuck_workers.watched(origin):
            result = parse_worker.parse_or_refusal(origin, data)
        if isinstance(result, ReportError):
            out.append(("error", result))
        else:
            out.append(("ok", result, value_locations(result)))
    return out


def _prepare(source: SourceFile, known: set[str]) -> Item:
    item = Item(source)
    try:
        if source.error is not None:
            raise source.error
        item.data = read_source(source)
        item.sha = hashlib.sha256(item.data).hexdigest()
    except ReportError as err:
        item.outcome = err
        return item
    if item.sha in known:
        item.data = None  # seen before: not parsed, and no need to keep the bytes
    return item


def parsed(
    sources: list[SourceFile], known: set[str], pool: ParsePool, ahead: int
) -> Iterator[Item]:
    """Items in input order, parsed (in the pool when there is one) `ahead` chunks ahead of the
    caller; the bytes of `known` sha256s are not parsed."""
    it = iter(sources)
    window: deque[tuple[list[Item], tuple[Future, ProcessPoolExecutor] | None]] = deque()
    refused: dict[str, ReportError] = {}  # files that ended a worker: never parsed again

    def todo(items: list[Item]) -> list[tuple[str, bytes]]:
        return [
            (i.source.origin, i.data)
            for i in items
            if i.outcome is None and i.data is not None and i.source.origin not in refused
        ]

    def fill() -> None:
        while len(window) < ahead:
            items = [_prepare(s, known) for s in islice(it, CHUNK)]
            if not items:
                return
            jobs = todo(items)
            window.append((items, pool.submit(jobs) if jobs else None))

    fill()
    while window:
        items, running = window.popleft()
        results = _results(running, pool, refused)
        for _ in range(_RETRIES):  # its pool broke: the files not refused go to the new pool
            if results is not None:
                break
            results = _results(pool.submit(todo(items)), pool, refused)
        fill()
        results = iter(results or ())
        for item in items:
            if item.outcome is None and item.data is not None and item.source.origin in refused:
                item.outcome, item.data = refused[item.source.origin], None
            elif item.outcome is None and item.data is not None:
                got = next(results, None)
                if got is not None and got[0] == "ok":
                    item.outcome, item.locations, item.data = got[1], got[2], None
                elif got is not None:
                    item.outcome, item.data = got[1], None
            yield item


def _results(running, pool: ParsePool, refused: dict[str, ReportError]) -> list | None:
    """A chunk's results; None when its worker pool broke (a worker died or was stopped), after
    noting the files that ended a worker in `refused`. () for a chunk parsed in-process."""
    if running is None:
        return []
    future, executor = running
    try:
        return future.result()
    except BrokenProcessPool:
        executor.shutdown(wait=True, cancel_futures=True)  # the other workers have ended
        slow, died = stuck_workers.stopped_files()
        refused.update((origin, stuck_workers.too_slow(origin)) for origin in slow)
        refused.update((origin, worker_memory.too_much_memory(origin)) for origin in died)
        pool.replace(executor)
        return None


def read_source(source: SourceFile) -> bytes:
    """Read once, from a size-checked regular-file handle (etl.extract.read_file)."""
    return read_file(source.path, source.origin)


def reread(source: SourceFile, sha: str) -> bytes:
    """The bytes again, for a file whose worker died: they must still be the bytes hashed."""
    data = read_source(source)
    if hashlib.sha256(data).hexdigest() != sha:
        raise ReportError(
            source.origin,
            "the file changed while it was being read",
            "wait until the file is completely written, then load it again",
            "changed",
        )
    return data
