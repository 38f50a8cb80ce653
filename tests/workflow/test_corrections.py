"""Analyst corrections: applied in scores (exact change), kept across a full rebuild, flagged
when a new version prints another value, undoable; states survive reloads."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from assess import load_scheme, score_year
from tests.conftest import ROOT
from tests.workflow.conftest import AGENCY, PRINTED_ROW, correct, load, original_text, write_version
from workflow import corrections
from workflow.findings import list_findings, move
from workflow.overlay import attach_corrections
from workflow.states import CONFIRMED, DISMISSED, PENDING, WorkflowError
from workflow.store import opened, store_path

# slow: each test (or the module's fixture) runs a whole `gongkai load` of real reports
pytestmark = pytest.mark.slow

SCHEME = load_scheme(ROOT / "data" / "schemes" / "default.toml")
CARRYOVER = next(i for i in SCHEME.indicators if i.id == "carryover")
RECEIVED = 34 + 2  # 本年新收 + 上年结转 as printed
# the scorer's 结转率 reads 结转下年度·总计 (printed 1); these tests correct it to 9 to move it
PRINTED_RATE = 100.0 * 1 / RECEIVED


def _republished(total: int) -> str:
    """A new version printing 结转下年度·总计 `total` (自然人 too, the prose agreeing)."""
    row = f"| 四、结转下年度继续办理 | {total} | 0 | 0 | 0 | 0 | 0 | {total} |"
    return (
        original_text()
        .replace(PRINTED_ROW, row)
        .replace("年度办理答复的有 1 件", f"年度办理答复的有 {total} 件")
    )


def _score(db) -> dict:
    """The agency's 2024 row as `gongkai score` computes it (corrections attached)."""
    with duckdb.connect(str(db), read_only=True) as con:
        attach_corrections(con, db)
        scores = score_year(con, 2024, SCHEME)
    return scores.filter(scores["agency_id"] == AGENCY).row(0, named=True)


def _carryover_points(rate: float) -> float:
    """The scheme's linear rule for 结转率, written out from the scheme file's numbers; points
    are kept to the cent, as printed (assess/score_sql.py rounds each indicator's points)."""
    share = (rate - CARRYOVER.zero) / (CARRYOVER.full - CARRYOVER.zero)
    return round(CARRYOVER.weight * max(0.0, min(1.0, share)), 2)


def test_a_correction_changes_the_score_exactly_and_survives_a_full_rebuild(loaded):
    folder, db = loaded
    before = _score(db)
    # the report prints 结转下年度·总计 1 of 36 received
    assert before["carryover.value"] == pytest.approx(PRINTED_RATE)
    assert before["carryover.points"] == pytest.approx(_carryover_points(PRINTED_RATE))
    correct(db, "t3.carried_out.total", 9)
    after = _score(db)
    rate = 100.0 * 9 / RECEIVED
    assert after["carryover.value"] == pytest.approx(rate)
    lost = _carryover_points(PRINTED_RATE) - _carryover_points(rate)
    assert after["carryover.points"] == pytest.approx(CARRYOVER.weight - lost)
    assert after["weight_present"] == before["weight_present"]
    # 9 also breaks the 总计 column's balance that held as printed (34 + 2 ≠ 35 + 9): raised as
    # the correction's finding, it costs 数据一致性 as the loader's own would
    assert after["consistency.value"] == before["consistency.value"] + 1
    lost += before["consistency.points"] - after["consistency.points"]
    assert after["total"] == pytest.approx(
        before["total"] - 100.0 * lost / before["weight_present"], abs=0.006
    )  # totals are rounded to 2 decimals

    # full rebuild: the report database is deleted and built again from the files
    for f in db.parent.glob(db.name + "*"):
        f.unlink()
    load(folder, db)
    rebuilt = _score(db)
    assert rebuilt["total"] == after["total"]
    assert rebuilt["carryover.value"] == pytest.approx(rate)
    with opened(store_path(db)) as con:
        (fix,) = corrections.list_corrections(con, live_only=True)
    assert fix["status"] == corrections.APPLIED and fix["printed_raw"] == "1"

    # undo: the parsed value counts again
    with opened(store_path(db)) as con:
        corrections.undo_correction(con, fix["id"], actor="analyst@example.gov.cn", reason="录错了")
    assert _score(db)["total"] == before["total"]


