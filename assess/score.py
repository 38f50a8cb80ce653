"""Score one year under a scheme: totals, ranks within peer groups, deductions with reasons.

All arithmetic happens in DuckDB (assess.score_sql); polars only reshapes the long result.
The connection may be read-only: nothing is written. Only the office's province is scored
(etl.scope): reference agencies of other provinces never enter a rank pool, a peer median or the
manual inputs. Agencies of the registry (confirmed = true) with no report for the year are
included with missing = true and scored by the scheme's veto / missing-data rules, so a silent
agency cannot rank above one that reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from assess.metric_sql import corrected_cells, values_relation
from assess.metrics import HIGHER, LOWER, METRICS
from assess.scheme import Scheme, as_scheme
from assess.score_sql import scoring_sql
from etl.scope import home_list

TOTAL_COLUMNS = [
    "year",
    "agency_id",
    "agency_name",
    "peer_group",
    "report_id",
    "template",
    "missing",
    "total",
    "contribution",
    "rank",
    "tied",
    "group_size",
    "prev_rank",
    "rank_change",
    "prev_total",
    "weight_present",
    "raw_points",  # Σ points of the weighted indicators with data (each rounded to the cent)
    "scaled_points",  # raw_points × 100 / weight_present, rounded (assess.score_sql)
]
DEDUCTION_COLUMNS = ["agency_id", "indicator", "indicator_name", "points", "reason", "source"]


@dataclass(frozen=True)
class Assessment:
    """One scoring run: `scores` (wide, one row per agency), `indicators` (long), `deductions`."""

    scores: pl.DataFrame
    indicators: pl.DataFrame
    deductions: pl.DataFrame


def _params(year: int, scheme: Scheme, peer_group: str | None, home: list[str] | None) -> dict:
    inds = scheme.indicators
    sign = {HIGHER: 1.0, LOWER: -1.0}
    p: dict = {
        "year": year,
        "peer": peer_group,
        "home": home,
        "min_cases": scheme.min_cases,
        "share": scheme.performance_share,
        "manual_name": Path(scheme.manual_path).name if scheme.manual_path else "(none)",
        "iindicator": [i.id for i in inds],
        "iind_name": [i.name for i in inds],
        "ikind": [i.kind for i in inds],
        "isrc": [i.source for i in inds],
        "imetric": [i.metric for i in inds],
        "iunit": [METRICS[i.metric].unit if i.metric else "" for i in inds],
        "isign": [sign.get(i.direction, 0.0) for i in inds],
        "iweight": [i.weight for i in inds],
        "ipolicy": [i.missing for i in inds],
        "ismall": [i.small_sample for i in inds],
        "ifull_at": [i.full for i in inds],
        "izero_at": [i.zero for i in inds],
        "ipoints_each": [i.points for i in inds],
        "icap": [i.cap for i in inds],
        "iabove": [i.above for i in inds],
        "iper": [i.per for i in inds],
        "iwhen_": [i.when for i in inds],
        "iop": [i.op for i in inds],
        "ithr": [i.threshold for i in inds],
        "iord": list(range(len(inds))),
    }
    rows = [r for r in scheme.manual if r[1] in (year, year - 1)]
    for n, col in enumerate(("agency_id", "year", "indicator", "value")):
        p[f"m{col}"] = [r[n] for r in rows]
    return p


def indicator_scores(
    con: duckdb.DuckDBPyConnection,
    year: int,
    scheme: Scheme | str | Path,
    peer_group: str | None = None,
    province: str | None = None,
) -> pl.DataFrame:
    """Long form: one row per (agency, indicator) with value, small_sample, points, reason.

    Only agencies of the office's province (etl.scope; `province` overrides the office file's)
    are scored, so rank pools, peer medians and manual inputs never involve reference agencies.
    """
    s = as_scheme(scheme)
    home = home_list(con, province)
    long = con.sql(
        scoring_sql(s.metric_ids, values_relation(con)), params=_params(year, s, peer_group, home)
    ).pl()
    return _mark_corrected(long, corrected_cells(con), s)


CORRECTED_NOTE = "（含分析人员修正值）"


def _mark_corrected(long: pl.DataFrame, cells: pl.DataFrame, scheme: Scheme) -> pl.DataFrame:
    """Append CORRECTED_NOTE to the reason of an indicator whose metric reads a corrected cell."""
    if cells.is_empty() or long.is_empty():
        return long
    reads = pl.DataFrame(
        [(i.id, key) for i in scheme.indicators if i.metric for key in METRICS[i.metric].sources],
        schema=["indicator", "key"],
        orient="row",
    )
    hit = (
        cells.join(reads, on="key")
        .select("agency_id", "year", "indicator")
        .unique()
        .with_columns(pl.lit(True).alias("_corrected"), pl.col("year").cast(long.schema["year"]))
    )
    marked = long.join(
        hit, on=["agency_id", "year", "indicator"], how="left", maintain_order="left"
    )
    return marked.with_columns(
        pl.when(pl.col("_corrected"))
        .then(pl.col("reason") + CORRECTED_NOTE)
        .otherwise(pl.col("reason"))
        .alias("reason")
    ).drop("_corrected")


def assess_year(
    con: duckdb.DuckDBPyConnection,
    year: int,
    scheme: Scheme | str | Path,
    peer_group: str | None = None,
    province: str | None = None,
) -> Assessment:
    """Run the scoring once (the office's province only) and return the three views of it."""
    s = as_scheme(scheme)
    long = indicator_scores(con, year, s, peer_group, province)
    return Assessment(_wide(long, s), long, _deductions(long))


def _wide(long: pl.DataFrame, scheme: Scheme) -> pl.DataFrame:
    if long.is_empty():
        return pl.DataFrame(schema={c: long.schema[c] for c in TOTAL_COLUMNS})
    per: list[pl.Expr] = []
    for ind in scheme.indicators:
        this = pl.col("indicator") == ind.id
        per.append(pl.col("value").filter(this).first().alias(f"{ind.id}.value"))
        if ind.weighted:
            per.append(pl.col("points").filter(this).first().alias(f"{ind.id}.points"))
            per.append(pl.col("small_sample").filter(this).first().alias(f"{ind.id}.small_sample"))
    totals = long.select(TOTAL_COLUMNS).unique("agency_id", keep="first", maintain_order=True)
    values = long.group_by("agency_id", maintain_order=True).agg(per + _steps())
    return totals.join(values, on="agency_id", how="left", maintain_order="left")


def _steps() -> list[pl.Expr]:
    """How the points add up to 总分 beside raw_points and scaled_points (made with the total in
    assess.score_sql): the bonus, and the vetoes that fired (their reasons, e.g. 否决：未发布年报，
    总分上限 0 分)."""
    return [
        pl.col("bonus").filter(pl.col("kind") == "bonus").sum().round(2).alias("bonus_points"),
        pl.col("reason").filter(pl.col("vetoed").fill_null(False)).str.join("；").alias("vetoes"),
    ]


def _deductions(long: pl.DataFrame) -> pl.DataFrame:
    keep = (pl.col("lost").round(6) != 0) | pl.col("dropped") | pl.col("vetoed")
    return long.filter(keep).select(
        "agency_id",
        "indicator",
        "indicator_name",
        pl.col("lost").round(4).alias("points"),
        "reason",
        "source",
    )


def score_year(
    con: duckdb.DuckDBPyConnection,
    year: int,
    scheme: Scheme | str | Path,
    peer_group: str | None = None,
    province: str | None = None,
) -> pl.DataFrame:
    """Scores of every agency of `year` of the office's province (optionally one peer group).

    Columns: TOTAL_COLUMNS (total 0-100; contribution = total × performance_share; rank within
    the peer group, ties share the lowest rank and are flagged `tied`; rank_change = last
    year's rank − this year's, positive = moved up, NULL when last year was not scored;
    missing = no report this year; weight_present = weight not dropped for missing data), then
    per indicator `<id>.value` (N/A = null), `<id>.points`, `<id>.small_sample`.
    """
    return assess_year(con, year, scheme, peer_group, province).scores


def deductions(
    con: duckdb.DuckDBPyConnection,
    year: int,
    scheme: Scheme | str | Path,
    peer_group: str | None = None,
    province: str | None = None,
) -> pl.DataFrame:
    """Why each agency lost (or gained) points: agency_id, indicator, indicator_name, points, reason, source.

    points = points lost against the indicator's weight (negative for a bonus; for a veto, what
    the cap took off). A dropped (reweighted) indicator appears with points 0. Without
    reweighting, 100 − Σ points = total (before clipping to 0..100).
    """
    return assess_year(con, year, scheme, peer_group, province).deductions
