"""How long the collector takes over one list page with many links (issue 23: a hostile portal
served 10,000 links on one page and the collector made no further request in a minute).

For each N and layout (see list_page) the page is read and its links extracted
(`pages.read_page` + `pages.links`), then a whole collection run over a local portal serving
that page is timed. The per-page cap (pages.MAX_LINKS) applies: the
run reads the first links only and says so. Not a test: it prints figures.

    .venv/bin/python bench/collect_links.py [--links 10000 100000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.portal import Portal
from etl.collect import pages
from etl.collect.http import Policy
from etl.collect.run import collect, read_sites


def list_page(n: int, layout: str) -> bytes:
    """ "list": one <li> per link with its date; "flat": every link in one <div> (a site map,
    or a hostile page: each link used to count the whole <div>'s links again)."""
    if layout == "list":
        items = "".join(
            f'<li><a href="/nb/{i}.html">第{i}条通知</a><span>2025-01-{i % 28 + 1:02d}</span></li>'
            for i in range(n)
        )
        return f"<html><body><ul>{items}</ul></body></html>".encode()
    links = "".join(f'<a href="/nb/{i}.html">第{i}条通知</a> ' for i in range(n))
    return f"<html><body><div>{links}</div></body></html>".encode()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--links", type=int, nargs="+", default=[10_000, 100_000])
    args = ap.parse_args()
    for n, layout in [(n, layout) for n in args.links for layout in ("list", "flat")]:
        data = list_page(n, layout)
        t0 = time.perf_counter()
        page = pages.read_page("http://portal.test/nb/index.html", data, "text/html")
        parsed = time.perf_counter() - t0
        found = pages.links(page)
        extracted = time.perf_counter() - t0 - parsed
        with tempfile.TemporaryDirectory() as tmp, Portal() as p:
            p.put("/nb/index.html", data)
            sites = Path(tmp) / "sites.csv"
            sites.write_text(f"agency,url\n测试单位,{p.base}/nb/index.html\n", encoding="utf-8")
            policy = Policy(interval=0, retries=0, deadline=30, allow=("127.0.0.1",))
            t1 = time.perf_counter()
            [site] = collect(read_sites(sites), Path(tmp) / "out", policy=policy).sites
            run = time.perf_counter() - t1
        said = [ln for ln in site.problems if "个链接" in ln]
        print(
            f"{n:7d} links, {layout} ({len(data) / 1e6:4.1f} MB): parse {parsed:5.2f} s, "
            f"links {extracted:5.2f} s ({len(found)} kept of {page.links_found}); "
            f"whole run {run:5.2f} s; cap said: {'yes' if said else 'no'}"
        )


if __name__ == "__main__":
    main()
