"""The dashboard's pure query layer: `(con, *, params) -> polars.DataFrame`.

No streamlit here. SQL lives in module constants next to the function that runs it; values are
always bound parameters; the only identifiers spliced into SQL come from fixed dicts in
dashboard/labels.py (an unknown key raises). Every function works on an empty
`etl.schema.ensure_schema` database (tests/dashboard/test_queries.py proves it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from dashboard import labels
from etl.continuity import series_key_map
from etl.errors import ERROR_CODES
from etl.fields import FIELDS

# One row per current report with the figures every page uses, unified across templates.
# Columns that exist in both the legacy 统计表 and the std tables come from etl.continuity (the
# one declaration of which legacy keys mean which std keys); std-only columns follow. Subtotal
# sums use LIKE over canonical keys: a report stores either the rows or the printed subtotal.
_CONTINUOUS = {  # dashboard column -> etl.continuity series
    "requests": "requests", "processed": "processed", "granted": "granted", "partial": "partial",
    "denied": "denied", "review_total": "review_total", "review_upheld": "review_upheld",
    "review_corrected": "review_corrected", "review_other": "review_other",
    "review_pending": "review_pending", "suit_total": "suit_total", "suit_upheld": "suit_upheld",
    "suit_corrected": "suit_corrected", "suit_other": "suit_other", "suit_pending": "suit_pending",
}


QUALITY_LABELS = {"same": "一致", "close": "基本一致", "loose": "仅可粗略比较", "none": "无对应"}


def continuity_caveats(profile: pl.DataFrame) -> pl.DataFrame:
    """The caveats behind each cross-template series, when a profile spans the 2019 change
    (legacy 统计表 years and std years); empty otherwise."""
    templates = set(profile["template"].to_list()) if "template" in profile.columns else set()
    if "legacy" not in templates or not templates - {"legacy"}:
        return pl.DataFrame(schema={"指标": pl.String, "口径": pl.String, "说明": pl.String})
    rows = [(m.label, QUALITY_LABELS[m.quality], m.caveat)
            for m in (series_key_map()[s] for s in dict.fromkeys(_CONTINUOUS.values()))]
    return pl.DataFrame(rows, schema=["指标", "口径", "说明"], orient="row")


def _key_list(keys: tuple[str, ...]) -> str:
    """Canonical keys as SQL literals; only declared keys (never user text) can get here."""
    unknown = [k for k in keys if k not in FIELDS]
    if unknown:
        raise KeyError(f"undeclared keys {unknown}")
    return ", ".join(f"'{k}'" for k in keys)


def _continuous_column(column: str) -> str:
    m = series_key_map()[_CONTINUOUS[column]]
    return (f"coalesce(sum(v.value) FILTER (v.key IN ({_key_list(m.std)})),\n"
            f"                    sum(v.value) FILTER (v.key IN ({_key_list(m.legacy)}))) AS {column}")


FIGURES_CTE = """
fig AS (
    SELECT r.report_id, r.agency_id, r.agency_name, r.level, r.kind, r.parent_region,
           r.peer_group, r.year, r.template, r.published, r.deadline, r.days_late,
           r.source_path, r.text_fingerprint,
           """ + ",\n           ".join(_continuous_column(c) for c in _CONTINUOUS) + """,
           max(v.value) FILTER (v.key = 't3.carried_in.total') AS carried_in,
           max(v.value) FILTER (v.key = 't3.carried_out.total') AS carried_out,
           coalesce(sum(v.value) FILTER (v.key LIKE 't3.unable.%total'),
                    sum(v.value) FILTER (v.key IN ('legacy.answer_not_exist',
                                                   'legacy.answer_not_this_agency'))) AS unable,
           sum(v.value) FILTER (v.key LIKE 't3.rejected.%total') AS rejected,
           sum(v.value) FILTER (v.key LIKE 't3.other.%total') AS other_outcome,
           max(v.value) FILTER (v.key = 'legacy.completed_on_time') AS on_time,
           max(v.value) FILTER (v.key = 'legacy.answers') AS answers,
           max(v.value) FILTER (v.key = 'legacy.answer_already_public') AS already_public
    FROM current_reports r LEFT JOIN report_values v USING (report_id)
    WHERE ($year IS NULL OR r.year = $year)
      AND ($agency_id IS NULL OR r.agency_id = $agency_id)
      AND ($peer_group IS NULL OR r.peer_group = $peer_group)
    GROUP BY ALL
),
rates AS (
    -- Same definitions as assess.metrics (percent; NULL = N/A, never 0); a test checks they agree.
    SELECT *,
        CASE WHEN template = 'legacy' THEN 100.0 * processed / nullif(requests, 0)
             ELSE 100.0 * processed / nullif(coalesce(requests, 0) + coalesce(carried_in, 0), 0)
        END AS completion_rate,
        CASE WHEN template = 'legacy' THEN 100.0 * on_time / nullif(processed, 0) END AS on_time_rate,
        CASE WHEN template = 'legacy'
             THEN 100.0 * (coalesce(already_public, 0) + coalesce(granted, 0) + coalesce(partial, 0))
                  / nullif(answers, 0)
             ELSE 100.0 * (coalesce(granted, 0) + coalesce(partial, 0)) / nullif(processed, 0)
        END AS disclosure_rate,
        100.0 * review_corrected / nullif(coalesce(review_upheld, 0) + coalesce(review_corrected, 0)
                                         + coalesce(review_other, 0), 0) AS review_correction_rate,
        100.0 * suit_corrected / nullif(coalesce(suit_upheld, 0) + coalesce(suit_corrected, 0)
                                       + coalesce(suit_other, 0), 0) AS suit_correction_rate,
        coalesce(review_corrected, 0) + coalesce(suit_corrected, 0) AS corrected_total
    FROM fig
)
"""


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> pl.DataFrame:
    return con.sql(sql, params=params or {}).pl()


def _scope(year=None, agency_id=None, peer_group=None) -> dict[str, Any]:
    return {"year": year, "agency_id": agency_id, "peer_group": peer_group}


# ---------------------------------------------------------------- lists for pickers

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


# ---------------------------------------------------------------- figures and rates

FIGURES_SQL = f"WITH {FIGURES_CTE} SELECT * EXCLUDE (text_fingerprint) FROM rates ORDER BY year DESC, agency_name"


def figures(con, *, year: int | None = None, agency_id: str | None = None,
            peer_group: str | None = None) -> pl.DataFrame:
    """One row per current report: unified request/outcome/review figures and rates."""
    return _run(con, FIGURES_SQL, _scope(year, agency_id, peer_group))


def agency_profile(con, *, agency_id: str) -> pl.DataFrame:
    """One agency across all years (oldest first): figures, rates, lateness."""
    return figures(con, agency_id=agency_id).sort("year")


AGENCY_VALUES_SQL = """
SELECT v.year, v.report_id, v.template, v.key, v.value, v.raw, v.blank, v.source
FROM current_values v
WHERE v.agency_id = $agency_id AND ($prefix IS NULL OR starts_with(v.key, $prefix))
ORDER BY v.key, v.year
"""


def agency_values(con, *, agency_id: str, prefix: str | None = None) -> pl.DataFrame:
    """Long values of one agency, all years; `prefix` e.g. 't2.' for 表二."""
    df = _run(con, AGENCY_VALUES_SQL, {"agency_id": agency_id, "prefix": prefix})
    return df.with_columns(
        pl.col("key").map_elements(labels.key_label, return_dtype=pl.String).alias("label")
    )


PEER_MEDIAN_SQL = f"""
WITH {FIGURES_CTE}
SELECT year, peer_group, count(*) AS agencies,
       median(completion_rate) AS completion_rate, median(on_time_rate) AS on_time_rate,
       median(disclosure_rate) AS disclosure_rate, median(requests) AS requests,
       median(corrected_total) AS corrected_total,
       median(review_correction_rate) AS review_correction_rate,
       median(suit_correction_rate) AS suit_correction_rate, median(days_late) AS days_late
