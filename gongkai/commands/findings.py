"""`gongkai findings list|confirm|dismiss`: triage the year's findings in bulk (整改跟踪).

Each confirm or dismiss is recorded in the workflow store's history as a single move on the
整改跟踪 page is, with the user; only the office's own agencies are listed or moved (etl.scope).
"""

from __future__ import annotations

import getpass

import click

from etl.gongkai_error import GongkaiError
from etl.settings import Settings
from gongkai.commands.workflow_db import (
    check_peer_group,
    check_year,
    office_agencies,
    require_store,
    resolve_agency,
    resolve_rule,
)
from gongkai.options import db_option


def _filters(command):
    """The options every subcommand shares: database, year and the three filters."""
    for option in reversed(
        [
            db_option(),
            click.option("--year", required=True, type=int, help="Report year of the findings."),
            click.option("--rule", help="Only this rule (its id, e.g. t3.balance, or its label)."),
            click.option("--agency", help="Only this agency (registry code or standard name)."),
            click.option("--peer-group", help="Only agencies of this peer group, e.g. 县级政府."),
        ]
    ):
        command = option(command)
    return command


@click.group("findings")
def findings() -> None:
    """List, confirm or dismiss the year's findings in bulk (整改跟踪).

    Example:

    \b
        gongkai findings list --year 2024 --rule t3.balance
        gongkai findings confirm --year 2024 --rule t3.balance --peer-group 县级政府
        gongkai findings dismiss --year 2024 --agency 云岫市教育局 --reason "模板合并单元格"
        gongkai findings dismiss --year 2024 --id 12 --reason "模板合并单元格"
    """


def _pick(db, year, rule, agency, peer_group, ids=()):
    from workflow.store import opened
    from workflow.triage import pick

    db_path = Settings.from_env(db_path=db).db_path
    path = require_store(db_path)
    home = office_agencies(db_path)
    # a filter that names nothing is said, not answered with 「0 条」
    check_year(db_path, year, home)
    rule = resolve_rule(rule) if rule else None
    agency = resolve_agency(db_path, agency, home) if agency else None
    if peer_group:
        check_peer_group(db_path, peer_group, home)
    # a StoreError (damaged: restore it; read-only and not there yet) says its own line
    with opened(path) as con:
        found = pick(con, year, rule=rule, agency=agency, peer_group=peer_group, agency_ids=home)
    if ids:
        wanted = set(ids)
        unknown = sorted(wanted - {f["number"] for f in found})
        if unknown:
            shown = "、".join(str(n) for n in unknown)
            raise GongkaiError(
                f"编号 {shown} 不是 {year} 年度符合条件的问题：请先用 "
                f"gongkai findings list --year {year} 查看编号。"
            )
        found = [f for f in found if f["number"] in wanted]
    return path, found


@findings.command("list")
@_filters
def list_(db, year, rule, agency, peer_group) -> None:
    """Print the matching findings, one line each: 编号, state, agency, rule and place in the
    report. `confirm` and `dismiss` take the 编号 with --id.

    Example:

    \b
        gongkai findings list --year 2024 --peer-group 县级政府
    """
    from etl.rule_vocabulary import place_label
    from workflow.findings import state_text

    _, found = _pick(db, year, rule, agency, peer_group)
    for f in found:
        name = f["agency_name"] or f["agency_id"]
        where = place_label(f["place"]) or "—"
        click.echo(f"{f['number']}\t{state_text(f)}\t{name}\t{f['rule_label']}\t{where}")
    click.echo(f"共 {len(found)} 条问题（第一列为编号，可用于 confirm/dismiss --id）", err=True)


def _move(target: str, db, year, rule, agency, peer_group, reason, actor, ids=()) -> None:
    from workflow.store import opened
    from workflow.triage import apply

    who = actor or f"命令行：{getpass.getuser()}"
    path, found = _pick(db, year, rule, agency, peer_group, ids)
    # a WorkflowError or StoreError (StoreReadOnly: nothing moved) says its own line
    with opened(path) as con:
        moved, skipped = apply(con, found, target, who, reason)
    click.echo(f"已改为“{target}”：{len(moved)} 条；未改动：{len(skipped)} 条（操作人 {who}）")


_REASON = click.option("--reason", help="Why (recorded in the history; required to dismiss).")
_BY = click.option("--by", "actor", help="Who acts (recorded; default: your login).")
_ID = click.option(
    "--id",
    "ids",
    type=int,
    multiple=True,
    help="Only the finding with this 编号 (as `findings list` prints it; repeatable).",
)


@findings.command("confirm")
@_filters
@_REASON
@_BY
@_ID
def confirm(db, year, rule, agency, peer_group, reason, actor, ids) -> None:
    """Confirm (已确认) every matching finding still 待核实; `gongkai notices` then lists them.

    Example:

    \b
        gongkai findings confirm --year 2024 --rule t3.balance
        gongkai findings confirm --year 2024 --id 12 --id 15
    """
    from workflow.states import CONFIRMED

    _move(CONFIRMED, db, year, rule, agency, peer_group, reason, actor, ids)


@findings.command("dismiss")
@_filters
@_REASON
@_BY
@_ID
def dismiss(db, year, rule, agency, peer_group, reason, actor, ids) -> None:
    """Dismiss as 误报 every matching finding 待核实 or 已确认; --reason is required.

    Example:

    \b
        gongkai findings dismiss --year 2024 --rule t3.balance --reason "模板合并单元格"
    """
    from workflow.states import DISMISSED

    if not (reason or "").strip():
        raise GongkaiError('标记误报须填写原因：请加 --reason "原因"（将记入处理记录）。')
    _move(DISMISSED, db, year, rule, agency, peer_group, reason, actor, ids)
