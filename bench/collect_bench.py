"""Collector benchmark on local portals: how long a spring's collection and a re-run take.

Builds S sites on 127.0.0.1 (the tests' "trs" layout, pages of 10 items), each listing Y annual
reports (the real 上海市科委 report wrapped as an article, retitled per year, and every third one
as a PDF attachment: the real 洪泽区 PDF), runs `collect` twice into a fresh folder (the second run
must fetch nothing: every answer a 304) and `gongkai load`s the folder. The rate limit is off
(`interval` 0): real portals are collected at 1 request/s per host, so the network, not this
code, sets the pace there. Not a test: it prints figures.

    .venv/bin/python bench/collect_bench.py [--sites 20] [--years 12]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.portal import Article, Portal, md_to_html, trs_article, trs_list
from etl.collect.http import Policy
from etl.collect.run import collect, read_sites
from etl.pipeline import run_load

SHARED = ROOT.parent / "shared" if (ROOT.parent / "shared").is_dir() else ROOT / "data" / "reports"


def build(p: Portal, site: int, years: int) -> None:
    md = md_to_html(
        (SHARED / "real-reports" / "shanghai_kewei_2024.md").read_text(encoding="utf-8")
    )
    pdf = (SHARED / "real-reports" / "hongze_2024.pdf").read_bytes()
    items = []
    for i in range(years):
        year = 2024 - i
        title = f"第{site}单位{year}年度政府信息公开工作年度报告"
        path = f"/s{site}/nb/{year}/t{year}.html"
        if i % 3 == 2:
            p.put(f"/s{site}/nb/{year}/P{year}.pdf", pdf, "application/pdf")
            art = Article(
                title, f"{year + 1}-01-20", "<p>详见附件</p>", [("全文.pdf", f"P{year}.pdf")]
            )
        else:
            art = Article(title, f"{year + 1}-01-20", md)
        p.put(path, trs_article(art))
        items.append((path, title, art.date))
    pages = [items[i : i + 10] for i in range(0, len(items), 10)] or [[]]
    for n, chunk in enumerate(pages):
        name = "index.html" if n == 0 else f"index_{n}.html"
        p.put(f"/s{site}/nb/{name}", trs_list(chunk, n, len(pages)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sites", type=int, default=20)
    ap.add_argument("--years", type=int, default=12)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, Portal() as p:
        for s in range(args.sites):
            build(p, s, args.years)
        sites = Path(tmp) / "sites.csv"
        sites.write_text(
            "agency,url\n"
            + "".join(f"第{s}单位,{p.base}/s{s}/nb/index.html\n" for s in range(args.sites)),
            encoding="utf-8",
        )
        policy = Policy(interval=0, retries=0, deadline=30, allow=("127.0.0.1",))
        out = Path(tmp) / "collected"
        for label in ("first collection", "re-run"):
            before, t0 = len(p.requests), time.perf_counter()
            summary = collect(read_sites(sites), out, policy=policy)
            took = time.perf_counter() - t0
            reqs = p.requests[before:]
            got = sum(1 for _, _, st in reqs if st == 200)
            saved = sum(s.new + s.changed for s in summary.sites)
            print(
                f"{label:17s} {took:6.2f} s  requests {len(reqs):5d}  200s {got:5d}  "
                f"files saved {saved:5d}  reports {sum(s.reports for s in summary.sites):5d}  "
                f"({len(reqs) / took:5.0f} requests/s)"
            )
        t0 = time.perf_counter()
        loaded = run_load([out], Path(tmp) / "g.duckdb")
        print(
            f"{'gongkai load':17s} {time.perf_counter() - t0:6.2f} s  loaded {len(loaded.loaded)}, "
            f"not a report {len(loaded.not_reports)}, failed {len(loaded.failed)}"
        )


if __name__ == "__main__":
    main()
