"""The 汇总's 计分说明: per unit, what its row's blanks and odd pairs mean, in words.

A blank cell on the sheet is N/A (note 7), so a row needs words where a cell is not plain N/A:
a value shown but not scored (too few cases, small_sample = "missing"), a score without a value
(a peer median scored in its place), a flagged small sample that was scored anyway, an N/A
scored 0 (missing = "zero"), and a unit without a report (no indicator is listed at all). The
facts come from the scoring run's long rows (assess.score), never recomputed.
"""

from __future__ import annotations

import polars as pl

NO_REPORT = "未发布年报，不列指标得分"


def indicator_cases(r: dict, min_cases: int) -> list[str]:
    """The kinds of odd cell one weighted indicator of one unit makes (none for plain cells);
    the 扣分明细 and 单位画像 give its value, cases and the median in full."""
    uncounted = r["small_sample"] and r["value"] is not None
    if r["imputed"]:  # one case, not two: its own value unused, the group's median scored
        return [f"样本不足 {min_cases} 件，按同组中位数计分" if uncounted else "按同组中位数计分"]
    cases = []
    if uncounted and r["points"] is None:
        cases.append(f"样本不足 {min_cases} 件不计分")
    elif r["small_sample"]:
        cases.append(f"样本不足 {min_cases} 件仍计分")
    if r["value_scored"] is None and r["points"] is not None:
        cases.append("无数据计 0 分")
    return cases


def scoring_notes(indicators: pl.DataFrame, min_cases: int) -> pl.DataFrame:
    """agency_id, scoring_note: the row's 计分说明, short enough for a narrow printed column —
    "样本不足 5 件不计分：办结率、结转率；样本不足 5 件，按同组中位数计分：公开率" ("" when nothing needs saying)."""
    weighted = indicators.filter(pl.col("kind").is_in(["linear", "rank", "deduction"]))
    notes: dict[str, dict[str, list[str]]] = {}
    for r in indicators.unique("agency_id", maintain_order=True).iter_rows(named=True):
        notes[r["agency_id"]] = {NO_REPORT: []} if r["missing"] else {}
    for r in weighted.filter(~pl.col("missing")).iter_rows(named=True):
        for case in indicator_cases(r, min_cases):
            notes[r["agency_id"]].setdefault(case, []).append(r["indicator_name"])
    texts = [
        "；".join(f"{case}：{'、'.join(names)}" if names else case for case, names in n.items())
        for n in notes.values()
    ]
    return pl.DataFrame(
        {"agency_id": list(notes), "scoring_note": texts},
        schema={"agency_id": pl.String, "scoring_note": pl.String},
    )


SIGNED_DAYS = "逾期天数按落款日期计"  # the report prints no publication date (etl.deadlines)


def with_date_notes(ranking: pl.DataFrame) -> pl.DataFrame:
    """The 计分说明 says so where the days late count from the signature (date_note set by
    queries' counted date): the sheet shows the days, not the date they count from."""
    if "date_note" not in ranking.columns:
        return ranking
    note = pl.col("scoring_note").fill_null("")
    return ranking.with_columns(
        pl.when(pl.col("date_note").is_null())
        .then(pl.col("scoring_note"))
        .when(note == "")
        .then(pl.lit(SIGNED_DAYS))
        .otherwise(pl.concat_str(note, pl.lit("；" + SIGNED_DAYS)))
        .alias("scoring_note")
    )
