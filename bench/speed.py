"""Parse speed and memory: reports/s for text/HTML and for PDF, peak RSS as the file count grows.

Prints figures; it is not a test. Inputs are the real reports in data/reports (or ../shared)
repeated with a varying byte so each file is distinct. Run:

    .venv/bin/python bench/speed.py [--n 400] [--rounds 5]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from etl.parse import parse_file  # noqa: E402

REPORTS = ROOT / "data" / "reports"


def _corpus(folder: Path, n: int, kinds: tuple[str, ...]) -> list[Path]:
    sources = [p for p in sorted(REPORTS.rglob("*")) if p.suffix in kinds]
    out = []
    for i in range(n):
        src = sources[i % len(sources)]
        data = src.read_bytes()
        if src.suffix != ".pdf":
            data += f"\n<!-- copy {i} -->".encode() if src.suffix == ".html" else f"\n{i}".encode()
        p = folder / f"{i:06d}{src.suffix}"
        p.write_bytes(data)
        out.append(p)
    return out


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rate(files: list[Path], rounds: int) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        for p in files:
            parse_file(p)
        times.append(time.perf_counter() - t)
    med = statistics.median(times)
    return len(files) / med, med


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        text = _corpus(tmp, args.n, (".txt", ".md", ".html"))
        pdf = _corpus(tmp, max(args.n // 8, 10), (".pdf",))
        parse_file(text[0])  # warm caches (opencc dictionaries)
        r_text, t_text = _rate(text, args.rounds)
        rss_small = _rss_mb()
        r_pdf, t_pdf = _rate(pdf, args.rounds)
        big = _corpus(tmp / "..", 0, (".txt",))
        del big
        more = _corpus(tmp, args.n * 4, (".txt", ".md"))
        _rate(more, 1)
        rss_large = _rss_mb()
    print(f"text/markdown/HTML: {r_text:8.1f} reports/s (median of {args.rounds} rounds over {len(text)} files, {t_text:.2f} s)")
    print(f"PDF:                {r_pdf:8.1f} reports/s (median of {args.rounds} rounds over {len(pdf)} files, {t_pdf:.2f} s)")
    print(f"peak RSS after {len(text)} files: {rss_small:.0f} MB; after {len(more)} more: {rss_large:.0f} MB "
          f"(ratio {rss_large / rss_small:.2f}: flat means ~1.0)")


if __name__ == "__main__":
    main()
