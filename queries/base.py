"""Shared by the query modules: the figures CTE (one row per report, unified across templates
via etl.continuity) and the helpers that run SQL with bound parameters."""

from __future__ import annotations

from typing import Any

import duckdb
import polars as pl

from assess.metrics import METRICS, source_keys
from etl.continuity import series_key_map
from etl.fields import FIELDS

# One row per current report with the figures every page uses, unified across templates.
# Columns that exist in both the legacy 统计表 and the std tables come from etl.continuity (the
# one declaration of which legacy keys mean which std keys); std-only columns follow. Subtotal
# sums use LIKE over canonical keys: a report stores either the rows or the printed subtotal.
_CONTINUOUS = {  # dashboard column -> etl.continuity series
    "requests": "requests",
    "processed": "processed",
    "granted": "granted",
    "partial": "partial",
    "denied": "denied",
    "review_total": "review_total",
    "review_upheld": "review_upheld",
    "review_corrected": "review_corrected",
    "review_other": "review_other",
    "review_pending": "review_pending",
    "suit_total": "suit_total",
    "suit_upheld": "suit_upheld",
    "suit_corrected": "suit_corrected",
    "suit_other": "suit_other",
    "suit_pending": "suit_pending",
}


# Query-layer column -> the assess.metrics metric it shows (the metric is the definition).
RATE_METRICS = {
    "completion_rate": "completion_rate",
    "on_time_rate": "on_time_rate",
    "disclosure_rate": "disclosure_rate",
    "review_correction_rate": "review_correction_rate",
    "suit_correction_rate": "suit_correction_rate",
    "corrected_total": "corrected_count",
}

_RATE_KEYS = tuple(source_keys(tuple(RATE_METRICS.values())))  # declared keys of etl.fields
assert not {s for m in RATE_METRICS.values() for s in METRICS[m].sources} - set(_RATE_KEYS), (
    "a rate shown by the query layer reads a report column; add it to fig"
)

QUALITY_LABELS = {"same": "一致", "close": "基本一致", "loose": "仅可粗略比较", "none": "无对应"}


def continuity_caveats(profile: pl.DataFrame) -> pl.DataFrame:
    """The caveats behind each cross-template series, when a profile spans the 2019 change
    (legacy 统计表 years and std years); empty otherwise."""
    templates = set(profile["template"].to_list()) if "template" in profile.columns else set()
    if "legacy" not in templates or not templates - {"legacy"}:
        return pl.DataFrame(schema={"指标": pl.String, "口径": pl.String, "说明": pl.String})
    rows = [
        (m.label, QUALITY_LABELS[m.quality], m.caveat)
        for m in (series_key_map()[s] for s in dict.fromkeys(_CONTINUOUS.values()))
    ]
    return pl.DataFrame(rows, schema=["指标", "口径", "说明"], orient="row")


def _key_list(keys: tuple[str, ...]) -> str:
    """Canonical keys as SQL literals; only declared keys (never user text) can get here."""
    unknown = [k for k in keys if k not in FIELDS]
    if unknown:
        raise KeyError(f"undeclared keys {unknown}")
    return ", ".join(f"'{k}'" for k in keys)


def _continuous_column(column: str) -> str:
    m = series_key_map()[_CONTINUOUS[column]]
    return (
        f"coalesce(sum(v.value) FILTER (v.key IN ({_key_list(m.std)})),\n"
        f"                    sum(v.value) FILTER (v.key IN ({_key_list(m.legacy)}))) AS {column}"
    )


# The columns of `fig` beyond the _CONTINUOUS ones (full figures only): std-only outcomes and
# the legacy 统计表's own rows.
_EXTRA_COLUMNS = """max(v.value) FILTER (v.key = 't3.carried_in.total') AS carried_in,
           max(v.value) FILTER (v.key = 't3.carried_out.total') AS carried_out,
           coalesce(sum(v.value) FILTER (v.key LIKE 't3.unable.%total'),
                    sum(v.value) FILTER (v.key IN ('legacy.answer_not_exist',
                                                   'legacy.answer_not_this_agency'))) AS unable,
           sum(v.value) FILTER (v.key LIKE 't3.rejected.%total') AS rejected,
           sum(v.value) FILTER (v.key LIKE 't3.other.%total') AS other_outcome,
           max(v.value) FILTER (v.key = 'legacy.completed_on_time') AS on_time,
           max(v.value) FILTER (v.key = 'legacy.answers') AS answers,
           max(v.value) FILTER (v.key = 'legacy.answer_already_public') AS already_public"""
_EXTRA_KEYS = (
    "t3.carried_in.total",
    "t3.carried_out.total",
    "legacy.answer_not_exist",
    "legacy.answer_not_this_agency",
    "legacy.completed_on_time",
    "legacy.answers",
    "legacy.answer_already_public",
)
_EXTRA_LIKES = " OR ".join(f"v.key LIKE 't3.{g}.%total'" for g in ("unable", "rejected", "other"))


