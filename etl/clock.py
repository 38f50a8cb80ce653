"""The one date the ETL treats as "today" (which report years are plausible yet).

Parsing must not depend silently on the machine's clock: this is the single place it is read,
and GONGKAI_TODAY (an ISO date) fixes it, so a re-run of an old load or a test gives the same
findings whatever day it runs.
"""

from __future__ import annotations

from datetime import date

from etl.gongkai_error import BAD_INPUT, GongkaiError
from etl.settings import current


class BadTodayError(GongkaiError):
    """GONGKAI_TODAY is set but is not an ISO date: bad input from the user, not a bug."""

    exit_code = BAD_INPUT


def today() -> date:
    fixed = current().today
    if fixed:
        try:
            return date.fromisoformat(fixed)
        except ValueError:
            raise BadTodayError(
                f"GONGKAI_TODAY={fixed!r} is not a date: use YYYY-MM-DD, or unset it"
            ) from None
    return date.today()
