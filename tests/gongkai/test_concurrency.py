"""Readers keep answering while `gongkai load` rebuilds the database, and then see the new data.

Setup: the real dashboard server (`python -m streamlit run dashboard/app.py`, GONGKAI_DB set) on
a copy of the baseline database (the four real reports). Then `gongkai load` of 96 small std2021
reports (6 new agencies x 2009-2024) runs in a subprocess while this test, in a loop:
- GETs the server's /_stcore/health and its index page;
- reads through the query layer (queries) over a fresh read-only DuckDB connection;
- reloads the page in headless Chromium when it is installed (the server's own reads).
No read may fail (DuckDB lock errors included); after the load a new read shows the new reports.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

import queries
from tests.conftest import ROOT
from tests.dashboard_server import CHROMIUM_ARGS, running_dashboard
from tests.dashboard_server import read_log as _read
from tests.etl.test_load import small_report
from tests.gongkai.conftest import copy_db

# slow: the real `gongkai` CLI end to end (subprocesses, whole loads of real reports, or a
# database loaded from them)
pytestmark = pytest.mark.slow

AGENCIES = [
    "甲县人民政府",
    "乙县人民政府",
    "丙县人民政府",
    "丁县人民政府",
    "戊县人民政府",
    "己县人民政府",
]
YEARS = range(2009, 2025)


def _chromium() -> str | None:
    for candidate in (os.environ.get("GONGKAI_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture
def server(baseline_db, tmp_path):
    db = copy_db(baseline_db, tmp_path / "db")
    with running_dashboard(db, tmp_path / "streamlit.log") as (url, log):
        yield url, db, log


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.status, resp.read()


def _read_through_queries(db: Path) -> tuple[int, list[int]]:
    """What a page reads: agencies, years, a profile, findings. Returns (current reports, years)."""
    with duckdb.connect(str(db), read_only=True) as con:
        agencies = queries.agencies(con)
        years = queries.years(con)
        queries.agency_profile(con, agency_id="320813-GOV")
        queries.findings(con, year=years[0] if years else None)
        n = con.execute("SELECT count(*) FROM current_reports").fetchone()[0]
        assert agencies.height > 0
    return n, years


class _Browser:
    """Headless Chromium on the dashboard (None when Chromium is not installed)."""

    def __init__(self):
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self.browser = self._pw.chromium.launch(
            executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS
        )
        self.page = self.browser.new_page()

    def check(self, url: str) -> str:
        """Load the page, wait for the app to render its title; return the visible text."""
        self.page.goto(url, wait_until="domcontentloaded")
        self.page.wait_for_selector("h1", timeout=30000)
        self.page.wait_for_timeout(300)
        assert self.page.locator('[data-testid="stException"]').count() == 0
        return self.page.inner_text("body")

    def close(self):
        self.browser.close()
        self._pw.stop()


def test_readers_keep_answering_during_a_load_and_then_see_the_new_data(server, tmp_path):
    url, db, log = server
    before, years_before = _read_through_queries(db)
    corpus = tmp_path / "more"
    corpus.mkdir()
    for agency in AGENCIES:
        for year in YEARS:
            (corpus / f"{agency}_{year}.txt").write_text(
                small_report(agency, year, 0, 0), encoding="utf-8"
            )
    browser = _Browser() if _chromium() else None
    texts = []
    try:
        if browser:
            texts.append(browser.check(url))
        load = subprocess.Popen(
            [sys.executable, "-m", "gongkai", "load", str(corpus), "--db", str(db)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        counts = {"reads": 0, "pages": 0}
        errors: list[str] = []

        def poll() -> None:  # HTTP + query-layer reads, as fast as they come, until the load ends
            while load.poll() is None:
                try:
                    assert _get(url + "/_stcore/health") == (200, b"ok")
                    status, body = _get(url + "/")
                    assert status == 200 and b'<div id="root">' in body
                    n, _ = _read_through_queries(db)
                    assert n >= before  # the old file or the new one, never a half-built one
                    counts["reads"] += 1
                # the polling thread's boundary: keep polling; every failure is reported at the end
                except Exception as exc:  # noqa: BLE001 -- a thread's boundary
                    errors.append(f"{type(exc).__name__}: {exc}")
                time.sleep(0.02)

        poller = threading.Thread(target=poll)
        poller.start()
        try:
            while browser and load.poll() is None and counts["pages"] < 5:
                texts.append(browser.check(url))  # the server's own reads during the load
                counts["pages"] += 1
        finally:
            poller.join(timeout=300)
        out, err = load.communicate()
        assert load.returncode == 0, err
        assert not errors, errors
        assert counts["reads"] >= 1, "the load ended before any read"
        print(f"during the load: {counts['reads']} reads, {counts['pages']} browser pages")

        after, years_after = _read_through_queries(db)  # a new read sees the new data
        assert after == before + len(AGENCIES) * len(YEARS)
        assert set(YEARS) <= set(years_after) and set(years_before) <= set(years_after)
        assert out.splitlines()[0].endswith(
            f"loaded {len(AGENCIES) * len(YEARS)}, unchanged 0, not a report 0, failed 0"
        )
        if browser:  # the server reopens the swapped-in file and renders from it
            texts.append(browser.check(url))
    finally:
        if browser:
            browser.close()
    server_log = _read(log)
    for word in ("Traceback", "Could not set lock", "IO Error", "lock on file"):
        assert word not in server_log, server_log
    for text in texts:
        assert "lock" not in text.lower() and "Traceback" not in text
