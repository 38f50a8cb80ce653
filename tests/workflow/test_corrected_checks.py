"""A correction reaches every check that reads figures (workflow.corrected_checks): the prose
quoting a figure its table contradicts, the carry-over from last year's report, and a check the
corrected figures break, which is raised as a finding of the correction's own."""

from __future__ import annotations

import duckdb
import pytest

from tests.workflow.conftest import AGENCY, correct, fixed_text, load, write_version
from tests.workflow.test_corrected_findings import _score
from workflow import corrections
from workflow.findings import list_findings, move, state_text
from workflow.problems import notice_batch
from workflow.states import CONFIRMED, PENDING
from workflow.store import opened, store_path

pytestmark = pytest.mark.slow  # each test runs a whole `gongkai load` of a real report

ANALYST = "analyst@example.gov.cn"
# 表三's 予以公开 row as the report prints it, and as misread: 总计 6 beside 自然人 9, while the
# prose says 「同意公开答复9件」
GRANTED = "| 三、 | （一）予以公开 | 9 | 0 | 0 | 0 | 0 | 0 | 9 |"
MISREAD_GRANTED = "| 三、 | （一）予以公开 | 9 | 0 | 0 | 0 | 0 | 0 | 6 |"
# the fixture's misprinted 结转下年度 row leaves the 法人 columns (commercial) balanced: 0 + 2 = 2 + 0
COMMERCIAL_BALANCE = [
    "t3.carried_in.commercial",
    "t3.carried_out.commercial",
    "t3.new.commercial",
    "t3.processed.commercial",
]


def _found(db, year: int = 2024) -> dict[str, dict]:
    """{rule: tracked finding} of AGENCY's year, each rule at most once."""
    with opened(store_path(db)) as con:
        found = [f for f in list_findings(con, year=year, agency_id=AGENCY)]
    rules = [f["rule"] for f in found]
    assert len(rules) == len(set(rules)), rules
    return {f["rule"]: f for f in found}


def _undo(db, cid: int, with_reports: bool = True) -> None:
    with duckdb.connect(str(db), read_only=True) as rcon, opened(store_path(db)) as con:
        corrections.undo_correction(
            con, cid, actor=ANALYST, reason="录错了", report_con=rcon if with_reports else None
        )


def test_a_prose_table_mismatch_is_resolved_by_correcting_the_misread_cell(tmp_path):
    """The reader took 予以公开·总计 as 6: the row does not add up and the prose's 9 differs from
    the table. The analyst corrects it to 9 (the original's figure): both findings resolved."""
    folder = tmp_path / "reports"
    text = fixed_text()
    assert GRANTED in text
    write_version(folder, text.replace(GRANTED, MISREAD_GRANTED))
    db = tmp_path / "gongkai.duckdb"
    load(folder, db)
    found = _found(db)
    assert found["text_table.mismatch"]["cells"] == ["t3.granted.total"]
    assert "写 9 件" in found["text_table.mismatch"]["message"]
    assert set(found) == {"text_table.mismatch", "t3.row_total", "prose.completion_vs_carry_over"}

    cid = correct(db, "t3.granted.total", 9, reason="原件表三予以公开总计为 9")
    after = {rule: f["resolved_by"] for rule, f in _found(db).items()}
    assert after == {
        "text_table.mismatch": str(cid),
        "t3.row_total": str(cid),
        # 「所有申请均已按要求办理完成」 beside a carry-over of 1: no figure of 予以公开
        "prose.completion_vs_carry_over": None,
    }
    assert (
        state_text(_found(db)["text_table.mismatch"]) == f"待核实（修正后已消除，修正编号 {cid}）"
    )

    _undo(db, cid)
    assert {f["resolved_by"] for f in _found(db).values()} == {None}


