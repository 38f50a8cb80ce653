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


def test_a_year_without_a_loaded_report_is_said_not_counted_as_zero(db):
    """`findings list --year 2099` was 「共 0 条问题」 and exit 0: a typo looked like a clean year."""
    result = run_cli("findings", "list", "--db", db, "--year", 2099)
    assert result.exit_code == 1
    assert "没有已加载的 2099 年度年报：已加载的年度为 2023–2024" in result.output
    assert "0 条" not in result.output


def test_the_list_shows_a_number_unit_rule_and_place_not_the_internal_key(db):
    result = run_cli("findings", "list", "--db", db, "--year", 2024)
    assert result.exit_code == 0
    lines = [line.split("\t") for line in result.output.splitlines() if "\t" in line]
    assert lines == [
        ["2", "待核实", "甲县人民政府", "正文与其他年报高度重复", "全文（与本单位上年报告）"],
        ["1", "待核实", "甲县人民政府", "表三：各类申请人之和 ≠ 总计列", "表三（收到和处理申请）"],
    ]
    assert "|" not in result.output and "t3." not in result.output


def test_confirm_takes_the_listed_number_and_moves_that_finding_alone(db):
    result = run_cli("findings", "confirm", "--db", db, "--year", 2024, "--id", 1)
    assert result.exit_code == 0 and "已改为“已确认”：1 条" in result.output
    with opened(store_path(db)) as con:
        states = {f["rule"]: f["state"] for f in list_findings(con, year=2024)}
    assert states == {"t3.row_total": CONFIRMED, "report.copied": PENDING}


@pytest.mark.parametrize("action", ["confirm", "dismiss"])
def test_a_number_not_listed_for_the_year_is_said_and_moves_nothing(db, action):
    args = ("findings", action, "--db", db, "--year", 2024, "--reason", "核实")
    result = run_cli(*args, "--id", 1, "--id", 99)
    assert result.exit_code == 1
    assert "编号 99 不是 2024 年度符合条件的问题" in result.output
    assert _states(db) == {PENDING}
