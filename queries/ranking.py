"""Rankings: assess scoring joined with each agency's figures and flags; what-if weights."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from assess.metric_sql import finding_counts_sql
from assess.scheme import as_scheme
from queries.base import FIGURES_CTE, run_query, scope_params
from queries.leader import rank_change
from queries.lists import home_agencies

# Flags and key rates joined onto the scores: computed here so every consumer (pages, exports)
# shows the same thing. The findings are counted as the score counts them (one definition:
# assess.metric_sql.finding_counts_sql over the findings without the 误报): `errors` is the
# 数据一致性 count, `copied` its report.copied; a late publication is no data error.
RANK_CONTEXT_SQL = f"""
WITH {FIGURES_CTE},
f AS ({finding_counts_sql("__FINDINGS__")})
SELECT r.agency_id, r.published, r.date_note, greatest(r.days_late, 0) AS days_late, r.requests, r.processed,
       r.completion_rate, r.completion_rate_cases, r.on_time_rate, r.disclosure_rate,
       r.review_corrected, r.suit_corrected,
       r.review_correction_rate, r.suit_correction_rate,
       coalesce(f.identity_findings, 0) AS errors, coalesce(f.warnings, 0) AS warnings,
       coalesce(f.copied_findings, 0) > 0 AS copied
FROM rates r LEFT JOIN f USING (report_id)
"""

RANK_COLUMNS = (
    "rank",
    "agency_id",
    "agency_name",
    "peer_group",
    "score",
    "prev_rank",
    "rank_change",
    "flag",
    "flags",
    "flag_notes",
    "completion_rate",
    "on_time_rate",
    "disclosure_rate",
    "review_corrected",
    "suit_corrected",
    "days_late",
    "errors",
    "warnings",
    "copied",
    "missing",
    "report_id",
)


# A warning as the grid's 预警说明 says it in a few characters, with the unit's own figure
# (逾期45天 where the rule reads 逾期发布天数超过 30 天): a unit meeting three rules still reads
# whole in the column at 1440 px; the rules themselves are the column's help.
FLAG_NOTES = {
    "missing": pl.lit("未发布年报"),
    "days_late": pl.format("逾期{}天", pl.col("days_late").cast(pl.Int64)),
    "corrected": pl.format(
        "纠错{}件",
        (pl.col("review_corrected").fill_null(0) + pl.col("suit_corrected").fill_null(0)).cast(
            pl.Int64
        ),
    ),
    "errors": pl.format("数据错误{}条", pl.col("errors").cast(pl.Int64)),
    "warnings": pl.format("数据警告{}条", pl.col("warnings").cast(pl.Int64)),
    "copied": pl.lit("年报雷同"),
    "completion_rate": pl.format("办结率{}%", pl.col("completion_rate").round(1)),
}


def flag_notes(df: pl.DataFrame, rules, min_cases: float | None = None) -> pl.Expr:
    """`flag_notes`: one short note per measure whose rule the unit meets (red ones first, as
    assess.flags.apply_flags orders `flags`), e.g. 逾期45天、纠错3件; "" when none."""
    from assess.flags import rules_by_measure

    notes = []
    for measure, group in rules_by_measure(rules).items():
        met = pl.any_horizontal([r.expr(min_cases, df.columns) for r in group])
        notes.append(pl.when(met).then(FLAG_NOTES[measure]).otherwise(pl.lit(None, pl.String)))
    if not notes:
        return pl.lit("").alias("flag_notes")
    # "、 " not "、": the grid (glide-data-grid) wraps a taller row only at spaces
    return (
        pl.concat_list(notes).list.drop_nulls().list.join("、 ").fill_null("").alias("flag_notes")
    )


def year_assessment(con, *, year: int, scheme, weights: dict[str, float] | None = None):
    """The one scoring run of `year` under `scheme` (path or Scheme), all peer groups.

    Every consumer of a year's scores (the ranking of any peer group, an agency's breakdown, the
    exports and their per-agency sheets) filters this object instead of re-scoring: ranks are
    computed within peer groups, so filtering a peer group afterwards gives the same rows.
    """
    from assess import score as assess_score

    return assess_score.assess_year(con, year, scheme_with_weights(as_scheme(scheme), weights))


def ranking(
    con,
    *,
    year: int,
    scheme,
    peer_group: str | None = None,
    weights: dict[str, float] | None = None,
    assessment=None,
    prev_assessment=None,
    province: str | None = None,
) -> pl.DataFrame:
    """Agencies of `year` of the office's province ranked within their peer group under `scheme`.

    `scheme` is a path or an assess.scheme.Scheme; `weights` ({indicator id: weight}) overrides
    indicator weights for a what-if, rescaled to 100 (the scheme file is never touched).
    `assessment` / `prev_assessment` (from `year_assessment()` for `year` / `year - 1`, same
    scheme and weights) save the scoring. Only agencies of the province
    (queries.lists.home_agencies) are listed, and rank, group_size, tied, prev_rank and
    rank_change are counted among them (assess ranks the whole registry).
    Columns: RANK_COLUMNS first (`score` = assess `total`, 0-100; rank within the peer group,
    positive rank_change = moved up; registry agencies without a report are included with
    missing = true), then every column of assess.score.score_year; `flag` / `flags` follow the
    scheme's [[flags]] rules (assess.flags).
    """
    from assess import flags as assess_flags

    home = home_agencies(con, province=province)
    run = assessment or year_assessment(con, year=year, scheme=scheme, weights=weights)
    scored = _rerank(_home(run.scores, home))
    prev_run = prev_assessment or year_assessment(
        con, year=year - 1, scheme=scheme, weights=weights
    )
    # as assess does: last year counts only in peer groups where someone reported that year
    prev_scores = _home(prev_run.scores, home).filter((~pl.col("missing")).any().over("peer_group"))
    prev = _rerank(prev_scores).select(
        "agency_id", pl.col("rank").alias("_prev"), pl.col("total").alias("_prev_total")
    )
    scored = (
        scored.join(prev, on="agency_id", how="left")
        .with_columns(
            pl.col("_prev").cast(scored.schema["rank"]).alias("prev_rank"),
            pl.col("_prev_total").alias("prev_total"),
        )
        .with_columns(rank_change(pl.col("prev_rank"), pl.col("rank")).alias("rank_change"))
        .drop("_prev", "_prev_total")
    )
    if peer_group is not None:
        scored = scored.filter(pl.col("peer_group") == peer_group)
    ctx = run_query(con, RANK_CONTEXT_SQL, scope_params(year, None, None))
    df = scored.with_columns(pl.col("total").alias("score")).join(ctx, on="agency_id", how="left")
    path = scheme if isinstance(scheme, (str, Path)) else scheme.path
    min_cases = as_scheme(scheme).min_cases
    rules = assess_flags.rules_from_toml(path)
    df = assess_flags.apply_flags(df, rules, min_cases=min_cases)
    df = df.with_columns(flag_notes(df, rules, min_cases))
    first = [c for c in RANK_COLUMNS if c in df.columns]
    return df.select(first + [c for c in df.columns if c not in first]).sort(
        "peer_group", "rank", "agency_name", nulls_last=True
    )


def _home(scores: pl.DataFrame, home: set[str] | None) -> pl.DataFrame:
    return scores if home is None else scores.filter(pl.col("agency_id").is_in(sorted(home)))


def _rerank(scored: pl.DataFrame) -> pl.DataFrame:
    """Rank (ties share the best place), group size and ties within each peer group, best first."""
    if scored.is_empty():
        return scored
    dtype = scored.schema["rank"]
    by = pl.col("total").rank("min", descending=True).over("peer_group")
    return scored.with_columns(
        by.cast(dtype).alias("rank"),
        pl.len().over("peer_group").cast(scored.schema["group_size"]).alias("group_size"),
        (pl.len().over("peer_group", by) > 1).alias("tied"),
    )


def scheme_with_weights(scheme, weights: dict[str, float] | None):
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


def compare_rankings(base: pl.DataFrame, alt: pl.DataFrame) -> pl.DataFrame:
    """The what-if ranking `alt` with the saved scheme's score and rank alongside."""
    ref = base.select(
        "agency_id", pl.col("score").alias("base_score"), pl.col("rank").alias("base_rank")
    )
    return alt.join(ref, on="agency_id", how="left").with_columns(
        rank_change(pl.col("base_rank"), pl.col("rank")).alias("whatif_change")
    )
