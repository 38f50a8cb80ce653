"""Review and lawsuit outcomes across agencies and years."""

from __future__ import annotations

import polars as pl

from queries import labels
from queries.base import figures_cte, run_query, scope_params

# Only the review and lawsuit columns are pivoted (a third of the full figures: 复议诉讼 took
# ≈1 s of CPU at 100,000 reports with every column).
REVIEW_CTE = figures_cte(
    columns=tuple(
        f"{g}_{o}"
        for g in ("review", "suit")
        for o in ("total", "upheld", "corrected", "other", "pending")
    ),
    rates=("review_correction_rate", "suit_correction_rate", "corrected_total"),
)
REVIEW_BY_AGENCY_SQL = f"""
WITH {REVIEW_CTE}
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
WITH {REVIEW_CTE}
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


def review_litigation(
    con, *, year: int, peer_group: str | None = None, sort: str = "corrected_total"
) -> pl.DataFrame:
    """Agencies with any review or lawsuit in `year`, most corrected first (sort from labels.SORTS)."""
    order = labels.SORTS[sort]
    return run_query(
        con, REVIEW_BY_AGENCY_SQL.format(order=order), scope_params(year, None, peer_group)
    )


def review_litigation_trend(con, *, peer_group: str | None = None) -> pl.DataFrame:
    """Province (or peer group) totals of reviews and lawsuits per year."""
    return run_query(con, REVIEW_TREND_SQL, scope_params(None, None, peer_group))
