"""The ETL's "today" is one declared date (etl.clock), fixed by GONGKAI_TODAY: a year's plausibility
does not drift with the machine's clock."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from etl import clock
from etl.gongkai_error import BAD_INPUT
from etl.validate.timing import year_findings
from gongkai.cli import cli
from tests.conftest import SEEDS


def test_a_report_year_is_judged_against_the_declared_today(monkeypatch):
    monkeypatch.setenv("GONGKAI_TODAY", "2026-12-02")
    assert clock.today() == date(2026, 12, 2)
    assert year_findings(2026) == []
    monkeypatch.setenv("GONGKAI_TODAY", "2025-06-30")
    [finding] = year_findings(2026)
    assert finding.rule == "report.implausible_year" and finding.actual == 2026
    assert "2025" in finding.message


def test_a_malformed_today_is_one_clear_error(monkeypatch):
    monkeypatch.setenv("GONGKAI_TODAY", "2026/12/02")
    with pytest.raises(
        clock.BadTodayError, match="GONGKAI_TODAY='2026/12/02' is not a date"
    ) as caught:
        clock.today()
    assert caught.value.exit_code == BAD_INPUT


BAD_TODAY_LINE = "Error: GONGKAI_TODAY='2026-13-45' is not a date: use YYYY-MM-DD, or unset it\n"


def test_a_bad_today_refuses_a_load_once_before_any_file(tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_TODAY", "2026-13-45")
    db = tmp_path / "g.duckdb"
    seeds = [str(p) for p in sorted(SEEDS.glob("*.txt"))[:3]]
    result = CliRunner().invoke(cli, ["load", *seeds, "--db", str(db)])
    assert result.exit_code == BAD_INPUT
    assert result.output == BAD_TODAY_LINE  # once for the run, not once per file
    assert not db.exists()  # refused before the database is built


def test_a_bad_today_is_bad_input_for_parse_too(monkeypatch):
    monkeypatch.setenv("GONGKAI_TODAY", "abc")
    result = CliRunner().invoke(cli, ["parse", str(sorted(SEEDS.glob("*.txt"))[0])])
    assert result.exit_code == BAD_INPUT
    assert result.output == (
        "Error: GONGKAI_TODAY='abc' is not a date: use YYYY-MM-DD, or unset it\n"
    )
