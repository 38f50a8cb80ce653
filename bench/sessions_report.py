"""bench/sessions.py's printing, its check of the server's log and its 100k database builder."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

ERROR_MARKS = ("Traceback", "ERROR", "Exception", "exception")


def synthesise(db: Path, agencies: int) -> None:
    """--db built as bench/dashboard_bench.py does, every year's scores stored as a load does."""
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


def server_errors(log_dir: Path, base: str) -> list[str]:
    """The lines of the server's log (bench/browser_harness.server) that say something failed."""
    log = log_dir / f"serve-{base.rsplit(':', 1)[1]}.log"
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return [f"server log: {line[:300]}" for line in lines if any(m in line for m in ERROR_MARKS)]


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (p95 of 5 values is the largest)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered) + 0.5) - 1))]


def table(times: dict, names: tuple[str, ...]) -> None:
    print(f"  {'p50':>6} {'p95':>6} {'max':>6} {'n':>4}  step (s; no run = the click caused none)")
    for name in names:
        got = times.get(name, [])
        ts = [t for t in got if t is not None]
        miss = f"  ({len(got) - len(ts)} no run)" if len(ts) < len(got) else ""
        if ts:
            print(
                f"  {statistics.median(ts):6.2f} {pct(ts, 0.95):6.2f} {max(ts):6.2f} "
                f"{len(ts):4d}  {name}{miss}"
            )
        else:
            print(f"  {'-':>6} {'-':>6} {'-':>6} {0:4d}  {name}{miss}")


def report(r: dict, browser_steps: tuple[str, ...], protocol_steps: tuple[str, ...]) -> None:
    browsers = {"browser": r["n"], "protocol": 0, "mixed": 1}[r["mode"]]
    print(
        f"\nN = {r['n']} sessions ({browsers} Chromium, {r['n'] - browsers} protocol): "
        f"{r['wall']:.1f} s wall; server peak RSS {r['peak_rss'] / 2**20:,.0f} MiB; CPU s "
        f"server {r['cpu_server']:.1f}, Chromium and drivers {r['cpu_browsers']:.1f}, protocol "
        f"sessions {r['cpu_protocol']:.1f}; load average (1 min) {r['load0'][0]:.1f} at the "
        f"start, {r['load'][0]:.1f} at the end ({r['load'][1]:.1f} over 5 min) on "
        f"{os.cpu_count()} CPUs"
    )
    print("  the untimed first visitor: " + ", ".join(f"{t:.1f}" for t in r["warm"] if t) + " s")
    if browsers:
        print("  Chromium session(s): from the click to the run's end in the page")
        table(r["times"], browser_steps)
    if r["protocol"]:
        print("  protocol sessions: from the rerun sent to script_finished received")
        table(r["protocol"], protocol_steps)
    for e in r["errors"]:
        print(f"  failed: {e}")
