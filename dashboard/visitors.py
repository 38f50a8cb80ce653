"""Script runs in progress, so the server's warm-up steps aside for a visitor.

The warm-up (dashboard/server.py) runs each page's default queries on a thread of the same
process. On a 2-core machine a cold first view then competed with it for the CPU while the
browser was parsing Streamlit's bundle (py-spy: ≈1 s of warm-up queries inside a cold view of
a page that needed none of them). app.py marks each script run; between two warm-up queries the
warm-up waits while a run is in progress. A query the visitor needs is run by the visitor (the
caches are shared, so it is run once either way).
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

_lock = threading.Lock()
_running = 0
_last_end: float | None = None  # time.monotonic() when the last run ended; None before any


@contextmanager
def visitor_run():
    """Around one script run of a page (app.py)."""
    global _running
    with _lock:
        _running += 1
    try:
        yield
    finally:
        global _last_end
        with _lock:
            _running -= 1
            _last_end = time.monotonic()


def in_progress() -> int:
    return _running


def step_aside(longest: float = 30.0, poll: float = 0.05) -> None:
    """Wait while a visitor's script run is in progress (at most `longest` seconds: a page
    that never finishes must not stop the warm-up for good)."""
    deadline = time.monotonic() + longest
    while _running and time.monotonic() < deadline:
        time.sleep(poll)


def after_a_visit(idle: float = 1.0, longest: float = 60.0, poll: float = 0.05) -> None:
    """Wait until a visitor's page has been shown (a run ended) and no run has started for
    `idle` seconds; at most `longest` seconds. For warm-up work a visitor's next clicks need
    but the first view does not: during a cold first view, on 2 cores, it competed with the
    browser loading Streamlit's bundle (bench/browser_views.py: up to 0.6 s of server CPU
    more in the view)."""
    deadline = time.monotonic() + longest
    while time.monotonic() < deadline:
        ended = _last_end
        if not _running and ended is not None and time.monotonic() - ended >= idle:
            return
        time.sleep(poll)
