"""`gongkai notices`: 整改通知 (DOCX + PDF) for every agency with confirmed problems."""

from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path

import click

from gongkai.commands.workflow_db import office_agencies, require_store


def _date(ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value}: write the date as YYYY-MM-DD, e.g. 2025-06-30"
        ) from None


@click.command("notices")
@click.option("--year", required=True, type=int, help="Report year the problems belong to.")
@click.option("--peer-group", help="Only agencies of this peer group (对标组), e.g. 县级政府.")
@click.option("--agency", "agency_id", help="Only this agency code, e.g. 310000-KW.")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the notices into (created if missing).",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    help="Database file (default: data/gongkai.duckdb or $GONGKAI_DB).",
)
@click.option(
    "--deadline",
    callback=_date,
    help="Rectification deadline YYYY-MM-DD "
    "(default: today + [notices] deadline_days of data/office.toml).",
)
@click.option(
    "--office",
    "office_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Office settings TOML (default: data/office.toml).",
)
@click.option(
    "--by", "actor", help="Who issues the notices (recorded in the history; default: your login)."
)
@click.option(
    "--draft", is_flag=True, help="Write the files only; do not record them as sent (已通知)."
)
def notices(
    year: int,
    peer_group: str | None,
    agency_id: str | None,
    out: Path,
    db: str | None,
    deadline: date | None,
    office_file: Path | None,
    actor: str | None,
    draft: bool,
) -> None:
    """Write one 整改通知 per agency (DOCX and PDF) listing each confirmed problem (已确认 or
    已通知 in 整改跟踪) with its rule, the cells or sentence as printed, what to do and the deadline,
    on the letterhead from data/office.toml. Unless --draft, the problems move to 已通知.

    Example:

        gongkai notices --year 2024 --peer-group 县级政府 --out 整改通知/
    """
    from etl.settings import Settings
    from exports.office import OfficeSettingsError, load_office
    from workflow.store import StoreError

    settings = Settings.from_env(db_path=db)
    try:
        office = load_office(office_file)
    except OfficeSettingsError as exc:
        raise click.ClickException(str(exc)) from None
    path = require_store(settings.db_path)
    who = actor or f"命令行：{getpass.getuser()}"
    out.mkdir(parents=True, exist_ok=True)
    home = office_agencies(settings.db_path, office.province)
    try:
        batch, moved, pdf_problem = _write(
            path, year, peer_group, agency_id, out, deadline, office, who, draft, home
        )
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    if not batch:
        click.echo(
            f"no confirmed problems for {year}"
            + (f" in peer group {peer_group}" if peer_group else "")
            + ": confirm findings (已确认) on the 整改跟踪 page first; nothing written"
        )
        return
    items = sum(len(n.items) for n in batch)
    click.echo(
        f"wrote {len(batch)} notice(s) with {items} problem(s) to {out}"
        + ("" if draft else f"; {moved} problem(s) moved to 已通知")
    )
    if pdf_problem:
        click.echo(f"warning: PDF not written: {pdf_problem}", err=True)


def _write(path, year, peer_group, agency_id, out: Path, deadline, office, who, draft, home):
    """Write the DOCX and PDF of each notice; unless a draft, record it. (batch, moved, PDF problem)"""
    from exports.notices import notice_docx, notice_pdf
    from exports.pdf import MissingFontError
    from workflow.problems import mark_notified, notice_batch
    from workflow.store import opened

    moved, pdf_problem = 0, None
    with opened(path) as con:
        batch = notice_batch(
            con,
            year,
            peer_group=peer_group,
            agency_id=agency_id,
            deadline=deadline,
            deadline_days=office.notice_deadline_days,
            agency_ids=home,
        )
        stems = [n.file_stem for n in batch]
        for notice in batch:
            stem = notice.file_stem
            if stems.count(stem) > 1:  # two agencies of one name: the code tells the files apart
                stem += f"_{notice.agency_id}"
            files = [out / f"{stem}.docx"]
            files[0].write_bytes(notice_docx(notice, office))
            if pdf_problem is None:
                try:
                    files.append(out / f"{stem}.pdf")
                    files[-1].write_bytes(notice_pdf(notice, office))
                except MissingFontError as exc:
                    files.pop()
                    pdf_problem = str(exc)
            if not draft:
                moved += mark_notified(con, notice, who, [f.name for f in files])
    return batch, moved, pdf_problem
