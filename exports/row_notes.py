"""The 汇总's 计分说明: per unit, what its row's blanks and odd pairs mean, in words.

A blank cell on the sheet is N/A (note 7), so a row needs words where a cell is not plain N/A:
a value shown but not scored (too few cases, small_sample = "missing"), a score without a value
(a peer median scored in its place), a flagged small sample that was scored anyway, an N/A
scored 0 (missing = "zero"), and a unit without a report (no indicator is listed at all). The
facts come from the scoring run's long rows (assess.score), never recomputed.
"""

from __future__ import annotations

import polars as pl

NO_REPORT = "未发布年报，不列指标得分，总分按否决规则计"


def _number(value: float, unit: str) -> str:
    return f"{round(value, 2):g}{unit}"


def indicator_note(r: dict, min_cases: int) -> str:
    """One weighted indicator of one unit in words, or "" when its cells speak for themselves."""
    name, unit = r["indicator_name"], r["unit"] or ""
    too_few = f"样本仅 {r['cases']:g} 件（不足 {min_cases} 件）" if r["small_sample"] else ""
    median = f"按同组中位数 {_number(r['value_scored'], unit)} 计分" if r["imputed"] else ""
    if too_few and r["value"] is not None and (r["points"] is None or r["imputed"]):
        return f"{name}{too_few}，不计分" + (f"，{median}" if median else "")
    if median:
        return f"{name}无数据，{median}"
    if too_few:
        return f"{name}{too_few}，照常计分"
    if r["value_scored"] is None and r["points"] is not None:
        return f"{name}无数据，计 0 分"
    return ""


def scoring_notes(indicators: pl.DataFrame, min_cases: int) -> pl.DataFrame:
    """agency_id, scoring_note: the row's 计分说明 ("" when nothing needs saying)."""
    weighted = indicators.filter(pl.col("kind").is_in(["linear", "rank", "deduction"]))
    notes: dict[str, list[str]] = {}
    for r in indicators.unique("agency_id", maintain_order=True).iter_rows(named=True):
        notes[r["agency_id"]] = [NO_REPORT] if r["missing"] else []
    for r in weighted.filter(~pl.col("missing")).iter_rows(named=True):
        note = indicator_note(r, min_cases)
        if note:
            notes[r["agency_id"]].append(note)
    return pl.DataFrame(
        {"agency_id": list(notes), "scoring_note": ["；".join(n) for n in notes.values()]},
        schema={"agency_id": pl.String, "scoring_note": pl.String},
    )
