"""The dashboard's server process as `gongkai serve` starts it: the warm-up on a thread, then
Streamlit's own command line (`python -m dashboard.server run dashboard/app.py --server.port …`).

The warm-up (dashboard.data.warm) imports what the pages import and scores the default year
and the year before while Streamlit starts and the browser loads, instead of after the first
visitor's page has asked for them; a visitor who comes earlier waits for the same run (never a
second one).
"""

from __future__ import annotations

import sys
import threading


def _warm() -> None:
    from dashboard import data

    data.warm()


def main(argv: list[str]) -> None:
    threading.Thread(target=_warm, name="gongkai-warm", daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
