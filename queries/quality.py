"""Data quality: findings, load errors, late / missing / copied reports."""

from __future__ import annotations

import json

import polars as pl

from queries import labels
from etl.errors import ERROR_CODES
from queries.base import _run, _scope


FINDINGS_SQL = """
SELECT f.report_id, r.agency_id, a.name AS agency_name, a.peer_group, r.year, f.rule,
       f.severity, f.cells, f.expected, f.actual, f.actual - f.expected AS difference,
       f.message, r.source_path
FROM findings f
LEFT JOIN reports r USING (report_id)
LEFT JOIN agencies a USING (agency_id)
WHERE (r.report_id IS NULL OR r.is_current)
  AND ($year IS NULL OR r.year = $year)
  AND ($agency_id IS NULL OR r.agency_id = $agency_id)
  AND ($peer_group IS NULL OR a.peer_group = $peer_group)
ORDER BY CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
         agency_name, f.rule
"""
FINDINGS_SUMMARY_SQL = """
SELECT f.rule, f.severity, count(*) AS findings, count(DISTINCT r.agency_id) AS agencies
FROM findings f LEFT JOIN reports r USING (report_id) LEFT JOIN agencies a USING (agency_id)
WHERE (r.report_id IS NULL OR r.is_current)
  AND ($year IS NULL OR r.year = $year)
  AND ($agency_id IS NULL OR r.agency_id = $agency_id)
  AND ($peer_group IS NULL OR a.peer_group = $peer_group)
GROUP BY ALL ORDER BY findings DESC, f.rule
"""
FINDINGS_BY_AGENCY_SQL = """
SELECT r.agency_id, a.name AS agency_name, count(*) AS findings,
       count(*) FILTER (f.severity = 'error') AS errors,
       count(*) FILTER (f.severity = 'warning') AS warnings
FROM findings f JOIN reports r USING (report_id) JOIN agencies a USING (agency_id)
WHERE r.is_current AND ($year IS NULL OR r.year = $year)
  AND ($agency_id IS NULL OR r.agency_id = $agency_id)
  AND ($peer_group IS NULL OR a.peer_group = $peer_group)
GROUP BY ALL ORDER BY errors DESC, findings DESC, agency_name
"""


def findings(con, *, year: int | None = None, agency_id: str | None = None,
             peer_group: str | None = None) -> pl.DataFrame:
    """Every data-quality finding of current reports with cells, expected, actual, difference."""
    df = _run(con, FINDINGS_SQL, _scope(year, agency_id, peer_group))
    return df.with_columns(
        pl.col("rule").map_elements(labels.rule_label, return_dtype=pl.String).alias("rule_label"),
        pl.col("cells").map_elements(_cells_label, return_dtype=pl.String),
    )


def findings_summary(con, *, year: int | None = None, agency_id: str | None = None,
                     peer_group: str | None = None) -> pl.DataFrame:
    """Findings counted by rule and severity."""
    df = _run(con, FINDINGS_SUMMARY_SQL, _scope(year, agency_id, peer_group))
    return df.with_columns(
        pl.col("rule").map_elements(labels.rule_label, return_dtype=pl.String).alias("rule_label")
    )


def findings_by_agency(con, *, year: int | None = None, peer_group: str | None = None) -> pl.DataFrame:
    return _run(con, FINDINGS_BY_AGENCY_SQL, _scope(year, None, peer_group))


def _cells_label(cells: str | None) -> str:
    if not cells:
        return ""
    try:
        keys = json.loads(cells)
    except (TypeError, ValueError):
        return str(cells)
    if not isinstance(keys, list):
        return str(keys)
    return "；".join(labels.key_label(k) for k in keys)


LOAD_ERRORS_SQL = """
SELECT e.* FROM load_errors e
WHERE $latest_only = FALSE OR e.run_id = (SELECT max(run_id) FROM load_runs)
ORDER BY e.run_id DESC NULLS LAST, e.path
"""


def load_errors(con, *, latest_only: bool = False) -> pl.DataFrame:
    """Files the loader could not use, with the reason in Chinese, the problem and what to do."""
    out = _run(con, LOAD_ERRORS_SQL, {"latest_only": latest_only})
    return out.with_columns(pl.col("code").replace_strict(ERROR_CODES, default=pl.col("code"),
                                                          return_dtype=pl.String).alias("reason"))


MISSING_SQL = """
SELECT a.agency_id, a.name AS agency_name, a.level, a.kind, a.peer_group, a.parent_region,
       (SELECT max(r2.year) FROM current_reports r2
         WHERE r2.agency_id = a.agency_id AND r2.year < $year) AS last_year_reported
FROM agencies a
WHERE a.confirmed
  AND ($peer_group IS NULL OR a.peer_group = $peer_group)
  AND NOT EXISTS (SELECT 1 FROM current_reports r WHERE r.agency_id = a.agency_id AND r.year = $year)
ORDER BY a.peer_group, a.name
"""
LATE_SQL = """
SELECT agency_id, agency_name, peer_group, year, published, deadline, days_late, source_path
FROM current_reports
WHERE year = $year AND days_late > 0 AND ($peer_group IS NULL OR peer_group = $peer_group)
ORDER BY days_late DESC, agency_name
"""
# Same text fingerprint as the agency's report of the previous year: likely copied.
COPIED_SQL = """
SELECT r.agency_id, r.agency_name, r.peer_group, r.year, r.report_id,
       p.report_id AS previous_report_id, r.source_path
FROM current_reports r
JOIN current_reports p ON p.agency_id = r.agency_id AND p.year = r.year - 1
WHERE r.year = $year AND r.text_fingerprint IS NOT NULL
  AND r.text_fingerprint = p.text_fingerprint
  AND ($peer_group IS NULL OR r.peer_group = $peer_group)
UNION
SELECT r.agency_id, r.agency_name, r.peer_group, r.year, r.report_id, NULL, r.source_path
FROM findings f JOIN current_reports r USING (report_id)
WHERE r.year = $year AND f.rule LIKE '%copied%'
  AND ($peer_group IS NULL OR r.peer_group = $peer_group)
ORDER BY agency_name
"""


def _home(con, df: pl.DataFrame) -> pl.DataFrame:
    """Only the office's own province (queries.lists.home_agencies)."""
    from queries.lists import home_agencies

    home = home_agencies(con)
    return df if home is None else df.filter(pl.col("agency_id").is_in(sorted(home)))


def missing_reports(con, *, year: int, peer_group: str | None = None) -> pl.DataFrame:
    """Registered agencies of the province with no current report for `year` (listed, never hidden)."""
    return _home(con, _run(con, MISSING_SQL, {"year": year, "peer_group": peer_group}))


def late_reports(con, *, year: int, peer_group: str | None = None) -> pl.DataFrame:
    return _home(con, _run(con, LATE_SQL, {"year": year, "peer_group": peer_group}))


def copied_reports(con, *, year: int, peer_group: str | None = None) -> pl.DataFrame:
    return _home(con, _run(con, COPIED_SQL, {"year": year, "peer_group": peer_group}))
