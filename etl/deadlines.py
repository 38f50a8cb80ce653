"""Publication deadlines for annual reports (spec §Deadlines) and how late a report was.

A report on year Y is published in Y+1. Since the 2019 条例 (第四十九条), for reports on 2019
onward: a government department by 31 January of Y+1; a county-level-or-higher government's
own report by 31 March of Y+1. Before 2019 (2008 条例 第三十一条): 31 March of Y+1 for all.
Agencies of unknown kind get the later deadline: a report is never called late on a guess.
"""

from __future__ import annotations

from datetime import date

NEW_RULES_FROM = 2019  # first report year under the 2019 条例


def deadline_for(kind: str | None, year: int) -> date:
    """The last day to publish the report on `year` for an agency of `kind`."""
    if year >= NEW_RULES_FROM and kind == "department":
        return date(year + 1, 1, 31)
    return date(year + 1, 3, 31)


def days_late(published: date | str | None, deadline: date) -> int | None:
    """Days after the deadline (negative: early, 0: on the day); None if publication is unknown."""
    day = as_date(published)
    return None if day is None else (day - deadline).days


def as_date(value: date | str | None) -> date | None:
    """An ISO date string (or date) to a date; anything unreadable is None."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None
