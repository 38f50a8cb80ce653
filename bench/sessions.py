"""Many readers at once: N browser sessions on one `gongkai serve`, each clicking two paths.

For each N (default 1, 5, 20): a fresh `gongkai serve` on a free port on 127.0.0.1 reading --db
(bench/browser_harness.server), warmed by one untimed visitor on the leader's path (as a server
that has been up for a while would be); then N sessions start together, each its own headless
Chromium (its own Playwright, on its own thread: the sync API is per thread) with an empty
cache, and click through

- the leader's path: 排名总览 opened → a peer group picked in the sidebar → the first unit named
  in that group's summary opened (its 单位画像);
- the analyst's path: 单位画像 opened → its 原文 tab → a number of the report picked (its printed
  cell marked) → 数据质量 and 整改跟踪 opened from the sidebar,

with 0.5–1.5 s of reading between clicks. A step is timed as bench/browser_views.py times it:
from the navigation or the click to the end of the script run it caused (Streamlit's
`data-test-script-state` back to "notRunning", no new run for 0.8 s). Prints p50/p95 per step,
the server's peak memory (RSS of the `gongkai serve` process tree, sampled every 0.25 s), the CPU
seconds spent by the server and by the browsers while the sessions ran (where the time goes on
a shared machine), and the load average. Not a test: it prints figures (bench/RESULTS.md).

    .venv/bin/python bench/sessions.py --db DB [--n 1 5 20]
    .venv/bin/python bench/sessions.py --db /tmp/s100k.duckdb --synthesise 10800

--synthesise AGENCIES first builds --db (when it does not exist) as bench/dashboard_bench.py
does, 10 years of AGENCIES agencies (10,800: 102,572 agency-years), and stores every year's
scores as `gongkai load` does: minutes, where a real 100,000-report load (bench/scale.py --n
100000 --keep DIR) takes 8 minutes on a quiet machine and far longer on a busy one.

At most MAX_SESSIONS sessions (each is a Chromium of ~200-300 MB).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scale import tree_rss  # noqa: E402

from bench import browser_harness as harness  # noqa: E402
from dashboard import nav  # noqa: E402

MAX_SESSIONS = 20
THINK_S = (0.5, 1.5)  # reading between two clicks
VIEWPORT = {"width": 1440, "height": 900}
LEADER = ("排名总览 · 打开", "排名总览 · 选对标组", "排名总览 → 单位画像")
ANALYST = (
    "单位画像 · 打开",
    "单位画像 · 原文页签",
    "单位画像 · 选一个数值（原文单元格）",
    "侧栏 → 数据质量",
    "侧栏 → 整改跟踪",
)


def open_page(page, url: str, timeout: float = 60.0) -> float:
    page.goto(url, wait_until="commit")
    return harness.settled(page, 0.0, timeout) / 1000


def leader_path(page, base: str, first_timeout: float = 60.0) -> list[float | None]:
    out = [open_page(page, harness.url_of(base, nav.PAGES[0]), first_timeout)]
    groups = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(1)

    def pick_group():
        groups.click()
        page.locator('[role="listbox"] [role="option"]').nth(1).click()  # 0 is 全部

    out.append(harness.step(page, pick_group))
    profile = nav.BY_URL["profile"].url_path  # a page link's href is relative: "profile?agency=…"
    unit = page.locator(f'[data-testid="stMain"] a[href^="{profile}?"]')
    out.append(harness.step(page, unit.first.click))
    return out


def analyst_path(page, base: str) -> list[float | None]:
    out = [open_page(page, harness.url_of(base, nav.BY_URL["profile"]))]
    tabs = page.locator('[data-testid="stMain"] [data-testid="stButtonGroup"]').first
    out.append(harness.step(page, tabs.locator("button", has_text="原文").click))

    def pick_number():
        page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').last.click()
        page.locator('[role="listbox"] [role="option"]').nth(2).click()

    out.append(harness.step(page, pick_number))
    for url_path in ("quality", "rectification"):
        link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{url_path}"]').first
        out.append(harness.step(page, link.click))
    return out


def one_session(
    base: str,
    seed: int,
    gates: tuple[threading.Barrier, threading.Barrier],
    out: dict,
    errors: list,
) -> None:
    """`gates`: every browser up before the first click; every path done before any browser
    closes (so the browsers' CPU is still on the clock when it is read)."""
    from playwright.sync_api import sync_playwright

    rng = random.Random(seed)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=harness.CHROMIUM, args=harness.CHROMIUM_ARGS
            )
            ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
            ctx.add_init_script(harness.RECORDER)
            page = ctx.new_page()
            gates[0].wait()
            try:
                for names, path in ((LEADER, leader_path), (ANALYST, analyst_path)):
                    time.sleep(rng.uniform(*THINK_S))
                    for name, t in zip(names, path(page, base), strict=True):
                        out.setdefault(name, []).append(t)
            except Exception as exc:  # noqa: BLE001 - reported; the others go on being measured
                errors.append(f"session {seed}: {type(exc).__name__}: {str(exc)[:300]}")
            gates[1].wait()
            browser.close()
    except threading.BrokenBarrierError:
        pass  # another session failed and said so
    except Exception as exc:  # noqa: BLE001 - a browser that did not start: nobody waits for it
        for gate in gates:
            gate.abort()
        errors.append(f"session {seed}: {type(exc).__name__}: {str(exc)[:300]}")


