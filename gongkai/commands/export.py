"""`gongkai export`: the assessment sheets an office prints and files (Excel, CSV, PDF, Word)."""

from __future__ import annotations

from pathlib import Path

import click

from etl.collect.safe_files import PlantedLink, write_in
from etl.safe_text import file_stem

SUFFIXES = (".xlsx", ".csv", ".pdf", ".docx")


@click.command()
@click.option("--year", type=int, required=True, help="Report year to assess, e.g. 2024.")
@click.option(
    "--scheme",
    "scheme_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Assessment scheme TOML (default: GONGKAI_SCHEME or data/schemes/default.toml).",
)
@click.option("--peer-group", default=None, help="Only this peer group (对标组), e.g. 市级部门.")
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Database file (default: GONGKAI_DB or data/gongkai.duckdb).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help="A .xlsx, .csv, .pdf or .docx file, or a folder to write all four into.",
)
@click.option("--per-agency", is_flag=True, help="Add one sheet per agency to the workbook.")
def export(
    year: int,
    scheme_path: Path | None,
    peer_group: str | None,
    db_path: Path | None,
    out: Path,
    per_agency: bool,
) -> None:
    """Write the assessment of one year as Excel, CSV, PDF and/or Word (DOCX, to edit before filing).

    The figures are the dashboard's: the same query layer computes them for the same year,
    scheme and peer group. The database is opened read-only.

    Example:

        gongkai export --year 2024 --out 考核/2024.xlsx
        gongkai export --year 2024 --peer-group 市级部门 --out 考核/
    """
    import duckdb

    import exports as builders
    from etl.settings import Settings
    from exports.data import gather
    from exports.word import assessment_docx
    from gongkai.failures import check_database

    settings = Settings.from_env(db_path=db_path, scheme_path=scheme_path)
    targets = output_paths(out, year, peer_group)
    if not settings.db_path.is_file():
        raise click.ClickException(
            f"{settings.db_path}: no database. Build it first with `gongkai build`, or pass --db."
        )
    if not settings.scheme_path.is_file():
        raise click.ClickException(
            f"{settings.scheme_path}: no assessment scheme. Pass --scheme FILE.toml."
        )
    check_database(settings.db_path)
    from workflow.overlay import attach_corrections

    con = duckdb.connect(str(settings.db_path), read_only=True)
    try:
        attach_corrections(con, settings.db_path)  # analysts' corrections over parsed values
        data = gather(
            con,
            year=year,
            scheme=settings.scheme_path,
            peer_group=peer_group,
            db_path=settings.db_path,
            per_agency=per_agency,
        )
    except (ValueError, KeyError) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        con.close()
    if data.summary.frame.height == 0:
        click.echo(
            f"warning: no scored agencies for {year}"
            + (f" in {peer_group}" if peer_group else "")
            + "; the sheets are empty.",
            err=True,
        )
    build = {
        ".xlsx": lambda: builders.assessment_workbook(data, per_agency=per_agency),
        ".csv": lambda: builders.summary_csv(data),
        ".pdf": lambda: builders.summary_pdf(data),
        ".docx": lambda: assessment_docx(data),
    }
    for path in targets:
        try:
            payload = build[path.suffix.lower()]()
        except builders.MissingFontError as exc:
            raise click.ClickException(str(exc)) from exc
        path.parent.mkdir(parents=True, exist_ok=True)
        try:  # never through a link planted at the name
            write_in(path.parent, [], path.name, payload)
        except PlantedLink as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"wrote {path} ({len(payload):,} bytes)")


def output_paths(out: Path, year: int, peer_group: str | None) -> list[Path]:
    """`out` itself for a .xlsx/.csv/.pdf name; for a folder, all three named by year and group."""
    if out.suffix.lower() in SUFFIXES:
        return [out]
    if out.suffix and not out.is_dir():
        raise click.BadParameter(
            f"{out}: use a .xlsx, .csv, .pdf or .docx file name, or a folder.", param_hint="--out"
        )
    stem = file_stem(f"考核汇总_{year}" + (f"_{peer_group}" if peer_group else ""))
    return [out / f"{stem}{suffix}" for suffix in SUFFIXES]
