"""Deadlines (spec §Deadlines): department 31 Jan / government 31 Mar since 2019; 31 Mar before.

Real case: seed 003 (柳州市交通运输局, report on 2018) was published 2018-12-24, before the year
it covers had ended.
"""

from __future__ import annotations

from datetime import date

import pytest

from etl.deadlines import as_date, counted_date, days_late, deadline_for
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


def test_the_date_a_report_counts_as_published():
    # the portal's 发布时间 (apply_portal put it in `published`), the printed 发布日期, else the
    # signature: a report cannot come out before it is signed; neither: unknown, never late
    assert counted_date("2025-02-10", "2025-03-01", from_portal=True) == (
        date(2025, 2, 10),
        "门户日期",
    )
    assert counted_date("2025-01-20", "2025-02-10") == (date(2025, 1, 20), "发布日期")
    assert counted_date(None, "2025-02-10") == (date(2025, 2, 10), "落款日期")
    assert counted_date("2025-13-40", "2025-02-10") == (date(2025, 2, 10), "落款日期")
    assert counted_date(None, None) == (None, None)


def test_a_database_of_schema_1_gets_the_counted_date_and_its_days_late():
    """Opened by a newer loader, an older database counts its days late from the same date
    before its files are read again (the late finding, days_late and the score agree at once)."""
    import duckdb

    from etl.schema import DDL, ensure_schema

    con = duckdb.connect()
    old_reports = next(s for s in DDL if "CREATE TABLE IF NOT EXISTS reports" in s)
    for line in ("counted_date DATE", "date_basis TEXT"):
        assert line in old_reports
    for statement in DDL:
        if statement is old_reports:  # as schema 1 declared it
            statement = "\n".join(
                ln
                for ln in statement.split("\n")
                if "counted_date" not in ln.split("--")[0] and "date_basis" not in ln.split("--")[0]
            )
        con.execute(statement)
    con.execute("INSERT INTO agencies (agency_id, name) VALUES ('A', '甲局')")
    rows = [(1, None, "2025-02-10"), (2, "2025-01-20", "2025-02-10"), (3, None, None)]
    for year, published, signed in rows:
        con.execute(
            "INSERT INTO reports (agency_id, year, version, is_current, template, published, "
            "signed, deadline, days_late, source_path, sha256, format, parser_version, loaded_at) "
            "VALUES ('A', ?, 1, true, 'std2021', ?, ?, '2025-01-31', "
            "date_diff('day', DATE '2025-01-31', ?::DATE), 'x', 's', 'pdf', 'old', now())",
            [2020 + year, published, signed, published],
        )
    ensure_schema(con)
    got = con.execute(
        "SELECT counted_date::VARCHAR, date_basis, days_late FROM reports ORDER BY year"
    ).fetchall()
    assert got == [
        ("2025-02-10", "落款日期", 10),
        ("2025-01-20", "发布日期", -11),
        (None, None, None),
    ]
