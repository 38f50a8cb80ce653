"""The dashboard's server process as `gongkai serve` starts it: the warm-up on a thread, then
Streamlit's own command line (`python -m dashboard.server run dashboard/app.py --server.port …`).

The warm-up (dashboard/warmup.py) imports what the pages import and reads (or, when not stored
by the load, scores) the default year and the year before with their ranking, the 排名总览
summary and each page's default queries while Streamlit starts. Until that first warm-up is
done (at most READY_WAIT_S seconds) Streamlit's health check (/_stcore/health) answers 503
「warming up」: an office's proxy routes no one to the server yet, and a browser that comes
early shows Streamlit's "connecting" until then instead of running a page on a half-started
server (bench/browser_views.py: a first view while the warm-up ran cost 1.7 server CPU-s and
2.0–2.6 s on 2 cores). It then watches the database version and the default scheme's content
every WATCH_S seconds and warms again when either changes (a load swapped a new file in, an
analyst's correction, an edited scheme), so the first view after such a change reads what is
ready; the server stays ready meanwhile and a visitor waits for the same run (never a second).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable

WATCH_S = 2.0
RUNTIME_WAIT_S = 60
READY_WAIT_S = 60.0  # the longest a first warm-up keeps visitors out (a very large database)

warmed = threading.Event()  # the first warm-up is done (or gave up): the server takes visitors


def _warm() -> None:
    from streamlit import runtime

    try:
        for _ in range(RUNTIME_WAIT_S * 20):  # the pages' caches live in Streamlit's runtime
            if runtime.exists():
                break
            time.sleep(0.05)
        from dashboard import data, warmup  # their st caches made once the runtime is there

        _quietly(warmup.warm_code)
        seen = _quietly(data.watched)
        _quietly(lambda: warmup.warm(pages_ready=warmed.set))
    finally:
        warmed.set()  # a failed warm-up must not keep the server closed
    while True:
        time.sleep(WATCH_S)
        now = _quietly(data.watched)
        if now is not None and now != seen:
            _quietly(warmup.warm)
            seen = now


def hold_health_until_warmed() -> None:
    """Streamlit's health check says 503 「warming up」 until `warmed` is set (or READY_WAIT_S
    have passed since the server started). Streamlit has no option for a readiness condition;
    its check (web/server, both servers) awaits the runtime's `is_ready_for_browser_connection`
    property, which is wrapped here. If an upgrade renames it, the server is ready at once, as
    Streamlit alone would be (tests/dashboard/test_server_ready.py fails then)."""
    from streamlit.runtime.runtime import Runtime

    streamlit_ready = getattr(Runtime, "is_ready_for_browser_connection", None)
    if not isinstance(streamlit_ready, property) or streamlit_ready.fget is None:
        return
    started = time.monotonic()

    async def ready(runtime) -> tuple[bool, str]:
        if not warmed.is_set() and time.monotonic() - started < READY_WAIT_S:
            return False, "warming up"
        return await streamlit_ready.fget(runtime)

    Runtime.is_ready_for_browser_connection = property(ready)


def _quietly(step: Callable[[], object]) -> object | None:
    """One warm-up step; None when it fails. The dashboard's one boundary that catches more than
    GongkaiError: the warm-up is only a head start, so whatever stops it (a missing or damaged
    database, a bug) is left to the first page that needs the same data to say, in Chinese."""
    try:
        return step()
    except Exception:  # noqa: BLE001 -- the warm-up thread's boundary; see the docstring
        return None


def main(argv: list[str]) -> None:
    hold_health_until_warmed()
    threading.Thread(target=_warm, name="gongkai-warm", daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
