"""Rankings: assess scoring joined with each agency's figures and flags; what-if weights."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from queries.base import FIGURES_CTE, _run, _scope


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


def year_assessment(con, *, year: int, scheme, weights: dict[str, float] | None = None):
    """The one scoring run of `year` under `scheme` (path or Scheme), all peer groups.

    Every consumer of a year's scores (the ranking of any peer group, an agency's breakdown, the
    exports and their per-agency sheets) filters this object instead of re-scoring: ranks are
    computed within peer groups, so filtering a peer group afterwards gives the same rows.
    """
    from assess import score as assess_score

    return assess_score.assess_year(con, year, _scheme_with_weights(_load_scheme(scheme), weights))


def ranking(con, *, year: int, scheme, peer_group: str | None = None,
            weights: dict[str, float] | None = None, assessment=None) -> pl.DataFrame:
    """Agencies of `year` ranked within their peer group by score under `scheme`.

    `scheme` is a path or an assess.scheme.Scheme; `weights` ({indicator id: weight}) overrides
    indicator weights for a what-if, rescaled to 100 (the scheme file is never touched).
    `assessment` (from `year_assessment()` for the same year, scheme and weights) saves the scoring.
    Columns: RANK_COLUMNS first (`score` = assess `total`, 0-100; rank and rank_change as
    assess.score computes them: within the peer group, positive change = moved up; registry
    agencies without a report are included with missing = true and a red flag), then every
    column of assess.score.score_year (total, contribution, tied, per-indicator values/points).
    """
    run = assessment or year_assessment(con, year=year, scheme=scheme, weights=weights)
    scored = run.scores
    if peer_group is not None:
        scored = scored.filter(pl.col("peer_group") == peer_group)
    ctx = _run(con, RANK_CONTEXT_SQL, _scope(year, None, None))
    df = (
        scored.with_columns(pl.col("total").alias("score"))
        .join(ctx, on="agency_id", how="left")
    )
    df = _with_flags(df)
    first = [c for c in RANK_COLUMNS if c in df.columns]
    return df.select(first + [c for c in df.columns if c not in first]).sort(
        "peer_group", "rank", "agency_name", nulls_last=True)


def score_detail(con, *, year: int, scheme, agency_id: str,
                 assessment=None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(points per indicator, deductions with reasons) of one agency in `year` under `scheme`."""
    run = assessment or year_assessment(con, year=year, scheme=scheme)
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
