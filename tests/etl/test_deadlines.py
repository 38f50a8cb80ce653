"""Deadlines (spec §Deadlines): department 31 Jan / government 31 Mar since 2019; 31 Mar before.

Real case: seed 003 (柳州市交通运输局, report on 2018) was published 2018-12-24, before the year
it covers had ended.
"""

from __future__ import annotations

from datetime import date

import pytest

from etl.deadlines import as_date, days_late, deadline_for
from etl.parse import parse_file
from etl.validate.timing import timing_findings
from tests.conftest import SEEDS


@pytest.mark.parametrize(
    "kind, year, expected",
    [
        ("department", 2019, date(2020, 1, 31)),
        ("department", 2024, date(2025, 1, 31)),
        ("government", 2019, date(2020, 3, 31)),
        ("government", 2025, date(2026, 3, 31)),
        ("department", 2018, date(2019, 3, 31)),  # before the 2019 条例: 31 March for all
        ("government", 2016, date(2017, 3, 31)),
        (None, 2024, date(2025, 3, 31)),  # unknown kind: never late on a guess
    ],
)
def test_deadline_for(kind, year, expected):
    assert deadline_for(kind, year) == expected


def test_days_late():
    deadline = date(2025, 1, 31)
    assert days_late("2025-02-03", deadline) == 3
    assert days_late(date(2025, 1, 31), deadline) == 0
    assert days_late("2025-01-20", deadline) == -11
    assert days_late(None, deadline) is None
    assert as_date("2025-13-40") is None


def test_seed_003_published_before_its_year_ended():
    report = parse_file(next(SEEDS.glob("003_*.txt")))
    assert (report.year, report.published) == (2018, "2018-12-24")
    title = report.meta.get("title")
    [finding] = timing_findings(report.year, report.published, report.meta.get("signed"), title)
    # signed 2018-12-19 and published 2018-12-24: two dates agree, the report is the one blamed
    assert (finding.rule, finding.category, finding.blames_report) == (
        "report.dated_before_year_end",
        "scope_error",
        True,
    )
    assert "2018-12-19" in finding.message and "2018-12-24" in finding.message
    # one date alone may be a misreading: the analyst's
    [alone] = timing_findings(report.year, report.published, None, title)
    assert (alone.rule, alone.blames_report) == ("published.before_year_end", False)
    # a title that does not name the year: the year itself may be misread, the analyst's
    [untitled] = timing_findings(report.year, report.published, report.meta.get("signed"), "")
    assert (untitled.rule, untitled.blames_report) == ("published.before_year_end", False)


def test_signed_date_alone_can_reveal_an_early_report():
    [finding] = timing_findings(2023, None, "2023-12-20")
    assert "落款日期为 2023-12-20" in finding.message
    assert timing_findings(2023, "2024-01-05", "2023-12-31") != []
    assert timing_findings(2023, "2024-01-05", "2024-01-02") == []
