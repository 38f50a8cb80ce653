"""Data quality: findings, load errors, late / missing / copied reports."""

from __future__ import annotations

import json

import polars as pl

from assess.metric_sql import finding_counts_sql
from etl.errors import ERROR_CODES
from etl.rule_vocabulary import category_label, place_label
from etl.rules import rule_label
from queries import labels
from queries.base import run_query, scope_params

# Every list and count of findings reads __FINDINGS__ (queries.base.run_query): the findings
# without those dismissed as 误报, which are no problem on any page or sheet.
FINDINGS_SQL = """
SELECT f.report_id, r.agency_id, a.name AS agency_name, a.peer_group, r.year, f.rule,
       f.severity, f.cells, f.expected, f.actual, f.actual - f.expected AS difference,
       f.message, r.source_path, f.category, f.place, f.responsibility
FROM __FINDINGS__ f
LEFT JOIN reports r USING (report_id)
LEFT JOIN agencies a USING (agency_id)
WHERE (r.report_id IS NULL OR r.is_current)
  AND ($year IS NULL OR r.year = $year)
  AND ($agency_id IS NULL OR r.agency_id = $agency_id)
  AND ($peer_group IS NULL OR a.peer_group = $peer_group)
  AND ($agency_id IS NOT NULL OR r.agency_id IS NULL OR $home::VARCHAR[] IS NULL
       OR r.agency_id IN (SELECT unnest($home::VARCHAR[])))
ORDER BY CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
         agency_name, f.rule
"""
FINDINGS_SUMMARY_SQL = """
SELECT f.rule, f.severity, count(*) AS findings, count(DISTINCT r.agency_id) AS agencies
FROM __FINDINGS__ f LEFT JOIN reports r USING (report_id) LEFT JOIN agencies a USING (agency_id)
WHERE (r.report_id IS NULL OR r.is_current)
  AND ($year IS NULL OR r.year = $year)
  AND ($agency_id IS NULL OR r.agency_id = $agency_id)
  AND ($peer_group IS NULL OR a.peer_group = $peer_group)
  AND (r.agency_id IS NULL OR $home::VARCHAR[] IS NULL OR r.agency_id IN (SELECT unnest($home::VARCHAR[])))
GROUP BY ALL ORDER BY findings DESC, f.rule
"""
FINDINGS_BY_AGENCY_SQL = """
SELECT r.agency_id, a.name AS agency_name, count(*) AS findings,
       count(*) FILTER (f.severity = 'error') AS errors,
       count(*) FILTER (f.severity = 'warning') AS warnings
FROM __FINDINGS__ f JOIN reports r USING (report_id) JOIN agencies a USING (agency_id)
WHERE r.is_current AND ($year IS NULL OR r.year = $year)
  AND ($agency_id IS NULL OR r.agency_id = $agency_id)
  AND ($peer_group IS NULL OR a.peer_group = $peer_group)
  AND ($home::VARCHAR[] IS NULL OR r.agency_id IN (SELECT unnest($home::VARCHAR[])))
GROUP BY ALL ORDER BY errors DESC, findings DESC, agency_name
"""


def findings(
    con, *, year: int | None = None, agency_id: str | None = None, peer_group: str | None = None
) -> pl.DataFrame:
    """Every data-quality finding of current reports with cells, expected, actual, difference."""
    df = run_query(con, FINDINGS_SQL, scope_params(year, agency_id, peer_group))
    return df.with_columns(
        pl.col("rule").map_elements(rule_label, return_dtype=pl.String).alias("rule_label"),
        pl.col("cells").map_elements(_cells_label, return_dtype=pl.String),
        pl.col("category")
        .map_elements(category_label, return_dtype=pl.String)
        .alias("category_label"),
        pl.col("place").map_elements(place_label, return_dtype=pl.String).alias("place_label"),
        pl.col("responsibility")
        .replace_strict(labels.RESPONSIBILITY, default="需人工核对")
        .alias("responsibility_label"),
    )


