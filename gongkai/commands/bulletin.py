"""`gongkai bulletin`: the year's 年报质量检查通报 as a DOCX draft for the office to edit."""

from __future__ import annotations

from pathlib import Path

import click

from etl.collect.safe_files import PlantedLink, write_in
from etl.gongkai_error import GongkaiError
from gongkai.options import db_option, office_option, scheme_option


@click.command("bulletin")
@click.option("--year", required=True, type=int, help="Report year of the bulletin.")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The .docx file to write.",
)
@db_option()
@scheme_option()
@office_option
def bulletin(
    year: int, out: Path, db: str | None, scheme_path: str | None, office_file: Path | None
) -> None:
    """Draft the bulletin: problems by category, late and unpublished agencies, the most common
    problems, exemplary agencies, a table per region and per peer group. Problems dismissed as
    误报 on the 整改跟踪 page are left out; analyst corrections count in the scores.

    Example:

    \b
        gongkai bulletin --year 2024 --out 通报/2024年度年报质量通报.docx
    """

    from etl.settings import Settings
    from exports.bulletin import bulletin_docx
    from exports.office import load_office
    from workflow.bulletin_data import bulletin_data
    from workflow.reports_db import open_reports
    from workflow.store import is_writable, opened, store_path
    from workflow.sync import sync_after_load

    if out.suffix.lower() != ".docx":
        raise click.BadParameter(f"{out}: give a .docx file name", param_hint="--out")
    settings = Settings.from_env(db_path=db, scheme_path=scheme_path)
    if not settings.db_path.is_file():
        raise GongkaiError(
            f"{settings.db_path}: no database. Build it first with `gongkai build`, or pass --db."
        )
    office = load_office(office_file)  # OfficeSettingsError: its own line (gongkai/cli.py)
    from gongkai.failures import as_refusal, check_database

    check_database(settings.db_path)
    if is_writable(store_path(settings.db_path)):
        sync_after_load(settings.db_path)  # the store reflects this database (idempotent)
    else:
        click.echo(
            f"注意：{store_path(settings.db_path).name} 是只读的：整改跟踪未按本数据库"
            "复查，通报按其中现有记录",
            err=True,
        )
    con = open_reports(settings.db_path)  # after the re-check: the corrections it left in force
    try:
        with opened(store_path(settings.db_path)) as store:
            scheme = settings.scheme_path if settings.scheme_path.is_file() else None
            data = bulletin_data(con, store, year, scheme, office.province)
    finally:
        con.close()
    if not data.published:
        click.echo(
            f"注意：没有载入{year}年度的年度报告，通报只列出未发布的单位",
            err=True,
        )
    payload = bulletin_docx(data, office)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:  # never through a link planted at the name
        write_in(out.parent, [], out.name, payload)
    except PlantedLink as exc:
        raise as_refusal(exc) from None
    maybe = sum(1 for a in data.unpublished if a.maybe_published_as)
    click.echo(
        f"已写出通报 {out}（{len(payload):,} 字节）：{len(data.agencies)}家单位，"
        f"已发布{len(data.published)}家，逾期{len(data.late)}家，未发布{len(data.unpublished)}家"
        + (f"（其中{maybe}家可能已以近似名称发布，印发前请核实）" if maybe else "")
    )
