"""The harness every browser benchmark shares: `gongkai serve` on a free port, headless Chromium,
and the wait for Streamlit's script runs to end. Not a test.

Used by bench/browser_views.py (cold views and warm steps per page) and bench/sessions.py
(concurrent sessions). A view is done when the app root's `data-test-script-state` is back to
"notRunning", the page title is shown, and no new run started for QUIET seconds.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from dashboard import nav

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Records every change of the app root's script state with its time since navigation start: from
# the DOM's mutation records (a fragment's run can start and end within one task: each record's
# old value keeps the states in between) and every 5 ms.
RECORDER = """
window.__gk = [];
const gkPush = (s) => {
  const log = window.__gk;
  if (!log.length || log[log.length - 1][1] !== s) log.push([performance.now(), s]);
};
const gkRecord = (records) => {
  for (const r of records || [])
    if (r.attributeName === 'data-test-script-state' && r.oldValue) gkPush(r.oldValue);
  const app = document.querySelector('[data-testid="stApp"]');
  gkPush(app ? app.getAttribute('data-test-script-state') : 'none');
};
new MutationObserver(gkRecord).observe(document, {
  subtree: true, childList: true, attributes: true, attributeOldValue: true,
  attributeFilter: ['data-test-script-state'],
});
setInterval(gkRecord, 5);
"""
QUIET = 0.8  # seconds without a new run before a view counts as done


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server(str):
    """The server's URL, with the pid of the `gongkai serve` process (for server_cpu) and the
    seconds from its start to its health check's first ok (`gongkai serve` says ok once its
    first warm-up is done: dashboard/server.py)."""

    pid: int
    ready_s: float


def server_cpu(base: str) -> float:
    """CPU seconds (user + system) the server has used so far: `gongkai serve` and its children."""
    pid = getattr(base, "pid", None)
    if pid is None:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # a process gone meanwhile
            continue
        me, parent = int(stat.parent.name), int(fields[1])
        if me == pid or parent == pid:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


@contextmanager
def server(db: Path, log_dir: Path, fresh: bool = False, tree: Path = ROOT):
    """`gongkai serve` on a free port; yields its URL once /_stcore/health answers. `fresh`:
    without the scoring runs an earlier server kept on disk (dashboard.memo)."""
    if fresh:
        shutil.rmtree(db.parent / f".{db.stem}.cache", ignore_errors=True)
    port = free_port()
    log = open(log_dir / f"serve-{port}.log", "w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gongkai", "serve", "--db", str(db), "--port", str(port)],
        cwd=tree,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(tree)},
    )
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    try:
        deadline = started + 60
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"gongkai serve exited:\n{log.read()[-3000:]}")
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gongkai serve did not answer in 60 s") from None
                time.sleep(0.05)
        found = Server(url)
        found.pid = proc.pid
        found.ready_s = time.monotonic() - started
        yield found
    finally:
        proc.terminate()  # gongkai serve stops its Streamlit process group
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def settled(page, since_ms: float, timeout: float = 60.0) -> float:
    """ms (page clock) at which the runs started after `since_ms` ended, once quiet for QUIET s."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        log, now, h1 = page.evaluate(
            "() => [window.__gk, performance.now(),"
            " !!document.querySelector('[data-testid=\"stMain\"] h1')]"
        )
        after = [(t, s) for t, s in log if t >= since_ms]
        state = log[-1][1] if log else "none"
        if state == "notRunning" and h1:
            done = max([t for t, s in after if s == "notRunning"], default=since_ms)
            if now - done >= QUIET * 1000:
                return done
        time.sleep(0.05)
    raise TimeoutError("the page did not settle")


def url_of(base: str, spec: nav.PageSpec, query: str = "") -> str:
    path = "" if spec is nav.PAGES[0] else spec.url_path
    return f"{base}/{path}{'?' + query if query else ''}"


def step(page, action, wait: float = 3.0) -> float | None:
    """Seconds from the action to the end of the run it caused; None when it caused no run
    within `wait` s (longer on a loaded server, whose run may start late)."""
    t0 = page.evaluate("() => performance.now()")
    action()
    end = time.monotonic() + wait
    while time.monotonic() < end:
        log = page.evaluate("() => window.__gk")
        if any(t >= t0 and s == "running" for t, s in log):
            return (settled(page, t0) - t0) / 1000
        time.sleep(0.02)
    return None
