"""Where each figure of the 排名总览 ranking comes from: the printed cell a person checks first, or
the 单位画像 tab that shows a figure no cell prints (dates, findings). One SQL lookup of which
cells each report printed; the rest is polars over the frames the page already holds."""

from __future__ import annotations

import polars as pl

from etl.fields import FIELDS
from queries.leader import STEADY

# The printed cell that stands for a metric, best first (the first one the report has is used):
# the numerator a person checks first. Metrics without a cell (dates, findings) open a tab.
FOCUS_KEYS = {
    "completion_rate": ("t3.processed.total", "legacy.completed"),
    "on_time_rate": ("legacy.completed_on_time",),
    "disclosure_rate": ("t3.granted.total", "legacy.answer_granted"),
    "carryover_rate": ("t3.carried_out.total", "t3.carried_in.total"),
    "corrected_count": (
        "t4.review.corrected",
        "t4.suit_direct.corrected",
        "t4.suit_after_review.corrected",
        "legacy.review_corrected",
        "legacy.suit_corrected",
    ),
}
assert all(k in FIELDS for keys in FOCUS_KEYS.values() for k in keys), "FOCUS_KEYS: undeclared"
# A metric read from no cell: the profile tab where it is shown.
FOCUS_TABS = {"days_late": "办理情况", "identity_findings": "问题", "repeat_share_prev": "问题"}
# ... and the figure of that tab to mark there (a date is printed in no table cell).
FOCUS_MARKS = {"days_late": "days_late"}
# Grid column -> the metric whose cell it shows.
COLUMN_METRICS = {
    "completion_rate": "completion_rate",
    "on_time_rate": "on_time_rate",
    "disclosure_rate": "disclosure_rate",
    "review_corrected": "corrected_count",
    "suit_corrected": "corrected_count",
    "days_late": "days_late",
    "errors": "identity_findings",
}

PRINTED_SQL = """
SELECT report_id, key FROM report_values
WHERE list_contains($ids, report_id) AND list_contains($keys, key)
"""
FOCUS_SCHEMA = {
    "agency_id": pl.String,
    "figure": pl.String,
    "indicator": pl.String,
    "tab": pl.String,
    "key": pl.String,
    "mark": pl.String,
}


def _biggest_loss(assessment) -> dict[str, str]:
    """agency_id -> the weighted indicator that cost it most points this year."""
    ind = assessment.indicators
    if ind.is_empty():
        return {}
    lost = (
        ind.filter(
            pl.col("kind").is_in(["linear", "rank", "deduction"]) & (pl.col("lost") >= STEADY)
        )
        .sort("lost", "indicator", descending=[True, False])
        .group_by("agency_id", maintain_order=True)
        .first()
    )
    return dict(zip(lost["agency_id"], lost["indicator"]))


def focus_cells(con, ranked: pl.DataFrame, assessment, scheme, causes: pl.DataFrame):
    """Where each figure of the ranking comes from, one row per (agency, figure):
    agency_id, figure (a ranking column: score, rank_change, completion_rate, …), indicator (the
    scheme's indicator name behind it, or null), tab (the 单位画像 tab to open), key (the
    printed cell to mark in 原文, or null when the figure has no one cell) and mark (the figure
    to mark on that tab when no cell prints it: days_late for 年报发布及时性, else null).

    score: the indicator that cost the agency most points; rank_change: the indicator that moved
    most (move_causes), or the two years side by side (对比) when the move came from an
    unpublished or vetoed year; rates and counts: their FOCUS_KEYS cell the report printed.
    """
    inds = {i.id: i for i in scheme.indicators}
    loss = _biggest_loss(assessment)
    cause = dict(zip(causes["agency_id"], causes["cause_indicator"]))
    reports = ranked.filter(pl.col("report_id").is_not_null())
    keys = sorted({k for ks in FOCUS_KEYS.values() for k in ks})
    printed = con.sql(
        PRINTED_SQL, params={"ids": [int(r) for r in reports["report_id"]], "keys": keys}
    ).fetchall()
    has: dict[int, set[str]] = {}
    for rid, key in printed:
        has.setdefault(rid, set()).add(key)
    rows = []
    for agency, rid in ranked.select("agency_id", "report_id").iter_rows():
        for figure, ind_id, fallback in (
            ("score", loss.get(agency), "评分"),
            ("rank_change", cause.get(agency), "对比"),
        ):
            ind = inds.get(ind_id) if ind_id else None
            place = _place(ind.metric if ind else None, has.get(rid), fallback)
            rows.append((agency, figure, ind.name if ind else None, *place))
        for figure, metric in COLUMN_METRICS.items():
            rows.append((agency, figure, None, *_place(metric, has.get(rid), "办理情况")))
    return pl.DataFrame(rows, schema=FOCUS_SCHEMA, orient="row")


def _place(metric: str | None, printed: set[str] | None, fallback: str) -> tuple:
    """(tab, key, mark) for a metric in a report that printed `printed` (None: no report)."""
    if printed is None:
        return "办理情况", None, None
    for key in FOCUS_KEYS.get(metric or "", ()):
        if key in printed:
            return "原文", key, None
    return FOCUS_TABS.get(metric or "", fallback), None, FOCUS_MARKS.get(metric or "")
