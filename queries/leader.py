"""The leader's first page (排名总览): per peer group a summary (best, worst, median, flags, the
biggest riser and faller with the cause of the move), and the one definition of 名次变化.
Where each figure comes from is queries.focus.

Pure polars over frames the dashboard already holds (queries.ranking and the two years'
assess.score.Assessment runs).
"""

from __future__ import annotations

import polars as pl

STEADY = 0.05  # points: an indicator that moved less did not move


def rank_change(older_rank, newer_rank):
    """Places moved between two rankings, + = rose: 5th → 2nd is +3, 2nd → 5th is −3.

    The one definition of 名次变化 for every page, the leader's summary and the exports (a
    smaller rank number is a better place, so the change is older − newer). Takes numbers
    (None when either rank is unknown) or polars expressions (null propagates)."""
    if older_rank is None or newer_rank is None:
        return None
    return older_rank - newer_rank


def vetoes(assessment) -> pl.DataFrame:
    """agency_id, veto (the veto indicator's name) of every agency a veto capped in that run."""
    ind = assessment.indicators
    if ind.is_empty():
        return pl.DataFrame(schema={"agency_id": pl.String, "veto": pl.String})
    hit = ind.filter((pl.col("kind") == "veto") & pl.col("vetoed").fill_null(False))
    return hit.group_by("agency_id", maintain_order=True).agg(
        pl.col("indicator_name").first().alias("veto")
    )


