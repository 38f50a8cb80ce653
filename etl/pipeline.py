"""The load run: discover -> (skip if seen) -> parse pool -> stage -> write -> after the batches.

One report's route through `gongkai load`, forward only (each module imports only the ones after
it, `pyproject.toml` "One report's walk through gongkai load goes forward"):
etl/discover.py finds the files; etl/parse_pool.py reads, hashes and parses them in worker
processes, in input order; here each outcome is sorted (unchanged, not a report, failed, or a
report); etl/staging.py resolves a report's agency and dates; etl/load.py writes it in a batch,
placed by the version policy (etl/versions.py); after the last batch etl/portal_dates.py and
etl/run_findings.py rewrite what depends on the whole load, and etl/building_copy.py runs the
cross-report checks and swaps the copy in. etl/load_summary.py is what the caller gets back.

Every file gets exactly one outcome; a bad file never stops the batch. The run writes one aside
copy of the database, swapped in at the end: a killed run leaves the previous database untouched.
Outcomes are written in batches, one transaction each (load.load_batch); a batch that fails to
write is rolled back, the run's state put back as before it, and the batch replayed one report
per transaction as a serial load would: a report that cannot be stored fails alone and rows
already loaded are never touched. With `cluster` (gongkai load --cluster ADDRESS) the parse
chunks go to a Dask scheduler; everything else, the writing included, stays here.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import etl.cluster
from etl import clock, load, load_runs, stuck_workers
from etl.building_copy import building_database, transaction
from etl.collect.manifest import apply_portal, collected_findings
from etl.discover import SourceFile, discover_sources
from etl.errors import ReportError
from etl.fields import NOT_A_REPORT
from etl.load_summary import LoadSummary, not_a_report_reason
from etl.parse_pool import (
    CHUNK,
    Item,
    ParsePool,
    internal_error,
    parse_alone_or_refusal,
    parsed,
    reread,
    worker_count,
)
from etl.portal_dates import set_portal_dates
from etl.registry import load_registry
from etl.report import ParsedReport
from etl.run_findings import check_carry_over, record_portal_findings
from etl.settings import Settings
from etl.staging import stage_report

BATCH_REPORTS = 256  # reports per write transaction
_MISSING = object()


@dataclass
class _Batch:
    items: list[Item] = field(default_factory=list)
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
    clock.today()  # a bad GONGKAI_TODAY: one BadTodayError for the run, not one failure per file
    registry = load_registry(registry_path or Settings.from_env().registry_path, *more_registries)
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
        pool = ParsePool(worker_count(workers), len(sources), remote)
        try:
            with building_database(db_path) as con:
                run = _start(con, registry, summary, parser_version)
                _load_all(run, sources, pool, progress)
                if remote is not None and remote.lost:
                    summary.notes.append(
                        (
                            f"--cluster {cluster}",
                            f"lost the cluster ({remote.lost}); the files "
                            "not yet parsed there were parsed here",
                        )
                    )
                _after_batches(run, [*inputs, *([manifest] if manifest else [])])
        finally:
            pool.shutdown()
            stuck_workers.forget()
    return summary


def _start(con, registry, summary: LoadSummary, parser_version: str) -> _Run:
    load_runs.sync_registry(con, registry)
    run = _Run(con, registry, load_runs.start_run(con, parser_version), summary, parser_version)
    summary.run_id = run.run_id
    run.seen = load_runs.sources_seen(con, parser_version)
    _begin(run)
    return run


def _load_all(run: _Run, sources: list[SourceFile], pool: ParsePool, progress) -> None:
    """Every source in input order, written in batches of BATCH_REPORTS reports."""
    if progress:
        progress(0, len(sources), 0)
    ahead = max(4, 2 * BATCH_REPORTS // CHUNK)  # chunks parsed ahead: two batches' worth
    for done, item in enumerate(parsed(sources, set(run.seen), pool, ahead), 1):
        _handle(run, item)
        if progress:
            progress(done, len(sources), len(run.summary.failed))
        if len(run.batch.reports) >= BATCH_REPORTS or len(run.batch.items) >= 4 * BATCH_REPORTS:
            _flush(run)
            _begin(run)
    _flush(run)


def _after_batches(run: _Run, collected: list) -> None:
    """What depends on the whole load: portal dates, the collector's findings, the carry-over
    identity across years, and the run's record."""
    con, summary = run.con, run.summary
    set_portal_dates(con, run.portal_dates)
    for folder, found in collected_findings(collected):
        record_portal_findings(con, found)
        if found:
            summary.notes.append((str(folder), f"{len(found)} finding(s) seen by the collector"))
    summary.carry_over_findings = check_carry_over(con)
    load_runs.finish_run(
        con,
        run.run_id,
        len(summary.loaded),
        len(summary.unchanged),
        len(summary.failed),
        len(summary.not_reports),
    )


