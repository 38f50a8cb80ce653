"""What a person waits for in a real browser: cold first view and in-app steps, per page.

Starts `gongkai serve` on a free port on 127.0.0.1 (the database of --db, default
data/gongkai.duckdb), drives headless Chromium through Playwright and prints medians:

- cold first view: a fresh server per run (nothing imported, nothing scored, nothing cached
  when it starts), the page's URL opened as soon as the server answers its health check (which
  `gongkai serve` holds at 503 until its first warm-up is done: the time to that is printed
  too), in a new browser context (nothing in the browser's cache); the time from the
  navigation's start to the end of the last script run (Streamlit's `data-test-script-state`
  on the app root back to "notRunning" with the page title shown and no new run for a while);
- steps: in one warm session, every tab of the page, a row picked in its first selectable
  table, the sidebar's peer group changed, another page opened from the sidebar; each timed from
  the click to the end of the run it caused;
- 导出: the PDF of the whole province, from the click to the file saved.

Beside each time, the server's CPU seconds spent in it (the `gongkai serve` process and its
Streamlit child, from /proc): on a machine shared with other work the wall time varies with the
load, the server's CPU much less.

Not a test: it prints figures (bench/RESULTS.md keeps them).

    .venv/bin/python bench/browser_views.py [--db data/gongkai.duckdb] [--runs 3] [--pages ranking,profile]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.browser_harness import (  # noqa: E402 - the repository root is on sys.path now
    CHROMIUM,
    CHROMIUM_ARGS,
    RECORDER,
    server,
    server_cpu,
    settled,
    step,
    url_of,
)
from dashboard import nav  # noqa: E402

# The table's top edge 150 px below the viewport's top, clear of Streamlit's fixed header.
SCROLL_BELOW_HEADER = """c => {
  c.scrollIntoView({block: 'start'});
  let a = c.parentElement;
  while (a && !(a.scrollHeight > a.clientHeight && /(auto|scroll)/.test(getComputedStyle(a).overflowY)))
    a = a.parentElement;
  (a || document.scrollingElement).scrollTop -= 150;
}"""


Timed = tuple[float, float]  # (seconds waited in the browser, server CPU seconds meanwhile)


def timed(base: str, wait) -> Timed:
    """wait() returns the seconds waited; paired with the server CPU used meanwhile."""
    cpu = server_cpu(base)
    return wait(), server_cpu(base) - cpu


def cold_view(browser, base: str, spec: nav.PageSpec) -> Timed:
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    ctx.add_init_script(RECORDER)
    page = ctx.new_page()
    try:

        def first_view() -> float:
            page.goto(url_of(base, spec), wait_until="commit")
            return settled(page, 0.0) / 1000

        return timed(base, first_view)
    finally:
        ctx.close()


def server_step(page, base: str, action) -> Timed | None:
    """step() with the server's CPU seconds meanwhile."""
    cpu = server_cpu(base)
    wall = step(page, action)
    return None if wall is None else (wall, server_cpu(base) - cpu)


def reload(page, base: str) -> Timed:
    def again() -> float:
        page.reload(wait_until="commit")
        return settled(page, 0.0) / 1000

    return timed(base, again)


def page_steps(page, base: str, spec: nav.PageSpec) -> dict[str, Timed | None]:
    """Warm steps on one page: tabs, the first selectable table's first row."""
    out: dict[str, Timed | None] = {}
    page.goto(url_of(base, spec), wait_until="commit")
    settled(page, 0.0)
    out["reopen (warm)"] = reload(page, base)
    tabs = page.locator('[data-testid="stMain"] [data-testid="stButtonGroup"]').first
    names = tabs.locator("button").all_inner_texts() if tabs.count() else []
    for n, name in enumerate(names[1:], 1):
        out[f"tab {name}"] = server_step(
            page, base, lambda n=n: tabs.locator("button").nth(n).click()
        )
    if names:
        out[f"tab {names[0]}"] = server_step(
            page, base, lambda: tabs.locator("button").nth(0).click()
        )
    grid = page.locator('[data-testid="stMain"] [data-testid="stDataFrame"] canvas').first
    if grid.count():
        grid.evaluate(SCROLL_BELOW_HEADER)
        time.sleep(0.2)
        box = grid.bounding_box()
        if box:
            out["pick a row"] = server_step(
                page, base, lambda: page.mouse.click(box["x"] + 15, box["y"] + 52)
            )
    return out


def sidebar_steps(page, base: str) -> dict[str, Timed | None]:
    out = {}
    page.goto(url_of(base, nav.PAGES[0]), wait_until="commit")
    settled(page, 0.0)
    boxes = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]')
    if boxes.count() > 1:
        boxes.nth(1).click()  # the list opens (no run): the wait starts at the choice
        option = page.locator('[role="listbox"] [role="option"]').nth(1)
        option.wait_for()
        out["sidebar: another peer group"] = server_step(page, base, option.click)
    for spec in nav.PAGES[1:]:
        link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{spec.url_path}"]').first
        out[f"sidebar: open {spec.title}"] = server_step(page, base, link.click)
    return out