def test_a_correction_is_flagged_not_applied_when_a_new_version_prints_another_value(loaded):
    folder, db = loaded
    base = _score(db)
    cid = correct(db, "t3.carried_out.total", 9)
    assert _score(db)["carryover.value"] == pytest.approx(25.0)
    # the agency republishes and now prints 3 in that cell
    write_version(folder, _republished(3))
    assert "修正待复核 1 条" in load(folder, db)
    with opened(store_path(db)) as con:
        (fix,) = corrections.list_corrections(con, live_only=True)
        assert fix["status"] == corrections.FLAGGED and fix["new_printed"] == 3.0
        assert "新版本年报印为 3" in corrections.correction_history(con, cid)[-1]["reason"]
    flagged = _score(db)
    assert flagged["carryover.value"] == pytest.approx(100.0 * 3 / RECEIVED)  # newly printed
    assert flagged["carryover.points"] == pytest.approx(_carryover_points(100.0 * 3 / RECEIVED))
    assert base["carryover.value"] == pytest.approx(PRINTED_RATE)
    # the analyst checks the new version and keeps the correction: it applies again
    with duckdb.connect(str(db), read_only=True) as rcon, opened(store_path(db)) as con:
        corrections.keep_correction(
            con, rcon, cid, actor="analyst@example.gov.cn", reason="新版本仍印错，原件为 9"
        )
    assert _score(db)["carryover.value"] == pytest.approx(25.0)


def test_even_before_the_recheck_a_changed_cell_is_not_overridden(loaded, tmp_path):
    """The scorer itself refuses a correction whose printed value no longer matches."""
    folder, db = loaded
    correct(db, "t3.carried_out.total", 9)
    from etl.pipeline import run_load  # the loader alone, without the command's re-check

    write_version(folder, _republished(3))
    run_load([folder], db, registry_path=ROOT / "data" / "registry.csv")
    assert _score(db)["carryover.value"] == pytest.approx(100.0 * 3 / 36)


def test_reload_keeps_states_and_corrections(loaded):
    folder, db = loaded
    with opened(store_path(db)) as con:
        rules = {f["rule"]: f["fkey"] for f in list_findings(con)}
        move(con, rules["t3.balance"], CONFIRMED, "a", "属实")
        move(con, rules["t3.row_total"], DISMISSED, "a", "系模板合并单元格")
    correct(db, "t3.processed.total", 36, reason="原件为 36")
    for f in db.parent.glob(db.name + "*"):
        f.unlink()
    assert "新发现 0 条" in load(folder, db)
    with opened(store_path(db)) as con:
        found = list_findings(con)
        states = {f["rule"]: f["state"] for f in found if not f["raised_by"]}
        assert states == {
            "t3.balance": CONFIRMED,
            "t3.row_total": DISMISSED,
            "prose.completion_vs_carry_over": PENDING,
        }
        # 36 breaks what held as printed (its row, the 办理结果 sum, the 总计 column's balance):
        # the correction's own findings, kept across the rebuild (workflow.corrected_findings)
        raised = sorted((f["rule"], f["state"]) for f in found if f["raised_by"])
        assert raised == [
            ("t3.balance", PENDING),
            ("t3.processed_sum", PENDING),
            ("t3.row_total", PENDING),
        ]
        (fix,) = corrections.list_corrections(con, live_only=True)
        assert fix["status"] == corrections.APPLIED
    assert _score(db)["completion.value"] == pytest.approx(100.0)


def test_bad_corrections_are_refused_with_a_reason(loaded):
    _, db = loaded
    with pytest.raises(WorkflowError, match="无需修正"):
        correct(db, "t3.processed.total", 35)
    with pytest.raises(WorkflowError, match="不是年报中的统计项"):
        correct(db, "t3.nothing", 1)
    correct(db, "t3.processed.total", 36)
    with pytest.raises(WorkflowError, match="已有一条修正"):
        correct(db, "t3.processed.total", 37)


