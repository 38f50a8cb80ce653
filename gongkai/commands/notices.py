"""`gongkai notices`: 整改通知 (DOCX + PDF) for every agency with confirmed problems."""

from __future__ import annotations

import contextlib
import errno
import getpass
import os
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

import click

from etl.collect.safe_files import checked_folder, write_atomically
from gongkai.commands.workflow_db import (
    agency_name,
    check_peer_group,
    office_agencies,
    require_store,
    require_writable,
    resolve_agency,
)
from gongkai.options import db_option, office_option


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
@click.option(
    "--agency",
    "agency",
    help="Only this agency (registry code or standard name), e.g. 示范省农业农村厅.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the notices into (created if missing).",
)
@db_option()
@click.option(
    "--deadline",
    callback=_date,
    help="Rectification deadline YYYY-MM-DD "
    "(default: today + [notices] deadline_days of data/office.toml).",
)
@office_option
@click.option(
    "--by", "actor", help="Who issues the notices (recorded in the history; default: your login)."
)
@click.option(
    "--draft", is_flag=True, help="Write the files only; do not record them as sent (已通知)."
)
def notices(
    year: int,
    peer_group: str | None,
    agency: str | None,
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

    \b
        gongkai notices --year 2024 --peer-group 县级政府 --out 整改通知/
        gongkai notices --year 2024 --agency 示范省农业农村厅 --out 整改通知/ --draft
    """
    from etl.settings import Settings
    from exports.office import load_office

    settings = Settings.from_env(db_path=db)
    office = load_office(office_file)  # OfficeSettingsError: its own line (gongkai/cli.py)
    path = require_store(settings.db_path)
    if not draft:
        require_writable(path, "记录已发通知", "加 --draft 只写通知文件、不记录")
    who = actor or f"命令行：{getpass.getuser()}"
    out.mkdir(parents=True, exist_ok=True)
    home = office_agencies(settings.db_path, office.province)
    # the same filters `gongkai findings` takes: a name too, and one that names nothing is said
    agency_id = resolve_agency(settings.db_path, agency, home) if agency else None
    if peer_group:
        check_peer_group(settings.db_path, peer_group, home)
    run = _write(path, year, peer_group, agency_id, out, deadline, office, who, draft, home)
    if not run.written and not run.refused:
        named = agency_name(settings.db_path, agency_id) if agency_id else ""
        scope = f"“{named}”" if agency_id else f"对标组“{peer_group}”" if peer_group else ""
        click.echo(
            f"{scope}{year}年度没有已确认的问题：请先在整改跟踪页面（或用 gongkai findings "
            "confirm）确认问题；未写出任何通知"
        )
        return
    items = sum(len(n.items) for n in run.written)
    click.echo(
        f"已写出整改通知 {len(run.written)} 份（共 {items} 个问题），保存在 {out}"
        + ("（草稿：问题状态未改动）" if draft else f"；{run.moved} 个问题已改为“已通知”")
    )
    if run.pdf_problem:
        click.echo(f"注意：未写出 PDF，只有 Word 文件（{run.pdf_problem}）", err=True)
    if run.refused:
        click.echo(f"共 {len(run.refused)} 份通知写出失败（原因见上），其余已写出", err=True)
        click.get_current_context().exit(1)


@dataclass
class _Run:
    written: list = field(default_factory=list)  # the notices as written (problems re-read)
    refused: list[str] = field(default_factory=list)  # agencies whose notice failed
    moved: int = 0
    pdf_problem: str | None = None


def _write(path, year, peer_group, agency_id, out: Path, deadline, office, who, draft, home):
    """Each agency's notice written (DOCX, PDF) and recorded on its own: one that cannot be
    written is named on stderr and the batch goes on."""
    from workflow.problems import issue_notice, notice_batch
    from workflow.store import StoreError, opened

    run = _Run()
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
        stems = _unique_stems(batch)
        for notice in batch:
            try:
                files = partial(
                    _files, office=office, out=out, stem=stems[notice.agency_id], run=run
                )
                written, moved = issue_notice(con, notice, files, who, record=not draft)
            except (sqlite3.Error, StoreError):
                raise  # the store, not this agency: the batch cannot go on
            except OSError as exc:
                if exc.errno in (errno.ENOSPC, errno.EROFS, errno.EDQUOT):
                    raise  # the disk, not this agency
                _refuse(run, notice, exc)
                continue
            except Exception as exc:  # noqa: BLE001 -- one agency's notice never stops the others (issue 23)
                _refuse(run, notice, exc)
                continue
            if written.items:
                run.written.append(written)
                run.moved += moved
    return run


def _files(notice, office, out: Path, stem: str, run: _Run) -> list[str]:
    """Write one notice's DOCX and PDF (the PDF left out, once, when no CJK font is installed);
    the names written. A failure removes what this notice wrote."""
    from exports.notices import notice_docx, notice_pdf
    from exports.pdf import MissingFontError

    payloads = [(out / f"{stem}.docx", notice_docx(notice, office))]
    if run.pdf_problem is None:
        try:
            payloads.append((out / f"{stem}.pdf", notice_pdf(notice, office)))
        except MissingFontError as exc:
            run.pdf_problem = str(exc)
    done: list[Path] = []
    # the folder held open: a link planted at a notice's name, or the folder swapped for one
    # meanwhile, is refused (PlantedLink, this agency only), never written through
    with checked_folder(out, [], create=False) as folder:
        try:
            for target, payload in payloads:
                write_atomically(folder, target.name, payload)
                done.append(target)
        except BaseException:
            for target in done:
                with contextlib.suppress(OSError):
                    os.unlink(target.name, dir_fd=folder.fd)
            raise
    return [p.name for p in done]


def _unique_stems(batch) -> dict[str, str]:
    """agency id -> file stem: the name, and the code too when two agencies' (capped) names
    meet, ignoring case as Windows and macOS file systems do; always within FILE_NAME_BYTES."""
    from etl.safe_text import FILE_NAME_BYTES, cut_bytes, portable_name

    counts = Counter(n.file_stem.casefold() for n in batch)
    out: dict[str, str] = {}
    taken: set[str] = set()
    for notice in batch:
        stem = notice.file_stem
        if counts[stem.casefold()] > 1:
            code = "_" + portable_name(notice.agency_id, 40)
            stem = cut_bytes(stem, FILE_NAME_BYTES - len(code.encode())) + code
        base, n = stem, 2
        while stem.casefold() in taken:  # a name that is another's name and code
            suffix = f"_{n}"
            stem, n = cut_bytes(base, FILE_NAME_BYTES - len(suffix)) + suffix, n + 1
        taken.add(stem.casefold())
        out[notice.agency_id] = stem
    return out


def _refuse(run: _Run, notice, exc: BaseException) -> None:
    reason = " ".join(str(exc).split())[:200] or type(exc).__name__
    click.echo(
        f"{notice.agency_name}（{notice.agency_id}）：整改通知未写出，也未记录为已通知（{reason}）",
        err=True,
    )
    run.refused.append(notice.agency_id)
