"""Server-side time of each dashboard page's first view after a load, at scale.

Synthesises AGENCIES x YEARS agency-years (default 5,264 x 10, 5% unreported = 50,008) straight
into DuckDB (std2021 表三/表四 totals, a few findings, fingerprints, the build stamp a load
writes), opens it as the dashboard does and prints, per page, the median of REPEATS first views
(a fresh connection, nothing in the process's memory): first with no scores stored (every first
view scores what it needs, as before the load stored them), then after the load's step
(assess.stored.store_years, then dashboard.default_views.store_default_views, timed) has stored
every year and the pages' default views (the default year, 单位画像 on the ranking's first
agency). Not a test: it prints figures.

    .venv/bin/python bench/dashboard_bench.py [--agencies 5264] [--years 10] [--repeats 5]
    .venv/bin/python bench/dashboard_bench.py --db /tmp/grow/grow.duckdb  # a loaded database
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import queries  # noqa: E402
from assess import stored  # noqa: E402
from assess.scheme import scheme_fingerprint  # noqa: E402
from dashboard import default_views, memo, runs  # noqa: E402
from etl.building_copy import stamp_build  # noqa: E402
from etl.schema import ensure_schema  # noqa: E402

SCHEME = ROOT / "data" / "schemes" / "default.toml"
T3 = [
    "new",
    "carried_in",
    "granted",
    "partial",
    "denied.third_party",
    "unable.not_held",
    "rejected.duplicate",
    "other.other",
    "processed",
    "carried_out",
]
T4 = [
    f"{g}.{o}"
    for g in ("review", "suit_direct", "suit_after_review")
    for o in ("upheld", "corrected", "other", "pending", "total")
]


def build(path: Path, agencies: int, years: int) -> None:
    con = duckdb.connect(str(path))
    ensure_schema(con)
    first = 2025 - years + 1
    con.execute(
        """
        INSERT INTO agencies SELECT 'A' || lpad(i::TEXT, 6, '0'), '单位' || i, NULL,
            ['省','市','县'][1 + i % 3], CASE WHEN i % 4 = 0 THEN 'government' ELSE 'department' END,
            -- of the office's province (data/office.toml: 示范省), one in 25 a reference
            -- agency of another (etl.scope): only the province is scored and ranked
            CASE WHEN i % 25 = 0 THEN '参照省' ELSE '示范省' END, '组' || (i % 12), TRUE
        FROM range($n) t(i)""",
        {"n": agencies},
    )
    con.execute(
        """
        INSERT INTO reports (report_id, agency_id, year, version, is_current, template, published,
                             deadline, days_late, source_path, sha256, format, parser_version,
                             loaded_at, text_fingerprint)
        SELECT row_number() OVER (), a.agency_id, y, 1, TRUE, 'std2021',
               make_date(y + 1, 1, 15) + (hash(a.agency_id, y) % 40)::INT,
               make_date(y + 1, 1, 31), (hash(a.agency_id, y) % 40)::INT - 16,
               'bench/' || a.agency_id || '_' || y || '.pdf', md5(a.agency_id || y), 'pdf', 'bench',
               now(), CASE WHEN hash(a.agency_id, y) % 50 = 0 THEN 'same' ELSE md5(a.agency_id || y) END
        FROM agencies a, range($first, $last) t(y)
        WHERE hash(a.agency_id, y) % 20 <> 0""",
        {"first": first, "last": 2026},
    )
    keys = [f"t3.{r}.total" for r in T3] + [f"t4.{k}" for k in T4]
    con.execute(
        "CREATE TEMP TABLE k AS SELECT unnest($keys) AS key, generate_subscripts($keys, 1) AS n",
        {"keys": keys},
    )
    con.execute("""
        INSERT INTO report_values (report_id, key, value, raw, blank, source, location)
        SELECT r.report_id, k.key, (hash(r.report_id, k.n) % 60)::DOUBLE,
               ((hash(r.report_id, k.n) % 60))::TEXT, FALSE, 'table', '{"page": 3, "table": 2}'
        FROM reports r, k""")
    con.execute("""
        INSERT INTO findings (report_id, rule, severity, cells, expected, actual, message,
                              category, place, responsibility)
        SELECT report_id, 't3.balance', 'warning', '["t3.new.total"]', 10, 12,
               'new + carried_in != processed + carried_out', 'data', 'T3', 'report'
        FROM reports WHERE report_id % 17 = 0""")
    stamp_build(con)  # as every load does before it swaps the file in
    con.close()


def timed(fn, repeats: int, before=None) -> tuple[float, float]:
    """Median (wall, CPU of this process) seconds of `fn()`; `before()` (not timed) runs ahead of
    each. The CPU time is what the step costs when the machine is shared (wall grows with the
    load average; CPU sums DuckDB's threads, so it can exceed wall on a quiet machine)."""
    walls, cpus = [], []
    for _ in range(repeats):
        if before:
            before()
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def _show(name: str, times: tuple[float, float]) -> None:
    print(f"{times[0] * 1000:9.1f} ms wall {times[1] * 1000:9.1f} ms CPU  {name}", flush=True)


def connect(db: Path):
    """The database as dashboard.data.connect opens it: attached read-only to a fresh in-memory
    instance, the analysts' corrections (none here) attached over it."""
    from workflow.overlay import attach_corrections

    con = duckdb.connect(":memory:")
    con.execute("ATTACH ? AS gongkai (READ_ONLY)", [str(db)])
    con.execute(runs.USE)
    attach_corrections(con, db)
    return con


def default_view(db: Path) -> tuple[int, str, str]:
    """(year, agency, peer group) the pages open on: the default year, 单位画像 on the ranking's
    first agency (dashboard.default_views.first_agency)."""
    memo.forget()
    con = connect(db)
    year = queries.default_year(runs.cursor_of(con))
    ranked = runs.ranked(con, db, 1, year, str(SCHEME), scheme_fingerprint(SCHEME))
    con.close()
    shutil.rmtree(stored.cache_dir(db), ignore_errors=True)
    return (int(year), *default_views.first_agency(ranked))


def first_views(db: Path, year: int, agency: str, group: str) -> dict:
    """What each page runs on the server the first time it is viewed after a load, as
    dashboard/data.py calls it: a fresh connection, nothing in the process's memory (the
    scoring runs come from disk when the load stored them, else they are scored)."""
    scheme = str(SCHEME)
    h = scheme_fingerprint(scheme)

    def fresh():
        memo.forget()
        return connect(db)

    def q(con, fn, **params):  # as dashboard/cached.py asks: stored for a default view, else run
        return runs.query(con, db, 1, fn, **params)

    def ranking_page():
        con = fresh()
        runs.ranked(con, db, 1, year, scheme, h)
        runs.leader_frames(con, db, 1, year, scheme, h)
        q(con, queries.missing_reports, year=year, peer_group=None)

    def profile_page():
        con = fresh()
        q(con, queries.agencies)
        runs.ranked(con, db, 1, year, scheme, h)  # the page opens on the ranking's first agency
        q(con, queries.agency_profile, agency_id=agency)
        q(con, queries.agency_values, agency_id=agency, prefix="t2.")
        q(con, queries.findings, year=None, agency_id=agency, peer_group=None)
        q(con, queries.peer_median, peer_group=group)
        for fn in (queries.score_detail, queries.score_steps):
            runs.agency_points(con, db, 1, year, scheme, h, agency, fn)

    def review_page():
        con = fresh()
        q(con, queries.review_litigation_trend, peer_group=None)
        q(con, queries.review_litigation, year=year, peer_group=None, sort="corrected_total")

    def quality_page():
        con = fresh()
        for fn in (queries.findings, queries.findings_summary, queries.finding_tally):
            q(con, fn, year=year, peer_group=None)
        q(con, queries.late_reports, year=year, peer_group=None)
        q(con, queries.load_errors)
        q(con, queries.missing_reports, year=year, peer_group=None)
        q(con, queries.copied_reports, year=year, peer_group=None)

    def sidebar():
        con = fresh()
        cur = runs.cursor_of(con)
        queries.years(cur)
        queries.default_year(cur)
        queries.peer_groups(cur)
        q(con, queries.agencies)

    return {
        "sidebar (years, default year, peer groups, agencies)": sidebar,
        "排名总览 (ranking of this and last year's runs, summary, causes, missing)": ranking_page,
        "单位画像 (ranking's first agency, profile, 表二, findings, peer median, breakdown)": (
            profile_page
        ),
        "复议诉讼 (trend + by agency)": review_page,
        "数据质量 (findings, summary, tally, errors, late, missing, copied)": quality_page,
    }


def store_and_time(db: Path, repeats: int) -> None:
    """The load's step on `db` (every year's scores, then the pages' default views), timed, then
    each page's first view after it."""
    pages = first_views(db, *default_view(db))
    t = time.perf_counter()
    con = connect(db)
    years = stored.store_years(runs.cursor_of(con), db, SCHEME)
    t_views = time.perf_counter()
    memo.forget()
    views = default_views.store_default_views(con, db, SCHEME)
    con.close()
    print(
        f"\nthe load's step: {len(years)} years scored and stored in "
        f"{t_views - t:.1f} s, {views} frames of the pages' default views in "
        f"{time.perf_counter() - t_views:.1f} s; then:"
    )
    for name, fn in pages.items():
        fn()
        _show(name, timed(fn, repeats))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"load average {os.getloadavg()[0]:.1f} at the end; this process's peak RSS {peak:,.0f} MiB"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agencies", type=int, default=5264)  # x 10 years x 95% reported = 50,008
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument(
        "--db",
        type=Path,
        help="time a database `gongkai load` built (e.g. bench/scale_grow.py's) instead of a "
        "synthesised one: the load's step is run again on it, then the first views",
    )
    args = ap.parse_args()
    if args.db:
        con = duckdb.connect(str(args.db), read_only=True)
        n = con.sql("SELECT count(*) FROM reports").fetchall()[0][0]
        con.close()
        print(f"{args.db}: {n:,} reports; load average {os.getloadavg()[0]:.1f}")
        store_and_time(args.db, args.repeats)
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        t = time.perf_counter()
        build(db, args.agencies, args.years)
        con = duckdb.connect(str(db), read_only=True)
        n = con.sql("SELECT count(*) FROM reports").fetchall()[0][0]
        v = con.sql("SELECT count(*) FROM report_values").fetchall()[0][0]
        con.close()
        print(
            f"synthesised {n:,} agency-years ({args.agencies:,} agencies x {args.years} years, "
            f"5% missing), {v:,} values in {time.perf_counter() - t:.1f} s"
        )
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(
            f"duckdb {duckdb.__version__}; median of {args.repeats} runs, server side (no "
            "rendering); each run a first view after a load: fresh connection, empty memory\n"
        )
        pages = first_views(db, *default_view(db))
        print("scores not stored (every first view scores what it needs):")
        forget = lambda: shutil.rmtree(stored.cache_dir(db), ignore_errors=True)  # noqa: E731
        for name, fn in pages.items():
            fn()
            _show(name, timed(fn, args.repeats, forget))
        store_and_time(db, args.repeats)


if __name__ == "__main__":
    main()