FROM rates GROUP BY year, peer_group ORDER BY year
"""


def peer_median(con, *, peer_group: str, year: int | None = None) -> pl.DataFrame:
    """Median figures of a peer group per year (all years when `year` is None)."""
    return _run(con, PEER_MEDIAN_SQL, _scope(year, None, peer_group))


# ---------------------------------------------------------------- source text

REPORT_KEYS_SQL = """
SELECT key, value FROM report_values WHERE report_id = $report_id ORDER BY key
"""
VALUE_SOURCE_SQL = """
SELECT r.report_id, r.agency_id, r.year, r.template, r.source_path, r.format,
       v.key, v.value, v.raw, v.blank, v.source, v.location
FROM reports r JOIN report_values v USING (report_id)
WHERE r.report_id = $report_id AND v.key = $key
"""


def report_keys(con, *, report_id: int) -> pl.DataFrame:
    df = _run(con, REPORT_KEYS_SQL, {"report_id": report_id})
    return df.with_columns(
        pl.col("key").map_elements(labels.key_label, return_dtype=pl.String).alias("label")
    )


def value_source(con, *, report_id: int, key: str) -> pl.DataFrame:
    """The printed cell/sentence behind one number, with its location and file (0 or 1 row)."""
    df = _run(con, VALUE_SOURCE_SQL, {"report_id": report_id, "key": key})
    return df.with_columns(
        pl.col("location").map_elements(_pretty_location, return_dtype=pl.String)
    )


def _pretty_location(loc: str | None) -> str:
    if not loc:
        return ""
    try:
        d = json.loads(loc)
    except (TypeError, ValueError):
        return str(loc)
    names = {"page": "页", "table": "表", "row": "行", "col": "列", "line": "行号", "offset": "偏移"}
    if not isinstance(d, dict):
        return str(d)
    return "，".join(f"{names.get(k, k)} {v}" for k, v in d.items())


# ---------------------------------------------------------------- review and litigation

REVIEW_BY_AGENCY_SQL = f"""
WITH {FIGURES_CTE}
SELECT agency_id, agency_name, peer_group, year, report_id,
       review_total, review_upheld, review_corrected, review_other, review_pending,
       review_correction_rate,
       suit_total, suit_upheld, suit_corrected, suit_other, suit_pending, suit_correction_rate,
       corrected_total
