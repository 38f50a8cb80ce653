"""The load run: discover -> (skip if seen) -> parse pool -> stage -> write -> after the batches.

One report's route through `gongkai load`, forward only (each module imports only the ones after
it, `pyproject.toml` "One report's walk through gongkai load goes forward"):
etl/discover.py finds the files; etl/parse_pool.py reads, hashes and parses them in worker
processes, in input order; etl/outcomes.py sorts each outcome (unchanged, not a report,
failed, or a report) into the current batch; etl/staging.py resolves a report's agency and
dates; etl/load.py writes it in a batch, placed by the version policy (etl/versions.py); after
the last batch etl/portal_dates.py and etl/run_findings.py rewrite what depends on the whole
load, and etl/building_copy.py runs the cross-report checks and swaps the copy in.
etl/load_summary.py is what the caller gets back.

Every file gets exactly one outcome; a bad file never stops the batch. The run writes one aside
copy of the database, swapped in at the end: a killed run leaves the previous database untouched.
Outcomes are written in batches, one transaction each; a batch that fails to write is replayed
one report per transaction (etl/outcomes.py). With `cluster` (gongkai load --cluster ADDRESS)
the parse chunks go to a Dask scheduler; everything else, the writing included, stays here.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import etl.cluster
from etl import clock, load_runs, stuck_workers
from etl.building_copy import building_database
from etl.collect.manifest import collected_findings
from etl.discover import discover_sources
from etl.load_summary import LoadSummary
from etl.outcomes import Run, begin_batch, flush_batch, handle
from etl.parse_pool import CHUNK, ParsePool, parsed, worker_count
from etl.portal_dates import set_portal_dates
from etl.registry import load_registry
from etl.run_findings import check_carry_over, record_portal_findings
from etl.settings import Settings
from etl.source_file import SourceFile

BATCH_REPORTS = 256  # reports per write transaction


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


def _start(con, registry, summary: LoadSummary, parser_version: str) -> Run:
    load_runs.sync_registry(con, registry)
    run = Run(con, registry, load_runs.start_run(con, parser_version), summary, parser_version)
    summary.run_id = run.run_id
    run.seen = load_runs.sources_seen(con, parser_version)
    begin_batch(run)
    return run


def _load_all(run: Run, sources: list[SourceFile], pool: ParsePool, progress) -> None:
    """Every source in input order, written in batches of BATCH_REPORTS reports."""
    if progress:
        progress(0, len(sources), 0)
    ahead = max(4, 2 * BATCH_REPORTS // CHUNK)  # chunks parsed ahead: two batches' worth
    for done, item in enumerate(parsed(sources, set(run.seen), pool, ahead), 1):
        handle(run, item)
        if progress:
            progress(done, len(sources), len(run.summary.failed))
        if len(run.batch.reports) >= BATCH_REPORTS or len(run.batch.items) >= 4 * BATCH_REPORTS:
            flush_batch(run)
            begin_batch(run)
    flush_batch(run)


def _after_batches(run: Run, collected: list) -> None:
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
