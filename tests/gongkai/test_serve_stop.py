"""`gongkai serve` stopped by SIGTERM or SIGINT leaves no process and nothing on the port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT

# slow: the real `gongkai` CLI end to end (subprocesses, whole loads of real reports, or a
# database loaded from them)
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:  # field 4 of /proc/PID/stat, after the command name
            out.append(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_stops_streamlit_and_frees_the_port(tmp_path, sig):
    db = tmp_path / "g.duckdb"
    duckdb.connect(str(db)).close()
    port = _free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "gongkai", "serve", "--db", str(db), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    streamlit: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/_stcore/health", timeout=2
                ) as r:
                    assert r.read() == b"ok"
                break
            except OSError:
                assert serve.poll() is None, serve.stderr.read()
                assert time.monotonic() < deadline, "the dashboard did not answer in 60 s"
                time.sleep(0.3)
        streamlit = _children(serve.pid)
        assert streamlit, "gongkai serve runs Streamlit as a child process"
        serve.send_signal(sig)
        assert serve.wait(timeout=20) == 0
        gone = time.monotonic() + 5
        while any(_alive(p) for p in streamlit) and time.monotonic() < gone:
            time.sleep(0.1)
        assert not any(_alive(p) for p in streamlit)
        assert _port_free(port)
    finally:  # whatever the outcome, leave nothing running
        for pid in [serve.pid] + streamlit:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        serve.wait()