FROM rates
WHERE coalesce(review_total, 0) + coalesce(suit_total, 0) > 0
ORDER BY {{order}}, agency_name
"""
REVIEW_TREND_SQL = f"""
WITH {FIGURES_CTE}
SELECT year, count(*) AS reports,
       sum(review_total) AS review_total, sum(review_upheld) AS review_upheld,
       sum(review_corrected) AS review_corrected, sum(review_other) AS review_other,
       sum(review_pending) AS review_pending,
       100.0 * sum(review_corrected) / nullif(sum(coalesce(review_upheld, 0) + coalesce(review_corrected, 0)
                                               + coalesce(review_other, 0)), 0) AS review_correction_rate,
       sum(suit_total) AS suit_total, sum(suit_upheld) AS suit_upheld,
       sum(suit_corrected) AS suit_corrected, sum(suit_other) AS suit_other,
       sum(suit_pending) AS suit_pending,
       100.0 * sum(suit_corrected) / nullif(sum(coalesce(suit_upheld, 0) + coalesce(suit_corrected, 0)
                                             + coalesce(suit_other, 0)), 0) AS suit_correction_rate
FROM rates GROUP BY year ORDER BY year
"""


def review_litigation(con, *, year: int, peer_group: str | None = None,
                      sort: str = "corrected_total") -> pl.DataFrame:
    """Agencies with any review or lawsuit in `year`, most corrected first (sort from labels.SORTS)."""
    order = labels.SORTS[sort]
    return _run(con, REVIEW_BY_AGENCY_SQL.format(order=order), _scope(year, None, peer_group))


def review_litigation_trend(con, *, peer_group: str | None = None) -> pl.DataFrame:
    """Province (or peer group) totals of reviews and lawsuits per year."""
    return _run(con, REVIEW_TREND_SQL, _scope(None, None, peer_group))


# ---------------------------------------------------------------- data quality

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
    return "；".join(f"{labels.key_label(k)} ({k})" for k in keys)


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


def missing_reports(con, *, year: int, peer_group: str | None = None) -> pl.DataFrame:
    """Registered agencies with no current report for `year` (listed, never hidden)."""
    return _run(con, MISSING_SQL, {"year": year, "peer_group": peer_group})


def late_reports(con, *, year: int, peer_group: str | None = None) -> pl.DataFrame:
    return _run(con, LATE_SQL, {"year": year, "peer_group": peer_group})


def copied_reports(con, *, year: int, peer_group: str | None = None) -> pl.DataFrame:
    return _run(con, COPIED_SQL, {"year": year, "peer_group": peer_group})


# ---------------------------------------------------------------- ranking (wraps assess)

# Flags and key rates joined onto the scores: computed here so every consumer (pages, exports)
# shows the same thing.
RANK_CONTEXT_SQL = f"""
WITH {FIGURES_CTE},
f AS (
    SELECT f.report_id, count(*) FILTER (f.severity = 'error') AS errors,
           count(*) FILTER (f.severity = 'warning') AS warnings
    FROM findings f GROUP BY f.report_id
),
med AS (SELECT peer_group, median(completion_rate) AS med_completion FROM rates GROUP BY peer_group)
SELECT r.agency_id, r.published, r.days_late, r.requests, r.processed, r.completion_rate,
       r.on_time_rate, r.disclosure_rate, r.review_corrected, r.suit_corrected,
       r.review_correction_rate, r.suit_correction_rate,
       coalesce(f.errors, 0) AS errors, coalesce(f.warnings, 0) AS warnings,
       r.completion_rate < med.med_completion AS below_peer_completion
