"""The full loop on a real report: load → confirm → notice → load the corrected version →
已整改 (待复核) without a hand edit → 复核; and a republished version that still has the problem."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from docx import Document

from etl.rules import RULES
from exports.office import load_office
from tests.workflow.conftest import AGENCY, fixed_text, gongkai, load, reworded_text, write_version
from workflow.findings import history, list_findings, move
from workflow.states import (
    CONFIRMED,
    NOTIFIED,
    PENDING,
    RECTIFIED,
    SYSTEM,
    VERIFIED,
    WorkflowError,
)
from workflow.store import opened, store_path

# slow: each test (or the module's fixture) runs a whole `gongkai load` of real reports
pytestmark = pytest.mark.slow

RULES_RAISED = {"t3.balance", "t3.row_total"}


def _docx_text(path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _mine(db, rules=RULES_RAISED):
    """The agency's findings of `rules` (a republished version also raises, rightly,
    report.changed_after_publication: asserted where it appears)."""
    with opened(store_path(db)) as con:
        return {
            f["rule"]: f
            for f in list_findings(con, agency_id=AGENCY, year=2024)
            if rules is None or f["rule"] in rules
        }


def test_full_cycle_load_confirm_notice_fix_verify(loaded, tmp_path):
    folder, db = loaded
    found = _mine(db)
    assert set(found) == RULES_RAISED
    assert all(f["state"] == PENDING and f["present"] for f in found.values())
    # both cite the misprinted 自然人 cell where the file prints it (1-based: line 178)
    for rule in RULES_RAISED:
        cell = next(e for e in found[rule]["evidence"] if e["key"] == "t3.carried_out.natural")
        assert cell["printed"] == "2" and "原文第 178 行" in cell["where"]

    with opened(store_path(db)) as con:
        for f in found.values():
            move(
                con,
                f["fkey"],
                CONFIRMED,
                "analyst@example.gov.cn",
                "核对原文属实",
                expected=PENDING,
            )

    out = tmp_path / "notices"
    printed = gongkai("notices", "--year", 2024, "--db", db, "--out", out, "--by", "张三")
    assert "整改通知 1 份（共 2 个问题）" in printed and "2 个问题已改为“已通知”" in printed
    (docx_file,) = out.glob("*.docx")
    text = _docx_text(docx_file)
    assert "上海市科学技术委员会" in text
    for rule in RULES_RAISED:
        assert RULES[rule].label in text and RULES[rule].remedy in text
    # each printed cell in the notice's table: its wording, the printed value, its place
    for column, printed in (("自然人", "2"), ("商业企业", "0"), ("总计", "1")):
        assert f"四、结转下年度继续办理（{column}栏）\n{printed}\n原文第 7 张表格第 4 行" in text
    assert load_office().letterhead in text
    deadline = date.today() + timedelta(days=load_office().notice_deadline_days)
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日前" in text
    assert out.joinpath(docx_file.stem + ".pdf").read_bytes()[:4] == b"%PDF"
    found = _mine(db)
    assert {f["state"] for f in found.values()} == {NOTIFIED}
    assert {f["deadline"] for f in found.values()} == {deadline.isoformat()}

    write_version(folder, fixed_text())
    summary = load(folder, db)
    assert "新版本已整改待复核 2 条" in summary
    # still raised: 「所有申请均已按要求办理完成」 beside its own carry-over (the fix is in 表三)
    assert set(_mine(db, None)) == RULES_RAISED | {
        "report.changed_after_publication",
        "prose.completion_vs_carry_over",
    }
    found = _mine(db)
    assert {f["state"] for f in found.values()} == {RECTIFIED}
    assert all(f["needs_review"] and not f["present"] for f in found.values())
    with opened(store_path(db)) as con:
        log = history(con, found["t3.balance"]["fkey"])
        assert [e["to_state"] for e in log] == [PENDING, CONFIRMED, NOTIFIED, RECTIFIED]
        assert log[-1]["actor"] == SYSTEM and "不再出现" in log[-1]["reason"]
        assert log[1]["actor"] == "analyst@example.gov.cn" and log[2]["actor"] == "张三"
        for f in found.values():
            move(
                con,
                f["fkey"],
                VERIFIED,
                "analyst@example.gov.cn",
                "已核对新版本",
                expected=RECTIFIED,
            )
    found = _mine(db)
    assert {f["state"] for f in found.values()} == {VERIFIED}
    assert not any(f["needs_review"] for f in found.values())
    # loading the same corrected file again changes nothing
    assert "新发现 0 条" in load(folder, db) and {f["state"] for f in _mine(db).values()} == {
        VERIFIED
    }


def test_a_new_version_that_still_has_the_problem_stays_open_and_repeated(loaded):
    folder, db = loaded
    with opened(store_path(db)) as con:
        for f in _mine(db).values():
            move(con, f["fkey"], CONFIRMED, "analyst@example.gov.cn", "属实")
    write_version(folder, reworded_text())
    assert "新版本仍有 3 条" in load(folder, db)  # with 「均已办理完成」 beside a carry-over
    found = _mine(db)
    assert {f["state"] for f in found.values()} == {CONFIRMED}
    assert all(f["repeated"] and f["present"] and f["versions_seen"] == 2 for f in found.values())
    # the fixed version then closes them; bringing the problem back later reopens them
    write_version(folder, fixed_text())
    load(folder, db)
    assert {f["state"] for f in _mine(db).values()} == {RECTIFIED}
    write_version(folder, reworded_text() + "再次修订。\n")
    assert "重新出现 2 条" in load(folder, db)
    assert {f["state"] for f in _mine(db).values()} == {CONFIRMED}


def test_moves_are_checked_and_recorded(loaded):
    _, db = loaded
    f = _mine(db)["t3.balance"]
    with opened(store_path(db)) as con:
        for bad, why in (
            ((lambda: move(con, f["fkey"], VERIFIED, "a", "跳过")), "不能改为"),
            ((lambda: move(con, f["fkey"], "误报", "a", " ")), "标记误报须填写原因"),
            ((lambda: move(con, f["fkey"], CONFIRMED, "", "属实")), "未登录"),
        ):
            try:
                bad()
            except WorkflowError as exc:  # not a ValueError: a bug is never taken for a refusal
                assert why in str(exc)
            else:
                raise AssertionError("the move should have been refused")
        move(con, f["fkey"], "误报", "a", "表格原文确有此数，系模板合并单元格")
        move(con, f["fkey"], PENDING, "a", "撤销误报")
        assert [e["to_state"] for e in history(con, f["fkey"])] == [PENDING, "误报", PENDING]


def test_a_cross_year_finding_cites_last_years_report_without_server_paths(tmp_path):
    """The 2024 report's 上年结转 (2) against a 2023 version of it printing 结转下年度 5."""
    from tests.workflow.conftest import PRINTED_ROW, original_text

    folder = tmp_path / "years"
    write_version(folder / "2024", fixed_text())
    last_year = (
        original_text()
        .replace("2024", "2023")
        .replace(PRINTED_ROW, "| 四、结转下年度继续办理 | 5 | 0 | 0 | 0 | 0 | 0 | 5 |")
    )
    write_version(folder / "2023", last_year)
    db = tmp_path / "years.duckdb"
    load(folder, db)
    found = _mine(db, None)
    assert "crossyear.carry_over" in found, found.keys()
    f = found["crossyear.carry_over"]
    # last year's report named by its year: no file name, no server path
    assert (
        "/" not in f["message"] and ".md" not in f["message"] and "对照 2023 年报" in f["message"]
    )
    evidence = {e["label"]: e["printed"] for e in f["evidence"]}
    assert evidence["二、上年结转政府信息公开申请数量·总计"] == "2"
    assert evidence["上年年报 四、结转下年度继续办理·总计"] == "5"
