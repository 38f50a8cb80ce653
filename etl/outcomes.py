"""Each file's one outcome in a load run: unchanged, not a report, failed, or a report.

The run (etl/pipeline.py) hands every parsed item here in input order; the outcome goes into the
run's current batch, and a batch is written in one transaction (load.load_batch). A batch that
fails to write is rolled back, the run's state put back as before it (every change went through
`Run.remember`), and its items handled again one report per transaction, as a serial load
would: a report that cannot be stored fails alone and rows already loaded are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from etl import load, load_runs
from etl.building_copy import transaction
from etl.collect.manifest import apply_portal
from etl.errors import ReportError
from etl.fields import NOT_A_REPORT
from etl.load_summary import LoadSummary, not_a_report_reason
from etl.parse_pool import Item, internal_error, parse_alone_or_refusal, reread
from etl.report import ParsedReport
from etl.source_file import SourceFile
from etl.staging import stage_report

_MISSING = object()


@dataclass
class Batch:
    items: list[Item] = field(default_factory=list)
    reports: list[load.StagedReport] = field(default_factory=list)
    not_reports: list[tuple[str, str]] = field(default_factory=list)  # (sha256, path)
    errors: list[load.LoadError] = field(default_factory=list)
    undo: list[tuple[dict, object, object]] = field(default_factory=list)  # (dict, key, old)
    sizes: tuple[int, ...] = ()  # lengths of the summary lists when the batch began


@dataclass
class Run:
    con: object
    registry: object
    run_id: int
    summary: LoadSummary
    parser_version: str
    claims: dict[tuple[str, int], str] = field(default_factory=dict)  # (agency, year) -> path
    seen: dict[str, tuple[str, str]] = field(default_factory=dict)  # sha256 -> (outcome, path)
    portal_dates: dict[str, str] = field(default_factory=dict)  # sha256 -> the portal's 发布时间
    batch: Batch | None = None  # None: write each outcome in its own transaction

    def remember(self, d: dict, key, value) -> None:
        if self.batch is not None:
            self.batch.undo.append((d, key, d.get(key, _MISSING)))
        d[key] = value


def begin_batch(run: Run) -> None:
    run.batch = Batch(sizes=run.summary.sizes())


def flush_batch(run: Run) -> None:
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
    except Exception:  # noqa: BLE001 -- replayed below, where each report fails on its own
        for d, key, old in reversed(batch.undo):
            if old is _MISSING:
                d.pop(key, None)
            else:
                d[key] = old
        run.summary.cut_to(batch.sizes)
        for item in batch.items:
            handle(run, item)


def handle(run: Run, item: Item) -> None:
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
    except Exception as exc:  # noqa: BLE001 -- one file's boundary in the writer: a bug must not stop the batch; it is recorded like a bad file
        _fail(run, source, sha, internal_error(source.origin, exc))


def _seen(run: Run, source: SourceFile, sha: str) -> bool:
    """True (and counted as unchanged) when these bytes were handled before."""
    known = run.seen.get(sha)
    if known is None:
        return False
    _outcome, first_path = known
    run.summary.unchanged.append(source.origin)
    run.summary.note_same_bytes(source.origin, first_path)
    return True


def _not_a_report(run: Run, source: SourceFile, sha: str, report: ParsedReport) -> None:
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
    run: Run, source: SourceFile, report: ParsedReport, locations: list[str] | None = None
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


def _fail(run: Run, source: SourceFile, sha: str | None, err: ReportError) -> None:
    if run.batch is not None:
        run.batch.errors.append(load.LoadError(source.origin, sha, err.code, err.problem, err.hint))
    else:
        with transaction(run.con):
            load_runs.record_error(
                run.con, run.run_id, source.origin, sha, err.code, err.problem, err.hint
            )
    run.summary.failed.append((source.origin, err.message))
