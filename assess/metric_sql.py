"""The SQL that computes the metrics of assess/metrics.py over the report database: the values
relation (the parsed values, or with the analysts' corrections attached, the corrected ones and
without the findings dismissed as 误报), one wide row per report, each metric per report.

Identifiers in the SQL are declared keys and rule ids (etl.fields, etl.rules), never user text.
"""

from __future__ import annotations

import duckdb
import polars as pl

from assess.metrics import IDENTITY_RULES, LEDGER_RULES, METRICS, QUALITY_RULES, source_keys
from etl.deadlines import SIGNED_DATE, SIGNED_NOTE
from etl.fields import t3_key
from etl.rule_vocabulary import TIMING
from etl.rules import rules_costing

# Analyst corrections: workflow.overlay attaches them to a connection as this table (agency_id,
# year, key, value, printed). A row replaces the parsed value only while the current report still
# yields `printed`, so a new version printing another value is never silently overridden.
CORRECTIONS_TABLE = ("gongkai_workflow", "value_corrections")
# The corrections that fill a cell the report left empty (made against no printed value, the
# current report still printing none), with their report `r`: a LEFT JOIN from the few
# corrections (NOT EXISTS was planned as an anti join that hashed every stored value: 0.9 GB at
# 100,000 reports). One definition for the corrected values and the cells marked 修正.
FILLED_IN = """
    FROM gongkai_workflow.value_corrections c JOIN current_reports r USING (agency_id, year)
    LEFT JOIN report_values x ON x.report_id = r.report_id AND x.key = c.key
    WHERE c.printed IS NULL AND x.report_id IS NULL"""
CORRECTED_VALUES = f"""(
    SELECT v.report_id, v.agency_id, v.year, v.template, v.key,
           CASE WHEN c.key IS NULL THEN v.value ELSE c.value END AS value, c.key IS NOT NULL AS corrected
    FROM current_values v LEFT JOIN gongkai_workflow.value_corrections c
      ON c.agency_id = v.agency_id AND c.year = v.year AND c.key = v.key AND c.printed = v.value
    UNION ALL
    SELECT r.report_id, r.agency_id, r.year, r.template, c.key, c.value, true {FILLED_IN})"""


# Findings an analyst dismissed as false alarms (误报), and findings a correction in force resolves
# (workflow.corrected_findings), attached beside the corrections as
# gongkai_workflow.dismissed_findings and .resolved_findings (agency_id, year, rule, cells as the
# loader stored them): with the overlay attached, 数据一致性 does not count them.
# gongkai_workflow.raised_findings: what a correction's values break (workflow.corrected_checks),
# counted as the loader's own findings of the agency's current report of that year.
KEPT_FINDINGS = """(
    SELECT f.* FROM findings f LEFT JOIN reports r USING (report_id)
    WHERE NOT EXISTS (SELECT 1 FROM (SELECT * FROM gongkai_workflow.dismissed_findings
                                     UNION ALL SELECT * FROM gongkai_workflow.resolved_findings) d
                      WHERE d.agency_id = r.agency_id AND d.year = r.year AND d.rule = f.rule
                        AND d.cells = f.cells)
    UNION ALL BY NAME
    SELECT c.report_id, x.rule, x.severity, x.cells, NULL::DOUBLE AS expected,
           NULL::DOUBLE AS actual, x.message, x.category, x.place, x.responsibility
    FROM gongkai_workflow.raised_findings x
    JOIN current_reports c ON c.agency_id = x.agency_id AND c.year = x.year)"""


LATE_RULES = rules_costing(TIMING)  # the catalogue's 未按时发布 (etl/rules.py): cost days_late


def findings_relation(con: duckdb.DuckDBPyConnection) -> str:
    """The one place figures, flags and lists read findings from: `findings`, or, with the
    overlay attached (workflow.overlay), the same rows without those dismissed as 误报: a
    dismissed finding is no problem anywhere."""
    return "findings" if values_relation(con) == "current_values" else KEPT_FINDINGS