def findings_summary(
    con, *, year: int | None = None, agency_id: str | None = None, peer_group: str | None = None
) -> pl.DataFrame:
    """Findings counted by rule and severity."""
    df = run_query(con, FINDINGS_SUMMARY_SQL, scope_params(year, agency_id, peer_group))
    return df.with_columns(
        pl.col("rule").map_elements(rule_label, return_dtype=pl.String).alias("rule_label")
    )


def findings_by_agency(
    con, *, year: int | None = None, peer_group: str | None = None
) -> pl.DataFrame:
    return run_query(con, FINDINGS_BY_AGENCY_SQL, scope_params(year, None, peer_group))


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
    out = run_query(con, LOAD_ERRORS_SQL, {"latest_only": latest_only})
    return out.with_columns(
        pl.col("code")
        .replace_strict(ERROR_CODES, default=pl.col("code"), return_dtype=pl.String)
        .alias("reason")
    )


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
# Late: the days late as the score counts them (none once the late finding is dismissed as 误报).
LATE_SQL = """
SELECT * FROM (
    SELECT r.agency_id, r.agency_name, r.peer_group, r.year, __DATE_R__, r.deadline,
           __LATE_DAYS_R__ AS days_late, r.source_path
    FROM current_reports r
    WHERE r.year = $year AND r.days_late > 0 AND ($peer_group IS NULL OR r.peer_group = $peer_group))
WHERE days_late > 0
ORDER BY days_late DESC, agency_name
"""
# Copied: one definition, the quality check's report.copied finding (etl/validate/similarity.py:
# the share of the report's own prose found in its previous report or another agency's is above
# [copy].share_threshold), counted as the ranking flag and the 与上年年报雷同 indicator count it
# (assess.metric_sql.finding_counts_sql, without the 误报).
COPIED_SQL = f"""
SELECT r.agency_id, r.agency_name, r.peer_group, r.year, r.report_id, r.source_path
FROM ({finding_counts_sql("__FINDINGS__")}) f JOIN current_reports r USING (report_id)
WHERE r.year = $year AND f.copied_findings > 0
  AND ($peer_group IS NULL OR r.peer_group = $peer_group)
ORDER BY agency_name
"""


# 数据问题 as the 通报 counts them (workflow.bulletin_data): the findings that blame the report,
# notes (severity info) and the 误报 left out, per assess.metric_sql.finding_counts_sql over
# __FINDINGS__ (so the score, the flags and this card agree), and beside them the findings that
# are the reader's or the registry's (系统读取困难, 名录待核实): raised, but not the report's fault.
FINDING_TALLY_SQL = f"""
WITH scope AS (
    SELECT r.report_id FROM current_reports r
    WHERE r.year = $year AND ($peer_group IS NULL OR r.peer_group = $peer_group)
      AND ($home::VARCHAR[] IS NULL OR r.agency_id IN (SELECT unnest($home::VARCHAR[]))))
SELECT 'report' AS responsibility, coalesce(sum(f.problems), 0)::BIGINT AS findings
FROM ({finding_counts_sql("__FINDINGS__")}) f JOIN scope USING (report_id)
UNION ALL
SELECT f.responsibility, count(*) FROM __FINDINGS__ f JOIN scope USING (report_id)
WHERE f.responsibility <> 'report' GROUP BY ALL
"""


def finding_tally(con, *, year: int, peer_group: str | None = None) -> dict[str, int]:
    """{responsibility: findings} of `year`: "report" as the 通报 counts the report's problems
    (no 误报, no notes), the others (reader, registry, portal) as raised; every key present."""
    df = run_query(con, FINDING_TALLY_SQL, {"year": year, "peer_group": peer_group})
    got = dict(zip(df["responsibility"], df["findings"]))
    return {k: int(got.get(k, 0)) for k in labels.RESPONSIBILITY}


