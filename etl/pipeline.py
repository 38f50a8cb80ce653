"""Where the stages meet: discover -> (skip if seen) -> parse -> resolve agency -> load.

Every file gets exactly one outcome: loaded, unchanged (seen before, not even parsed), not a
report, or failed (a ReportError, or any unexpected exception recorded as code "internal"); a
bad file never stops the batch. The whole run writes one aside copy of the database that is
swapped in at the end (etl/load.py), so a killed run leaves the previous database untouched.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import etl.parse
from etl import load
from etl.deadlines import deadline_for, days_late, timing_findings
from etl.discover import SourceFile, discover_sources
from etl.errors import ReportError
from etl.fields import NOT_A_REPORT, STD_TEMPLATES
from etl.registry import guess_kind, load_registry, resolve_agency
from etl.report import Finding, ParsedReport
from etl.settings import Settings


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
class _Run:
    con: object
    registry: object
    run_id: int
    summary: LoadSummary
    parser_version: str
    claims: dict[tuple[str, int], str] = field(default_factory=dict)  # (agency, year) -> path
    seen: dict[str, tuple[str, str]] = field(default_factory=dict)  # sha256 -> (outcome, path)


def run_load(inputs, db_path: str | Path, registry_path: str | Path | None = None,
             manifest: str | Path | None = None, more_registries=(),
             parser_version: str = etl.PARSER_VERSION) -> LoadSummary:
    """Load every file, folder, manifest entry and URL into the database at `db_path`.

    `more_registries` add agencies to the main registry (e.g. the demo province's own CSV).
    `parser_version` is what makes a source "seen before"; tests pass another to force a re-parse.
    """
    registry = load_registry(registry_path or Settings().registry_path, *more_registries)
    summary = LoadSummary()
    with tempfile.TemporaryDirectory(prefix="gongkai-dl-") as tmp:
        sources = discover_sources(inputs, manifest=manifest, download_dir=tmp)
        with load.building_database(db_path) as con:
            load.sync_registry(con, registry)
            run = _Run(con, registry, load.start_run(con, parser_version), summary,
                       parser_version)
            summary.run_id = run.run_id
            run.seen = load.sources_seen(con, parser_version)
            for source in sources:
                _load_one(run, source)
            summary.carry_over_findings = load.check_carry_over(con)
            load.finish_run(con, run.run_id, len(summary.loaded), len(summary.unchanged),
                            len(summary.failed), len(summary.not_reports))
    return summary


def _load_one(run: _Run, source: SourceFile) -> None:
    sha = None
    try:
        if source.error is not None:
            raise source.error
        data = _read(source)
        sha = hashlib.sha256(data).hexdigest()
        if _seen(run, source, sha):
            return
        report = etl.parse.parse_file(source.origin, data)
        if report.template == NOT_A_REPORT:
            reason = _not_a_report_reason(report)
            load.record_source(run.con, sha, source.origin, None, "not_a_report",
                               run.parser_version)
            run.seen[sha] = ("not_a_report", source.origin)
            run.summary.not_reports.append((source.origin, reason))
        else:
            _store(run, source, report)
    except ReportError as err:
        _fail(run, source, sha, err)
    except Exception as exc:  # a bug must not stop the batch; it is recorded like a bad file
        _fail(run, source, sha, ReportError(
            source.origin, f"unexpected error while loading the file ({type(exc).__name__}: {exc})",
            "this is a bug in gongkai; please report it together with the file", "internal"))


def _read(source: SourceFile) -> bytes:
    try:
        return Path(source.path).read_bytes()
    except OSError as exc:
        raise ReportError(source.origin, f"cannot read the file ({exc.strerror})",
                          "check the path and the file permissions", "unreadable") from None


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


def _store(run: _Run, source: SourceFile, report: ParsedReport) -> None:
    _check_usable(source.origin, report)
    resolution = resolve_agency(report.agency, run.registry)
    agency = resolution.agency
    extra: list[Finding] = [resolution.finding] if resolution.finding else []
    signed = report.meta.get("signed")
    extra += timing_findings(report.year, report.published, signed)
    claim = (agency.code, report.year)
    if claim in run.claims:
        first = run.claims[claim]
        message = (f"two different files in one load are both the {report.year} report of "
                   f"{agency.name}: {first} and {source.origin}; the later was loaded as a new "
                   f"version. Check which one was officially published")
        extra.append(Finding("report.duplicate_claim", (), None, None, message, "warning"))
        run.summary.notes.append((source.origin, f"also claims {agency.name} {report.year}, "
                                                 f"like {first}; loaded as a new version"))
    deadline = deadline_for(agency.kind or guess_kind(agency.name), report.year)
    load.load_report(run.con, report, agency, extra, signed=signed, deadline=deadline,
                     days_late=days_late(report.published, deadline),
                     source_path=source.origin, parser_version=run.parser_version)
    run.seen[report.sha256] = ("loaded", source.origin)
    run.claims[claim] = source.origin
    run.summary.loaded.append(source.origin)


def _check_usable(path: str, report: ParsedReport) -> None:
    if not (report.agency or "").strip():
        raise ReportError(path, "the report does not say which agency published it",
                          "the title or the signature should name the agency; load the copy "
                          "published on the agency's website", "no_agency")
    if report.year is None:
        raise ReportError(path, "the report does not say which year it covers",
                          "the title should name the year (e.g. 2023年度); check that this is an "
                          "annual report", "no_year")
    if report.template in STD_TEMPLATES and not report.values:
        raise ReportError(path, "no figures were found in 表二/表三/表四",
                          "the tables may be images or split beyond recognition; load another "
                          "copy of the report (a PDF with a text layer, the HTML page or DOCX)",
                          "no_figures")


def _not_a_report_reason(report: ParsedReport) -> str:
    for f in report.findings:
        if f.rule.endswith("not_a_report"):
            return f.message
    if report.meta.get("reason"):
        return f"not a disclosure annual report ({report.meta['reason']})"
    return "not a government information disclosure annual report"


def _fail(run: _Run, source: SourceFile, sha: str | None, err: ReportError) -> None:
    with load.transaction(run.con):
        load.record_error(run.con, run.run_id, source.origin, sha, err.code, err.problem, err.hint)
    run.summary.failed.append((source.origin, err.message))
