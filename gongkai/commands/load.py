"""`gongkai load PATH...`: load files, folders, a manifest and URLs into the database."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from etl.errors import ReportError
from etl.gongkai_error import GongkaiError
from etl.settings import Settings
from gongkai.failures import as_refusal
from gongkai.options import db_option, registries_option


@click.command("load")
@click.argument("paths", nargs=-1)
@db_option()
@click.option(
    "--manifest",
    type=click.Path(exists=True, dir_okay=False),
    help="A .txt/.csv listing one path or URL per line.",
)
@registries_option
@click.option(
    "--cluster",
    metavar="ADDRESS",
    help="Parse and OCR on this Dask scheduler (tcp://HOST:PORT) instead of this machine's "
    'cores; needs pip install -e ".[cluster]". The database is still written here.',
)
def load(
    paths: tuple[str, ...],
    db: str | None,
    manifest: str | None,
    registry: tuple[str, ...],
    cluster: str | None,
) -> None:
    """Load report files (any format), folders (recursively), a manifest and http(s) URLs.

    Files already loaded (same bytes, same parser version) are skipped. A file that cannot be
    used is listed with what to do about it; the others are loaded anyway. Exit code 1 when
    any file failed.

    Example:

    \b
        gongkai load ../shared/seeds ../shared/real-reports/hongze_2024.pdf --db data/gongkai.duckdb
    """
    if not paths and not manifest:
        raise click.UsageError("give at least one PATH (file, folder or URL) or --manifest")
    settings = Settings.from_env(db_path=db, registry_path=registry[0] if registry else None)
    if cluster is not None:
        from etl.cluster import INSTALL, engine_installed

        if not engine_installed():
            raise GongkaiError(
                f"--cluster needs the optional cluster engine (Dask distributed): {INSTALL}"
            )
    sys.exit(run_and_report(paths, settings, manifest, registry[1:], cluster=cluster))


def run_and_report(
    paths, settings: Settings, manifest: str | None = None, more_registries=(), cluster=None
) -> int:
    """Run the load (a progress bar on a terminal) and print the summary; returns the exit code."""
    from etl.pipeline import run_load
    from gongkai.failures import check_database
    from gongkai.progress import LoadProgress

    check_database(settings.db_path)  # before the loader copies it aside
    progress = LoadProgress()
    try:
        summary = run_load(
            paths,
            settings.db_path,
            settings.registry_path,
            manifest,
            more_registries,
            progress=progress,
            cluster=cluster,
        )
    except ReportError as exc:  # the registry, the manifest or the database itself is unusable
        raise as_refusal(exc) from None
    finally:
        progress.close()
    echo_summary(summary, settings.db_path)
    after_swap(settings.db_path, settings.scheme_path)
    return 1 if summary.failed else 0


def after_swap(db_path, scheme_path) -> None:
    """What follows every change of the report database's current rows (a load, `versions --use`,
    a ledger import): the re-check (findings → 整改跟踪, the workflow store), then the scores.
    One function, so no way of changing which version is current leaves the store behind."""
    from workflow.sync import recheck

    click.echo(recheck(db_path))
    click.echo(store_scores(db_path, scheme_path))


def store_scores(db_path, scheme_path) -> str:
    """Score every year under the office's default scheme and keep the runs beside the database
    (assess.stored), so the dashboard's pages read them instead of scoring. Runs after the
    re-check, which may set corrections aside and so change what the scorer reads; on the
    database as the dashboard opens it (read-only, the analysts' corrections attached)."""
    import time

    import duckdb

    from assess import stored
    from assess.scheme import load_scheme
    from dashboard.default_views import store_default_views
    from workflow.reports_db import open_reports

    start = time.perf_counter()
    try:
        scheme = load_scheme(scheme_path)
    except (GongkaiError, OSError) as exc:  # the dashboard says what is wrong with it, in Chinese
        return f"scores not stored: {exc}"
    if not Path(db_path).is_file():
        return "scores not stored: no database"
    try:
        # attached as the dashboard attaches it: the pages' default views are computed by the
        # pages' own functions (dashboard.default_views), which select it by name
        with open_reports(db_path, attached=True) as con:
            years = stored.store_years(con, db_path, scheme)
            views = store_default_views(con, db_path, scheme_path) if years else 0
    except (duckdb.Error, OSError, GongkaiError) as exc:  # the load stands; pages score instead
        return f"scores not stored: {exc}. The dashboard scores on first view"
    if not years:
        return f"scores not stored: {stored.cache_dir(db_path)} cannot be written"
    return (
        f"scores stored for {years[0]}-{years[-1]} under {scheme.name}, with {views} frames "
        f"of the pages' default views ({time.perf_counter() - start:.1f} s)"
    )


def echo_summary(summary, db_path) -> None:
    click.echo(
        f"{db_path}: loaded {len(summary.loaded)}, unchanged {len(summary.unchanged)}, "
        f"not a report {len(summary.not_reports)}, failed {len(summary.failed)}"
    )
    for path, reason in summary.not_reports:
        click.echo(f"  not a report: {path}: {reason}")
    for path, note in summary.notes:
        click.echo(f"  note: {path}: {note}")
    if summary.carry_over_findings:
        click.echo(
            f"  {summary.carry_over_findings} report(s) disagree with last year's "
            "carried-over requests (finding crossyear.carry_over)"
        )
    for _path, message in summary.failed:
        click.echo(f"  failed: {message}", err=True)
