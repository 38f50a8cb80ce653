"""A correction reaches the checks: the arithmetic findings it satisfies are resolved by it
(workflow.corrected_findings) — out of 数据一致性, notices and the bulletin, shown as such in
整改跟踪 — while the report database keeps the printed value; undone, they stand again."""

from __future__ import annotations

import duckdb
import pytest

from assess import load_scheme, score_year
from tests.conftest import ROOT
from tests.workflow.conftest import AGENCY, PRINTED_ROW, correct, load, original_text, write_version
from workflow import corrections
from workflow.findings import confirmed_problems, list_findings, move, state_text
from workflow.overlay import attach_corrections
from workflow.problems import notice_batch
from workflow.states import CONFIRMED
from workflow.store import opened, store_path

pytestmark = pytest.mark.slow  # each test runs a whole `gongkai load` of a real report

SCHEME = load_scheme(ROOT / "data" / "schemes" / "default.toml")
CONSISTENCY = next(i for i in SCHEME.indicators if i.id == "consistency")
# the fixture's misprinted cell: 结转下年度·自然人 printed 2 beside a 总计 of 1 (conftest)
CELL = "t3.carried_out.natural"
BROKEN = {"t3.balance", "t3.row_total"}  # the identities that cell breaks
ANALYST = "analyst@example.gov.cn"


def _score(db) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        attach_corrections(con, db)
        scores = score_year(con, 2024, SCHEME)
    return scores.filter(scores["agency_id"] == AGENCY).row(0, named=True)


def _correct(db, value: float, key: str = CELL) -> int:
    return correct(db, key, value, reason="原件表三结转下年度自然人为 1")


def _confirm_all(db) -> dict[str, dict]:
    with opened(store_path(db)) as con:
        for f in list_findings(con, year=2024):
            if f["rule"] in BROKEN:
                move(con, f["fkey"], CONFIRMED, ANALYST, "核实属实")
    return _tracked(db)


def _tracked(db) -> dict[str, dict]:
    with opened(store_path(db)) as con:
        return {f["rule"]: f for f in list_findings(con, year=2024) if f["rule"] in BROKEN}


def _resolved_by(db) -> set:
    return {f.get("resolved_by") for f in _tracked(db).values()}


def _problems(db) -> set[str]:
    with opened(store_path(db)) as con:
        notices = notice_batch(con, 2024, agency_id=AGENCY)
        listed = {i.rule for n in notices for i in n.items}
        assert listed == {f["rule"] for f in confirmed_problems(con, 2024)}
    return listed


def test_a_correction_resolves_the_findings_its_values_satisfy_and_undoing_it_restores_them(
    loaded,
):
    folder, db = loaded
    before = _score(db)
    assert before["consistency.value"] == 2
    assert set(_confirm_all(db)) == BROKEN
    assert _problems(db) == BROKEN

    cid = _correct(db, 1)
    assert _problems(db) == set()  # no notice demands the fix the office already made
    after = _score(db)
    assert after["consistency.value"] == 0
    assert after["consistency.points"] == pytest.approx(CONSISTENCY.weight)
    assert after["total"] > before["total"]
    found = _tracked(db)
    # resolved, not moved: the state the office decided is kept, and says why it is no problem
    assert {r: (f["state"], f["resolved_by"]) for r, f in found.items()} == {
        "t3.balance": (CONFIRMED, str(cid)),
        "t3.row_total": (CONFIRMED, str(cid)),
    }
    assert state_text(found["t3.balance"]) == f"已确认（修正后已消除，修正编号 {cid}）"
    # provenance: the report database still holds what the report printed
    with duckdb.connect(str(db), read_only=True) as con:
        printed = con.execute(
            "SELECT value FROM current_values WHERE agency_id = ? AND key = ?", [AGENCY, CELL]
        ).fetchone()[0]
    assert printed == 2.0

    # the next load's re-check keeps the resolution (same file: same values, same correction)
    load(folder, db)
    assert _score(db)["consistency.value"] == 0
    assert _resolved_by(db) == {str(cid)}

    with duckdb.connect(str(db), read_only=True) as rcon, opened(store_path(db)) as con:
        corrections.undo_correction(con, cid, actor=ANALYST, reason="录错了", report_con=rcon)
    assert _problems(db) == BROKEN
    assert _score(db)["consistency.value"] == 2
    assert _resolved_by(db) == {None}


