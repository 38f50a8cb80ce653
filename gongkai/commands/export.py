"""`gongkai export`: the assessment sheets an office prints and files (Excel, CSV, PDF, Word)."""

from __future__ import annotations

from pathlib import Path

import click

from etl.collect.safe_files import PlantedLink, write_in
from etl.gongkai_error import GongkaiError
from gongkai.options import db_option, scheme_option


def _suffixes() -> str:
    """'.xlsx, .docx, .pdf or .csv': the file names `--out` takes (exports/formats.py)."""
    from exports.formats import FORMATS

    names = [f".{fmt.suffix}" for fmt in FORMATS]
    return ", ".join(names[:-1]) + " or " + names[-1]


class _OutOption(click.Option):
    """`--out`, whose help lists the formats of exports/formats.py. Read only when the help is
    shown: importing `exports` takes about 0.3 s, which every command would pay at start."""

    def get_help_record(self, ctx: click.Context):
        self.help = f"A {_suffixes()} file, or a folder to write one file of each format into."
        return super().get_help_record(ctx)


@click.command()
@click.option("--year", type=int, required=True, help="Report year to assess, e.g. 2024.")
@scheme_option(must_exist=False, path_type=Path)  # a missing one: its own line, below
@click.option("--peer-group", default=None, help="Only this peer group (对标组), e.g. 市级部门.")
@db_option("db_path", path_type=Path)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    cls=_OutOption,
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

    \b
        gongkai export --year 2024 --out 考核/2024.xlsx
        gongkai export --year 2024 --peer-group 市级部门 --out 考核/
    """
    from etl.settings import Settings
    from exports.data import gather
    from exports.formats import format_of
    from gongkai.failures import as_refusal, check_database

    settings = Settings.from_env(db_path=db_path, scheme_path=scheme_path)
    targets = output_paths(out, year, peer_group)
    if not settings.db_path.is_file():
        raise GongkaiError(
            f"{settings.db_path}: no database. Build it first with `gongkai build`, or pass --db."
        )
    if not settings.scheme_path.is_file():
        raise GongkaiError(
            f"{settings.scheme_path}: no assessment scheme. Pass --scheme FILE.toml."
        )
    check_database(settings.db_path)
    from workflow.reports_db import open_reports

    con = open_reports(settings.db_path)
    try:
        data = gather(
            con,
            year=year,
            scheme=settings.scheme_path,
            peer_group=peer_group,
            per_agency=per_agency,
        )
    except KeyError as exc:  # a peer group or indicator the scheme does not have
        raise GongkaiError(str(exc)) from exc
    finally:
        con.close()
    if data.summary.frame.height == 0:
        click.echo(
            f"注意：{year}年度"
            + (f"对标组“{peer_group}”" if peer_group else "")
            + "没有可计分的单位，表格为空",
            err=True,
        )
    for path in targets:
        # a MissingFontError (the PDF) says its own line, exit 3, as in `gongkai build`
        payload = format_of(path.suffix).build(data, per_agency=per_agency)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:  # never through a link planted at the name
            write_in(path.parent, [], path.name, payload)
        except PlantedLink as exc:  # refused (1): the name is the user's output, not an input
            raise as_refusal(exc) from None
        click.echo(f"已写出 {path}（{len(payload):,} 字节）")


def output_paths(out: Path, year: int, peer_group: str | None) -> list[Path]:
    """`out` itself for a file name of an export format; for a folder, one file of each format
    (exports/formats.py) named by year and group."""
    from exports.formats import FORMATS, export_file_name, format_of

    if format_of(out.suffix) is not None:
        return [out]
    if out.suffix and not out.is_dir():
        raise click.BadParameter(
            f"{out}: use a {_suffixes()} file name, or a folder.", param_hint="--out"
        )
    return [out / export_file_name(year, peer_group, fmt.suffix) for fmt in FORMATS]
