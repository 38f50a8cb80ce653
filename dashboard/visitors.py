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


@contextmanager
def visitor_run():
    """Around one script run of a page (app.py)."""
    global _running
    with _lock:
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1


def in_progress() -> int:
    return _running


def step_aside(longest: float = 30.0, poll: float = 0.05) -> None:
    """Wait while a visitor's script run is in progress (at most `longest` seconds: a page
    that never finishes must not stop the warm-up for good)."""
    deadline = time.monotonic() + longest
    while _running and time.monotonic() < deadline:
        time.sleep(poll)
