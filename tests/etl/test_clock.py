"""The ETL's "today" is one declared date (etl.clock), fixed by GONGKAI_TODAY: a year's plausibility
does not drift with the machine's clock."""

from __future__ import annotations

from datetime import date

import pytest

from etl import clock
from etl.validate.timing import year_findings


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
    with pytest.raises(ValueError, match="GONGKAI_TODAY='2026/12/02' is not a date"):
        clock.today()