def late_days_sql(report: str, findings: str) -> str:
    """SQL of the days late of `report` (an alias of current_reports) as the findings `findings`
    (findings_relation's choice) stand: 0 once its late-publication finding is dismissed as 误报
    (the office judged it not late, so neither the score, the flag nor any list counts it late).
    The dismissals are matched as KEPT_FINDINGS matches them; a report has one such finding."""
    if findings == "findings":
        return f"{report}.days_late"
    return f"""(CASE WHEN {report}.days_late > 0 AND EXISTS (
        SELECT 1 FROM gongkai_workflow.dismissed_findings d
        WHERE d.agency_id = {report}.agency_id AND d.year = {report}.year
          AND d.rule IN {_sql_list(LATE_RULES)}) THEN 0 ELSE {report}.days_late END)"""


def counted_date_sql(report: str) -> str:
    """SQL columns `published` (the date `report` counts as published: the one its days_late
    counts from, etl.deadlines.counted_date) and `date_note` (按落款日期计 when that date is the
    signature's, else NULL), for every page and export that shows days late beside a date."""
    return (
        f"{report}.counted_date AS published, CASE WHEN {report}.date_basis = '{SIGNED_DATE}' "
        f"THEN '{SIGNED_NOTE}' END AS date_note"
    )


def finding_counts_sql(findings: str) -> str:
    """Per report_id, the findings each findings indicator counts, as the rule catalogue assigns
    them (etl.rules: only findings blaming the report): identity_findings (数据一致性, also the
    flag 数据存在错误), quality_findings, ledger_findings, copied_findings (report.copied, also
    the flag 年报雷同), and warnings (severity warning, the flag measure of that name)."""
    return f"""SELECT report_id,
           count(*) FILTER (rule IN {_sql_list(IDENTITY_RULES)}) AS identity_findings,
           count(*) FILTER (rule IN {_sql_list(QUALITY_RULES)}) AS quality_findings,
           count(*) FILTER (rule IN {_sql_list(LEDGER_RULES)}) AS ledger_findings,
           count(*) FILTER (rule = 'report.copied') AS copied_findings,
           count(*) FILTER (severity = 'warning') AS warnings,
           count(DISTINCT (rule, coalesce(cells, ''))) FILTER (severity <> 'info') AS problems
    FROM {findings} WHERE responsibility = 'report' GROUP BY report_id"""


def values_relation(con: duckdb.DuckDBPyConnection) -> str:
    """The one place scores read report values from: `current_values`, or, when corrections are
    attached to this connection (workflow.overlay), the same rows with corrections applied (and
    then wide_sql also leaves out the findings dismissed as 误报)."""
    attached = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND table_name = ?",
        list(CORRECTIONS_TABLE),
    ).fetchall()[0][0]
    return CORRECTED_VALUES if attached else "current_values"


# The rows of CORRECTED_VALUES that are corrected, found from the corrections' side: the
# filter `corrected` over CORRECTED_VALUES joined every current value (10 s and 0.9 GB at 100,000
# reports, for each year scored, even with no correction in force).
CORRECTED_CELLS_SQL = f"""
SELECT v.agency_id, v.year, v.key
FROM gongkai_workflow.value_corrections c JOIN current_values v
  ON c.agency_id = v.agency_id AND c.year = v.year AND c.key = v.key AND c.printed = v.value
UNION ALL
SELECT r.agency_id, r.year, c.key {FILLED_IN}
"""
_NO_CELLS = {"agency_id": pl.String, "year": pl.Int32, "key": pl.String}


