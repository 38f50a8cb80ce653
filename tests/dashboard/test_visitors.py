"""The warm-up steps aside while a visitor's script run is in progress."""

from __future__ import annotations

import threading
import time

from dashboard import visitors


def test_step_aside_waits_for_the_visitor_and_no_longer():
    done = threading.Event()

    def visitor():
        with visitors.visitor_run():
            time.sleep(0.4)
        done.set()

    threading.Thread(target=visitor).start()
    time.sleep(0.05)
    assert visitors.in_progress() == 1
    started = time.monotonic()
    visitors.step_aside(longest=5)
    waited = time.monotonic() - started
    assert done.wait(1) and visitors.in_progress() == 0
    assert waited >= 0.2  # it waited for the run, which had 0.35 s left


def test_a_run_that_fails_still_ends_and_a_stuck_one_is_waited_for_only_so_long():
    try:
        with visitors.visitor_run():
            raise RuntimeError("page failed")
    except RuntimeError:
        pass
    assert visitors.in_progress() == 0
    with visitors.visitor_run():
        started = time.monotonic()
        visitors.step_aside(longest=0.2)
        assert time.monotonic() - started < 2
