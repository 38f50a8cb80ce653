"""Scoring speed: 5,000 agencies × 1 year of synthetic values built directly in DuckDB.

Prints the median and min of 5 runs of assess.score_year under the default scheme, the ratio
of the median to the 1 s target and the machine load (os.getloadavg: the machine is shared, a
load above the number of cores inflates every figure). With --previous-year the year before
is synthesised too (other values, some reports missing), so the rank change is computed over
a real previous year instead of one with no reports.
Not a test: run `python bench/score_bench.py [--agencies N] [--runs N] [--previous-year]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from assess import load_scheme, score_year  # noqa: E402
from assess.metrics import source_keys  # noqa: E402
from etl.fields import STD_TEMPLATES, keys_for  # noqa: E402
from etl.schema import ensure_schema  # noqa: E402

YEAR = 2024


def synthesise(con: duckdb.DuckDBPyConnection, n: int, previous_year: bool = False) -> int:
    """n agencies in 4 peer groups, one std2021 report each with every std key; returns rows.

    previous_year: also a report for YEAR - 1 for most agencies (values and lateness differ)."""
    ensure_schema(con)
    con.execute(
        """INSERT INTO agencies (agency_id, name, level, kind, peer_group, confirmed)
        SELECT 'A' || i, '机关' || i, '县', 'department', 'G' || (i % 4), true FROM range($n) t(i)""",
        {"n": n},
    )
    con.execute(
        """INSERT INTO reports (report_id, agency_id, year, version, is_current, template,
            days_late, source_path, sha256, format, parser_version, loaded_at, text_fingerprint)
        SELECT i + 1, 'A' || i, $year, 1, true, $t, (hash(i) % 40)::INT - 10, 'x', 'sha' || i, 'text',
               'bench', now(), 'fp' || (i % 7)
        FROM range($n) t(i) WHERE i % 50 <> 0""",
        {"n": n, "year": YEAR, "t": STD_TEMPLATES[0]},
    )
    keys = sorted(
        set(keys_for(STD_TEMPLATES[0]))
        | set(source_keys()) - {k for k in source_keys() if k.startswith("legacy.")}
    )
    con.execute(
        """INSERT INTO report_values (report_id, key, value, source)
        SELECT r.report_id, k.key, (hash(r.report_id, k.key) % 60)::DOUBLE, 'table'
        FROM reports r CROSS JOIN (SELECT unnest($keys) AS key) k""",
        {"keys": keys},
    )
    con.execute("""INSERT INTO findings (report_id, rule, severity, message)
        SELECT report_id, 't3.row_total', 'warning', 'x' FROM reports WHERE report_id % 9 = 0""")
    if previous_year:
        con.execute(
            """INSERT INTO reports (report_id, agency_id, year, version, is_current, template,
                days_late, source_path, sha256, format, parser_version, loaded_at, text_fingerprint)
            SELECT report_id + $n, agency_id, year - 1, 1, true, template, (days_late * 7) % 50,
                   'x', sha256 || '-1', 'text', 'bench', now(), 'fp' || (report_id % 5)
            FROM reports WHERE report_id % 13 <> 0""",
            {"n": n},
        )
        con.execute(
            """INSERT INTO report_values (report_id, key, value, source)
            SELECT v.report_id + $n, v.key, (hash(v.report_id, v.key, 1) % 60)::DOUBLE, 'table'
            FROM report_values v WHERE v.report_id % 13 <> 0""",
            {"n": n},
        )
    return con.sql("SELECT count(*) FROM report_values").fetchall()[0][0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--agencies", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument(
        "--previous-year",
        action="store_true",
        help=f"also synthesise {YEAR - 1} (rank change over a real previous year)",
    )
    args = ap.parse_args()
    con = duckdb.connect()
    t0 = time.perf_counter()
    rows = synthesise(con, args.agencies, args.previous_year)
    years = f"{YEAR - 1}-{YEAR}" if args.previous_year else str(YEAR)
    print(
        f"synthesised {args.agencies} agencies ({years}), {rows:,} values in "
        f"{time.perf_counter() - t0:.2f} s"
    )
    scheme = load_scheme(ROOT / "data" / "schemes" / "default.toml")
    load_before = os.getloadavg()
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        scores = score_year(con, YEAR, scheme)
        times.append(time.perf_counter() - t)
    load_after = os.getloadavg()
    med = statistics.median(times)
    cores = os.cpu_count()
    print(
        f"score_year: {scores.height} agencies scored; {args.runs} runs: median {med:.3f} s, "
        f"min {min(times):.3f} s, max {max(times):.3f} s"
    )
    print(f"median / target (1 s) = {med:.2f}: {'OK' if med < 1 else 'TOO SLOW'}")
    print(
        f"machine load (1/5/15 min) {' '.join(f'{x:.2f}' for x in load_before)} before, "
        f"{' '.join(f'{x:.2f}' for x in load_after)} after, on {cores} cores"
        + (
            "  [busy: figures inflated]"
            if max(load_before[0], load_after[0]) > (cores or 1)
            else ""
        )
    )


if __name__ == "__main__":
    main()
