"""The dashboard's server process as `gongkai serve` starts it: the warm-up on a thread, then
Streamlit's own command line (`python -m dashboard.server run dashboard/app.py --server.port …`).

The warm-up (dashboard/warmup.py) imports what the pages import and reads (or, when not stored
by the load, scores) the default year and the year before with their ranking and 排名总览
summary while Streamlit starts and the browser loads, instead of after the first visitor's page
has asked for them; a visitor who comes earlier waits for the same run (never a second one).
It then watches the database version and the default scheme's content every WATCH_S seconds
and warms again when either changes (a load swapped a new file in, an analyst's correction, an
edited scheme), so the first view after such a change reads what is ready.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable

WATCH_S = 2.0
RUNTIME_WAIT_S = 60


def _warm() -> None:
    from streamlit import runtime

    from dashboard import data, warmup

    _quietly(warmup.warm_code)
    for _ in range(RUNTIME_WAIT_S * 20):  # the pages' caches live in Streamlit's runtime
        if runtime.exists():
            break
        time.sleep(0.05)
    seen = None
    while True:
        now = _quietly(data.watched)
        if now is not None and now != seen:
            _quietly(warmup.warm)
            seen = now
        time.sleep(WATCH_S)


def _quietly(step: Callable[[], object]) -> object | None:
    """One warm-up step; None when it fails. The dashboard's one boundary that catches more than
    GongkaiError: the warm-up is only a head start, so whatever stops it (a missing or damaged
    database, a bug) is left to the first page that needs the same data to say, in Chinese."""
    try:
        return step()
    except Exception:  # noqa: BLE001 -- the warm-up thread's boundary; see the docstring
        return None


def main(argv: list[str]) -> None:
    threading.Thread(target=_warm, name="gongkai-warm", daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
