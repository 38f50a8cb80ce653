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


def test_after_a_visit_waits_for_a_shown_view_and_a_quiet_moment(monkeypatch):
    monkeypatch.setattr(visitors, "_last_end", None)
    started = time.monotonic()
    visitors.after_a_visit(idle=0.1, longest=0.3)  # nobody came: it gives up, not forever
    assert 0.3 <= time.monotonic() - started < 2

    def visitor():
        with visitors.visitor_run():
            time.sleep(0.3)

    threading.Thread(target=visitor).start()
    time.sleep(0.05)
    started = time.monotonic()
    visitors.after_a_visit(idle=0.2, longest=5)
    waited = time.monotonic() - started
    assert visitors.in_progress() == 0
    assert 0.4 <= waited < 2  # the run's 0.25 s left, then 0.2 s without a run
