"""Scoring speed: 5,000 agencies × 1 year of synthetic values built directly in DuckDB.

Prints the median of 5 runs of assess.score_year under the default scheme (target < 1 s).
Not a test: run `python bench/score_bench.py [--agencies N]`.
"""

from __future__ import annotations

import argparse
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


def synthesise(con: duckdb.DuckDBPyConnection, n: int) -> int:
    """n agencies in 4 peer groups, one std2021 report each with every std key; returns rows."""
    ensure_schema(con)
    con.execute("""INSERT INTO agencies (agency_id, name, level, kind, peer_group, confirmed)
        SELECT 'A' || i, '机关' || i, '县', 'department', 'G' || (i % 4), true FROM range($n) t(i)""",
                {"n": n})
    con.execute("""INSERT INTO reports (report_id, agency_id, year, version, is_current, template,
            days_late, source_path, sha256, format, parser_version, loaded_at, text_fingerprint)
        SELECT i + 1, 'A' || i, $year, 1, true, $t, (hash(i) % 40)::INT - 10, 'x', 'sha' || i, 'text',
               'bench', now(), 'fp' || (i % 7)
        FROM range($n) t(i) WHERE i % 50 <> 0""", {"n": n, "year": YEAR, "t": STD_TEMPLATES[0]})
    keys = sorted(set(keys_for(STD_TEMPLATES[0])) | set(source_keys()) - {k for k in source_keys() if k.startswith("legacy.")})
    con.execute("""INSERT INTO report_values (report_id, key, value, source)
        SELECT r.report_id, k.key, (hash(r.report_id, k.key) % 60)::DOUBLE, 'table'
        FROM reports r CROSS JOIN (SELECT unnest($keys) AS key) k""", {"keys": keys})
    con.execute("""INSERT INTO findings (report_id, rule, severity, message)
        SELECT report_id, 't3.row_total', 'warning', 'x' FROM reports WHERE report_id % 9 = 0""")
    return con.sql("SELECT count(*) FROM report_values").fetchall()[0][0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--agencies", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    con = duckdb.connect()
    t0 = time.perf_counter()
    rows = synthesise(con, args.agencies)
    print(f"synthesised {args.agencies} agencies, {rows:,} values in {time.perf_counter() - t0:.2f} s")
    scheme = load_scheme(ROOT / "data" / "schemes" / "default.toml")
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        scores = score_year(con, YEAR, scheme)
        times.append(time.perf_counter() - t)
    med = statistics.median(times)
    print(f"score_year: {scores.height} agencies scored; median of {args.runs} runs "
          f"{med:.3f} s (min {min(times):.3f}, max {max(times):.3f}); target < 1 s: "
          f"{'OK' if med < 1 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
