"""The dashboard server takes visitors once its first warm-up is done (dashboard/server.py): the
health check an office proxy and Streamlit's page poll says 503 「warming up」 until then, a
failed warm-up never keeps the server closed, and `gongkai serve` says when it is ready."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from types import SimpleNamespace

import pytest
from streamlit.runtime.runtime import Runtime, RuntimeState

from dashboard import server, warmup
from tests.conftest import ROOT
from tests.dashboard_server import free_port


@pytest.fixture
def gate(monkeypatch):
    """hold_health_until_warmed() on a fresh `warmed` event; Streamlit's property put back after."""
    monkeypatch.setattr(
        Runtime, "is_ready_for_browser_connection", Runtime.is_ready_for_browser_connection
    )
    monkeypatch.setattr(server, "warmed", threading.Event())
    server.hold_health_until_warmed()
    running = SimpleNamespace(_state=RuntimeState.NO_SESSIONS_CONNECTED)
    return lambda: asyncio.run(Runtime.is_ready_for_browser_connection.fget(running))


def test_the_health_check_says_warming_up_until_the_first_warm_up_is_done(gate):
    assert gate() == (False, "warming up")
    server.warmed.set()
    assert gate() == (True, "ok")  # then Streamlit's own answer


def test_a_warm_up_longer_than_the_limit_no_longer_keeps_visitors_out(gate, monkeypatch):
    assert gate() == (False, "warming up")
    monkeypatch.setattr(server, "READY_WAIT_S", 0.0)
    assert gate() == (True, "ok")


def test_the_gate_keeps_streamlits_own_no_when_warmed(gate):
    server.warmed.set()
    stopping = SimpleNamespace(_state=RuntimeState.STOPPING)
    assert asyncio.run(Runtime.is_ready_for_browser_connection.fget(stopping)) == (
        False,
        "unavailable",
    )


def _run_warm_thread(monkeypatch, warm) -> None:
    from streamlit import runtime

    from dashboard import data

    monkeypatch.setattr(server, "warmed", threading.Event())
    monkeypatch.setattr(server, "WATCH_S", 3600.0)
    monkeypatch.setattr(runtime, "exists", lambda: True)
    monkeypatch.setattr(warmup, "warm_code", lambda: None)
    monkeypatch.setattr(data, "watched", lambda: ("version", "scheme"))
    monkeypatch.setattr(warmup, "warm", warm)
    threading.Thread(target=server._warm, daemon=True).start()


def test_the_server_opens_when_the_default_views_are_warm_not_before(monkeypatch):
    seen = {}
    next_steps = threading.Event()

    def warm(pages_ready=lambda: None):
        seen["before"] = server.warmed.is_set()
        pages_ready()
        seen["after"] = server.warmed.is_set()
        next_steps.wait(5)  # the next clicks' queries run while the server is open

    _run_warm_thread(monkeypatch, warm)
    assert server.warmed.wait(5)
    assert seen == {"before": False, "after": True}
    next_steps.set()


def test_a_failed_warm_up_still_opens_the_server(monkeypatch):
    def warm(pages_ready=lambda: None):
        raise RuntimeError("数据库损坏")

    _run_warm_thread(monkeypatch, warm)
    assert server.warmed.wait(5)


def test_the_warm_up_imports_what_the_page_files_import_and_no_page_itself():
    found = warmup._modules_the_pages_import()
    # `from dashboard.views import ranking_grid, whatif, widgets` (ranking.py),
    # `from exports.formats import FORMATS` (downloads.py), `from workflow.store import …`
    assert {"dashboard.views.ranking_grid", "dashboard.views.whatif", "exports.formats"} <= found
    assert {"workflow.store", "dashboard.views.rect_items", "polars"} <= found
    pages = {"dashboard.views." + p for p in ("ranking", "profile", "review", "quality")}
    assert not pages & found  # a page file is run by Streamlit, never imported
    assert "__future__" not in found


@pytest.mark.slow
def test_gongkai_serve_says_ready_when_the_health_check_says_ok(demo_db):
    port = free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "gongkai", "serve", "--db", str(demo_db), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    answers = []
    try:
        lines = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = serve.stdout.readline()
            assert line, "gongkai serve stopped:\n" + "".join(lines)
            lines.append(line)
            if line.startswith("ready after"):
                break
        assert lines[-1].startswith("ready after"), "".join(lines)
        assert f"open http://127.0.0.1:{port}/" in lines[-1]
        assert any(line.startswith("warming up") for line in lines)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as r:
            answers.append((r.status, r.read()))
    finally:
        serve.terminate()
        serve.wait(timeout=30)
    assert answers == [(200, b"ok")]
