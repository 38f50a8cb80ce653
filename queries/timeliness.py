"""发布及时性: when each agency of the province published its report against the law's deadline
(the date counted as etl.deadlines.counted_date stores it), and the same per agency kind.

Split from queries/quality.py (the findings and the annual quality check) so each stays short.
"""

from __future__ import annotations

import polars as pl

from queries.base import run_query

PUBLICATION_SQL = """
SELECT a.agency_id, a.name AS agency_name, a.kind, a.level, a.peer_group,
       r.report_id, __DATE_R__, r.deadline, __LATE_DAYS_R__ AS days_late
FROM agencies a
LEFT JOIN current_reports r ON r.agency_id = a.agency_id AND r.year = $year
WHERE (a.confirmed OR r.report_id IS NOT NULL)
  AND ($peer_group IS NULL OR a.peer_group = $peer_group)
  AND ($home::VARCHAR[] IS NULL OR a.agency_id IN (SELECT unnest($home::VARCHAR[])))
ORDER BY a.kind, r.counted_date NULLS LAST, a.name
"""
LAST_DAYS = 5  # "bunched before the deadline": published within the last 5 days up to it


def publication_dates(con, *, year: int, peer_group: str | None = None) -> pl.DataFrame:
    """Every registered agency of the year: kind, published, deadline (the law's, by kind, also
    for the unpublished), days_late, status (按时 / 期限前5天内 / 逾期 / 日期不明 / 未发布)."""
    from etl.deadlines import deadline_for

    df = run_query(con, PUBLICATION_SQL, {"year": year, "peer_group": peer_group})
    df = df.with_columns(
        pl.col("kind")
        .map_elements(lambda k: deadline_for(k, year), return_dtype=pl.Date)
        .alias("legal_deadline")
    )
    return df.with_columns(
        pl.coalesce("deadline", "legal_deadline").alias("deadline"),
        pl.when(pl.col("report_id").is_null())
        .then(pl.lit("未发布"))
        .when(pl.col("days_late").is_null())
        .then(pl.lit("日期不明"))
        .when(pl.col("days_late") > 0)
        .then(pl.lit("逾期"))
        .when(pl.col("days_late") > -LAST_DAYS)
        .then(pl.lit(f"期限前{LAST_DAYS}天内"))
        .otherwise(pl.lit("按时"))
        .alias("status"),
    ).drop("legal_deadline")


def timeliness_by_kind(con, *, year: int, peer_group: str | None = None) -> pl.DataFrame:
    """Per agency kind: agencies, published, on time, in the last 5 days (and their share of the
    dated reports), late, date unknown, unpublished, the deadline and the median days before it."""
    df = publication_dates(con, year=year, peer_group=peer_group)
    dated = pl.col("days_late").is_not_null()
    out = df.group_by("kind").agg(
        pl.len().alias("agencies"),
        pl.col("report_id").is_not_null().sum().alias("published_reports"),
        (dated & (pl.col("days_late") <= 0)).sum().alias("on_time"),
        (pl.col("status") == f"期限前{LAST_DAYS}天内").sum().alias("last_days"),
        (pl.col("status") == "逾期").sum().alias("late"),
        (pl.col("status") == "日期不明").sum().alias("date_unknown"),
        (pl.col("status") == "未发布").sum().alias("unpublished"),
        dated.sum().alias("dated"),
        pl.col("deadline").max().alias("deadline"),
        (-pl.col("days_late")).median().alias("median_days_before"),
    )
    return out.with_columns(
        pl.when(pl.col("dated") > 0)
        .then(100.0 * pl.col("last_days") / pl.col("dated"))
        .alias("last_days_share"),
    ).sort("kind")
