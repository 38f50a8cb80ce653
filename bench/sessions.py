"""Many readers at once: N sessions on one `gongkai serve`, each clicking two paths.

Three kinds of run (N = 1, 5, 20 by default):

- browsers (the default): N headless Chromium sessions on this machine. On 2 cores the
  browsers, not the server, eat the CPU (20 Chromiums: load average 117, nothing settles).
- --protocol: N protocol sessions (bench/protocol_sessions.py): each a browser session as far
  as the server can tell, without the rendering, reading THINK s between clicks for --seconds.
  Their step times are the server's answer under N readers whose browsers run on their own PCs.
- --mixed: 1 Chromium session walking its two paths --repeat times, while N-1 protocol sessions
  walk theirs for the whole time: the browser's step times are what one reader of N sees.

For each N: a fresh `gongkai serve` on a free port on 127.0.0.1 reading --db
(bench/browser_harness.server), warmed by one untimed visitor on the leader's path (as a server
that has been up for a while would be); then the sessions start, each Chromium its own (its own
Playwright, on its own thread: the sync API is per thread) with an empty cache, and click through

- the leader's path: 排名总览 opened → a peer group picked in the sidebar → the first unit named
  in that group's summary opened (its 单位画像);
- the analyst's path: 单位画像 opened → its 原文 tab → a number of the report picked (its printed
  cell marked) → 数据质量 and 整改跟踪 opened from the sidebar (protocol sessions also open
  复议诉讼 and 导出),

with --think MIN MAX seconds of reading before every click (default 3-8 s: a reader looks at a
ranking or a profile's figures for a few seconds before the next click). A Chromium step is
timed as bench/browser_views.py times it: from the navigation or the click to the end of the
script run it caused (`data-test-script-state` back to "notRunning", no new run for 0.8 s); a
protocol step from the rerun sent to the script_finished received. Prints p50/p95 per step, the
server's peak memory (RSS of the `gongkai serve` process tree, sampled every 0.25 s), the CPU
seconds of the server, of the Chromium sessions (browsers, drivers, this script) and of the
protocol sessions while the sessions ran, the load average, and the errors in the server's log.
What it cannot show: the CPU the N-1 readers' browsers spend on their own PCs. Not a test: it
prints figures (bench/RESULTS.md).

    .venv/bin/python bench/sessions.py --db DB [--n 1 5 20] [--protocol | --mixed]
    .venv/bin/python bench/sessions.py --db /tmp/s100k.duckdb --synthesise 10800

--synthesise AGENCIES first builds --db (when it does not exist) as bench/dashboard_bench.py
does, 10 years of AGENCIES agencies (10,800: 102,572 agency-years), and stores every year's
scores as `gongkai load` does: minutes, where a real 100,000-report load (bench/scale.py --n
100000 --keep DIR) takes 8 minutes on a quiet machine and far longer on a busy one.

At most MAX_SESSIONS sessions (each Chromium is ~200-300 MB).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scale import tree_rss  # noqa: E402

from bench import browser_harness as harness  # noqa: E402
from bench import protocol_sessions as proto  # noqa: E402
from bench.sessions_report import report, server_errors, synthesise  # noqa: E402
from dashboard import nav  # noqa: E402

MAX_SESSIONS = 20
WAIT = 10.0  # s for a click's run to start: on a loaded server it starts late, not never
VIEWPORT = {"width": 1440, "height": 900}
# the browser's paths: the protocol sessions' steps, up to 整改跟踪 (the analyst's last click here)
LEADER = proto.LEADER
ANALYST = proto.ANALYST[: proto.ANALYST.index("侧栏 → 整改跟踪") + 1]


def open_page(page, url: str, timeout: float = 60.0) -> float:
    page.goto(url, wait_until="commit")
    return harness.settled(page, 0.0, timeout) / 1000


def leader_path(page, base, first_timeout=60.0, pause=lambda: None, turn=0) -> list[float | None]:
    """`pause`: the reading before each click after the first view; `turn`: the walks before
    this one (each picks another group and number: a reload may keep the session's picks)."""
    out = [open_page(page, harness.url_of(base, nav.PAGES[0]), first_timeout)]
    groups = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(1)

    def pick_group():
        groups.click()
        page.locator('[role="listbox"] [role="option"]').nth(1 + turn).click()  # 0 is 全部

    pause()
    out.append(harness.step(page, pick_group, WAIT))
    profile = nav.BY_URL["profile"].url_path  # a page link's href is relative: "profile?agency=…"
    unit = page.locator(f'[data-testid="stMain"] a[href^="{profile}?"]')
    pause()
    out.append(harness.step(page, unit.first.click, WAIT))
    return out


def analyst_path(page, base: str, pause=lambda: None, turn=0) -> list[float | None]:
    out = [open_page(page, harness.url_of(base, nav.BY_URL["profile"]))]
    tabs = page.locator('[data-testid="stMain"] [data-testid="stButtonGroup"]').first
    pause()
    out.append(harness.step(page, tabs.locator("button", has_text="原文").click, WAIT))

    def pick_number():
        page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').last.click()
        page.locator('[role="listbox"] [role="option"]').nth(2 + turn).click()

    pause()
    out.append(harness.step(page, pick_number, WAIT))
    for url_path in ("quality", "rectification"):
        link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{url_path}"]').first
        pause()
        out.append(harness.step(page, link.click, WAIT))
    return out


def one_session(base, seed, gates, out, errors, think=proto.THINK, repeat=1) -> None:
    """`gates`: every browser up before the first click; every path done before any browser
    closes (so the browsers' CPU is still on the clock when it is read). Both paths `repeat`
    times, reading `think` seconds before every click."""
    from playwright.sync_api import sync_playwright

    rng = random.Random(seed)

    def pause():
        time.sleep(rng.uniform(*think))

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
                for turn in range(repeat):
                    for names, path in ((LEADER, leader_path), (ANALYST, analyst_path)):
                        pause()
                        got = path(page, base, pause=pause, turn=turn)
                        for name, t in zip(names, got, strict=True):
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


def warm_up(base: str) -> list:
    """One untimed visitor on the leader's path: the server has served before."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=harness.CHROMIUM, args=harness.CHROMIUM_ARGS)
        ctx = browser.new_context(viewport=VIEWPORT)
        ctx.add_init_script(harness.RECORDER)
        warm = leader_path(ctx.new_page(), base, first_timeout=600)
        browser.close()
    return warm


def run(db: Path, n: int, log_dir: Path, mode="browser", think=proto.THINK, repeat=1, seconds=120):
    """`mode`: "browser" (N Chromiums), "protocol" (N protocol sessions for `seconds`) or
    "mixed" (1 Chromium walking its paths `repeat` times, N-1 protocol sessions meanwhile)."""
    browsers = {"browser": n, "protocol": 0, "mixed": 1}[mode]
    with harness.server(db, log_dir) as base:
        pid = serve_pid()
        warm = warm_up(base)
        peak, done = [tree_rss(pid)], threading.Event()

        def sample():
            while not done.wait(0.25):
                peak[0] = max(peak[0], tree_rss(pid))

        times: dict[str, list] = {}
        errors: list[str] = []
        gates = (threading.Barrier(browsers + 1), threading.Barrier(browsers + 1))
        threads = [
            threading.Thread(
                target=one_session, args=(base, i, gates, times, errors, think, repeat)
            )
            for i in range(browsers)
        ]
        for t in threads:
            t.start()
        readers = proto.Clients(base, n - browsers, think) if n > browsers else None
        try:
            gates[0].wait(timeout=600)  # every browser up: the clock starts now
        except threading.BrokenBarrierError:
            pass  # a session failed: its error is reported
        threading.Thread(target=sample, daemon=True).start()
        cpu = [tree_cpu(pid), tree_cpu(readers.pid) if readers else 0.0, tree_cpu(os.getpid())]
        t0, load0 = time.monotonic(), os.getloadavg()
        if not browsers:
            time.sleep(seconds)
        try:
            gates[1].wait(timeout=3600)  # every path done, no browser closed yet
        except threading.BrokenBarrierError:
            pass  # a session failed: its error is reported
        wall = time.monotonic() - t0
        cpu_server = tree_cpu(pid) - cpu[0]
        cpu_readers = (tree_cpu(readers.pid) - cpu[1]) if readers else 0.0
        cpu_rest = tree_cpu(os.getpid()) - cpu[2] - cpu_server - cpu_readers
        load = os.getloadavg()
        done.set()
        got = readers.stop() if readers else {"times": {}, "errors": []}
        for t in threads:
            t.join()
    return {
        "n": n,
        "mode": mode,
        "times": times,
        "protocol": got["times"],
        "errors": errors + got["errors"] + server_errors(log_dir, base),
        "peak_rss": peak[0],
        "wall": wall,
        "cpu_server": cpu_server,
        "cpu_browsers": cpu_rest,
        "cpu_protocol": cpu_readers,
        "load0": load0,
        "load": load,
        "warm": warm,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True, help="e.g. the 100k database of scale.py")
    ap.add_argument("--n", type=int, nargs="+", default=[1, 5, 20])
    ap.add_argument("--synthesise", type=int, metavar="AGENCIES", help="build --db first")
    kind = ap.add_mutually_exclusive_group()
    kind.add_argument("--protocol", action="store_true", help="N protocol sessions, no browser")
    kind.add_argument("--mixed", action="store_true", help="1 Chromium + N-1 protocol sessions")
    ap.add_argument("--think", type=float, nargs=2, default=proto.THINK, metavar=("MIN", "MAX"))
    ap.add_argument("--repeat", type=int, default=1, help="the Chromium walks its paths R times")
    ap.add_argument("--seconds", type=float, default=120, help="--protocol: how long")
    args = ap.parse_args()
    if args.synthesise and not args.db.exists():
        synthesise(args.db, args.synthesise)
    if max(args.n) > MAX_SESSIONS or min(args.n) < 1:
        sys.exit(f"--n: between 1 and {MAX_SESSIONS} sessions")
    mode = "protocol" if args.protocol else "mixed" if args.mixed else "browser"
    db = args.db.resolve()
    print(f"database {db} ({db.stat().st_size / 2**20:,.0f} MiB); think {args.think} s")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.n:
            r = run(db, n, Path(tmp), mode, tuple(args.think), args.repeat, args.seconds)
            report(r, LEADER + ANALYST, proto.LEADER + proto.ANALYST)


if __name__ == "__main__":
    main()
