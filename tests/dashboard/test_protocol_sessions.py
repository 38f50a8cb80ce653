"""bench/protocol_sessions.py: a protocol session is a browser session to `gongkai serve`.

The load test's light readers (bench/sessions.py --protocol, --mixed) count only if the server
really runs the page each of their steps asks for: the page's own title and tables come back
with a finished script, a tab click reruns the tab's fragment only, and an element the reader
already holds comes back as a reference to it, as it does to a browser.
"""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl

import pytest

from bench import protocol_sessions as proto
from tests.dashboard_server import running_dashboard

pytestmark = pytest.mark.slow  # one `gongkai serve` on the demo database


@pytest.fixture
def served(demo_db, tmp_path, monkeypatch):
    """(url, log file) of `gongkai serve` on the demo database; skipped when it cannot start.
    Every element is cacheable there (Streamlit's default: 10 KB and more), so that a repeat
    view of the small demo has references to send."""
    monkeypatch.setenv("STREAMLIT_GLOBAL_MIN_CACHED_MESSAGE_SIZE", "1")
    server = running_dashboard(demo_db, tmp_path / "serve.log", serve=True)
    try:
        url, log = server.__enter__()
    except RuntimeError as exc:
        pytest.skip(f"gongkai serve did not start here: {str(exc)[:500]}")
    try:
        yield url, log
    finally:
        server.__exit__(None, None, None)


async def _walk(url: str) -> tuple[list[proto.Run], dict, dict]:
    """排名总览 → its first unit's link → the 原文 tab → 数据质量 → 排名总览 again; the link
    followed and the URL's parameters once the profile was shown."""
    async with await proto.connect(url) as ws:
        visit = proto.Visit(url, ws)
        ranking = await visit.open("ranking")
        unit = next(link for link in ranking.links if link[0] == "profile")
        profile = await visit.follow(unit)
        shown = dict(parse_qsl(visit.query))
        source = await visit.change(proto.pick(profile, "button_group", "查看"), "原文")
        quality = await visit.open("quality")
        again = await visit.open("ranking")
        return [ranking, profile, source, quality, again], dict(parse_qsl(unit[2])), shown


def test_a_protocol_session_gets_each_page_it_opens_run_to_the_end(served):
    url, log = served
    (ranking, profile, source, quality, again), link, shown = asyncio.run(_walk(url))

    assert [r.status for r in (ranking, profile, quality, again)] == ["FINISHED_SUCCESSFULLY"] * 4
    assert any(t.endswith("年度排名总览") for t in ranking.texts)
    assert ranking.kinds.get("dataframe", 0) >= 1
    assert "单位画像" in profile.texts
    assert shown["agency"] == link["agency"]  # the unit of the link, not the default one
    assert any(t.startswith("层级：") for t in profile.texts)  # the unit's own line
    assert any(t.endswith("年度数据质量") for t in quality.texts)
    assert not any(r.errors for r in (ranking, profile, source, quality, again))
    # the tab is a fragment: its click reruns the tab alone, not the page's title and figures
    assert source.status == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY"
    assert "年报原文（按原样显示）" in source.texts
    assert "单位画像" not in source.texts
    # the second 排名总览 shows the same view; the elements the reader holds come as references
    assert again.kinds == ranking.kinds and again.texts == ranking.texts
    assert ranking.refs == 0 and again.refs >= ranking.kinds["dataframe"] + ranking.kinds["metric"]
    log.flush()
    log.seek(0)
    assert "Traceback" not in log.read()
