"""Start the dashboard as a user does (`streamlit run dashboard/app.py`, or `gongkai serve`) for
browser and concurrency tests: wait until it answers, raise with its log if it dies, always stop
it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_log(fh) -> str:
    fh.flush()
    fh.seek(0)
    return fh.read()[-4000:]


@contextmanager
def running_dashboard(db: Path, log_path: Path, timeout: float = 60, serve: bool = False):
    """Yield (url, log file) of a dashboard server reading `db`; `serve`: started by `gongkai
    serve` (its warm-up thread and database watch included) instead of `streamlit run`."""
    port = free_port()
    log = open(log_path, "w+")
    gongkai_serve = [sys.executable, "-m", "gongkai", "serve", "--db", str(db), "--port", str(port)]
    proc = subprocess.Popen(
        gongkai_serve
        if serve
        else [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboard" / "app.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env={**os.environ, "GONGKAI_DB": str(db)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{read_log(log)}")
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"streamlit did not answer in {timeout:.0f} s:\n{read_log(log)}"
                    ) from None
                time.sleep(0.3)
        yield url, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
