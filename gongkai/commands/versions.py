"""`gongkai versions AGENCY_ID YEAR`: the stored versions of one report, and an analyst's choice.

A new version of a report becomes current only when it is at least as complete as the current
one (etl/versions.py); a worse copy is stored, flagged `report.worse_version`, and waits here
for an analyst: `--use N --reason TEXT` makes version N current and records the choice and
its reason (table version_choices). Written by etl.version_choice.choose_version, like a load.
"""

from __future__ import annotations

import click

from etl.errors import ReportError
from etl.gongkai_error import GongkaiError
from etl.settings import Settings
from gongkai.failures import as_refusal
from gongkai.options import db_option

LIST_SQL = """
SELECT r.version, r.is_current, r.template, r.source_path, r.loaded_at,
       (SELECT count(*) FROM report_values v WHERE v.report_id = r.report_id) AS n_values,
       (SELECT count(*) FROM findings f WHERE f.report_id = r.report_id
          AND f.rule = 'report.worse_version' AND f.severity <> 'info') AS worse
FROM reports r WHERE r.agency_id = ? AND r.year = ? ORDER BY r.version
"""
CHOICES_SQL = """
SELECT version, previous_version, reason, chosen_by, chosen_at FROM version_choices
WHERE agency_id = ? AND year = ? ORDER BY chosen_at
"""


@click.command("versions")
@click.argument("agency_id")
@click.argument("year", type=int)
@db_option()
@click.option("--use", "use", type=int, help="Make this version the current one (needs --reason).")
@click.option("--reason", help="Why (recorded with the choice), e.g. 发布单位确认第二版为正式版本.")
@click.option("--by", "chosen_by", help="Who chose (recorded with the choice).")
def versions(
    agency_id: str,
    year: int,
    db: str | None,
    use: int | None,
    reason: str | None,
    chosen_by: str | None,
) -> None:
    """List the versions of AGENCY_ID's YEAR report, or choose the current one with --use.

    Example:

    \b
        gongkai versions 321322-GOV 2025 --use 2 --reason "发布单位确认第二版为正式版本" --by 张三
    """
    db_path = Settings.from_env(db_path=db).db_path
    if use is not None:
        from etl.version_choice import choose_version

        try:
            previous = choose_version(db_path, agency_id, year, use, reason or "", chosen_by)
        except ReportError as exc:  # e.g. a choice without a reason: refused, nothing changed
            raise as_refusal(exc) from None
        click.echo(
            f"{agency_id} {year}: version {use} is current now (was {previous}); "
            "the choice and its reason are recorded"
        )
        from gongkai.commands.load import after_swap  # its findings tracked, its scores stored

        after_swap(db_path, Settings.from_env().scheme_path)
    if not db_path.exists():
        raise GongkaiError(f"{db_path}: no database here. Run `gongkai load` first (or pass --db)")
    from workflow.reports_db import open_reports

    with open_reports(db_path, corrections=False) as con:  # the loader's own records
        rows = con.execute(LIST_SQL, [agency_id, year]).fetchall()
        choices = con.execute(CHOICES_SQL, [agency_id, year]).fetchall()
    if not rows:
        raise GongkaiError(f"{db_path}: no report of {agency_id} for {year}")
    click.echo("版本  当前  模板      数值  文件")
    for version, current, template, source, _loaded, n_values, worse in rows:
        mark = "是" if current else ("否（不如当前版本完整）" if worse else "否")
        click.echo(f"{version:>4}  {mark}  {template:<8}  {n_values:>4}  {source}")
    for version, previous, why, who, when in choices:
        click.echo(
            f"  {when:%Y-%m-%d %H:%M} {who or '分析人员'}：改用第 {version} 版（原第 {previous} 版）——{why}"
        )