def test_a_carry_over_mismatch_is_resolved_by_correcting_last_years_cell(tmp_path):
    """2023's report (read as 结转下年度 1) against 2024's 上年结转 2: crossyear.carry_over on
    2024. Correcting 2023's 结转下年度·总计 to 2 resolves it; 2023's own table and prose, which
    say 1, no longer agree with the corrected 2 and are raised as the correction's findings."""
    folder = tmp_path / "reports"
    write_version(folder, fixed_text())
    (folder / "kewei_2023.md").write_text(fixed_text().replace("2024", "2023"), encoding="utf-8")
    db = tmp_path / "gongkai.duckdb"
    load(folder, db)
    carry = _found(db)["crossyear.carry_over"]
    assert carry["cells"] == ["t3.carried_in.total", "t3.carried_out.total"]
    assert "2024 年报的“上年结转”为 2，但 2023 年报的“结转下年度”为 1" in carry["message"]
    assert "t3.balance" not in _found(db, 2023)

    with duckdb.connect(str(db), read_only=True) as rcon, opened(store_path(db)) as con:
        cid = corrections.add_correction(
            con,
            rcon,
            agency_id=AGENCY,
            year=2023,
            key="t3.carried_out.total",
            value=2,
            reason="原件 2023 年表三结转下年度为 2",
            evidence="原件第 4 页",
            actor=ANALYST,
        )
    assert _found(db)["crossyear.carry_over"]["resolved_by"] == str(cid)
    raised = {r: f["raised_by"] for r, f in _found(db, 2023).items() if f["raised_by"]}
    assert raised == {
        "t3.balance": str(cid),
        "t3.row_total": str(cid),
        "text_table.mismatch": str(cid),
    }

    _undo(db, cid)
    assert _found(db)["crossyear.carry_over"]["resolved_by"] is None
    assert not any(f["raised_by"] for f in _found(db, 2023).values())
    assert {"t3.balance", "t3.row_total", "text_table.mismatch"}.isdisjoint(_found(db, 2023))


def test_a_correction_that_breaks_a_check_raises_its_finding_until_undone(loaded):
    """结转下年度·法人 corrected 0 → 1 breaks the 法人 column's balance, which held: one
    t3.balance finding, 待核实 and naming the correction, triaged and noticed like any other;
    the row's t3.row_total was already raised as printed (same cells: not raised again)."""
    folder, db = loaded
    before = _found(db)
    assert before["t3.balance"]["cells"] != COMMERCIAL_BALANCE  # the 自然人 column's, as printed
    cid = correct(db, "t3.carried_out.commercial", 1, reason="原件表三结转下年度法人为 1")

    with opened(store_path(db)) as con:
        raised = [f for f in list_findings(con, year=2024) if f["raised_by"]]
    assert [(f["rule"], f["cells"], f["state"]) for f in raised] == [
        ("t3.balance", COMMERCIAL_BALANCE, PENDING)
    ]
    (finding,) = raised
    assert state_text(finding) == f"待核实（修正后出现，修正编号 {cid}）"
    assert finding["message"] == (
        "表三「商业企业」列：本年新收 + 上年结转 ≠ 办理总计 + 结转下年度：应为 2，报告印为 3（差 +1）"
    )
    shown = {e["key"]: e["printed"] for e in finding["evidence"]}
    assert shown["t3.carried_out.commercial"] == "1"  # the figure as the correction reads it
    with opened(store_path(db)) as con:
        loaders = [(f["rule"], f["raised_by"]) for f in list_findings(con, year=2024)]
    # the loader's findings as before (t3.row_total's cells are the whole row: not raised again)
    assert len(loaders) == 4
    assert set(loaders) == {
        ("prose.completion_vs_carry_over", None),
        ("t3.balance", None),
        ("t3.row_total", None),
        ("t3.balance", str(cid)),
    }

    # the next load's re-check keeps it (same file, same correction)
    load(folder, db)
    with opened(store_path(db)) as con:
        assert [f["fkey"] for f in list_findings(con, year=2024) if f["raised_by"]] == [
            finding["fkey"]
        ]
        move(con, finding["fkey"], CONFIRMED, ANALYST, "核实属实")
        items = {i.fkey for n in notice_batch(con, 2024, agency_id=AGENCY) for i in n.items}
    assert finding["fkey"] in items  # confirmed: on the agency's notice like any other

    _undo(db, cid)
    with opened(store_path(db)) as con:
        gone = [f for f in list_findings(con, year=2024) if f["fkey"] == finding["fkey"]]
        # acted on: its history stays, but it no longer stands anywhere
        assert [(f["present"], f["raised_by"]) for f in gone] == [(0, None)]
        items = {i.fkey for n in notice_batch(con, 2024, agency_id=AGENCY) for i in n.items}
    assert finding["fkey"] not in items


def test_a_raised_finding_nobody_touched_goes_when_the_correction_is_undone(loaded):
    """...and while it stands, 数据一致性 counts it as the lists and notices do (one count)."""
    _, db = loaded
    count = len(_found_all(db))
    consistency = _score(db)["consistency.value"]
    cid = correct(db, "t3.carried_out.commercial", 1, reason="原件表三结转下年度法人为 1")
    assert len(_found_all(db)) == count + 1
    assert _score(db)["consistency.value"] == consistency + 1
    _undo(db, cid, with_reports=False)  # without the report database at hand
    assert len(_found_all(db)) == count
    assert _score(db)["consistency.value"] == consistency
    assert not any(f["raised_by"] for f in _found_all(db))


def _found_all(db) -> list[dict]:
    with opened(store_path(db)) as con:
        return list_findings(con, year=2024)
