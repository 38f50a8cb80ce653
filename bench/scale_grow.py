"""National scale as an office grows into it: one corpus, one database, loaded in steps.

`bench/scale.py` loads each N into a fresh database; at 300,000 reports and more that is hours of
both cores per size. Here the corpus of the largest N is generated once and loaded in steps into
the same database (`--steps 100000 200000 300000`): each step hands `gongkai load` the first n
files (sorted by agency and year, so each step adds whole agencies), the files already loaded
are found unchanged by their hash and the new ones parsed, as when an office adds a year or a
region. After each step, in a fresh process (its peak memory is what a dashboard process needs
for the same work): the database's size and rows, scoring a year (assess.score.score_year), and
each dashboard page's first view after the load as `bench/dashboard_bench.py` times it (fresh
connection, empty process memory, the scores the load stored). So a run stopped early still
leaves the steps it finished. Prints figures and writes --results; not a test.

    .venv/bin/python bench/scale_grow.py --steps 100000 200000 300000 --work /tmp/grow \
        --results /tmp/grow.md
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from scale import SCHEME, generate, load, timed  # noqa: E402
from scale_results import machine, mib  # noqa: E402


def corpus(work: Path, n: int) -> tuple[float, list[Path], list[Path]]:
    """The first n files of the corpus in work/corpus, generated once (reused when it holds n)."""
    out = work / "corpus"
    parts = sorted(out.glob("part*/manifest.json"))
    if parts:
        files = []
        for p in parts:
            m = json.loads(p.read_text(encoding="utf-8"))
            files += [(f["agency_code"], f["year"], p.parent / f["file"]) for f in m["files"]]
        if len(files) >= n:
            files.sort()
            return 0.0, [f for _, _, f in files[:n]], [p.parent / "registry.csv" for p in parts]
    return generate(out, n)


def read_step(db: Path, year: int) -> dict:
    """In this (fresh) process: rows, scoring a year, each page's first view (median of 3)."""
    import dashboard_bench
    import duckdb

    import queries
    from assess.scheme import scheme_fingerprint
    from assess.score import score_year
    from dashboard import memo, runs
    from dashboard.default_views import first_agency

    con = duckdb.connect(str(db), read_only=True)
    rows = con.sql(
        "SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM report_values), "
        "(SELECT count(*) FROM findings), (SELECT count(*) FROM agencies)"
    ).fetchall()[0]
    score = timed(lambda: score_year(con.cursor(), year, SCHEME))
    con.close()
    # where the pages open (the default year, 单位画像 on the ranking's first agency), read as
    # the dashboard reads it, without touching what the load stored
    view = dashboard_bench.connect(db)
    shown = queries.default_year(runs.cursor_of(view))
    ranked = runs.ranked(view, db, 1, shown, str(SCHEME), scheme_fingerprint(SCHEME))
    view.close()
    memo.forget()
    pages = {}
    for name, fn in dashboard_bench.first_views(db, shown, *first_agency(ranked)).items():
        fn()  # the first call parses SQL; each timed run is a fresh connection and empty memory
        pages[name.split(" ", 1)[0]] = dashboard_bench.timed(fn, 3)[0]
    return {
        "reports": rows[0],
        "values": rows[1],
        "findings": rows[2],
        "agencies": rows[3],
        "score": score,
        "pages": pages,
        "read_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }


def reads_in_child(db: Path, year: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--read", str(db), "--year", str(year)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if out.returncode:
        raise SystemExit(f"reads failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def write(rows: list[dict], mach: dict, path: Path) -> None:
    pages = list(rows[0]["pages"]) if rows else []
    head = (
        "| reports | step: added | step: load | reports/s | loader peak RSS (largest / tree) "
        "| database | score a year | reads' peak RSS | " + " | ".join(pages) + " |"
    )
    lines = [
        f"Machine: {mach['nproc']} CPUs, {mach['ram_gib']:.1f} GiB, Python {mach['python']}, "
        f"DuckDB {mach['duckdb']}; load average at the start {mach['load'][0]:.1f}.",
        "",
        head,
        "|" + "---:|" * (8 + len(pages)),
    ]
    for r in rows:
        lines.append(
            f"| {r['n']:,} | {r['added']:,} | {r['load_s']:.0f} s | {r['rate']:.0f} | "
            f"{mib(r['rss_max'])} / {mib(r['rss_tree'])} | {r['db_bytes'] / 2**20:,.0f} MiB | "
            f"{r['score'] * 1000:,.0f} ms | {mib(r['read_rss'])} | "
            + " | ".join(f"{r['pages'][p] * 1000:,.0f} ms" for p in pages)
            + " |"
        )
    lines.append("")
    lines += [
        f"After {r['n']:,}: {r['reports']:,} reports, {r['values']:,} values, {r['findings']:,} "
        f"findings, {r['agencies']:,} agencies; load said: {r['summary']}; load average at the "
        f"step's end {r['loadavg']:.1f}."
        for r in rows
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, nargs="+", default=[10000, 20000])
    ap.add_argument("--work", type=Path, required=False, help="corpus and database; kept")
    ap.add_argument("--year", type=int, default=2024)
    ap.add_argument("--results", type=Path, default=Path("/tmp/scale_grow.md"))
    ap.add_argument("--read", type=Path, help=argparse.SUPPRESS)  # the child's reads
    args = ap.parse_args()
    if args.read:
        print(json.dumps(read_step(args.read, args.year)))
        return
    if args.work is None:
        ap.error("--work DIR is required")
    mach = machine()
    args.work.mkdir(parents=True, exist_ok=True)
    gen_s, files, registries = corpus(args.work, max(args.steps))
    print(f"corpus: {len(files):,} files (generated in {gen_s:.0f} s)", flush=True)
    db, rows, before = args.work / "grow.duckdb", [], 0
    for n in sorted(args.steps):
        ld = load(files[:n], registries, db, args.work)
        size = sum(p.stat().st_size for p in args.work.glob("grow.duckdb*") if p.is_file())
        row = {
            "n": n,
            "added": n - before,
            "load_s": ld["seconds"],
            "rate": (n - before) / ld["seconds"],
            "rss_max": ld["rss_max"],
            "rss_tree": ld["rss_tree"],
            "db_bytes": size,
            "summary": ld["summary"].split(": ", 1)[-1],
            "loadavg": os.getloadavg()[0],
            **reads_in_child(db, args.year),
        }
        rows.append(row)
        before = n
        print(json.dumps(row, ensure_ascii=False, default=str), flush=True)
        write(rows, mach, args.results)
    print(f"wrote {args.results} at {time.strftime('%H:%M:%S')}")


if __name__ == "__main__":
    main()
