"""Copy detection at scale: the database step (etl/validate/cross_report.py) on N synthetic reports.

    .venv/bin/python bench/copy_detect.py            # 20,000 reports (5 years x 4,000 agencies)
    .venv/bin/python bench/copy_detect.py --n 100000 # the brief's scale (several minutes, ~3 GB)

Each synthetic report is 40 sentences of real report prose (shared/ real reports and seeds) with
30% of the characters replaced at random, so unrelated reports share about as little as real
ones do (0-15%); 2% of reports keep 70% of their agency's previous-year prose and 1% keep 70% of
another agency's same-year prose (planted copies). Prints: the copy profile each parse worker
computes per report (own prose, MinHash, sentence keys), the database step's first full run (LSH
per year, exact shares of candidates, passages, findings), an incremental run after 1% more
reports arrive, planted pairs found and pairs above 50% that were not planted, and the size.

    .venv/bin/python bench/copy_detect.py --boilerplate 8000 [--timeout 600]

The boilerplate corpus (issue 25): every report of a year takes 40 of the year's 60 sentences
with 5% of the characters replaced, so any two reports of a year share 30-40% of their prose
(as counties copying each other's boilerplate do) and the year's LSH returns nearly every pair;
1% are planted same-year copies keeping 70% of another agency's prose. Two years of that size;
the similarity step (etl/validate/similarity.update_similarity) alone runs in a fresh process
that only opens the database, so its peak RSS is the step's; prints its wall and CPU time, the
same-year pairs stored, the most per report, and the planted copies found.
Nothing here is a test; figures go to bench/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from etl.schema import ensure_schema  # noqa: E402
from etl.validate.copy_detect import profile  # noqa: E402
from etl.validate.cross_report import run_cross_report_checks  # noqa: E402

YEARS = 5
SENTENCES = 40


def real_sentences() -> list[str]:
    shared = ROOT.parent / "shared"
    folder = shared if (shared / "seeds").is_dir() else ROOT / "data" / "reports"
    text = "".join(
        p.read_text(encoding="utf-8", errors="ignore")
        for p in sorted(folder.rglob("*"))
        if p.suffix in (".txt", ".md")
    )
    return [s + "。" for s in re.split(r"[。\n]", text) if 20 <= len(s) <= 120 and "|" not in s]


def make_docs(n: int, rng: np.random.Generator) -> list[tuple[int, int, str]]:
    """(agency, year, prose) with planted copies; returns also the planted pairs count."""
    pool = real_sentences()
    agencies = max(1, n // YEARS)
    docs: dict[tuple[int, int], str] = {}
    planted: set[tuple] = set()  # (agency, year) of the copy -> (agency, year) of its source
    han = np.arange(0x4E00, 0x9FA5, dtype=np.uint32)
    for year in range(YEARS):
        for agency in range(agencies):
            if len(docs) >= n:
                break
            roll = rng.random()
            if year and roll < 0.02:
                base = docs[(agency, year - 1)]
                planted.add(((agency, year), (agency, year - 1)))
            elif agency and roll < 0.03:
                base = docs[(agency - 1, year)]
                planted.add(((agency, year), (agency - 1, year)))
            else:
                base = None
            picks = rng.integers(0, len(pool), SENTENCES)
            fresh = []
            for s in (pool[i] for i in picks):
                codes = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32).copy()
                mask = (rng.random(len(codes)) < 0.3) & (codes >= 0x4E00) & (codes <= 0x9FA5)
                codes[mask] = rng.choice(han, mask.sum())
                fresh.append(codes.tobytes().decode("utf-32-le"))
            if base is not None:  # keep 70% of the copied prose's sentences, in order
                old = re.findall(r"[^。]+。", base)
                keep = rng.random(len(old)) < 0.7
                fresh = [o if k else f for o, k, f in zip(old, keep, fresh)]
            docs[(agency, year)] = "\n".join(fresh)
    return [(a, y, t) for (a, y), t in docs.items()], planted


def build_db(path: Path, docs, start_id: int = 1, con=None):
    con = con or duckdb.connect(str(path))
    ensure_schema(con)
    ids = list(range(start_id, start_id + len(docs)))
    agencies = sorted({a for a, _, _ in docs})
    con.register(
        "_a",
        pa.table(
            {"agency_id": [f"A{a}" for a in agencies], "name": [f"单位{a}" for a in agencies]}
        ),
    )
    con.execute(
        "INSERT INTO agencies (agency_id, name) SELECT agency_id, name FROM _a ON CONFLICT DO NOTHING"
    )
    t = time.perf_counter()
    profiles = [profile(text.split("\n")) for _, _, text in docs]  # what a parse worker does
    per = 1000 * (time.perf_counter() - t) / len(docs)
    print(
        f"  copy profile at parse time: {per:.2f} ms/report (one core; the parse pool runs one per core)"
    )
    con.register(
        "_r",
        pa.table(
            {
                "report_id": pa.array(ids, pa.int64()),
                "agency_id": [f"A{a}" for a, _, _ in docs],
                "year": pa.array([2020 + y for _, y, _ in docs], pa.int32()),
                "prose": [t for _, _, t in docs],
                "own": [p[0] for p in profiles],
                "minhash": pa.array([p[1] for p in profiles], pa.binary()),
                "sentences": pa.array([p[2] for p in profiles], pa.binary()),
            }
        ),
    )
    con.execute("""INSERT INTO reports (report_id, agency_id, year, version, is_current, template, source_path,
                   sha256, format, parser_version, loaded_at)
                   SELECT report_id, agency_id, year, 1, true, 'std2021', 'bench', report_id::TEXT, 'text',
                   'bench', now() FROM _r""")
    con.execute(
        "INSERT INTO report_texts (report_id, prose, own, minhash, sentences) "
        "SELECT report_id, prose, own, minhash, sentences FROM _r"
    )
    con.unregister("_a")
    con.unregister("_r")
    con.execute("CHECKPOINT")  # the loader's own writes are not part of the step's time
    return con


def boilerplate_docs(per_year: int, years: int, rng: np.random.Generator):
    pool = real_sentences()
    han = np.arange(0x4E00, 0x9FA5, dtype=np.uint32)
    docs, planted = [], set()
    for year in range(years):
        common = [pool[i] for i in rng.choice(len(pool), 60, replace=False)]
        mine: list[str] = []
        for agency in range(per_year):
            fresh = []
            for i in rng.choice(60, SENTENCES, replace=False):
                codes = np.frombuffer(common[i].encode("utf-32-le"), dtype=np.uint32).copy()
                mask = (rng.random(len(codes)) < 0.05) & (codes >= 0x4E00) & (codes <= 0x9FA5)
                codes[mask] = rng.choice(han, mask.sum())
                fresh.append(codes.tobytes().decode("utf-32-le"))
            if agency and rng.random() < 0.01:  # keep 70% of the previous agency's sentences
                keep = rng.random(SENTENCES) < 0.7
                fresh = [o if k else f for o, k, f in zip(mine, keep, fresh)]
                planted.add(((agency, year), (agency - 1, year)))
            mine = fresh
            docs.append((agency, year, "\n".join(fresh)))
    return docs, planted


def step(db: str) -> None:
    """The similarity step alone, in this fresh process (`--step DB`)."""
    from etl.validate.similarity import copy_settings, update_similarity

    con = duckdb.connect(db)
    before = resource.getrusage(resource.RUSAGE_SELF)
    t = time.perf_counter()
    con.execute("BEGIN")
    stored = update_similarity(con, copy_settings())
    con.execute("COMMIT")
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    # VmHWM, not ru_maxrss: ru_maxrss keeps the parent's peak across fork and exec
    status = Path("/proc/self/status").read_text()
    peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
    print(
        f"  update_similarity: {wall:.1f} s wall, {cpu:.1f} s CPU, peak RSS of this process "
        f"{peak:,.0f} MiB; {stored:,} rows stored"
    )


def run_boilerplate(per_year: int, timeout: float) -> None:
    docs, planted = boilerplate_docs(per_year, 2, np.random.default_rng(7))
    print(f"boilerplate: {len(docs):,} reports, {per_year:,} a year, {len(planted)} planted copies")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        build_db(db, docs).close()
        try:
            subprocess.run(
                [sys.executable, __file__, "--step", str(db)], timeout=timeout, check=True
            )
        except subprocess.TimeoutExpired:
            print(f"  update_similarity stopped after {timeout:.0f} s")
            return
        con = duckdb.connect(str(db))
        most, pairs = con.execute(
            "SELECT max(c), sum(c) FROM (SELECT count(*) c FROM report_similarity "
            "WHERE relation = 'same_year' GROUP BY report_id)"
        ).fetchone()
        found = {
            ((int(a[1:]), y - 2020), (int(b[1:]), y - 2020), share)
            for a, y, b, share in con.execute(
                "SELECT a.agency_id, a.year, b.agency_id, s.share FROM report_similarity s "
                "JOIN reports a USING (report_id) JOIN reports b ON b.report_id = s.other_report_id"
            ).fetchall()
        }
        hits = [s for cp, src, s in found if (cp, src) in planted]
        print(
            f"  same-year pairs {pairs:,}, most for one report {most}; planted copies found "
            f"{len(hits)}/{len(planted)} (shares {min(hits, default=0):g}-{max(hits, default=0):g}%)"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--boilerplate", type=int, help="reports a year of the boilerplate corpus")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--step", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.step:
        return step(args.step)
    if args.boilerplate:
        return run_boilerplate(args.boilerplate, args.timeout)
    rng = np.random.default_rng(7)
    t = time.perf_counter()
    docs, planted = make_docs(args.n, rng)
    print(
        f"generated {len(docs):,} reports ({len(planted)} planted copies) in {time.perf_counter() - t:.1f} s"
    )
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        con = build_db(db, docs)
        t = time.perf_counter()
        counts = run_cross_report_checks(con)
        first = time.perf_counter() - t
        print(
            f"database step, first run over {len(docs):,} reports: {first:.1f} s ({1000 * first / len(docs):.2f} ms/report); "  # noqa: E501
            f"report.copied findings {counts['report.copied']}"
        )
        found = {
            tuple(r)
            for r in con.execute(
                "SELECT a.agency_id, a.year, b.agency_id, b.year FROM report_similarity s JOIN reports a USING (report_id) "  # noqa: E501
                "JOIN reports b ON b.report_id = s.other_report_id WHERE s.share > 50"
            ).fetchall()
        }
        found = {((int(a[1:]), y - 2020), (int(b[1:]), y2 - 2020)) for a, y, b, y2 in found}
        # a same-year copy repeats its source and the source repeats it: both directions count
        expected = planted | {(src, cp) for cp, src in planted if cp[1] == src[1]}
        print(
            f"planted pairs found {len(found & expected)}/{len(expected)}; pairs above 50% not planted "
            f"{len(found - expected)}"
        )
        extra, _ = make_docs(max(1, len(docs) // 100), np.random.default_rng(8))
        extra = [(a + 10_000_000, y, t_) for a, y, t_ in extra]
        build_db(db, extra, start_id=len(docs) + 1, con=con)
        t = time.perf_counter()
        run_cross_report_checks(con)
        print(f"incremental run after {len(extra):,} new reports: {time.perf_counter() - t:.1f} s")
        pairs = con.execute(
            "SELECT relation, count(*) FROM report_similarity GROUP BY 1 ORDER BY 1"
        ).fetchall()
        print(f"similarity rows: {pairs}")
        con.execute("CHECKPOINT")
        con.close()
        print(f"database size: {db.stat().st_size / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
