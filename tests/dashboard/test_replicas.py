"""Several `gongkai serve` replicas on one database file, as behind the office's proxy (README:
Several replicas behind the proxy): a `gongkai load` swaps a rebuilt file in, and every replica
shows the new data on its next page view, with no restart and no signal from the loader.

Each replica has the old file open and its 排名总览 of 2024 cached before the load; the load
adds a 2024 report of 迁安市人民政府, so each replica's next view counts one fewer agency
without a 2024 report.
"""

from __future__ import annotations

import urllib.request
from contextlib import ExitStack

import pytest

from tests.dashboard_server import running_dashboard
from tests.etl.test_load import small_report
from tests.gongkai.conftest import baseline_db, copy_db, gongkai  # noqa: F401 - a fixture
from tests.gongkai.test_concurrency import _Browser
from tests.gongkai.test_live_reload import _metric, _view

# slow: two gongkai serve replicas and headless Chromium
pytestmark = [pytest.mark.browser, pytest.mark.slow]
REPLICAS = 2


def _missing_2024(browser: _Browser, url: str) -> int:
    with urllib.request.urlopen(url + "/_stcore/health", timeout=10) as resp:
        assert resp.status == 200
    return _metric(_view(browser, url + "/?year=2024"), "未发布年报")


def test_a_load_swapped_in_reaches_every_replica(baseline_db, tmp_path, office_without_province):  # noqa: F811
    db = copy_db(baseline_db, tmp_path / "db")
    new = tmp_path / "in" / "qianan_2024.txt"
    new.parent.mkdir()
    new.write_text(small_report("迁安市人民政府", 2024, 0, 0), encoding="utf-8")
    with ExitStack() as stack:
        urls = [
            stack.enter_context(running_dashboard(db, tmp_path / f"serve-{i}.log", serve=True))[0]
            for i in range(REPLICAS)
        ]
        assert len(set(urls)) == REPLICAS  # two processes, two ports, one file
        browser = _Browser()
        stack.callback(browser.close)
        before = [_missing_2024(browser, url) for url in urls]
        inode = db.stat().st_ino
        result = gongkai("load", new, "--db", db)
        assert result.returncode == 0, result.stderr
        assert db.stat().st_ino != inode  # swapped in: a new file under the same name
        after = [_missing_2024(browser, url) for url in urls]
    assert before[0] >= 1 and before == [before[0]] * REPLICAS
    assert after == [before[0] - 1] * REPLICAS  # 迁安市人民政府 has published now, on every replica