def pdf_download(browser, base: str) -> Timed:
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1440, "height": 900})
    ctx.add_init_script(RECORDER)
    page = ctx.new_page()
    try:
        page.goto(url_of(base, nav.BY_URL["export"]), wait_until="commit")
        settled(page, 0.0)

        def download() -> float:
            t = time.perf_counter()
            with page.expect_download(timeout=120_000) as dl:
                page.get_by_text("下载 PDF 汇总表").first.click()
            with tempfile.TemporaryDirectory() as tmp:
                dl.value.save_as(Path(tmp) / "x.pdf")
            return time.perf_counter() - t

        return timed(base, download)
    finally:
        ctx.close()


def warm_session(browser, base: str, wanted) -> dict[str, Timed | None]:
    """Every page's steps and the sidebar's in one session, after a first visitor."""
    cold_view(browser, base, nav.PAGES[0])  # warm the server as a first visitor
    ctx = browser.new_context(viewport={"width": 1440, "height": 900})
    ctx.add_init_script(RECORDER)
    page = ctx.new_page()
    found = {}
    for spec in wanted:
        for what, t in page_steps(page, base, spec).items():
            found[f"{spec.title} · {what}"] = t
    found.update(sidebar_steps(page, base))
    ctx.close()
    return found


def show(what: str, runs: list[Timed]) -> None:
    """One line: median wall time and server CPU, then each run's wall time."""
    wall = statistics.median(t for t, _ in runs)
    cpu = statistics.median(c for _, c in runs)
    print(f"  {wall:6.2f}  {cpu:5.2f}  {what}   ({', '.join(f'{t:.2f}' for t, _ in runs)})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=ROOT / "data" / "gongkai.duckdb")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pages", default=",".join(p.url_path for p in nav.PAGES))
    ap.add_argument(
        "--no-disk-cache",
        action="store_true",
        help="remove the scoring runs kept on disk before each server start (a first start "
        "after a load: everything scored again)",
    )
    ap.add_argument(
        "--cold-only",
        action="store_true",
        help="only the cold first views (no warm steps, no PDF): quicker on a busy machine",
    )
    ap.add_argument(
        "--warm-only",
        action="store_true",
        help="only the warm steps and the PDF (the cold views: bench/browser_profile.py)",
    )
    ap.add_argument(
        "--tree",
        type=Path,
        action="append",
        help="serve this checkout of gongkai instead (e.g. a worktree of an older commit); "
        "repeat it to measure several trees run by run, interleaved, in the same conditions",
    )
    ap.add_argument("--no-pdf", action="store_true", help="skip the whole-province PDF")
    args = ap.parse_args()
    args.db = args.db.resolve()  # the server runs in --tree
    trees = args.tree or [ROOT]
    from playwright.sync_api import sync_playwright

    wanted = [nav.BY_URL[p] for p in args.pages.split(",")]
    cold: dict[str, list[Timed]] = {}
    steps: dict[str, list[Timed]] = {}
    pdf: dict[str, list[Timed]] = {}
    loads: list[float] = []
    ready: list[float] = []

    def name(tree: Path, what: str) -> str:
        return f"[{tree.name}] {what}" if len(trees) > 1 else what

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for run in range(args.runs):
            for tree in trees:
                loads.append(os.getloadavg()[0])
                if not args.warm_only:
                    for spec in wanted:
                        with server(args.db, Path(tmp), args.no_disk_cache, tree) as base:
                            t = cold_view(browser, base, spec)
                        ready.append(base.ready_s)
                        cold.setdefault(name(tree, spec.title), []).append(t)
                if args.cold_only:
                    continue
                with server(args.db, Path(tmp), args.no_disk_cache, tree) as base:
                    for what, t in warm_session(browser, base, wanted).items():
                        if t is not None:
                            steps.setdefault(name(tree, what), []).append(t)
                    if not args.no_pdf:
                        pdf.setdefault(name(tree, "PDF"), []).append(pdf_download(browser, base))
            print(f"run {run + 1}/{args.runs} done", file=sys.stderr)
        browser.close()
    loads.append(os.getloadavg()[0])
    cache = "no scoring runs on disk" if args.no_disk_cache else "scoring runs on disk kept"
    print(f"median of {args.runs} runs, seconds (database {args.db.name}; {cache})")
    print(f"load average (1 min) {min(loads):.1f}–{max(loads):.1f} on {os.cpu_count()} CPUs")
    print("columns: wall time, server CPU time, (each run's wall time)\n")
    by_step = lambda kv: kv[0].split("] ")[-1]  # noqa: E731 - trees side by side
    if cold:
        print(
            f"server start to ready (health ok): median {statistics.median(ready):.2f} s, "
            f"{min(ready):.2f}–{max(ready):.2f} s over {len(ready)} starts"
        )
        print("cold first view (fresh server, once ready; new browser context)")
    for what, ts in sorted(cold.items(), key=by_step):
        show(what, ts)
    if args.cold_only:
        return
    print("\nwarm steps")
    for what, ts in sorted(steps.items(), key=by_step):
        show(what, ts)
    for what, ts in pdf.items():
        show(f"{what}: 导出 · PDF of the whole province (click to file)", ts)


if __name__ == "__main__":
    main()