def test_the_dashboard_scores_with_a_new_correction_at_once(loaded, monkeypatch):
    """dashboard.data keys its caches on the workflow revision too, and attaches corrections."""
    import streamlit as st

    from dashboard import data

    _, db = loaded
    monkeypatch.setenv("GONGKAI_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    scheme = str(ROOT / "data" / "schemes" / "default.toml")

    def shown() -> float:
        scores = data.assessment(data.db_version(), 2024, scheme).scores
        return scores.filter(scores["agency_id"] == AGENCY)["carryover.value"][0]

    assert shown() == pytest.approx(PRINTED_RATE)
    correct(db, "t3.carried_out.total", 9)
    assert shown() == pytest.approx(25.0)


def test_a_score_built_on_a_corrected_value_says_so(loaded):
    from assess import deductions
    from assess.score import CORRECTED_NOTE

    _, db = loaded
    correct(db, "t3.carried_out.total", 9)
    with duckdb.connect(str(db), read_only=True) as con:
        attach_corrections(con, db)
        why = deductions(con, 2024, SCHEME).filter(
            (pl.col("agency_id") == AGENCY) & (pl.col("indicator") == "carryover")
        )
        untouched = deductions(con, 2024, SCHEME).filter(
            (pl.col("agency_id") == AGENCY) & (pl.col("indicator") != "carryover")
        )
    assert why["reason"][0].endswith(CORRECTED_NOTE) and "25" in why["reason"][0]
    assert not any(r.endswith(CORRECTED_NOTE) for r in untouched["reason"])


def test_findings_dismissed_as_false_alarms_stop_costing_consistency_points(loaded):
    folder, db = loaded
    consistency = next(i for i in SCHEME.indicators if i.id == "consistency")
    before = _score(db)
    assert before["consistency.value"] == 2  # t3.balance and t3.row_total
    assert before["consistency.points"] == pytest.approx(
        consistency.weight - 2 * consistency.points
    )
    with opened(store_path(db)) as con:
        rules = {f["rule"]: f["fkey"] for f in list_findings(con)}
        move(con, rules["t3.row_total"], DISMISSED, "a", "原表总计列为合并单元格，非报告错误")
    after = _score(db)
    assert after["consistency.value"] == 1
    gained = consistency.points
    assert after["total"] == pytest.approx(
        before["total"] + 100.0 * gained / before["weight_present"], abs=0.006
    )
    # kept across a full rebuild; undoing the dismissal counts the finding again
    for f in db.parent.glob(db.name + "*"):
        f.unlink()
    load(folder, db)
    assert _score(db)["consistency.value"] == 1
    with opened(store_path(db)) as con:
        move(con, rules["t3.row_total"], "待核实", "a", "撤销误报")
    assert _score(db)["total"] == before["total"]


def test_a_correction_reaches_the_rate_and_flag_beside_the_score(loaded):
    """kewei prints 办结 35 of 36 received (97.2%, no flag). Corrected to 30, every figure moves
    together: the score's 办结率, the ranking's 办结率 column, the per-report figures, and the
    amber 「办结率低于 85%」 flag (36 requests: not a small sample)."""
    import queries

    _, db = loaded
    path = ROOT / "data" / "schemes" / "default.toml"

    def shown():
        with duckdb.connect(str(db), read_only=True) as con:
            attach_corrections(con, db)
            ranked = queries.ranking(con, year=2024, scheme=path)
            fig = queries.figures(con, year=2024, agency_id=AGENCY)
        return ranked.filter(pl.col("agency_id") == AGENCY).row(0, named=True), fig.row(
            0, named=True
        )

    row, fig = shown()
    assert row["completion_rate"] == pytest.approx(100.0 * 35 / 36) == fig["completion_rate"]
    assert "办结率" not in row["flags"]
    correct(db, "t3.processed.total", 30)
    row, fig = shown()
    rate = 100.0 * 30 / 36
    assert row["completion_rate"] == pytest.approx(rate)
    assert fig["completion_rate"] == pytest.approx(rate)
    assert _score(db)["completion.value"] == pytest.approx(rate)
    assert "办结率低于 85%" in row["flags"] and row["flag"] == "amber"
