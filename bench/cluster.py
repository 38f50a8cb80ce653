"""Throughput of `gongkai load --cluster` on 1 and 2 Dask workers, in one run.

Generates the demo corpus (`gongkai demo` defaults unless --agencies: 150 agencies x 2014-2025,
≈1,750 files in every format), then loads it into fresh databases: once with the local parse pool
(one process per core, the default load) for reference, then through a distributed.LocalCluster
of 1 and of 2 worker processes (threads_per_worker=1, on 127.0.0.1) with the loader in this
process as the single writer. Prints wall time, reports/s, the load average around each load,
and checks that every load wrote the same rows (row counts of every table, and the values'
checksum). Needs the cluster extra (pip install -e ".[cluster]"). Not a test: it prints figures.

    .venv/bin/python bench/cluster.py [--agencies 150] [--repeats 1]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from etl.pipeline import run_load  # noqa: E402

REGISTRY = ROOT / "data" / "registry.csv"


def corpus(out: Path, agencies: int) -> tuple[list[str], Path]:
    from demo import generate

    manifest = generate(out, n_agencies=agencies)
    return sorted(str(out / f["file"]) for f in manifest["files"]), out / "registry.csv"


def fingerprint(db: Path) -> tuple:
    """Rows per table and a checksum of the values: equal for loads that wrote the same rows."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()
        ]
        counts = tuple(
            (t, con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables
        )
        values = con.execute(
            "SELECT sum(hash(report_id, key, value)) FROM report_values"
        ).fetchone()[0]
    return counts, values


def timed_load(files, registry, db: Path, **how) -> dict:
    load_before = os.getloadavg()[0]
    t = time.perf_counter()
    summary = run_load(files, db, REGISTRY, more_registries=(registry,), **how)
    seconds = time.perf_counter() - t
    return {
        "seconds": seconds,
        "per_s": len(files) / seconds,
        "load": (load_before, os.getloadavg()[0]),
        "loaded": len(summary.loaded),
        "failed": len(summary.failed),
        "rows": fingerprint(db),
    }


def main() -> None:
    import distributed

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--agencies", type=int, default=150)
    ap.add_argument("--repeats", type=int, default=1)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gongkai-cluster-bench-"))
    t = time.perf_counter()
    files, registry = corpus(work / "corpus", args.agencies)
    print(f"corpus: {len(files)} files in {time.perf_counter() - t:.1f} s ({work})")
    print(f"machine: {os.cpu_count()} CPUs, distributed {distributed.__version__}")
    results = []
    for r in range(args.repeats):
        res = timed_load(files, registry, work / f"local{r}.duckdb")
        results.append(("local parse pool (1 process per core)", res))
        print(f"local: {res['seconds']:.1f} s", flush=True)
        for n in (1, 2):
            start = time.perf_counter()
            with distributed.LocalCluster(
                n_workers=n,
                processes=True,
                threads_per_worker=1,
                host="127.0.0.1",
                dashboard_address=None,
            ) as cluster:
                started = time.perf_counter() - start
                res = timed_load(
                    files, registry, work / f"c{n}_{r}.duckdb", cluster=cluster.scheduler_address
                )
            res["cluster_start"] = started
            results.append((f"--cluster, {n} worker{'s' if n > 1 else ''}", res))
            print(f"{n} worker(s): {res['seconds']:.1f} s", flush=True)
    same = len({res["rows"] for _, res in results}) == 1
    print("\n| load | wall | reports/s | load average before → after | loaded / failed |")
    print("|---|---:|---:|---:|---:|")
    for name, res in results:
        lb, la = res["load"]
        print(
            f"| {name} | {res['seconds']:.1f} s | {res['per_s']:.0f} | {lb:.1f} → {la:.1f} "
            f"| {res['loaded']} / {res['failed']} |"
        )
    print(f"\nevery load wrote the same rows: {same}; {dict(results[0][1]['rows'][0])}")
    for name, res in results:
        if "cluster_start" in res:
            print(f"{name}: cluster started in {res['cluster_start']:.1f} s (not in the wall time)")


if __name__ == "__main__":
    main()
