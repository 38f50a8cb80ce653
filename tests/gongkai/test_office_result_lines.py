"""What `gongkai export`, `gongkai bulletin` and `gongkai notices` say when they are done is for
the office, in Chinese (issue 22); a failure keeps the `Error: …` line of gongkai/failures.py.

Fast: the small province of tests/small_province.py written to a file (declared rows, no ETL):
示范省's 甲县、乙县 (县级政府) and 丙厅、丁厅 (省级部门, 丁厅 without a 2024 report).
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT
from tests.gongkai.conftest import run_cli

SCHEME = ROOT / "data" / "schemes" / "default.toml"


@pytest.fixture
def db(small_province_cli_db):
    return small_province_cli_db


def test_export_and_bulletin_report_in_chinese(db, tmp_path):
    out = tmp_path / "汇总.csv"
    result = run_cli("export", "--db", db, "--year", 2024, "--scheme", SCHEME, "--out", out)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"已写出 {out}（") and "字节）" in result.output
    bulletin = tmp_path / "通报.docx"
    result = run_cli("bulletin", "--db", db, "--year", 2024, "--out", bulletin)
    assert result.exit_code == 0, result.output
    assert re.search(r"：4家单位，已发布3家，逾期\d家，未发布1家$", result.output.strip())
    assert "wrote" not in result.output and "agencies" not in result.output


def test_notices_with_nothing_confirmed_say_so_in_chinese(db, tmp_path):
    result = run_cli("notices", "--db", db, "--year", 2024, "--out", tmp_path / "n", "--draft")
    assert result.exit_code == 0
    assert result.output.startswith("2024年度没有已确认的问题：请先在整改跟踪页面")


def test_notices_for_one_agency_name_it_not_its_code(db, tmp_path):
    result = run_cli(
        "notices", "--db", db, "--year", 2024, "--agency", "GA", "--out", tmp_path / "n"
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("“甲县人民政府”2024年度没有已确认的问题")
    assert "GA" not in result.output