def _points_long(scores: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    cols = [f"{i}.points" for i in names if f"{i}.points" in scores.columns]
    if not cols or scores.is_empty():
        return pl.DataFrame(
            schema={"agency_id": pl.String, "indicator": pl.String, "points": pl.Float64}
        )
    return (
        scores.select("agency_id", *cols)
        .unpivot(index="agency_id", variable_name="indicator", value_name="points")
        .with_columns(pl.col("indicator").str.strip_suffix(".points"))
    )


def _indicator_moves(ranked: pl.DataFrame, now, prev) -> pl.DataFrame:
    """agency_id, indicator, delta (points this year − last year) of every weighted indicator."""
    ind = now.indicators
    names = dict(zip(ind["indicator"], ind["indicator_name"])) if ind.height else {}
    a = _points_long(ranked, names)
    b = _points_long(prev.scores, names).rename({"points": "prev_points"})
    return (
        a.join(b, on=["agency_id", "indicator"], how="inner")
        .with_columns(
            (
                as_shown(pl.col("points").fill_null(0.0))
                - as_shown(pl.col("prev_points").fill_null(0.0))
            ).alias("delta"),
            pl.col("indicator").replace_strict(names, default=None).alias("indicator_name"),
        )
        .select("agency_id", "indicator", "indicator_name", "delta")
    )


def move_causes(ranked: pl.DataFrame, assessment, prev_assessment) -> pl.DataFrame:
    """Why each agency's score moved from last year: agency_id, score_change, cause (Chinese),
    cause_indicator (the indicator id whose points moved most in the direction of the move, or
    null when the move came from a report not published or a veto).

    Order of causes: 上年无评分 / 上年未发布年报 / 上年一票否决（…）/ 本年未发布年报 /
    本年一票否决（…）; a rank that moved against the score (「总分 +0.4 分，因他单位变动」);
    else the weighted indicator whose points changed most the same way as the total
    (「办结率 +6.0 分」), else 「各项得分基本未变」.
    """
    prev = prev_assessment.scores.select(
        "agency_id", pl.col("missing").alias("prev_missing"), pl.col("total").alias("_prev_total")
    )
    base = (
        ranked.select("agency_id", "missing", "total", "rank_change")
        .join(prev, on="agency_id", how="left")
        .join(vetoes(prev_assessment).rename({"veto": "prev_veto"}), on="agency_id", how="left")
        .join(vetoes(assessment), on="agency_id", how="left")
        .with_columns(
            (as_shown(pl.col("total")) - as_shown(pl.col("_prev_total"))).alias("score_change")
        )
    )
    moves = _indicator_moves(ranked, assessment, prev_assessment)
    up = base.select("agency_id", "score_change").join(moves, on="agency_id")
    signed = pl.when(pl.col("score_change") < 0).then(-pl.col("delta")).otherwise(pl.col("delta"))
    top = (
        up.with_columns(signed.alias("_towards"))
        .sort("_towards", "indicator", descending=[True, False])
        .group_by("agency_id", maintain_order=True)
        .first()
        .select("agency_id", "indicator", "indicator_name", "delta")
    )
    out = base.join(top, on="agency_id", how="left")
    moved = pl.col("delta").abs() >= STEADY
    # the rank moved one way while the score moved the other (or not at all): others moved
    against = pl.col("rank_change").fill_null(0) * pl.col("score_change").fill_null(0) <= 0
    against = against & (pl.col("rank_change").fill_null(0) != 0)
    cause = (
        pl.when(pl.col("_prev_total").is_null())
        .then(pl.lit("上年无评分"))
        .when(pl.col("prev_missing").fill_null(False))
        .then(pl.lit("上年未发布年报"))
        .when(pl.col("prev_veto").is_not_null())
        .then(pl.format("上年一票否决（{}）", pl.col("prev_veto")))
        .when(pl.col("missing").fill_null(False))
        .then(pl.lit("本年未发布年报"))
        .when(pl.col("veto").is_not_null())
        .then(pl.format("本年一票否决（{}）", pl.col("veto")))
        .when(against)
        .then(pl.format("总分 {} 分，因他单位变动", signed_text("score_change")))
        .when(moved)
        .then(
            pl.format(
                "{} {} 分",
                pl.col("indicator_name"),
                signed_text("delta"),
            )
        )
        .otherwise(pl.lit("各项得分基本未变"))
    )
    by_indicator = (
        pl.col("_prev_total").is_not_null()
        & ~pl.col("prev_missing").fill_null(False)
        & pl.col("prev_veto").is_null()
        & ~pl.col("missing").fill_null(False)
        & pl.col("veto").is_null()
        & ~against
        & moved
    )
    return out.select(
        "agency_id",
        "score_change",
        cause.alias("cause"),
        pl.when(by_indicator).then(pl.col("indicator")).alias("cause_indicator"),
    )


def as_shown(points: pl.Expr) -> pl.Expr:
    """Points as the pages print them (0.00): a change is taken between the printed scores, so
    printed 79.99 → 80.13 (79.994, 80.126) move +0.14, as a reader checking by hand finds."""
    return points.map_elements(lambda p: float(f"{p:.2f}"), return_dtype=pl.Float64)


def signed_text(column: str) -> pl.Expr:
    """A number as +1.5 / -0.4 (one decimal, sign always shown)."""
    return pl.col(column).map_elements(lambda d: f"{d:+.1f}", return_dtype=pl.String)


def _pick(group: pl.DataFrame, sort: list[str], descending: list[bool]) -> dict:
    return group.sort(sort, descending=descending, nulls_last=True).row(0, named=True)


def peer_summary(ranked: pl.DataFrame, causes: pl.DataFrame) -> pl.DataFrame:
    """One row per peer group (in ranked's order): units, scored (reported), best_* / worst_*
    (agency_id, agency_name, score; ties by name), median, red, amber, riser_* and faller_*
    (agency_id, agency_name, rank_change, score_change, cause: the biggest rise / fall in rank,
    then in score; null when nobody moved that way)."""
    df = ranked.join(causes, on="agency_id", how="left")
    rows = []
    for group in df["peer_group"].unique(maintain_order=True).to_list():
        g = df.filter(pl.col("peer_group") == group)
        scored = g.filter(~pl.col("missing").fill_null(False))
        row: dict = {
            "peer_group": group,
            "units": g.height,
            "scored": scored.height,
            "median": scored["score"].median() if scored.height else None,
            "red": int((g["flag"] == "red").sum()),
            "amber": int((g["flag"] == "amber").sum()),
        }
        for name, desc in (("best", True), ("worst", False)):
            hit = _pick(g, ["score", "agency_name"], [desc, False]) if g.height else {}
            for c in ("agency_id", "agency_name", "score"):
                row[f"{name}_{c}"] = hit.get(c)
        moved = g.filter(pl.col("rank_change").is_not_null())
        for name, sign in (("riser", 1), ("faller", -1)):
            way = moved.filter(pl.col("rank_change") * sign > 0)
            hit = (
                _pick(
                    way.with_columns(
                        (pl.col("rank_change") * sign).alias("_r"),
                        (pl.col("score_change").fill_null(0) * sign).alias("_s"),
                    ),
                    ["_r", "_s", "agency_name"],
                    [True, True, False],
                )
                if way.height
                else {}
            )
            for c in ("agency_id", "agency_name", "rank_change", "score_change", "cause"):
                row[f"{name}_{c}"] = hit.get(c)
        rows.append(row)
    return pl.DataFrame(rows, schema=SUMMARY_SCHEMA, orient="row")


_WHO = (("agency_id", pl.String), ("agency_name", pl.String))
_MOVE = (("rank_change", pl.Int64), ("score_change", pl.Float64), ("cause", pl.String))
SUMMARY_SCHEMA = {
    "peer_group": pl.String,
    "units": pl.Int64,
    "scored": pl.Int64,
    "median": pl.Float64,
    "red": pl.Int64,
    "amber": pl.Int64,
    **{f"{n}_{c}": t for n in ("best", "worst") for c, t in (*_WHO, ("score", pl.Float64))},
    **{f"{n}_{c}": t for n in ("riser", "faller") for c, t in (*_WHO, *_MOVE)},
}
