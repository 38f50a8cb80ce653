"""Years, peer groups and agencies for the pickers."""

from __future__ import annotations

import polars as pl

from queries.base import run_query

YEARS_SQL = "SELECT DISTINCT year FROM current_reports ORDER BY year DESC"
PEER_GROUPS_SQL = (
    "SELECT DISTINCT peer_group FROM agencies WHERE peer_group IS NOT NULL ORDER BY peer_group"
)
AGENCIES_SQL = """
SELECT a.agency_id, a.name, a.level, a.kind, a.peer_group, a.confirmed,
       count(r.report_id) AS reports
FROM agencies a LEFT JOIN current_reports r USING (agency_id)
WHERE ($peer_group IS NULL OR a.peer_group = $peer_group)
GROUP BY ALL ORDER BY reports = 0, a.name
"""


def years(con) -> list[int]:
    """Years with current reports, newest first."""
    return run_query(con, YEARS_SQL)["year"].to_list()


DEFAULT_YEAR_SQL = """
WITH n AS (SELECT year, count(*) AS reports FROM current_reports GROUP BY year)
SELECT max(year) AS year FROM n WHERE reports >= 0.5 * (SELECT max(reports) FROM n)
"""


def default_year(con) -> int | None:
    """The newest year with at least half as many reports as the best-covered year.

    Early in a year only a few reports of the new year are in; opening on that year would show
    a ranking of a handful of agencies, so the default is the last reasonably complete year.
    """
    return run_query(con, DEFAULT_YEAR_SQL)["year"][0]


def peer_groups(con) -> list[str]:
    return run_query(con, PEER_GROUPS_SQL)["peer_group"].to_list()


def agencies(con, *, peer_group: str | None = None) -> pl.DataFrame:
    return run_query(con, AGENCIES_SQL, {"peer_group": peer_group})


def home_agencies(con, *, province: str | None = None) -> frozenset[str] | None:
    """Agency ids of the office's own province (etl.scope); None = no province known."""
    from etl.scope import home_agencies as _home

    return _home(con, province)
