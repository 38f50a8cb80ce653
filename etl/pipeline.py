"""Where the stages meet: discover -> (skip if seen) -> parse -> resolve agency -> load.

Every file gets exactly one outcome: loaded, unchanged (seen before, not even parsed), not a
report, or failed (a ReportError, or any unexpected exception recorded as code "internal"); a
bad file never stops the batch. The whole run writes one aside copy of the database that is
swapped in at the end (etl/load.py), so a killed run leaves the previous database untouched.

Speed: files are parsed in a pool of worker processes (one per core, forked before the database
is opened; one for a load of fewer than MIN_PARALLEL files or with `GONGKAI_WORKERS=1`, there for
its memory cap: no file is read in this process, etl/parse_worker.py) and handled strictly in
input order. A file past etl.limits' time limit is refused (too_slow) by an alarm in the process
parsing it; a worker stuck past it in library code is stopped, and only its file is refused
(etl/stuck_workers.py);
so is a worker that dies past its memory cap (etl/worker_memory.py): its file is refused, never
parsed again in the main process, and the rest of the batch goes to a new pool. Outcomes
are written in batches, one transaction per batch (load.load_batch). If a batch fails to write,
it is rolled back, the run's state is put back as it was before the batch, and the batch is
replayed one report per transaction, exactly as a serial load would do it: a report that
cannot be stored fails alone and rows already loaded are never touched.

With `cluster` (gongkai load --cluster ADDRESS) the parse chunks go to a Dask scheduler instead of
the local pool (etl/cluster.py); everything else, the writing included, stays in this process.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import etl.cluster
import etl.parse
from etl import load, parse_worker, stuck_workers, worker_memory
from etl.collect.manifest import apply_portal, collected_findings
from etl.deadlines import days_late, deadline_for
from etl.discover import SourceFile, discover_sources
from etl.errors import ReportError
from etl.extract import read_file
from etl.fields import NOT_A_REPORT, STD_TEMPLATES
from etl.normalize import strip_invisible
from etl.registry import guess_kind, load_registry, resolve_agency
from etl.report import Finding, ParsedReport
from etl.settings import Settings
from etl.validate.timing import timing_findings, year_findings

BATCH_REPORTS = 256  # reports per write transaction
CHUNK = 8  # files per task sent to a parse worker
MIN_PARALLEL = 32  # fewer files than this are parsed by one worker (for its memory cap)
_RETRIES = 3  # new pools a chunk is sent to after its worker pool broke
_MISSING = object()


@dataclass
class LoadSummary:
    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, "path: problem. hint")
    not_reports: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    notes: list[tuple[str, str]] = field(default_factory=list)  # duplicates, duplicate claims
    carry_over_findings: int = 0
    run_id: int | None = None


@dataclass
class _Item:
    """One source in input order, with the result of reading and parsing it."""

    source: SourceFile
    sha: str | None = None
    data: bytes | None = None
    outcome: object = None  # ParsedReport | ReportError | None (not parsed: seen before)
    locations: list[str] | None = None  # load.value_locations(outcome), made by the worker


@dataclass
class _Batch:
    items: list[_Item] = field(default_factory=list)
    reports: list[load.StagedReport] = field(default_factory=list)
    not_reports: list[tuple[str, str]] = field(default_factory=list)  # (sha256, path)
    errors: list[load.LoadError] = field(default_factory=list)
    undo: list[tuple[dict, object, object]] = field(default_factory=list)  # (dict, key, old)
    sizes: tuple[int, ...] = ()  # lengths of the summary lists when the batch began


@dataclass
class _Run:
    con: object
    registry: object
    run_id: int
    summary: LoadSummary
    parser_version: str
    claims: dict[tuple[str, int], str] = field(default_factory=dict)  # (agency, year) -> path
    seen: dict[str, tuple[str, str]] = field(default_factory=dict)  # sha256 -> (outcome, path)
    portal_dates: dict[str, str] = field(default_factory=dict)  # sha256 -> the portal's 发布时间
    batch: _Batch | None = None  # None: write each outcome in its own transaction

    def remember(self, d: dict, key, value) -> None:
        if self.batch is not None:
            self.batch.undo.append((d, key, d.get(key, _MISSING)))
        d[key] = value


def run_load(
    inputs,
    db_path: str | Path,
    registry_path: str | Path | None = None,
    manifest: str | Path | None = None,
    more_registries=(),
    parser_version: str = etl.PARSER_VERSION,
    workers: int | None = None,
    progress=None,
    cluster: str | None = None,
) -> LoadSummary:
    """Load every file, folder, manifest entry and URL into the database at `db_path`.

    `more_registries` add agencies to the main registry (e.g. the demo province's own CSV).
    `parser_version` is what makes a source "seen before"; tests pass another to force a re-parse.
    `workers`: parse processes (default: $GONGKAI_WORKERS, else one per available core).
    `progress(done, total, failed)`, when given, is called after each file (and once at 0).
    `cluster`: the address of a Dask scheduler that parses instead of local workers (etl/cluster.py);
    an unusable one is a ReportError raised before anything is read or written.
    """
    registry = load_registry(registry_path or Settings().registry_path, *more_registries)
    summary = LoadSummary()
    remote = etl.cluster.connect(cluster) if cluster else None
    with tempfile.TemporaryDirectory(prefix="gongkai-dl-") as tmp:
        try:
            sources = discover_sources(inputs, manifest=manifest, download_dir=tmp)
        except BaseException:
            if remote is not None:
                remote.shutdown()
            raise
        # connected to, or forked, before the database is opened
        pool = _Pool(_workers(workers), len(sources), remote)
        try:
            with load.building_database(db_path) as con:
                load.sync_registry(con, registry)
                run = _Run(
                    con, registry, load.start_run(con, parser_version), summary, parser_version
                )
                summary.run_id = run.run_id
                run.seen = load.sources_seen(con, parser_version)
                _begin(run)
                if progress:
                    progress(0, len(sources), 0)
                for done, item in enumerate(_parsed(sources, set(run.seen), pool), 1):
                    _handle(run, item)
                    if progress:
                        progress(done, len(sources), len(summary.failed))
                    if (
                        len(run.batch.reports) >= BATCH_REPORTS
                        or len(run.batch.items) >= 4 * BATCH_REPORTS
                    ):
                        _flush(run)
                        _begin(run)
                _flush(run)
                if remote is not None and remote.lost:
                    summary.notes.append(
                        (
                            f"--cluster {cluster}",
                            f"lost the cluster ({remote.lost}); the files "
                            "not yet parsed there were parsed here",
                        )
                    )
                load.set_portal_dates(con, run.portal_dates)
                for folder, found in collected_findings(
                    [*inputs, *([manifest] if manifest else [])]
                ):
                    load.record_portal_findings(con, found)
                    if found:
                        summary.notes.append(
                            (str(folder), f"{len(found)} finding(s) seen by the collector")
                        )
                summary.carry_over_findings = load.check_carry_over(con)
                load.finish_run(
                    con,
                    run.run_id,
                    len(summary.loaded),
                    len(summary.unchanged),
                    len(summary.failed),
                    len(summary.not_reports),
                )
        finally:
            pool.shutdown()
            stuck_workers.forget()
    return summary


# --- parsing, in worker processes ---------------------------------------------------------------


def _workers(workers: int | None) -> int:
    if workers is None:
        env = os.environ.get("GONGKAI_WORKERS", "").strip()
        if env.isdigit():
            return max(1, int(env))
        try:
            return len(os.sched_getaffinity(0))
        except AttributeError:
            return os.cpu_count() or 1
    return max(1, workers)


def _pool(workers: int, n_sources: int) -> ProcessPoolExecutor | None:
    # a small load gets one worker: not for speed, for the memory cap no file may be read without
    return parse_worker.start_pool(workers if n_sources >= MIN_PARALLEL else 1)


class _Pool:
    """The parse workers, replaced by a new pool when one dies (the old one is then broken).

    With --cluster the workers are the cluster's (etl.cluster.ClusterPool: it refuses a file
    that ends a worker itself); a lost cluster is a broken pool too, and the rest of the files
    are parsed by a local pool."""

    def __init__(self, workers: int, n_sources: int, remote=None) -> None:
        self.workers = workers
        self.executor = remote if remote is not None else _pool(workers, n_sources)

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
            self.executor = _pool(self.workers, MIN_PARALLEL)

    def shutdown(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)


_parse = parse_worker.parse_or_refusal  # worker side
_internal = parse_worker.internal_error


def _parse_alone(origin: str, data: bytes):
    """A file left unparsed by the pool (it broke again and again): parsed in a worker of its
    own, never in this process."""
    try:
        return parse_worker.parse_alone(origin, data)
    except ReportError as err:
        return err
    except Exception as exc:  # noqa: BLE001 -- a bug must not stop the batch; recorded like a bad file
        return _internal(origin, exc)


def _parse_chunk(jobs: list[tuple[str, bytes]]) -> list[tuple]:
    """Worker side: ("ok", report, locations) or ("error", ReportError); the error pickles."""
    out = []
    for origin, data in jobs:
        with stuck_workers.watched(origin):
            result = _parse(origin, data)
        if isinstance(result, ReportError):
            out.append(("error", result))
        else:
            out.append(("ok", result, load.value_locations(result)))
    return out


def _prepare(source: SourceFile, known: set[str]) -> _Item:
    item = _Item(source)
    try:
        if source.error is not None:
            raise source.error
        item.data = _read(source)
        item.sha = hashlib.sha256(item.data).hexdigest()
    except ReportError as err:
        item.outcome = err
        return item
    if item.sha in known:
        item.data = None  # seen before: not parsed, and no need to keep the bytes
    return item


def _parsed(sources: list[SourceFile], known: set[str], pool: _Pool) -> Iterator[_Item]:
    """Items in input order, parsed (in the pool when there is one) a window ahead of the caller."""
    it = iter(sources)
    window: deque[tuple[list[_Item], tuple[Future, ProcessPoolExecutor] | None]] = deque()
    ahead = max(4, 2 * BATCH_REPORTS // CHUNK)
    refused: dict[str, ReportError] = {}  # files that ended a worker: never parsed again

    def todo(items: list[_Item]) -> list[tuple[str, bytes]]:
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


def _results(running, pool: _Pool, refused: dict[str, ReportError]) -> list | None:
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


# --- handling outcomes in input order ----------------------------------------------------------


def _begin(run: _Run) -> None:
    s = run.summary
    run.batch = _Batch(
        sizes=(len(s.loaded), len(s.unchanged), len(s.failed), len(s.not_reports), len(s.notes))
    )


def _flush(run: _Run) -> None:
    """Write the batch in one transaction; if that fails, undo it and replay report by report."""
    batch, run.batch = run.batch, None
    if batch is None or not (batch.reports or batch.not_reports or batch.errors):
        return
    try:
        stored = load.load_batch(
            run.con,
            batch.reports,
            batch.not_reports,
            batch.errors,
            run_id=run.run_id,
            parser_version=run.parser_version,
        )
        for staged, done in zip(batch.reports, stored):
            _note_version(run, staged.source_path, done)
    except Exception:  # noqa: BLE001 -- replayed below, where each report fails on its own
        for d, key, old in reversed(batch.undo):
            if old is _MISSING:
                d.pop(key, None)
            else:
                d[key] = old
        s = run.summary
        for lst, n in zip((s.loaded, s.unchanged, s.failed, s.not_reports, s.notes), batch.sizes):
            del lst[n:]
        for item in batch.items:
            _handle(run, item)


def _handle(run: _Run, item: _Item) -> None:
    source, sha = item.source, item.sha
    if run.batch is not None:
        run.batch.items.append(item)
    try:
        if isinstance(item.outcome, ReportError) and sha is None:
            raise item.outcome  # not found, not downloaded, unreadable
        if source.portal is not None and source.portal.row.published:
            run.portal_dates[sha] = source.portal.row.published  # also for bytes loaded before
        if _seen(run, source, sha):
            return
        report = item.outcome
        if report is None:  # not parsed ahead (no worker pool): parse it now
            report = item.outcome = _parse_alone(
                source.origin, item.data if item.data is not None else _reread(source, sha)
            )
        if isinstance(report, ReportError):
            raise report
        if (
            source.portal is not None
        ):  # collected from a portal: its 发布时间 is the publication date
            apply_portal(report, source.portal)
        if report.template == NOT_A_REPORT:
            reason = _not_a_report_reason(report)
            if run.batch is not None:
                run.batch.not_reports.append((sha, source.origin))
            else:
                load.record_source(
                    run.con, sha, source.origin, None, "not_a_report", run.parser_version
                )
            run.remember(run.seen, sha, ("not_a_report", source.origin))
            run.summary.not_reports.append((source.origin, reason))
        else:
            _store(run, source, report, item.locations)
    except ReportError as err:
        _fail(run, source, sha, err)
    except Exception as exc:  # a bug must not stop the batch; it is recorded like a bad file
        _fail(run, source, sha, _internal(source.origin, exc))


def _read(source: SourceFile) -> bytes:
    """Read once, from a size-checked regular-file handle (etl.extract.read_file)."""
    return read_file(source.path, source.origin)


def _reread(source: SourceFile, sha: str) -> bytes:
    """The bytes again, for a file whose worker died: they must still be the bytes hashed."""
    data = _read(source)
    if hashlib.sha256(data).hexdigest() != sha:
        raise ReportError(
            source.origin,
            "the file changed while it was being read",
            "wait until the file is completely written, then load it again",
            "changed",
        )
    return data


def _seen(run: _Run, source: SourceFile, sha: str) -> bool:
    """True (and counted as unchanged) when these bytes were handled before."""
    known = run.seen.get(sha)
    if known is None:
        return False
    outcome, first_path = known
    run.summary.unchanged.append(source.origin)
    if first_path != source.origin:
        run.summary.notes.append((source.origin, f"same bytes as {first_path}; loaded once"))
    return True


def _store(
    run: _Run, source: SourceFile, report: ParsedReport, locations: list[str] | None = None
) -> None:
    report.agency = strip_invisible(report.agency or "").strip() or None  # titles from metadata too
    _check_usable(source.origin, report)
    resolution = resolve_agency(report.agency, run.registry)
    agency = resolution.agency
    extra: list[Finding] = [resolution.finding] if resolution.finding else []
    signed = report.meta.get("signed")
    extra += timing_findings(report.year, report.published, signed, report.meta.get("title"))
    extra += year_findings(report.year)
    deadline = deadline_for(agency.kind or guess_kind(agency.name), report.year)
    claim = (agency.code, report.year)
    if claim in run.claims:
        first = run.claims[claim]
        message = (
            f"同一次载入中有两个不同文件都是{agency.name} {report.year} 年度报告：{first} 和 "
            f"{source.origin}；后者作为新版本载入。请核实哪一份是正式发布的"
        )
        extra.append(Finding("report.duplicate_claim", (), None, None, message, "warning"))
        run.summary.notes.append(
            (
                source.origin,
                f"also claims {agency.name} {report.year}, like {first}; loaded as a new version",
            )
        )
    staged = load.StagedReport(
        report,
        agency,
        extra,
        signed,
        deadline,
        days_late(report.published, deadline),
        source.origin,
        locations,
    )
    if run.batch is not None:
        run.batch.reports.append(staged)
    else:
        _note_version(
            run,
            source.origin,
            load.load_report(
                run.con,
                report,
                agency,
                extra,
                signed=signed,
                deadline=deadline,
                days_late=staged.days_late,
                source_path=source.origin,
                parser_version=run.parser_version,
            ),
        )
    run.remember(run.seen, report.sha256, ("loaded", source.origin))
    run.remember(run.claims, claim, source.origin)
    run.summary.loaded.append(source.origin)


def _note_version(run: _Run, origin: str, done: load.LoadedReport) -> None:
    if not done.current and done.shortfall:
        run.summary.notes.append(
            (
                origin,
                f"less complete than version {done.current_version} "
                f"({done.shortfall.english()}); stored as version "
                f"{done.version}, not current (finding "
                "report.worse_version); version "
                f"{done.current_version} stays current",
            )
        )


def _check_usable(path: str, report: ParsedReport) -> None:
    if not (report.agency or "").strip():
        raise ReportError(
            path,
            "the report does not say which agency published it",
            "the title or the signature should name the agency; load the copy "
            "published on the agency's website",
            "no_agency",
        )
    if report.year is None:
        raise ReportError(
            path,
            "the report does not say which year it covers",
            "the title should name the year (e.g. 2023年度); check that this is an annual report",
            "no_year",
        )
    if report.template in STD_TEMPLATES and not report.values:
        raise ReportError(
            path,
            "no figures were found in 表二/表三/表四",
            "the tables may be images or split beyond recognition; load another "
            "copy of the report (a PDF with a text layer, the HTML page or DOCX)",
            "no_figures",
        )


def _not_a_report_reason(report: ParsedReport) -> str:
    for f in report.findings:
        if f.rule.endswith("not_a_report"):
            return f.message
    if report.meta.get("reason"):
        return f"not a disclosure annual report ({report.meta['reason']})"
    return "not a government information disclosure annual report"


def _fail(run: _Run, source: SourceFile, sha: str | None, err: ReportError) -> None:
    if run.batch is not None:
        run.batch.errors.append(load.LoadError(source.origin, sha, err.code, err.problem, err.hint))
    else:
        with load.transaction(run.con):
            load.record_error(
                run.con, run.run_id, source.origin, sha, err.code, err.problem, err.hint
            )
    run.summary.failed.append((source.origin, err.message))
