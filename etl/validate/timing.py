"""Timing findings of one report: dated before its year ended; a year no report can cover yet.

The deadline itself and the days late are facts, not findings (etl/deadlines.py); the late
ranking is the assessment's (assess/metrics.py `days_late`).
"""

from __future__ import annotations

import re
from datetime import date

from etl import clock
from etl.deadlines import SIGNED_DATE, SIGNED_NOTE, as_date
from etl.report import Finding


def timing_findings(
    year: int,
    published: date | str | None,
    signed: date | str | None = None,
    title: str | None = None,
) -> list[Finding]:
    """A report dated before the year it covers has ended. One such date may be a misreading
    (a portal's page date, a signature read wrong): the analyst checks it
    ('published.before_year_end', reader). When the signature and the publication date are both
    read and both fall inside the year, two independent dates agree: the report itself covers a
    period that had not ended, the inspector's 统计口径错误 ('report.dated_before_year_end') — when
    the report's title names that year (a year read from elsewhere may be the misreading)."""
    end = date(year, 12, 31)
    days = {
        label: as_date(value) for label, value in (("published", published), ("signed", signed))
    }
    early = {label: day for label, day in days.items() if day is not None and day <= end}
    if not early:
        return []
    if len(early) == 2 and re.search(rf"{year}\s*年", title or ""):
        return [
            Finding(
                "report.dated_before_year_end",
                (),
                None,
                None,
                f"{year} 年度报告落款日期为 {early['signed'].isoformat()}、发布日期为 "
                f"{early['published'].isoformat()}，均早于该年度结束：报告未覆盖全年"
                f"（统计期限应为 {year} 年 1 月 1 日至 12 月 31 日）",
            )
        ]
    label, day = next(iter(early.items()))
    return [
        Finding(
            "published.before_year_end",
            (),
            None,
            None,
            f"{year} 年度报告的{'发布' if label == 'published' else '落款'}日期为 {day.isoformat()}，"
            f"早于该年度结束：全年数据不可能完整",
            "warning",
        )
    ]


def late_findings(
    year: int,
    published: date | str | None,
    deadline: date | str | None,
    basis: str | None = None,
) -> list[Finding]:
    """Counted as published (etl/deadlines.counted_date, its `basis`) after the legal deadline:
    the inspector's 未按时发布. A date from the signature alone says so."""
    day, due = as_date(published), as_date(deadline)
    if day is None or due is None or day <= due:
        return []
    when = (
        f"未标明发布日期，落款日期为 {day.isoformat()}"
        if basis == SIGNED_DATE
        else f"发布于 {day.isoformat()}"
    )
    note = f"（{SIGNED_NOTE}）" if basis == SIGNED_DATE else ""
    return [
        Finding(
            "published.late",
            (),
            None,
            float((day - due).days),
            f"{year} 年度报告{when}，法定期限为 {due.isoformat()}，逾期 {(day - due).days} 天{note}",
        )
    ]


FIRST_REPORT_YEAR = 2008  # 《政府信息公开条例》 took effect on 2008-05-01


def year_findings(year: int) -> list[Finding]:
    """A year no annual report can cover yet (a typo such as 2099, or before the 条例)."""
    this_year = clock.today().year
    if FIRST_REPORT_YEAR <= year <= this_year:
        return []
    why = (
        f"晚于今年（{this_year} 年），这一年度的报告还不可能发布"
        if year > this_year
        else f"早于《政府信息公开条例》施行的 {FIRST_REPORT_YEAR} 年"
    )
    return [
        Finding(
            "report.implausible_year",
            (),
            None,
            year,
            f"报告自称是 {year} 年度报告，{why}；请核对报告标题中的年度",
            "error",
        )
    ]
