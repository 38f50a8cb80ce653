"""Where a cold first view's time goes in the browser: per page, the JavaScript it downloads,
Chrome's ScriptDuration / TaskDuration (CPU of the page's main thread) and the wall time.

Companion of bench/browser_views.py (same server, same notion of "settled": both use
bench/browser_harness.py); it prints medians of --runs fresh servers per page, and the JS
chunks the page loaded, so a chart that pulls a 4.7 MB bundle shows up by name.

    .venv/bin/python bench/browser_profile.py [--runs 3] [--pages ranking,profile] [--tree DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from playwright.sync_api import Error as PlaywrightError  # noqa: E402

from bench import browser_harness as harness  # noqa: E402
from dashboard import nav  # noqa: E402


def profile_view(browser, base: str, spec: nav.PageSpec) -> dict:
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    ctx.add_init_script(harness.RECORDER)
    page = ctx.new_page()
    chunks: dict[str, int] = {}

    def seen(response) -> None:
        if response.url.endswith(".js"):
            try:
                chunks[response.url.rsplit("/", 1)[-1]] = len(response.body())
            except PlaywrightError:  # a response gone with the page
                pass

    page.on("response", seen)
    cdp = ctx.new_cdp_session(page)
    cdp.send("Performance.enable")
    try:
        page.goto(harness.url_of(base, spec), wait_until="commit")
        wall = harness.settled(page, 0.0) / 1000
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        return {
            "wall": wall,
            "script": metrics.get("ScriptDuration", 0.0),
            "task": metrics.get("TaskDuration", 0.0),
            "chunks": chunks,
        }
    finally:
        ctx.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=ROOT / "data" / "gongkai.duckdb")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pages", default=",".join(p.url_path for p in nav.PAGES))
    ap.add_argument(
        "--tree",
        type=Path,
        action="append",
        help="serve this checkout (repeat it: the trees are interleaved run by run, so each is "
        "measured in the same conditions); default: this one",
    )
    args = ap.parse_args()
    args.db = args.db.resolve()
    trees = args.tree or [ROOT]
    from playwright.sync_api import sync_playwright

    wanted = [nav.BY_URL[p] for p in args.pages.split(",")]
    got: dict[tuple[str, str], list[dict]] = {}
    loads = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=harness.CHROMIUM, args=harness.CHROMIUM_ARGS)
        for _ in range(args.runs):
            for spec in wanted:
                for tree in trees:
                    loads.append(os.getloadavg()[0])
                    with harness.server(args.db, Path(tmp), tree=tree) as base:
                        run = profile_view(browser, base, spec)
                    got.setdefault((spec.title, tree.name), []).append(run)
        browser.close()
    print(
        f"median of {args.runs} cold views, seconds; load average {min(loads):.1f}–{max(loads):.1f}"
    )
    print(f"{'page':8} {'tree':12} {'wall':>6} {'script':>7} {'task':>6}  JS kB  biggest chunks")
    for (title, tree), runs in got.items():
        med = {k: statistics.median(r[k] for r in runs) for k in ("wall", "script", "task")}
        chunks = runs[-1]["chunks"]
        big = sorted(chunks.items(), key=lambda kv: -kv[1])[:4]
        names = ", ".join(f"{n.split('.')[0]} {s // 1024}k" for n, s in big)
        print(
            f"{title:8} {tree:12} {med['wall']:6.2f} {med['script']:7.2f} {med['task']:6.2f} "
            f"{sum(chunks.values()) // 1024:6d}  {names}"
        )


if __name__ == "__main__":
    main()
