"""National-scale benchmark: generate N demo reports, load them through the real ETL, time the reads.

For each N: the demo generator writes N reports (mostly HTML/text/Markdown/pipe, 2% DOCX, 2% PDF;
the 155 agencies of 示范省 plus synthesized counties, 12 years each) in two processes; `gongkai
load` loads exactly those N files into a fresh database in a subprocess (wall time, reports/s,
peak RSS of the largest process and of the whole process tree: the loader and its parse
workers); then, on the database opened read-only as the dashboard does: assess.score.score_year
for one year and the server-side queries of the 排名总览 and 单位画像 pages (median of 3 each).
Prints a table and writes bench/RESULTS.md. Not a test: it prints figures.

    .venv/bin/python bench/scale.py --n 1000 10000 100000 [--year 2024] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

import queries  # noqa: E402
from bench.scale_results import machine, mib, write_results  # noqa: E402

SCHEME = ROOT / "data" / "schemes" / "default.toml"
REGISTRY = ROOT / "data" / "registry.csv"
# formats cycled over the reports: 48 of 50 plain (HTML, text, Markdown, the pipe dump), 1 DOCX, 1 PDF
FORMATS = (
    ("html", "text", "markdown", "html", "text", "pipe", "html", "markdown", "text", "html") * 5
)[:48] + ("docx", "pdf")
REPORTS_PER_AGENCY = 11.6  # 12 years, ~3% never published
PARTS = 2
REPEATS = 3


def _generate_part(out: str, n_agencies: int, part: int) -> int:
    from demo import generate

    m = generate(
        Path(out) / f"part{part}",
        n_agencies=n_agencies,
        formats=FORMATS,
        lean=True,
        part=(part, PARTS),
    )
    return len(m["files"])


def generate(out: Path, n: int) -> tuple[float, list[Path], list[Path]]:
    """Generate at least n reports; return (seconds, the first n files, registries)."""
    from demo.agencies import MAX_AGENCIES

    n_agencies = min(MAX_AGENCIES, math.ceil(n / REPORTS_PER_AGENCY) + 2)
    while True:
        t = time.perf_counter()
        with ProcessPoolExecutor(PARTS) as pool:
            counts = list(
                pool.map(_generate_part, [str(out)] * PARTS, [n_agencies] * PARTS, range(PARTS))
            )
        seconds = time.perf_counter() - t
        if sum(counts) >= n or n_agencies >= MAX_AGENCIES:
            break
        shutil.rmtree(out)
        n_agencies = min(MAX_AGENCIES, n_agencies + math.ceil((n - sum(counts)) / 10) + 2)
    files = []
    for part in range(PARTS):
        m = json.loads((out / f"part{part}" / "manifest.json").read_text(encoding="utf-8"))
        files += [
            (f["agency_code"], f["year"], out / f"part{part}" / f["file"]) for f in m["files"]
        ]
    files.sort()
    return (
        seconds,
        [f for _, _, f in files[:n]],
        [out / f"part{p}" / "registry.csv" for p in range(PARTS)],
    )


def tree_rss(pid: int) -> int:
    """RSS in bytes of pid and all its descendants."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            continue
    return total


def load(files: list[Path], registries: list[Path], db: Path, work: Path) -> dict:
    listing = work / "files.txt"
    listing.write_text("".join(f"{f}\n" for f in files), encoding="utf-8")
    cmd = [
        sys.executable,
        "-m",
        "gongkai",
        "load",
        "--manifest",
        str(listing),
        "--db",
        str(db),
        "--registry",
        str(REGISTRY),
    ] + [x for r in registries for x in ("--registry", str(r))]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = [0]

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss(proc.pid))
            time.sleep(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - t
    sampler.join()
    maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode not in (0, 1):
        raise SystemExit(f"load failed ({proc.returncode}):\n{err[-3000:]}")
    return {
        "seconds": seconds,
        "summary": out.splitlines()[0] if out else "",
        "failed": out.count("failed: ") + err.count("failed: "),
        "rss_max": maxrss * 1024 if maxrss > before else None,
        "rss_tree": peak[0],
    }


def timed(fn) -> float:
    fn()  # warm (the dashboard caches nothing across databases; the first call parses SQL)
    runs = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def reads(db: Path, year: int) -> dict:
    from assess.score import score_year

    con = duckdb.connect(str(db), read_only=True)
    try:
        cur = con.cursor
        agency = con.sql(
            "SELECT agency_id FROM current_reports WHERE year = $y ORDER BY agency_id LIMIT 1",
            params={"y": year},
        ).fetchall()[0][0]
        group = con.sql(
            "SELECT peer_group FROM agencies WHERE agency_id = $a", params={"a": agency}
        ).fetchall()[0][0]
        counts = con.sql(
            "SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM report_values), "
            "(SELECT count(*) FROM findings), (SELECT count(*) FROM agencies)"
        ).fetchall()[0]
        return {
            "reports": counts[0],
            "values": counts[1],
            "findings": counts[2],
            "agencies": counts[3],
            "score": timed(lambda: score_year(cur(), year, SCHEME)),
            # 排名总览: sidebar agencies, the ranking, the agencies that did not report
            "ranking": timed(
                lambda: (
                    queries.agencies(cur()),
                    queries.ranking(cur(), year=year, scheme=SCHEME),
                    queries.missing_reports(cur(), year=year),
                )
            ),
            # 单位画像 (default section): agencies, the agency's years, its peer group's median
            "profile": timed(
                lambda: (
                    queries.agencies(cur()),
                    queries.agency_profile(cur(), agency_id=agency),
                    queries.peer_median(cur(), peer_group=group),
                )
            ),
        }
    finally:
        con.close()


def run(n: int, year: int, keep: Path | None) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"gongkai-scale-{n}-", dir=keep))
    try:
        gen_s, files, registries = generate(work / "corpus", n)
        print(f"N={n:,}: generated {len(files):,} reports in {gen_s:.1f} s", flush=True)
        db = work / "scale.duckdb"
        ld = load(files, registries, db, work)
        print(f"N={n:,}: {ld['summary']} in {ld['seconds']:.1f} s", flush=True)
        size = sum(p.stat().st_size for p in work.glob("scale.duckdb*") if p.is_file())
        rd = reads(db, year)
        row = {
            "n": len(files),
            "gen_s": gen_s,
            "load_s": ld["seconds"],
            "rate": len(files) / ld["seconds"],
            "rss_max": ld["rss_max"],
            "rss_tree": ld["rss_tree"],
            "db_bytes": size,
            "summary": ld["summary"],
            **rd,
        }
        print(
            f"N={n:,}: {row['rate']:.0f} reports/s, peak RSS {mib(row['rss_max'])} "
            f"(tree {mib(row['rss_tree'])}), db {size / 2**20:.0f} MiB, score {rd['score'] * 1000:.0f} ms, "
            f"ranking {rd['ranking'] * 1000:.0f} ms, profile {rd['profile'] * 1000:.0f} ms",
            flush=True,
        )
        return row
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--year", type=int, default=2024)
    ap.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    ap.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    ap.add_argument("--note", default="", help="a paragraph appended to RESULTS.md")
    args = ap.parse_args()
    mach = machine()
    print(
        f"{mach['nproc']} CPUs ({mach['cpu']}), {mach['ram_gib']:.1f} GiB, Python {mach['python']}, "
        f"DuckDB {mach['duckdb']}",
        flush=True,
    )
    rows = []
    for n in args.n:
        rows.append(run(n, args.year, args.keep))
        write_results(rows, mach, args.year, args.results, args.note)
    print(f"wrote {args.results}")


if __name__ == "__main__":
    main()