def _begin(run: _Run) -> None:
    run.batch = _Batch(sizes=run.summary.sizes())


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
            run.summary.note_version(staged.source_path, done)
    # not swallowed: the batch is undone and replayed report by report, where the failure comes
    # back and is recorded by _handle against the one report that causes it
    except Exception:  # noqa: BLE001 -- replayed below, each report on its own
        for d, key, old in reversed(batch.undo):
            if old is _MISSING:
                d.pop(key, None)
            else:
                d[key] = old
        run.summary.cut_to(batch.sizes)
        for item in batch.items:
            _handle(run, item)


def _handle(run: _Run, item: Item) -> None:
    """Give the item its one outcome (in the batch, or written at once when there is none)."""
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
        if report is None:  # not parsed ahead (the pool broke again and again): parse it now
            report = item.outcome = parse_alone_or_refusal(
                source.origin, item.data if item.data is not None else reread(source, sha)
            )
        if isinstance(report, ReportError):
            raise report
        if (
            source.portal is not None
        ):  # collected from a portal: its 发布时间 is the publication date
            apply_portal(report, source.portal)
        if report.template == NOT_A_REPORT:
            _not_a_report(run, source, sha, report)
        else:
            _store(run, source, report, item.locations)
    except ReportError as err:
        _fail(run, source, sha, err)
    # the writer's boundary for one file, as parse_or_refusal is the worker's: a bug in staging or
    # writing one report must not stop the load; it is recorded like a bad file (code internal)
    except Exception as exc:  # noqa: BLE001 -- one file's boundary in the writer
        _fail(run, source, sha, internal_error(source.origin, exc))


def _seen(run: _Run, source: SourceFile, sha: str) -> bool:
    """True (and counted as unchanged) when these bytes were handled before."""
    known = run.seen.get(sha)
    if known is None:
        return False
    _outcome, first_path = known
    run.summary.unchanged.append(source.origin)
    run.summary.note_same_bytes(source.origin, first_path)
    return True


def _not_a_report(run: _Run, source: SourceFile, sha: str, report: ParsedReport) -> None:
    reason = not_a_report_reason(report)
    if run.batch is not None:
        run.batch.not_reports.append((sha, source.origin))
    else:
        load_runs.record_source(
            run.con, sha, source.origin, None, "not_a_report", run.parser_version
        )
    run.remember(run.seen, sha, ("not_a_report", source.origin))
    run.summary.not_reports.append((source.origin, reason))


def _store(
    run: _Run, source: SourceFile, report: ParsedReport, locations: list[str] | None = None
) -> None:
    staged, first = stage_report(source.origin, report, run.registry, run.claims, locations)
    if first is not None:
        run.summary.note_duplicate_claim(source.origin, staged.agency.name, report.year, first)
    if run.batch is not None:
        run.batch.reports.append(staged)
    else:
        done = load.load_report(
            run.con,
            report,
            staged.agency,
            staged.findings,
            signed=staged.signed,
            deadline=staged.deadline,
            days_late=staged.days_late,
            source_path=source.origin,
            parser_version=run.parser_version,
        )
        run.summary.note_version(source.origin, done)
    run.remember(run.seen, report.sha256, ("loaded", source.origin))
    run.remember(run.claims, (staged.agency.code, report.year), source.origin)
    run.summary.loaded.append(source.origin)


def _fail(run: _Run, source: SourceFile, sha: str | None, err: ReportError) -> None:
    if run.batch is not None:
        run.batch.errors.append(load.LoadError(source.origin, sha, err.code, err.problem, err.hint))
    else:
        with transaction(run.con):
            load_runs.record_error(
                run.con, run.run_id, source.origin, sha, err.code, err.problem, err.hint
            )
    run.summary.failed.append((source.origin, err.message))
