"""Figures and rates per report, an agency across years, peer medians, the source behind a number."""

from __future__ import annotations

import polars as pl

from queries import labels
from queries.base import FIGURES_CTE, run_query, scope_params

FIGURES_SQL = f"WITH {FIGURES_CTE} SELECT * EXCLUDE (text_fingerprint) FROM rates ORDER BY year DESC, agency_name"


def figures(
    con, *, year: int | None = None, agency_id: str | None = None, peer_group: str | None = None
) -> pl.DataFrame:
    """One row per current report: unified request/outcome/review figures and rates
    (days_late 0 for a report published on time or early)."""
    df = run_query(con, FIGURES_SQL, scope_params(year, agency_id, peer_group))
    return df.with_columns(pl.col("days_late").clip(lower_bound=0))


def agency_profile(con, *, agency_id: str) -> pl.DataFrame:
    """One agency across all years (oldest first): figures, rates, lateness."""
    return figures(con, agency_id=agency_id).sort("year")


AGENCY_VALUES_SQL = """
SELECT v.year, v.report_id, v.template, v.key, v.value, v.raw, v.blank, v.source
FROM current_values v
WHERE v.agency_id = $agency_id AND ($prefix IS NULL OR starts_with(v.key, $prefix))
ORDER BY v.key, v.year
"""


def agency_values(con, *, agency_id: str, prefix: str | None = None) -> pl.DataFrame:
    """Long values of one agency, all years; `prefix` e.g. 't2.' for 表二."""
    df = run_query(con, AGENCY_VALUES_SQL, {"agency_id": agency_id, "prefix": prefix})
    return df.with_columns(
        pl.col("key").map_elements(labels.key_label, return_dtype=pl.String).alias("label")
    )


PEER_MEDIAN_SQL = f"""
WITH {FIGURES_CTE}
SELECT year, peer_group, count(*) AS agencies,
       median(completion_rate) AS completion_rate, median(on_time_rate) AS on_time_rate,
       median(disclosure_rate) AS disclosure_rate, median(requests) AS requests,
       median(corrected_total) AS corrected_total,
       median(review_correction_rate) AS review_correction_rate,
       median(suit_correction_rate) AS suit_correction_rate, median(days_late) AS days_late
FROM rates GROUP BY year, peer_group ORDER BY year
"""


def peer_median(con, *, peer_group: str, year: int | None = None) -> pl.DataFrame:
    """Median figures of a peer group per year (all years when `year` is None)."""
    return run_query(con, PEER_MEDIAN_SQL, scope_params(year, None, peer_group))


# ---------------------------------------------------------------- source text

REPORT_KEYS_SQL = """
SELECT key, value FROM report_values WHERE report_id = $report_id ORDER BY key
"""
VALUE_SOURCE_SQL = """
SELECT r.report_id, r.agency_id, r.year, r.template, r.source_path, r.format,
       v.key, v.value, v.raw, v.blank, v.source, v.location
FROM reports r JOIN report_values v USING (report_id)
WHERE r.report_id = $report_id AND v.key = $key
"""


def report_keys(con, *, report_id: int) -> pl.DataFrame:
    df = run_query(con, REPORT_KEYS_SQL, {"report_id": report_id})
    return df.with_columns(
        pl.col("key").map_elements(labels.key_label, return_dtype=pl.String).alias("label")
    )


def value_source(con, *, report_id: int, key: str) -> pl.DataFrame:
    """The printed cell/sentence behind one number, with its location (JSON, see
    queries.source.location) and file (0 or 1 row)."""
    return run_query(con, VALUE_SOURCE_SQL, {"report_id": report_id, "key": key})


def province_trend(con, *, peer_group: str | None = None) -> pl.DataFrame:
    """Per year over the office's own agencies: reports, median 办结率 / 公开率, share of late reports (%)."""
    from queries.lists import home_agencies

    fig = figures(con, peer_group=peer_group)
    home = home_agencies(con)
    if home is not None:
        fig = fig.filter(pl.col("agency_id").is_in(sorted(home)))
    return (
        fig.group_by("year")
        .agg(
            pl.len().alias("reports"),
            pl.col("completion_rate").median(),
            pl.col("disclosure_rate").median(),
            (100.0 * (pl.col("days_late").fill_null(0) > 0).mean()).alias("late_share"),
        )
        .sort("year")
    )


def compare_agencies(con, *, agency_ids: list[str]) -> pl.DataFrame:
    """Figures of several agencies across all years (agency, then year)."""
    if not agency_ids:
        return figures(con).head(0)
    return pl.concat([figures(con, agency_id=a) for a in agency_ids], how="vertical_relaxed").sort(
        "agency_name", "year"
    )


def two_year_table(
    rows, first: int, second: int, show, templates=("—", "—"), as_shown=None
) -> pl.DataFrame:
    """Two years of one agency side by side in the order the user picked them (年度一, 年度二),
    and their change: always the newer year minus the older, whichever was picked first, and
    the header says so (a fall from 86.81 to 60.00 is −26.81 under 变化（2024 年度减 2023 年度）).

    `rows`: (item, kind, value in `first`, value in `second`[, change]); a row may bring its own
    `change(older, newer)`: 排名 uses queries.leader.rank_change (+ = rose, as on every other
    page), so 5th → 2nd reads +3. `show(value, kind, signed)` writes every value and change (the
    caller's one formatting definition: the page passes the export's), None as "—".
    `as_shown(value, kind)` is the number a reader sees in the cell (94.63 shown 94.6%): the
    change is taken between those, so 94.6% → 94.9% reads +0.3 and checks by hand."""
    older, newer = sorted((first, second))
    swap = first > second  # the values stand in the user's order; the change reads older → newer

    def change(row) -> str:
        a, b = (row[3], row[2]) if swap else (row[2], row[3])
        if a is None or b is None:
            return ""
        if len(row) > 4:
            return show(row[4](a, b), row[1], True)
        seen = as_shown or (lambda v, _kind: float(v))
        diff = seen(b, row[1]) - seen(a, row[1])
        return show(diff, row[1], True)

    header = f"变化（{newer} 年度减 {older} 年度）"
    one, two = f"{first} 年度", f"{second} 年度"
    return pl.DataFrame(
        {
            "项目": [r[0] for r in rows] + ["模板"],
            one: [show(r[2], r[1], False) for r in rows] + [templates[0]],
            two: [show(r[3], r[1], False) for r in rows] + [templates[1]],
            header: [change(r) for r in rows] + [""],
        },
        schema={"项目": pl.String, one: pl.String, two: pl.String, header: pl.String},
    )


def comparison_years(years, year: int) -> tuple[int, int]:
    """The two years 单位画像 · 对比 opens on for an agency with reports in `years`: the selected
    `year` (or the agency's newest year before it, else its oldest) and the agency's year just
    before that one (newer, older); the same year twice only when it has a single report."""
    have = sorted(set(years))
    if not have:
        raise ValueError("an agency without reports has no years to compare")
    up_to = [y for y in have if y <= year]
    newer = up_to[-1] if up_to else have[0]
    before = [y for y in have if y < newer]
    after = [y for y in have if y > newer]
    if before:
        return newer, before[-1]
    return (after[0], newer) if after else (newer, newer)