def serve_pid() -> int:
    """The `gongkai serve` child of this process (started by bench/browser_harness.server)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmd = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue
        if ppid == os.getpid() and b"gongkai" in cmd and b"serve" in cmd:
            return int(stat.parent.name)
    raise RuntimeError("gongkai serve is not a child of this process")


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system, children reaped included) of pid and its descendants."""
    total, todo, tick = 0.0, [pid], os.sysconf("SC_CLK_TCK")
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15]) / tick  # utime stime cutime cstime
            for task in os.listdir(f"/proc/{p}/task"):
                todo += [
                    int(c) for c in Path(f"/proc/{p}/task/{task}/children").read_text().split()
                ]
        except (OSError, ValueError):
            continue
    return total


def run(db: Path, n: int, log_dir: Path) -> dict:
    from playwright.sync_api import sync_playwright

    with harness.server(db, log_dir) as base:
        pid = serve_pid()
        with sync_playwright() as pw:  # one untimed visitor: the server has served before
            browser = pw.chromium.launch(
                executable_path=harness.CHROMIUM, args=harness.CHROMIUM_ARGS
            )
            ctx = browser.new_context(viewport=VIEWPORT)
            ctx.add_init_script(harness.RECORDER)
            warm = leader_path(ctx.new_page(), base, first_timeout=600)
            browser.close()
        peak, done = [tree_rss(pid)], threading.Event()

        def sample():
            while not done.wait(0.25):
                peak[0] = max(peak[0], tree_rss(pid))

        times: dict[str, list] = {}
        errors: list[str] = []
        gates = (threading.Barrier(n + 1), threading.Barrier(n + 1))
        threads = [
            threading.Thread(target=one_session, args=(base, i, gates, times, errors))
            for i in range(n)
        ]
        for t in threads:
            t.start()
        try:
            gates[0].wait(timeout=600)  # every browser up: the clock starts now
        except threading.BrokenBarrierError:
            pass  # a session failed: its error is reported
        threading.Thread(target=sample, daemon=True).start()
        cpu0, all0, t0 = tree_cpu(pid), tree_cpu(os.getpid()), time.monotonic()
        try:
            gates[1].wait(timeout=1800)  # every path done, no browser closed yet
        except threading.BrokenBarrierError:
            pass  # a session failed: its error is reported
        wall = time.monotonic() - t0
        cpu_server = tree_cpu(pid) - cpu0
        cpu_rest = tree_cpu(os.getpid()) - all0 - cpu_server  # the browsers, drivers, this script
        done.set()
        for t in threads:
            t.join()
    return {
        "n": n,
        "times": times,
        "errors": errors,
        "peak_rss": peak[0],
        "wall": wall,
        "cpu_server": cpu_server,
        "cpu_browsers": cpu_rest,
        "load": os.getloadavg(),
        "warm": warm,
    }


def synthesise(db: Path, agencies: int) -> None:
    import dashboard_bench

    from assess import stored
    from dashboard import runs

    t = time.perf_counter()
    dashboard_bench.build(db, agencies, 10)
    con = dashboard_bench.connect(db)
    try:
        years = stored.store_years(runs.cursor_of(con), db, dashboard_bench.SCHEME)
    finally:
        con.close()
    print(
        f"synthesised {db} and stored {len(years)} years' scores in {time.perf_counter() - t:.0f} s"
    )


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (p95 of 5 values is the largest)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered) + 0.5) - 1))]


def report(r: dict) -> None:
    print(
        f"\nN = {r['n']} sessions: {r['wall']:.1f} s wall; server peak RSS "
        f"{r['peak_rss'] / 2**20:,.0f} MiB; CPU s server {r['cpu_server']:.1f}, browsers and "
        f"drivers {r['cpu_browsers']:.1f}; load average {r['load'][0]:.1f} / {r['load'][1]:.1f} "
        f"(1 / 5 min) on {os.cpu_count()} CPUs"
    )
    print("  the untimed first visitor: " + ", ".join(f"{t:.1f}" for t in r["warm"] if t) + " s")
    print(f"  {'p50':>6} {'p95':>6} {'max':>6}  step (s; no run = the click caused none)")
    for name in LEADER + ANALYST:
        got = r["times"].get(name, [])
        ts = [t for t in got if t is not None]
        miss = f"  ({len(got) - len(ts)} no run)" if len(ts) < len(got) else ""
        if ts:
            print(
                f"  {statistics.median(ts):6.2f} {pct(ts, 0.95):6.2f} {max(ts):6.2f}  {name}{miss}"
            )
        else:
            print(f"  {'-':>6} {'-':>6} {'-':>6}  {name}{miss}")
    for e in r["errors"]:
        print(f"  failed: {e}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True, help="e.g. the 100k database of scale.py")
    ap.add_argument("--n", type=int, nargs="+", default=[1, 5, 20])
    ap.add_argument("--synthesise", type=int, metavar="AGENCIES", help="build --db first")
    args = ap.parse_args()
    if args.synthesise and not args.db.exists():
        synthesise(args.db, args.synthesise)
    if max(args.n) > MAX_SESSIONS or min(args.n) < 1:
        sys.exit(f"--n: between 1 and {MAX_SESSIONS} sessions")
    db = args.db.resolve()
    print(f"database {db} ({db.stat().st_size / 2**20:,.0f} MiB)")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.n:
            report(run(db, n, Path(tmp)))


if __name__ == "__main__":
    main()
