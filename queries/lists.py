"""Years, peer groups and agencies for the pickers."""

from __future__ import annotations

import polars as pl

from queries.base import _run

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
    return _run(con, YEARS_SQL)["year"].to_list()


DEFAULT_YEAR_SQL = """
WITH n AS (SELECT year, count(*) AS reports FROM current_reports GROUP BY year)
SELECT max(year) AS year FROM n WHERE reports >= 0.5 * (SELECT max(reports) FROM n)
"""


def default_year(con) -> int | None:
    """The newest year with at least half as many reports as the best-covered year.

    Early in a year only a few reports of the new year are in; opening on that year would show
    a ranking of a handful of agencies, so the default is the last reasonably complete year.
    """
    return _run(con, DEFAULT_YEAR_SQL)["year"][0]


def peer_groups(con) -> list[str]:
    return _run(con, PEER_GROUPS_SQL)["peer_group"].to_list()


def agencies(con, *, peer_group: str | None = None) -> pl.DataFrame:
    return _run(con, AGENCIES_SQL, {"peer_group": peer_group})


HOME_SQL = "SELECT agency_id, name, kind, parent_region FROM agencies"


def home_agencies(con, *, province: str | None = None) -> set[str] | None:
    """Agency ids of the office's own province, from the registry's regions; None = no registry.

    The registry may list agencies of other provinces (reference reports, a neighbour's figures);
    a ranking or a missing-report list of this office is only of its own. Each government's
    region (its name without 人民政府) hangs under its parent_region, so every agency's region
    chain ends at a root; `province` defaults to the root that holds most of the registry (more
    than half of its agencies). A registry with no such root (reference agencies of several
    provinces only) has no home province: None, nothing is filtered.
    """
    rows = _run(con, HOME_SQL).rows()
    if not rows:
        return None
    up = {
        name.removesuffix("人民政府"): parent
        for _, name, kind, parent in rows
        if kind == "government" and parent and name.endswith("人民政府")
    }

    def root(region: str | None) -> str | None:
        seen = set()
        while region in up and up[region] != region and region not in seen:
            seen.add(region)
            region = up[region]
        return region

    roots = {agency_id: root(parent) for agency_id, _, _, parent in rows}
    if province is None:
        counts: dict[str, int] = {}
        for r in roots.values():
            if r:
                counts[r] = counts.get(r, 0) + 1
        if not counts:
            return None
        province = max(counts, key=lambda r: (counts[r], r))
        if 2 * counts[province] <= len(rows):
            return None
    return {a for a, r in roots.items() if r == province}
