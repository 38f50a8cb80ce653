"""A running dashboard shows a new load on the next page view, with no restart.

DuckDB caches one database instance per path inside a process, so a server that reopened the
swapped-in file by its path got the old, unlinked file back and showed the old figures until it
was restarted. Here: the real server (`streamlit run dashboard/app.py`) on a copy of the baseline
database; the 排名总览 page of 2024 is viewed in headless Chromium (so the server has the old file
open and its results cached); `gongkai load` adds a 2024 report of 迁安市人民政府; the next view
of the page counts one fewer agency without a 2024 report.
"""

from __future__ import annotations

import re
import time

import pytest

from tests.dashboard_server import running_dashboard
from tests.etl.test_load import small_report
from tests.gongkai.conftest import copy_db, gongkai, query
from tests.gongkai.test_concurrency import _Browser, _chromium

# slow: the real `gongkai` CLI end to end (subprocesses, whole loads of real reports, or a
# database loaded from them)
pytestmark = pytest.mark.slow


def _view(browser: _Browser, url: str) -> str:
    """A new page view, read once the page has rendered its last section."""
    browser.check(url)
    browser.page.wait_for_selector("text=未发布 2024 年度年报的单位", timeout=60000)
    browser.page.wait_for_selector(
        '[data-testid="stStatusWidget"]', state="detached", timeout=60000
    )
    # the metrics are drawn by a fragment that may finish after the status widget has gone
    deadline = time.monotonic() + 60
    while True:
        text = browser.page.inner_text("body")
        if _METRIC.search(text) or time.monotonic() > deadline:
            return text
        time.sleep(0.25)


_METRIC = re.compile(r"未发布年报\s*\n(?:[^\n\d]*\n){0,2}\s*\d+")


def _metric(text: str, label: str) -> int:
    # the value follows its label, perhaps after a help icon's ligature word ("help")
    m = re.search(rf"{label}\s*\n(?:[^\n\d]*\n){{0,2}}\s*(\d+)", text)
    assert m, text[:2000]
    return int(m.group(1))


@pytest.mark.skipif(_chromium() is None, reason="needs Chromium")
def test_a_running_server_shows_a_new_load_on_the_next_page_view(
    baseline_db, tmp_path, office_without_province
):
    db = copy_db(baseline_db, tmp_path / "db")
    new = tmp_path / "in" / "qianan_2024.txt"
    new.parent.mkdir()
    new.write_text(small_report("迁安市人民政府", 2024, 0, 0), encoding="utf-8")
    with running_dashboard(db, tmp_path / "streamlit.log") as (url, _log):
        browser = _Browser()
        try:
            page = url + "/?year=2024"
            before = _view(browser, page)
            _view(browser, page)  # twice: the server's connection and caches are warm
            result = gongkai("load", new, "--db", db)
            assert result.returncode == 0, result.stderr
            assert query(
                db,
                "SELECT count(*) FROM current_reports WHERE agency_id = '130283-GOV' "
                "AND year = 2024",
            ) == [(1,)]
            after = _view(browser, page)
        finally:
            browser.close()
    missing = _metric(before, "未发布年报")
    assert missing >= 1 and f"未发布 2024 年度年报的单位（{missing}）" in before
    assert _metric(after, "未发布年报") == missing - 1  # 迁安市人民政府 has published now
    assert f"未发布 2024 年度年报的单位（{missing - 1}）" in after
