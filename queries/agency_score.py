"""One agency's score as the office signs it: its points per indicator, its deductions, and how
the points add up to 总分 (the 单位画像·评分 tab and the assessment sheet's agency page)."""

from __future__ import annotations

import polars as pl

from assess.scheme import as_scheme
from queries.ranking import year_assessment

_FIRED = pl.col("vetoed").fill_null(False)
_BLANKED = ("weight", "points", "lost")  # a veto line of an unpublished unit: no figure at all


def late_value_columns(scheme, columns) -> list[str]:
    """The `{indicator}.value` columns among `columns` that hold days late: shown clipped at 0,
    since an early publication is not "−55 days late" (the reason says 提前 55 天)."""
    return [
        f"{i.id}.value"
        for i in as_scheme(scheme).indicators
        if i.metric == "days_late" and f"{i.id}.value" in columns
    ]


def score_detail(
    con, *, year: int, scheme, agency_id: str, assessment=None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(points per indicator, deductions with reasons) of one agency in `year` under `scheme`."""
    run = assessment or year_assessment(con, year=year, scheme=scheme)
    mine = run.indicators.filter(pl.col("agency_id") == agency_id)
    # a veto that did not fire changed nothing: it is not a line of the score
    mine = mine.filter((pl.col("kind") != "veto") | _FIRED)
    unpublished = bool(mine["missing"].fill_null(False).any())
    if unpublished:  # the veto alone (see signed_deductions)
        mine = mine.filter(_FIRED)
    late = {
        c.removesuffix(".value") for c in late_value_columns(scheme, mine["indicator"] + ".value")
    }
    breakdown = mine.select(
        pl.col("indicator_name").alias("indicator"),
        pl.col("kind").alias("score_kind"),
        "weight",
        pl.when(pl.col("indicator").is_in(list(late)))
        .then(pl.col("value").clip(lower_bound=0))
        .otherwise(pl.col("value"))
        .alias("value"),
        "unit",
        pl.col("points").fill_null(0.0).alias("points"),
        "lost",
        "small_sample",
        "reason",
    )
    if unpublished:
        breakdown = breakdown.with_columns(pl.lit(None, pl.Float64).alias(c) for c in _BLANKED)
    deductions = (
        signed_deductions(run)
        .filter(pl.col("agency_id") == agency_id)
        .drop("agency_id", "indicator")
        .rename({"points": "lost"})
    )
    return breakdown, deductions


def signed_deductions(run) -> pl.DataFrame:
    """`run.deductions` as the office signs them: a unit that published no report (missing)
    keeps only the veto that fired, its points blank.

    Why (issue 22): the scheme's veto sets such a unit's 总分 to 0, yet the scoring run still
    fills its indicators by the missing-data policies (a group median, N/A reweighting, zero)
    and the veto's points are "what the cap took off" those, e.g. 66.67. Listed, they read as
    points awarded for a report that does not exist; the 汇总 says 不列指标得分 for the same
    reason (exports.row_notes.NO_REPORT)."""
    lines = run.deductions
    info = run.indicators.select(
        "agency_id", "indicator", pl.col("missing").fill_null(False), _FIRED.alias("fired")
    )
    marked = lines.join(info, on=["agency_id", "indicator"], how="left", maintain_order="left")
    missing, fired = pl.col("missing").fill_null(False), pl.col("fired").fill_null(False)
    return (
        marked.filter(~missing | fired)
        .with_columns(pl.when(missing).then(None).otherwise(pl.col("points")).alias("points"))
        .select(lines.columns)
    )


def score_steps(con, *, year: int, scheme, agency_id: str, assessment=None) -> pl.DataFrame:
    """How one agency's points add up to 总分 (item, points, note), each line from the same
    scoring run: Σ raw points of the indicators with data, the scaling ×100/W when W < 100 points
    of weight have data (N/A indicators), the bonus, the 100 cap, each veto that fired, 总分; for
    a unit without a report only its vetoes and 总分 (signed_deductions says why)."""
    run = assessment or year_assessment(con, year=year, scheme=scheme)
    found = run.scores.filter(pl.col("agency_id") == agency_id)
    rows: list[tuple[str, float | None, str]] = []
    if found.is_empty():
        return pl.DataFrame(rows, schema=_STEP_SCHEMA, orient="row")
    r = found.row(0, named=True)
    vetoes = [("否决", None, reason) for reason in (r["vetoes"] or "").split("；") if reason]
    if r["missing"]:  # no report: the veto sets 总分, no indicator sum (see signed_deductions)
        return pl.DataFrame([*vetoes, ("总分", r["total"], "")], schema=_STEP_SCHEMA, orient="row")
    w = r["weight_present"] or 0.0
    rows.append(("各指标原始得分合计", r["raw_points"], f"有数据的指标权重合计 {w:g} 分"))
    if 0 < w < 100:
        rows.append(
            (
                f"折算 × 100/{w:g}",
                r["scaled_points"],
                f"无数据（N/A）指标的 {100 - w:g} 分权重按比例分给其余指标",
            )
        )
    bonus = r["bonus_points"] or 0.0
    if bonus:
        rows.append(("加分", bonus, "加分项合计"))
    if (r["scaled_points"] or 0.0) + bonus > 100:
        rows.append(("封顶", 100.0, "总分不超过 100 分"))
    rows += vetoes
    rows.append(("总分", r["total"], ""))  # the lines add up: assess.score_sql rounds each part
    return pl.DataFrame(rows, schema=_STEP_SCHEMA, orient="row")


_STEP_SCHEMA = {"item": pl.String, "points": pl.Float64, "note": pl.String}