def test_only_the_checks_the_corrected_values_satisfy_are_resolved(loaded):
    """结转下年度·总计 corrected 1 → 2 makes its row add up (t3.row_total resolved), but the
    自然人 column's balance does not involve that cell: t3.balance stands."""
    _, db = loaded
    _confirm_all(db)
    cid = _correct(db, 2, key="t3.carried_out.total")
    assert {r: f["resolved_by"] for r, f in _tracked(db).items()} == {
        "t3.row_total": str(cid),
        "t3.balance": None,
    }
    assert _problems(db) == {"t3.balance"}
    # 数据一致性: the 自然人 column's t3.balance that stands, and the 总计 column's the corrected
    # value breaks (below; counted as the lists count it)
    assert _score(db)["consistency.value"] == 2
    # and 2 in 总计 breaks what held as printed: the 总计 column's balance (2 + 34 ≠ 35 + 2) and
    # the prose's 「转下一年度办理答复的有 1 件」, raised as the correction's findings (待核实)
    with opened(store_path(db)) as con:
        raised = {
            (f["rule"], tuple(f["cells"]), f["state"])
            for f in list_findings(con, year=2024)
            if f["raised_by"] == str(cid)
        }
    assert raised == {
        (
            "t3.balance",
            ("t3.carried_in.total", "t3.carried_out.total", "t3.new.total", "t3.processed.total"),
            "待核实",
        ),
        ("text_table.mismatch", ("t3.carried_out.total",), "待核实"),
    }


def test_undoing_without_the_report_database_lets_the_findings_stand_again(loaded):
    _, db = loaded
    _confirm_all(db)
    cid = _correct(db, 1)
    assert _problems(db) == set()
    with opened(store_path(db)) as con:
        corrections.undo_correction(con, cid, actor=ANALYST, reason="录错了")
    assert _resolved_by(db) == {None}
    assert _problems(db) == BROKEN


def test_a_new_version_printing_another_value_sets_the_correction_aside_and_the_findings_stand(
    loaded,
):
    """The agency republishes with 自然人 3 in that row: the correction (made over 2) is flagged
    待复核 and no longer applies, so the checks it satisfied are the report's problems again."""
    folder, db = loaded
    _confirm_all(db)
    _correct(db, 1)
    assert _problems(db) == set()
    write_version(
        folder, original_text().replace(PRINTED_ROW, PRINTED_ROW.replace("| 2 |", "| 3 |", 1))
    )
    assert "修正待复核 1 条" in load(folder, db)
    assert _resolved_by(db) == {None}
    assert _problems(db) == BROKEN
    assert _score(db)["consistency.value"] == 2


def test_a_finding_a_correction_resolved_is_not_confirmed_in_bulk_and_says_why(loaded):
    from workflow.triage import apply, pick

    _, db = loaded
    cid = _correct(db, 1)  # before anyone triaged: both findings still 待核实
    with opened(store_path(db)) as con:
        found = pick(con, 2024, agency=AGENCY)
        broken = [f for f in found if f["rule"] in BROKEN]
        assert {state_text(f) for f in broken} == {f"待核实（修正后已消除，修正编号 {cid}）"}
        moved, skipped = apply(con, broken, CONFIRMED, ANALYST, None)
        assert moved == []
        assert sorted(why for _, why in skipped) == ["修正后已消除，无需确认"] * 2
        assert {f["state"] for f in list_findings(con, year=2024) if f["rule"] in BROKEN} == {
            "待核实"
        }
    assert _problems(db) == set()