def corrected_cells(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """(agency_id, year, key) of the corrections the scores use on this connection (none when
    no corrections are attached), so results can be marked 修正."""
    if values_relation(con) == "current_values":
        return pl.DataFrame(schema=_NO_CELLS)
    return con.sql(CORRECTED_CELLS_SQL).pl().cast(_NO_CELLS)


def wide_sql(years: str, metric_ids=None, values: str = "current_values") -> str:
    """One row per current report whose year is in `years` (an SQL list such as "($year)");
    `values`: "current_values" or values_relation(con)'s choice."""
    keys = source_keys(metric_ids) or [t3_key("new", "total")]
    cols = ",\n        ".join(f"max(value) FILTER (WHERE key = '{k}') AS \"{k}\"" for k in keys)
    key_list = ", ".join(f"'{k}'" for k in keys)
    findings = "findings" if values == "current_values" else KEPT_FINDINGS  # the overlay's 误报
    return f"""
    SELECT r.report_id, r.agency_id, r.year, r.template,
           {late_days_sql("r", findings)} AS days_late, r.text_fingerprint,
           p.text_fingerprint AS prev_fingerprint,
           coalesce(f.identity_findings, 0) AS identity_findings,
           coalesce(f.quality_findings, 0) AS quality_findings,
           coalesce(f.ledger_findings, 0) AS ledger_findings,
           coalesce(f.copied_findings, 0) AS copied_findings,
           sim.share AS repeat_share_prev, v.* EXCLUDE (report_id)
    FROM current_reports r
    LEFT JOIN (
        SELECT report_id, {cols}
        FROM {values} WHERE year IN {years} AND key IN ({key_list})
        GROUP BY report_id) v ON v.report_id = r.report_id
    LEFT JOIN ({finding_counts_sql(findings)}) f ON f.report_id = r.report_id
    LEFT JOIN current_reports p ON p.agency_id = r.agency_id AND p.year = r.year - 1
    LEFT JOIN report_similarity sim ON sim.report_id = r.report_id AND sim.other_report_id = p.report_id
    WHERE r.year IN {years}"""


def _sql_list(items: tuple[str, ...]) -> str:
    """A constant SQL list of rule ids declared in this module (never user text)."""
    return "(" + ", ".join(f"'{i}'" for i in items) + ")"


def metric_long_sql(years: str, metric_ids=None, values: str = "current_values") -> str:
    """(report_id, agency_id, year, template, metric, value, cases) for the given metrics."""
    ids = list(METRICS if metric_ids is None else metric_ids)
    parts = [
        f"SELECT report_id, agency_id, year, template, '{i}' AS metric, "
        f"CAST({METRICS[i].value_sql} AS DOUBLE) AS value, "
        f"CAST({METRICS[i].cases_sql or 'NULL'} AS DOUBLE) AS cases FROM wide"
        for i in ids
    ]
    return f"WITH wide AS ({wide_sql(years, ids, values)})\n" + "\nUNION ALL\n".join(parts)


def metric_wide_sql(years: str, metric_ids, values: str = "current_values") -> str:
    """One row per current report of `years`: report_id, then per metric `"value:<id>"` and
    `"cases:<id>"`, both DOUBLE and computed exactly as in metric_long_sql (the scorer picks a
    report's metric with a CASE instead of joining the long form on (report_id, metric))."""
    ids = list(metric_ids)
    cols = "".join(
        f', CAST({METRICS[i].value_sql} AS DOUBLE) AS "value:{i}"'
        f', CAST({METRICS[i].cases_sql or "NULL"} AS DOUBLE) AS "cases:{i}"'
        for i in ids
    )
    return f"WITH wide AS ({wide_sql(years, ids, values)})\nSELECT report_id{cols} FROM wide"


def metric_values(
    con: duckdb.DuckDBPyConnection, year: int, *, min_cases: int = 5, peer_group: str | None = None
) -> pl.DataFrame:
    """Every metric for every current report of `year`, long form.

    Columns: report_id, agency_id, agency_name, peer_group, year, template, metric, name, unit,
    direction, value (NULL = N/A), cases (denominator of a rate), small_sample.
    """
    meta = pl.DataFrame(
        [(m.id, m.name, m.unit, m.direction) for m in METRICS.values()],
        schema=["metric", "name", "unit", "direction"],
        orient="row",
    )
    sql = f"""
    WITH m AS ({metric_long_sql("($year)", values=values_relation(con))})
    SELECT m.report_id, m.agency_id, r.agency_name, coalesce(r.peer_group, '未分组') AS peer_group,
           m.year, m.template, m.metric, m.value, m.cases,
           (m.value IS NOT NULL AND m.cases IS NOT NULL AND m.cases < $min_cases) AS small_sample
    FROM m JOIN current_reports r USING (report_id)
    WHERE $peer IS NULL OR coalesce(r.peer_group, '未分组') = $peer
    ORDER BY m.agency_id, m.metric"""
    df = con.sql(sql, params={"year": year, "min_cases": min_cases, "peer": peer_group}).pl()
    order = [
        "report_id",
        "agency_id",
        "agency_name",
        "peer_group",
        "year",
        "template",
        "metric",
        "name",
        "unit",
        "direction",
        "value",
        "cases",
        "small_sample",
    ]
    return df.join(meta, on="metric", how="left").select(order)
