"""What each page shows when first opened after a load, computed by the load's step and kept
beside the scores (dashboard.kept), so no first view pays for it (issue 25).

`store_default_views` runs from the CLI layer right after assess.stored.store_years
(gongkai/commands/load.py: store_scores), on the database as the dashboard opens it. It calls
the functions the pages call (dashboard.runs for the ranking and the 排名总览 summary, the
queries/ functions of dashboard/cached.py with the pages' default arguments), so a stored
frame is the frame the page would compute. The default views: the default year and the year
before when it has reports (the sidebar's default, and the year 对比 looks back to), all peer
groups, under the office's default scheme; 单位画像 on the ranking's first agency, as the page
opens. Anything else (another group, year, sort or scheme) is computed by its page as before.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

import queries
from assess import stored
from dashboard import kept, runs

REVIEW_SORT = "corrected_total"  # 复议诉讼's default order (dashboard/views/review.py)


def year_queries(year: int) -> list[tuple]:
    """(query, arguments) of the pages' default views of `year`, all peer groups."""
    every = {"year": year, "peer_group": None}
    return [
        (queries.missing_reports, every),  # 排名总览, 数据质量
        (queries.review_litigation, {**every, "sort": REVIEW_SORT}),  # 复议诉讼
        (queries.findings, {**every, "agency_id": None}),  # 数据质量
        (queries.findings_summary, every),
        (queries.finding_tally, every),
        (queries.late_reports, every),
        (queries.copied_reports, every),
    ]


def agency_queries(agency_id: str, peer_group: str | None) -> list[tuple]:
    """单位画像's queries of one agency (dashboard/views/profile.py)."""
    found = [
        (queries.agency_profile, {"agency_id": agency_id}),
        (queries.findings, {"year": None, "agency_id": agency_id, "peer_group": None}),
    ]
    if peer_group:
        found.append((queries.peer_median, {"peer_group": peer_group}))
    return found


SHARED = [  # no year: the sidebar's lists, 复议诉讼's trend, 数据质量's load errors
    (queries.agencies, {}),
    (queries.review_litigation_trend, {"peer_group": None}),
    (queries.load_errors, {}),
]


def first_agency(ranked: pl.DataFrame) -> tuple[str, str | None] | None:
    """(agency, peer group) 单位画像 opens on: the ranking's first agency with a report."""
    first = ranked.filter(~pl.col("missing").fill_null(False)).head(1)
    return (first["agency_id"][0], first["peer_group"][0]) if first.height else None


def store_default_views(con, db_path: str | Path, scheme: str | Path) -> int:
    """Compute and store the default views' frames (see the module's doc) of the database at
    `db_path` on `con` (attached as the dashboard attaches it: workflow.reports_db.open_reports
    with attached=True); frames of older builds are removed. Returns how many were stored
    (0 when the cache folder cannot be written or there is no report; a frame not stored is
    computed by its page, as before)."""
    from assess.scheme import scheme_fingerprint

    scheme, content_hash = str(scheme), scheme_fingerprint(scheme)
    inputs = stored.inputs_key(con, db_path)
    # the memo's version of the database (dashboard.runs): what the inputs are, so a process
    # storing twice (a second load, tests) never takes the first build's ranking from memory
    v = f"stored-{inputs}"
    build = stored.build_stamp(con)
    cur = runs.cursor_of(con)
    year, reported = queries.default_year(cur), set(queries.years(cur))
    if year is None:
        return 0
    frames: dict[str, object] = {}  # key -> frame(s); a query of both years is stored once
    for fn, params in SHARED:
        frames[kept.query_key(inputs, fn, params)] = fn(cur, **params)
    # the year before only when it has reports: its ranking reads the year before it, which
    # the load stored then (assess.stored.years_to_store), so nothing is scored here
    for y in [y for y in (int(year), int(year) - 1) if y in reported]:
        ranked = runs.ranked(con, db_path, v, y, scheme, content_hash)
        frames[runs.ranking_key(inputs, y, content_hash)] = ranked
        leader = runs.leader_frames(con, db_path, v, y, scheme, content_hash)
        frames[runs.leader_key(inputs, y, content_hash)] = leader
        todo = year_queries(y)
        first = first_agency(ranked)
        if first:
            todo += agency_queries(*first)
            for fn in (queries.score_detail, queries.score_steps):
                k = runs.points_key(inputs, fn, y, content_hash, first[0])
                frames[k] = runs.agency_points(
                    con, db_path, v, y, scheme, content_hash, first[0], fn
                )
        for fn, params in todo:
            k = kept.query_key(inputs, fn, params)
            if k not in frames:
                frames[k] = fn(cur, **params)
    written = sum(kept.write(db_path, k, value, build) for k, value in frames.items())
    stored.prune(db_path, build, kind=kept.PREFIX)
    return written
