"""`gongkai build`: load everything under the data folder (generating the demo corpus if absent)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from etl.settings import Settings
from gongkai.commands.load import run_and_report
from gongkai.options import db_option, registry_option


@click.command("build")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(exists=True, file_okay=False),
    help="Folder of source documents (default: data/ or $GONGKAI_DATA).",
)
@db_option()
@registry_option
def build(data_dir: str | None, db: str | None, registry: str | None) -> None:
    """Build the database from every report under the data folder.

    If data/demo/ is missing or empty and the demo generator is installed, the demo province's
    documents are generated first. Agencies come from the registry plus any other registry.csv
    under the data folder (the demo writes its province's agencies to data/demo/registry.csv).
    Unchanged files are skipped, so a rebuild is quick. Exit code 1 when any file failed.

    Example:

    \b
        gongkai build --data data/ --db data/gongkai.duckdb
    """
    settings = Settings.from_env(data_dir=data_dir, db_path=db, registry_path=registry)
    _ensure_demo(Path(settings.data_dir) / "demo")
    main = Path(settings.registry_path).resolve()
    more = [p for p in sorted(Path(settings.data_dir).rglob("registry.csv")) if p.resolve() != main]
    sys.exit(run_and_report([str(settings.data_dir)], settings, more_registries=more))


def _ensure_demo(demo_dir: Path) -> None:
    """Generate the demo corpus unless data/demo/ holds files already."""
    if demo_dir.is_dir() and any(p for p in demo_dir.rglob("*") if p.is_file()):
        return
    from demo import generate
    from etl.fonts import cjk_fonts

    cjk_fonts()  # the demo's PDFs need it: a missing font stops here, before any file is written
    click.echo(f"generating the demo corpus into {demo_dir} ...")
    generate(demo_dir)