def figures_cte(columns: tuple[str, ...] | None = None, rates: tuple[str, ...] | None = None):
    """The `vals`, `fig` and `rates` CTEs: one row per current report of the office's province.

    `columns` (of _CONTINUOUS) and `rates` (of RATE_METRICS) narrow it for a page that shows
    only those (复议诉讼): the values are filtered to the keys they read before the pivot, whose
    cost is rows x columns. None = every column (FIGURES_CTE).

    Speed: the values are filtered (year, agency, peer group, keys) and grouped by report_id alone, then
    joined to the report rows; grouping the join by every report column (text columns
    included) took most of the time of the pages built on it.
    """
    full = columns is None
    continuous = [c for c in _CONTINUOUS if full or c in columns]
    metrics = {c: m for c, m in RATE_METRICS.items() if rates is None or c in rates}
    rate_keys = tuple(source_keys(tuple(metrics.values())))
    exact = set(rate_keys) | (set(_EXTRA_KEYS) if full else set())
    for column in continuous:
        m = series_key_map()[_CONTINUOUS[column]]
        exact |= set(m.std) | set(m.legacy)
    keys = f"v.key IN ({_key_list(tuple(sorted(exact)))})"
    pivot = ",\n           ".join(
        [_continuous_column(c) for c in continuous]
        + ([_EXTRA_COLUMNS] if full else [])
        + [f"max(v.value) FILTER (v.key = '{k}') AS \"{k}\"" for k in rate_keys]
    )
    rate_columns = [
        f"CAST({METRICS[m].value_sql} AS DOUBLE) AS {column}" for column, m in metrics.items()
    ] + [  # the rate's cases, for the scheme's small-sample rule (min_cases)
        f"CAST({METRICS[m].cases_sql} AS DOUBLE) AS {column}_cases"
        for column, m in metrics.items()
        if METRICS[m].cases_sql and METRICS[m].unit == "%"
    ]
    return (
        """
vals AS (
    SELECT v.report_id,
           """
        + pivot
        + """
    FROM __VALUES__ v
    WHERE ($year IS NULL OR v.year = $year)
      AND ($agency_id IS NULL OR v.agency_id = $agency_id)
      AND ($peer_group IS NULL
           OR v.agency_id IN (SELECT agency_id FROM agencies WHERE peer_group = $peer_group))
      AND ("""
        + keys
        + (f" OR {_EXTRA_LIKES}" if full else "")
        + """)
    GROUP BY v.report_id
),
fig AS (
    SELECT r.report_id, r.agency_id, r.agency_name, r.level, r.kind, r.parent_region,
           r.peer_group, r.year, r.template, __DATE_R__, r.deadline,
           __LATE_DAYS_R__ AS days_late,
           r.source_path, r.text_fingerprint, vals.* EXCLUDE (report_id)
    FROM current_reports r LEFT JOIN vals USING (report_id)
    WHERE ($year IS NULL OR r.year = $year)
      AND ($agency_id IS NULL OR r.agency_id = $agency_id)
      AND ($peer_group IS NULL OR r.peer_group = $peer_group)
      -- the office's province only (etl.scope), unless one agency is asked for by its id
      AND ($agency_id IS NOT NULL OR $home::VARCHAR[] IS NULL
           OR r.agency_id IN (SELECT unnest($home::VARCHAR[])))
),
rates AS (
    -- The rates are assess.metrics' own expressions (one definition: percent, NULL = N/A, never 0)
    -- over the keys they read, pivoted in `vals`; those key columns are dropped again here.
    SELECT * EXCLUDE ("""
        + ", ".join(f'"{k}"' for k in rate_keys)
        + """),
           """
        + ",\n           ".join(rate_columns)
        + """
    FROM fig
)
"""
    )


FIGURES_CTE = figures_cte()


def run_query(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None
) -> pl.DataFrame:
    """Run `sql` with bound `params`; a statement using $home gets the office's agencies, and
    the figures read the values with the analysts' corrections when they are attached
    (assess.metric_sql.values_relation) and `__FINDINGS__` / `__LATE_DAYS_R__` the findings
    without the 误报, so every rate, flag and list agrees with the score; `__DATE_R__` is the
    date those days count from, with 按落款日期计 when it is the signature's."""
    params = dict(params or {})
    if "__VALUES__" in sql:
        from assess.metric_sql import values_relation

        sql = sql.replace("__VALUES__", values_relation(con))
    if "__LATE_DAYS_R__" in sql or "__FINDINGS__" in sql:
        # the findings without the 误报 (assess.metric_sql.findings_relation), and the days late
        # of the report `r` as they leave them: what the score counts, every list counts
        from assess.metric_sql import findings_relation, late_days_sql

        kept = findings_relation(con)
        sql = sql.replace("__LATE_DAYS_R__", late_days_sql("r", kept))
        sql = sql.replace("__FINDINGS__", kept)
    if "__DATE_R__" in sql:  # the date days late count from, beside them (one definition)
        from assess.metric_sql import counted_date_sql

        sql = sql.replace("__DATE_R__", counted_date_sql("r"))
    if "$home" in sql and "home" not in params:
        from etl.scope import home_list

        params["home"] = home_list(con)
    return con.sql(sql, params=params).pl()


def scope_params(year=None, agency_id=None, peer_group=None) -> dict[str, Any]:
    return {"year": year, "agency_id": agency_id, "peer_group": peer_group}
