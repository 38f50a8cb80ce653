"""Parse speed and memory: reports/s for text/HTML/Markdown and for PDF, on one core and on all
cores, and peak RSS as the number of files grows. Prints figures; it is not a test.

Inputs: the real reports in data/reports plus the demo province's documents (generated into a
temp folder when data/demo is absent), so every format the ETL reads is in the mix. Run:

    .venv/bin/python bench/speed.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from etl.parse import parse_file  # noqa: E402

TEXT_LIKE = (".txt", ".md", ".html", ".htm")


def _corpus(demo: Path) -> tuple[list[Path], list[Path]]:
    files = [
        p
        for p in sorted((ROOT / "data" / "reports").rglob("*")) + sorted(demo.rglob("*"))
        if p.is_file() and not p.name.endswith((".json", ".csv"))
    ]
    return [p for p in files if p.suffix in TEXT_LIKE], [p for p in files if p.suffix == ".pdf"]


def _parse_all(files: list[Path]) -> int:
    for p in files:
        parse_file(p)
    return len(files)


def _rate(files: list[Path], rounds: int, workers: int) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        if workers == 1:
            _parse_all(files)
        else:
            chunks = [files[i::workers] for i in range(workers)]
            with ProcessPoolExecutor(workers) as pool:
                sum(pool.map(_parse_all, chunks))
        times.append(time.perf_counter() - t)
    return len(files) / statistics.median(times)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        demo = ROOT / "data" / "demo"
        if not (demo / "manifest.json").exists():
            from demo.generate import generate

            demo = Path(tmp) / "demo"
            generate(demo)
        text, pdf = _corpus(demo)
        cores = os.cpu_count() or 1
        print(
            f"corpus: {len(text)} text/HTML/Markdown files, {len(pdf)} PDFs; {cores} cores; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        _parse_all(text[:20])  # warm caches (opencc dictionaries, regexes)
        rss_start = _rss_mb()
        quarter = text[: len(text) // 4]
        _parse_all(quarter)
        rss_quarter = _rss_mb()
        for label, files in (("text/HTML/Markdown", text), ("PDF", pdf)):
            one = _rate(files, args.rounds, 1)
            many = _rate(files, args.rounds, cores)
            print(
                f"{label:20s} {one:7.1f} reports/s on 1 core, {many:7.1f} on {cores} "
                f"(median of {args.rounds} rounds over {len(files)} files)"
            )
        rss_all = _rss_mb()
    print(
        f"peak RSS: {rss_start:.0f} MB after warm-up, {rss_quarter:.0f} MB after {len(quarter)} files, "
        f"{rss_all:.0f} MB after {args.rounds}×{len(text) + len(pdf)} more "
        f"(ratio {rss_all / rss_quarter:.2f}; flat means about 1)"
    )


if __name__ == "__main__":
    main()