def _home(con, df: pl.DataFrame) -> pl.DataFrame:
    """Only the office's own province (queries.lists.home_agencies)."""
    from queries.lists import home_agencies

    home = home_agencies(con)
    return df if home is None else df.filter(pl.col("agency_id").is_in(sorted(home)))


def missing_reports(con, *, year: int, peer_group: str | None = None) -> pl.DataFrame:
    """Registered agencies of the province with no current report for `year` (listed, never hidden)."""
    return _home(con, run_query(con, MISSING_SQL, {"year": year, "peer_group": peer_group}))


def late_reports(con, *, year: int, peer_group: str | None = None) -> pl.DataFrame:
    return _home(con, run_query(con, LATE_SQL, {"year": year, "peer_group": peer_group}))


def copied_reports(con, *, year: int, peer_group: str | None = None) -> pl.DataFrame:
    return _home(con, run_query(con, COPIED_SQL, {"year": year, "peer_group": peer_group}))


# --- the annual quality check (年报质量检查): categories, repeated passages, timeliness ---------

QUALITY_BY_CATEGORY_SQL = """
SELECT f.category, f.rule, f.severity, count(*) AS findings, count(DISTINCT r.agency_id) AS agencies
FROM __FINDINGS__ f JOIN reports r USING (report_id) JOIN agencies a USING (agency_id)
WHERE r.is_current AND r.year = $year AND ($peer_group IS NULL OR a.peer_group = $peer_group)
  AND f.responsibility = 'report'
  AND ($home::VARCHAR[] IS NULL OR r.agency_id IN (SELECT unnest($home::VARCHAR[])))
GROUP BY ALL ORDER BY findings DESC, f.rule
"""


def quality_check_summary(con, *, year: int, peer_group: str | None = None) -> pl.DataFrame:
    """The annual quality check: every finding that blames a report (the rule catalogue's
    responsibility = report), by the inspector's category and rule: category, rule,
    rule_label, severity, findings, agencies. Reading difficulties are not in it."""
    df = run_query(con, QUALITY_BY_CATEGORY_SQL, {"year": year, "peer_group": peer_group})
    return df.with_columns(
        pl.col("category").map_elements(category_label, return_dtype=pl.String),
        pl.col("rule").map_elements(rule_label, return_dtype=pl.String).alias("rule_label"),
    ).select("category", "rule", "rule_label", "severity", "findings", "agencies")


REPEATED_SQL = """
SELECT r.agency_id, r.agency_name, r.peer_group, r.year, s.relation, s.share,
       o.agency_id AS other_agency_id, oa.name AS other_agency_name, o.year AS other_year,
       s.passages, r.source_path, o.source_path AS other_source_path
FROM report_similarity s
JOIN current_reports r USING (report_id)
JOIN reports o ON o.report_id = s.other_report_id
JOIN agencies oa ON oa.agency_id = o.agency_id
WHERE r.year = $year AND s.share >= $min_share
  AND ($peer_group IS NULL OR r.peer_group = $peer_group)
  AND ($home::VARCHAR[] IS NULL OR r.agency_id IN (SELECT unnest($home::VARCHAR[])))
ORDER BY s.share DESC, r.agency_name
"""


def repeated_reports(
    con, *, year: int, min_share: float = 50.0, peer_group: str | None = None
) -> pl.DataFrame:
    """Pairs of reports whose prose repeats (share = % of the first report's own prose found in
    the other), with the repeated passages as a list of {this, other, score}."""
    df = run_query(
        con, REPEATED_SQL, {"year": year, "min_share": min_share, "peer_group": peer_group}
    )
    return df.with_columns(
        pl.col("passages").map_elements(
            lambda p: json.dumps(json.loads(p or "[]"), ensure_ascii=False), return_dtype=pl.String
        )
    )


def passages(row_passages: str | None) -> list[dict]:
    """The repeated passages of one pair as [{"this", "other", "score"}]."""
    try:
        return list(json.loads(row_passages or "[]"))
    except ValueError:
        return []