FROM rates r LEFT JOIN f USING (report_id) LEFT JOIN med USING (peer_group)
"""

RANK_COLUMNS = (
    "rank", "agency_id", "agency_name", "peer_group", "score", "prev_rank", "rank_change", "flag",
    "flags", "completion_rate", "on_time_rate", "disclosure_rate", "review_corrected",
    "suit_corrected", "days_late", "errors", "warnings", "missing", "report_id",
)


def ranking(con, *, year: int, scheme, peer_group: str | None = None,
            weights: dict[str, float] | None = None) -> pl.DataFrame:
    """Agencies of `year` ranked within their peer group by score under `scheme`.

    `scheme` is a path or an assess.scheme.Scheme; `weights` ({indicator id: weight}) overrides
    indicator weights for a what-if, rescaled to 100 (the scheme file is never touched).
    Columns: RANK_COLUMNS first (`score` = assess `total`, 0-100; rank and rank_change as
    assess.score computes them: within the peer group, positive change = moved up; registry
    agencies without a report are included with missing = true and a red flag), then every
    column of assess.score.score_year (total, contribution, tied, per-indicator values/points).
    """
    from assess import score as assess_score

    s = _scheme_with_weights(_load_scheme(scheme), weights)
    scored = assess_score.score_year(con, year, s, peer_group=peer_group)
    ctx = _run(con, RANK_CONTEXT_SQL, _scope(year, None, None))
    df = (
        scored.with_columns(pl.col("total").alias("score"))
        .join(ctx, on="agency_id", how="left")
    )
    df = _with_flags(df)
    first = [c for c in RANK_COLUMNS if c in df.columns]
    return df.select(first + [c for c in df.columns if c not in first]).sort(
        "peer_group", "rank", "agency_name", nulls_last=True)


def score_detail(con, *, year: int, scheme, agency_id: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(points per indicator, deductions with reasons) of one agency in `year` under `scheme`."""
    from assess import score as assess_score

    run = assess_score.assess_year(con, year, _load_scheme(scheme))
    mine = run.indicators.filter(pl.col("agency_id") == agency_id)
    breakdown = mine.select(
        pl.col("indicator_name").alias("indicator"), pl.col("kind").alias("score_kind"), "weight", "value", "unit",
        pl.col("points").fill_null(0.0).alias("points"), "lost", "small_sample", "reason")
    deductions = run.deductions.filter(pl.col("agency_id") == agency_id).drop("agency_id", "indicator").rename({"points": "lost"})
    return breakdown, deductions


