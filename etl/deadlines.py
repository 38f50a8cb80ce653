"""Publication deadlines for annual reports (spec §Deadlines) and how late a report was.

A report on year Y is published in Y+1. Since the 2019 条例 (第四十九条), for reports on 2019
onward: a government department by 31 January of Y+1; a county-level-or-higher government's
own report by 31 March of Y+1. Before 2019 (2008 条例 第三十一条): 31 March of Y+1 for all.
Agencies of unknown kind get the later deadline: a report is never called late on a guess.
"""

from __future__ import annotations

from datetime import date

NEW_RULES_FROM = 2019  # first report year under the 2019 条例

# Where the date a report counts as published came from (reports.date_basis), as pages print it.
PORTAL_DATE = "门户日期"
PRINTED_DATE = "发布日期"
SIGNED_DATE = "落款日期"
SIGNED_NOTE = "按落款日期计"  # said wherever days late rest on the signature alone


def deadline_for(kind: str | None, year: int) -> date:
    """The last day to publish the report on `year` for an agency of `kind`."""
    if year >= NEW_RULES_FROM and kind == "department":
        return date(year + 1, 1, 31)
    return date(year + 1, 3, 31)


def days_late(published: date | str | None, deadline: date) -> int | None:
    """Days after the deadline (negative: early, 0: on the day); None if publication is unknown."""
    day = as_date(published)
    return None if day is None else (day - deadline).days


def counted_date(
    published: date | str | None, signed: date | str | None, from_portal: bool = False
) -> tuple[date | None, str | None]:
    """The one date a report counts as published, and where it came from: the check
    (published.late), days_late, the score and every page use it.

    `published` is the portal's 发布时间 when the collector saw one (etl/collect/manifest.py
    apply_portal: the date the public could read it, over what the document prints), else the
    document's own 发布日期. Without either, the signature date: a report cannot have come out
    before it was signed, so it is the earliest it can have been published — counting from it
    never calls a report later than it was. Neither: unknown (never late on a guess)."""
    day = as_date(published)
    if day is not None:
        return day, PORTAL_DATE if from_portal else PRINTED_DATE
    day = as_date(signed)
    return (day, SIGNED_DATE) if day is not None else (None, None)


def as_date(value: date | str | None) -> date | None:
    """An ISO date string (or date) to a date; anything unreadable is None."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None
