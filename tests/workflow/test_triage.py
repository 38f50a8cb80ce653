"""Bulk triage (`gongkai findings`, workflow.triage) on every real report and seed, loaded
through `gongkai load`: several agencies, years and rules. The office declares no province
here, so every registry agency counts (none of the registry's provinces holds most of it)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from gongkai.cli import cli
from tests.workflow.conftest import gongkai, office_of
from tests.workflow.test_documents import _province
from workflow.findings import history, list_findings
from workflow.problems import notice_batch
from workflow.states import CONFIRMED, DISMISSED, PENDING
from workflow.store import opened, store_path

# slow: each test (or the module's fixture) runs a whole `gongkai load` of real reports
pytestmark = pytest.mark.slow


def _state(db) -> dict[str, dict]:
    with opened(store_path(db)) as con:
        return {f["fkey"]: f for f in list_findings(con)}


def test_bulk_confirm_then_notices_list_exactly_the_confirmed(tmp_path, monkeypatch):
    """Real reports and seeds plus 湖南省交通运输厅's 2024 report printed like kewei's (the same
    表三 gap): one rule raised at two agencies, confirmed with one command."""
    db = _province(tmp_path, monkeypatch, None)
    before = _state(db)
    year = 2024
    listed = [
        x for x in gongkai("findings", "list", "--db", db, "--year", year).splitlines() if "\t" in x
    ]
    mine = [f for f in before.values() if f["year"] == year]
    with opened(store_path(db)) as con:  # each line leads with the finding's 编号 (its row)
        number = dict(con.execute("SELECT fkey, rowid FROM tracked_findings").fetchall())
    assert sorted(int(line.split("\t")[0]) for line in listed) == sorted(
        number[f["fkey"]] for f in mine
    )
    rule = max({f["rule"] for f in mine}, key=lambda r: sum(f["rule"] == r for f in mine))
    chosen = {f["fkey"] for f in mine if f["rule"] == rule and f["state"] == PENDING}
    assert len(chosen) >= 2, "the real reports raise one rule at several agencies"

    out = gongkai(
        "findings", "confirm", "--db", db, "--year", year, "--rule", rule, "--by", "分析员甲"
    )
    assert f"已改为“已确认”：{len(chosen)} 条" in out
    after = _state(db)
    assert {k for k, f in after.items() if f["state"] == CONFIRMED} == chosen
    for k in chosen:  # each move recorded as a single move is: who, from, to, why
        (event,) = history_of(db, k)
        assert (event["actor"], event["from_state"], event["to_state"]) == (
            "分析员甲",
            PENDING,
            CONFIRMED,
        )
        assert event["reason"] == "核实属实"
    with opened(store_path(db)) as con:
        batch = notice_batch(con, year)
    assert {i.fkey for n in batch for i in n.items} == chosen
    printed = gongkai("notices", "--db", db, "--year", year, "--out", tmp_path / "n", "--draft")
    agencies = {after[k]["agency_id"] for k in chosen}
    assert f"已写出整改通知 {len(agencies)} 份（共 {len(chosen)} 个问题）" in printed


def history_of(db, fkey):
    with opened(store_path(db)) as con:
        return [e for e in history(con, fkey) if e["to_state"] != PENDING or e["from_state"]]


def test_bulk_dismiss_needs_a_reason_and_records_it(all_real, tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_OFFICE", str(office_of(tmp_path, None)))
    db = all_real
    before = _state(db)
    year = max(f["year"] for f in before.values())
    refused = CliRunner().invoke(cli, ["findings", "dismiss", "--db", str(db), "--year", str(year)])
    assert refused.exit_code == 1
    lines = refused.output.strip().splitlines()
    assert len(lines) == 1 and "标记误报须填写原因" in lines[0] and "--reason" in lines[0]
    assert _state(db) == before  # nothing moved
    mine = {k for k, f in before.items() if f["year"] == year and f["state"] == PENDING}
    out = gongkai(
        "findings", "dismiss", "--db", db, "--year", year, "--reason", "模板合并单元格，非报告错误"
    )
    assert f"已改为“误报”：{len(mine)} 条" in out
    after = _state(db)
    assert {k for k, f in after.items() if f["state"] == DISMISSED} == mine
    assert {history_of(db, k)[-1]["reason"] for k in mine} == {"模板合并单元格，非报告错误"}
