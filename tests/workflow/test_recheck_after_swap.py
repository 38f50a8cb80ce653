"""Every way of changing the report database's current rows runs the re-check a load runs
(gongkai/commands/load.py after_swap → workflow/sync.py recheck), so 整改跟踪 never lags behind:

- `gongkai versions --use N`: the chosen version's findings are tracked, the old version's open
  ones move to 已整改 (待复核), as when an agency's new version is loaded;
- `gongkai ledger FILE.csv`: a 表四 that disagrees with the legal office's ledger is tracked.

On the small province of tests/small_province.py written to a file (declared rows, no ETL), with a
second, less complete version of 甲县 2024 loaded beside the first (so not current by itself).
"""

from __future__ import annotations

import duckdb
import pytest
from click.testing import CliRunner

from etl.fields import t3_key
from etl.load import StagedReport, load_batch
from etl.load_runs import finish_run, start_run
from etl.report import Finding, ParsedReport, Value
from gongkai.cli import cli
from tests.small_province import AGENCIES, build_small_province
from workflow.states import PENDING, RECTIFIED
from workflow.store import opened, store_path
from workflow.sync import sync_after_load

BALANCE = Finding("t3.balance", ("t3.processed.total",), 90, 80, "收到与办理不平衡")


def _second_version_of_ga_2024(con) -> None:
    """GA 2024 again, other bytes, two figures only (so the version policy keeps version 1
    current) and another finding: t3.balance instead of t3.row_total and report.copied."""
    ga = next(a for a in AGENCIES if a.code == "GA")
    values = {t3_key("new", "total"): 90, t3_key("processed", "total"): 80}
    report = ParsedReport(
        path="报告/GA_2024_v2.txt",
        sha256="sha-GA-2024-v2",
        format="text",
        template="std2021",
        agency=ga.name,
        year=2024,
        values={k: Value(k, n, raw=f"{n:g}", loc={"table": "表三"}) for k, n in values.items()},
        findings=[BALANCE],
    )
    run = start_run(con)
    load_batch(con, [StagedReport(report, ga, days_late=0, source_path=report.path)], run_id=run)
    finish_run(con, run, loaded=1, unchanged=0, failed=0, skipped=0)


@pytest.fixture
def db(tmp_path, monkeypatch):
    """The small province on disk, its findings already tracked (as after a load)."""
    monkeypatch.delenv("GONGKAI_WORKFLOW", raising=False)
    # no scheme: the commands leave scoring out ("scores not stored"), which is not the point here
    # and would double the time of each test
    monkeypatch.setenv("GONGKAI_SCHEME", str(tmp_path / "no-scheme.toml"))
    path = tmp_path / "small.duckdb"
    con = duckdb.connect(str(path))
    build_small_province(con)
    _second_version_of_ga_2024(con)
    con.close()
    sync_after_load(path)
    return path


def _tracked(db) -> dict[tuple[str, int, str], tuple[str, int]]:
    """(agency, year, rule) -> (state, present) of every tracked finding."""
    with opened(store_path(db)) as con:
        rows = con.execute("SELECT agency_id, year, rule, state, present FROM tracked_findings")
        return {(a, y, r): (s, p) for a, y, r, s, p in rows.fetchall()}


def _current_version(db, agency: str, year: int) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT version FROM reports WHERE agency_id = ? AND year = ? AND is_current",
            [agency, year],
        ).fetchall()[0][0]


def test_before_any_choice_the_first_version_is_current_and_its_findings_tracked(db):
    assert _current_version(db, "GA", 2024) == 1
    tracked = _tracked(db)
    assert tracked[("GA", 2024, "t3.row_total")] == (PENDING, 1)
    assert ("GA", 2024, "t3.balance") not in tracked  # version 2 is not current


def test_choosing_a_version_rechecks_the_tracked_findings(db):
    result = CliRunner().invoke(
        cli,
        ["versions", "GA", "2024", "--db", str(db), "--use", "2", "--reason", "发布单位确认"],
    )
    assert result.exit_code == 0, result.output
    assert _current_version(db, "GA", 2024) == 2
    assert "整改跟踪：新发现" in result.output  # the re-check's summary line, as after a load
    tracked = _tracked(db)
    assert tracked[("GA", 2024, "t3.balance")] == (PENDING, 1)  # the chosen version's finding
    # the first version's finding, open and gone from the version now current: 已整改, 待复核
    assert tracked[("GA", 2024, "t3.row_total")] == (RECTIFIED, 0)


def test_importing_a_ledger_rechecks_the_tracked_findings(db, tmp_path):
    ledger = tmp_path / "ledger.csv"  # GA 2024's 表四 prints 2 reviews upheld; the ledger says 3
    ledger.write_text(
        "单位,年度,类别,结果,件数\n甲县人民政府,2024,行政复议,维持,3\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["ledger", str(ledger), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "1 表四 cell(s) disagree with the ledger" in result.output
    assert "整改跟踪：新发现" in result.output
    assert _tracked(db)[("GA", 2024, "t4.ledger_mismatch")] == (PENDING, 1)
