"""`gongkai findings` and `gongkai notices` take their filters the one way (issue 22): a rule by
id or label, an agency by code or name, a peer group; a filter that names nothing, or names
another province's agency, is one line and exit 1, never 「…0 条」 and exit 0.

Fast: the small province of tests/small_province.py written to a file (declared rows, no ETL),
its store synced as a load leaves it (甲县 2024: t3.row_total and report.copied, 待核实), the
office of data/office.toml (示范省; 外省戊县人民政府 is a reference agency).
"""

from __future__ import annotations

import pytest

from tests.gongkai.conftest import run_cli
from workflow.findings import list_findings
from workflow.states import CONFIRMED, PENDING
from workflow.store import opened, store_path


@pytest.fixture
def db(small_province_cli_db):
    return small_province_cli_db


def _states(db) -> set[str]:
    with opened(store_path(db)) as con:
        return {f["state"] for f in list_findings(con, year=2024)}


@pytest.mark.parametrize(
    "option, value, said",
    [
        ("--rule", "t3.row_totl", "没有“t3.row_totl”这条规则（是否为 t3.row_total？）"),
        ("--agency", "甲县政俯", "单位名录中没有“甲县政俯”"),
        ("--agency", "XR", "外省戊县人民政府（XR）不是本省单位，仅作参照"),
        ("--peer-group", "县级政俯", "没有“县级政俯”这个对标组：本省的对标组为 县级政府、省级部门"),
    ],
)
@pytest.mark.parametrize("action", ["confirm", "dismiss"])
def test_a_filter_that_names_nothing_is_said_and_moves_nothing(db, action, option, value, said):
    result = run_cli(
        "findings", action, "--db", db, "--year", 2024, option, value, "--reason", "核实"
    )
    assert result.exit_code == 1
    assert said in result.output and "0 条" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert _states(db) == {PENDING}


def test_findings_take_a_rule_by_label_and_an_agency_by_name(db):
    result = run_cli(
        "findings", "confirm", "--db", db, "--year", 2024,
        "--rule", "表三：各类申请人之和 ≠ 总计列", "--agency", "甲县人民政府",
    )  # fmt: skip
    assert result.exit_code == 0 and "已改为“已确认”：1 条" in result.output


def test_notices_take_an_agency_by_name_as_findings_do(db, tmp_path):
    assert (
        run_cli("findings", "confirm", "--db", db, "--year", 2024, "--agency", "GA").exit_code == 0
    )
    assert _states(db) == {CONFIRMED}
    out = tmp_path / "通知"
    args = ("notices", "--db", db, "--year", 2024, "--out", out, "--draft")
    result = run_cli(*args, "--agency", "甲县人民政府")
    assert result.exit_code == 0, result.output
    assert "已写出整改通知 1 份（共 2 个问题）" in result.output and "（草稿" in result.output
    assert [f.name for f in out.glob("*.docx")] == ["整改通知_2024_甲县人民政府.docx"]
    other = run_cli(*args, "--agency", "XR")
    assert other.exit_code == 1 and "不是本省单位" in other.output


def test_notices_help_gives_an_example_of_the_offices_own_province():
    shown = run_cli("notices", "--help").output
    assert "示范省农业农村厅" in shown and "310000-KW" not in shown