def _load_scheme(scheme):
    if isinstance(scheme, (str, Path)):
        from assess.scheme import load_scheme

        return load_scheme(Path(scheme))
    return scheme


def _scheme_with_weights(scheme, weights: dict[str, float] | None):
    """A copy of `scheme` with indicator weights replaced and rescaled to sum to 100.

    Only weighted indicators (linear/rank/deduction) take weights; a deduction's cap scales
    with its weight, as it is a share of that weight. Unknown indicator ids raise KeyError.
    """
    if not weights:
        return scheme
    import dataclasses

    known = {i.id for i in scheme.indicators if i.weighted}
    unknown = set(weights) - known
    if unknown:
        raise KeyError(f"not weighted indicators of {scheme.name}: {sorted(unknown)}")
    new = {i.id: float(weights.get(i.id, i.weight)) for i in scheme.indicators if i.weighted}
    total = sum(new.values())
    if total <= 0:
        raise ValueError("at least one indicator needs a positive weight")
    indicators = []
    for ind in scheme.indicators:
        if ind.weighted:
            w = 100.0 * new[ind.id] / total
            changes = {"weight": w}
            if ind.kind == "deduction" and ind.cap is not None and ind.weight:
                changes["cap"] = ind.cap * w / ind.weight
            ind = dataclasses.replace(ind, **changes)
        indicators.append(ind)
    return dataclasses.replace(scheme, indicators=tuple(indicators))


def _with_flags(df: pl.DataFrame) -> pl.DataFrame:
    """Red: late, corrected on review/lawsuit, or error findings; amber: warnings or below peers."""
    reasons_red = [
        (pl.col("missing").fill_null(False), "未发布年报"),
        (pl.col("days_late").fill_null(0) > 0, "逾期发布"),
        (pl.col("review_corrected").fill_null(0) + pl.col("suit_corrected").fill_null(0) > 0, "复议诉讼被纠正"),
        (pl.col("errors").fill_null(0) > 0, "数据错误"),
    ]
    reasons_amber = [
        (pl.col("warnings").fill_null(0) > 0, "数据警告"),
        (pl.col("below_peer_completion").fill_null(False), "办结率低于对标组中位数"),
    ]
    red = pl.any_horizontal([c for c, _ in reasons_red])
    amber = pl.any_horizontal([c for c, _ in reasons_amber])
    texts = [pl.when(c).then(pl.lit(t)) for c, t in reasons_red + reasons_amber]
    return df.with_columns(
        pl.when(red).then(pl.lit("red")).when(amber).then(pl.lit("amber")).otherwise(pl.lit("")).alias("flag"),
        pl.concat_str(texts, separator="、", ignore_nulls=True).fill_null("").alias("flags"),
    ).drop("below_peer_completion")


def compare_rankings(base: pl.DataFrame, alt: pl.DataFrame) -> pl.DataFrame:
    """The what-if ranking `alt` with the saved scheme's score and rank alongside."""
    ref = base.select("agency_id", pl.col("score").alias("base_score"), pl.col("rank").alias("base_rank"))
    return alt.join(ref, on="agency_id", how="left").with_columns(
        (pl.col("base_rank") - pl.col("rank")).alias("whatif_change")
    )
