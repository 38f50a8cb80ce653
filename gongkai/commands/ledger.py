"""`gongkai ledger FILE.csv`: import the legal office's 复议/诉讼 ledger, checked against 表四.

The CSV format is documented in etl/validate/ledger.py (单位, 年度, 类别, 结果, 件数). Each import
replaces the ledger rows of the agency-years it names and recomputes the t4.ledger_mismatch
findings; a bad row stops the import with one line and the database is left as it was.
"""

from __future__ import annotations

import click

from etl.errors import ReportError
from etl.settings import Settings
from gongkai.failures import as_refusal
from gongkai.options import db_option


@click.command("ledger")
@click.argument("csv_path", type=click.Path(dir_okay=False))
@db_option()
def ledger(csv_path: str, db: str | None) -> None:
    """Import the legal office's review/lawsuit ledger CSV and check 表四 against it.

    Columns: 单位 (registry code or name), 年度, 类别 (行政复议 / 直接起诉 / 复议后起诉),
    结果 (维持 / 纠正 / 其他 / 尚未审结 / 总计), 件数.

    Example:

    \b
        gongkai ledger data/ledger_2024.csv --db data/gongkai.duckdb
    """
    from etl.validate.ledger import import_ledger

    settings = Settings.from_env(db_path=db)
    try:
        rows = import_ledger(settings.db_path, csv_path)
    except ReportError as exc:  # a bad row: the import refused, the database as it was
        raise as_refusal(exc) from None
    from workflow.reports_db import open_reports

    con = open_reports(settings.db_path, corrections=False)  # the loader's findings only
    try:
        n = con.execute(
            "SELECT count(*) FROM findings WHERE rule = 't4.ledger_mismatch'"
        ).fetchall()[0][0]
    finally:
        con.close()
    click.echo(
        f"{settings.db_path}: imported {rows} ledger row(s) from {csv_path}; "
        f"{n} 表四 cell(s) disagree with the ledger (finding t4.ledger_mismatch)"
    )
    # the ledger's findings are tracked (整改跟踪) and count in 数据一致性, as a load's are
    from gongkai.commands.load import after_swap

    after_swap(settings.db_path, settings.scheme_path)
