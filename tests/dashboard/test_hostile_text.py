"""Text the dashboard does not own never renders as Markdown or HTML (issue 23).

One hostile string (a link, an outside image, an HTML tag with a handler, bold, math, a
Streamlit colour directive) is put everywhere foreign text enters: the agency's registry name
and peer group, a report sentence a finding quotes, a correction's reason and evidence, a
history reason, and the URL parameters ?year= ?peer= ?agency= ?agencies= ?tab= and an unknown
page. Every page is then run under AppTest and every string of every element that renders
Markdown (all but st.text, st.code, table cells and select-box options) is checked: the
hostile text may appear only escaped (`\\[点我\\]`), never as `[点我](`, `<img`, `**粗体**`,
`$x$`, `:red[x]` or a bare link Streamlit's GFM would make live.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import streamlit as st
from google.protobuf.descriptor import FieldDescriptor
from streamlit.testing.v1 import AppTest

from dashboard import nav
from dashboard.safe_text import WORD_JOINER, echo
from tests.conftest import ROOT
from tests.workflow.conftest import (
    REGISTRY,
    SHANGHAI,
    gongkai,
    office_of,
    original_text,
    write_version,
)

# slow: AppTest of every page (and Chromium) on a database loaded with hostile names
pytestmark = pytest.mark.slow

APP = str(ROOT / "dashboard" / "app.py")
HOSTILE = (
    "[点我](http://evil.example)![x](http://evil.example/a.png)"
    "<img src=x onerror=alert(1)>**粗体**$x$:red[x]"
)
AGENCY, PEER = f"上海市科学技术委员会{HOSTILE}", f"省级部门{HOSTILE}"
SENTENCE = "所有申请均已按要求办理完成。"
RAW_FORMS = ("[点我](", "![x](", "<img", "**粗体**", "$x$", ":red[x]")
ESCAPED = r"\[点我\]\(http\:" + WORD_JOINER + r"\/\/evil\.example\)"
# the bare-link rules of Streamlit's GFM (mdast-util-gfm-autolink-literal), applied to the text
# after Markdown's escapes are resolved
BARE_LINK = re.compile(r"(https?://|www(?=\.))[-.\w]+", re.IGNORECASE)
# a Vega-Lite chart draws its text as SVG text: no Markdown or HTML is read in it
PLAIN_TYPES = {"text", "code", "arrow_data_frame", "plotly_chart", "vega_lite_chart", "html"}
PLAIN_FIELDS = {  # fields that are not rendered as Markdown
    ("selectbox", "options"),
    ("selectbox", "default"),
    ("selectbox", "placeholder"),
    ("multiselect", "options"),
    ("multiselect", "default"),
    ("multiselect", "placeholder"),
    ("text_input", "placeholder"),
    ("text_input", "value"),
    ("text_input", "default"),
    ("page_link", "page"),
    ("page_link", "query_string"),
}
IDS = {
    "raw_value",
    "raw_values",
    "id",
    "form_id",
    "query_param_key",
    "page_script_hash",
    "url_path",
    "fragment_id",
}


def _strings(message, kind: str):
    for field, value in message.ListFields():
        if field.name in IDS or (kind, field.name) in PLAIN_FIELDS:
            continue
        values = value if field.is_repeated else [value]
        for v in values:
            if field.type == FieldDescriptor.TYPE_STRING:
                yield field.name, v
            elif field.type == FieldDescriptor.TYPE_MESSAGE:
                yield from _strings(v, kind)


def markdown_strings(at: AppTest) -> list[tuple[str, str, str]]:
    """(element type, field, text) of every string of the run that Streamlit renders as
    Markdown (labels, help, bodies, metric values, tab and expander labels, radio options…)."""
    found, stack = [], [at._tree]
    while stack:
        node = stack.pop()
        stack.extend(getattr(node, "children", {}).values())
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        kind = node.type  # AppTest keeps the element's own message (Markdown, Selectbox…)
        if "type" in proto.DESCRIPTOR.oneofs_by_name and proto.WhichOneof("type"):
            kind = proto.WhichOneof("type")
            proto = getattr(proto, kind)
        if kind in PLAIN_TYPES:
            continue
        found += [(kind, f, s) for f, s in _strings(proto, kind)]
    return found


def live(text: str) -> list[str]:
    """What of HOSTILE would render live in this Markdown string."""
    unescaped = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
    active = re.sub(r"\\[!-/:-@\[-`{-~]", "·", text)  # what Markdown still reads as syntax
    out = [f for f in RAW_FORMS if f in active]
    out += [m.group(0) for m in BARE_LINK.finditer(unescaped)]
    return out


def _assert_safe(at: AppTest) -> list[str]:
    assert not at.exception, [e.value for e in at.exception]
    strings = markdown_strings(at)
    bad = [(k, f, s) for k, f, s in strings if live(s)]
    assert not bad, bad
    return [s for _, _, s in strings]


def _hostile_registry(folder: Path) -> Path:
    with REGISTRY.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["code"] == "310000-KW":
            row["aliases"] = "|".join(filter(None, [row["aliases"], row["name"]]))
            row["name"], row["peer_group"] = AGENCY, PEER
    path = folder / "registry.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    """kewei's real report as the office's own agency under a hostile registry name and peer
    group, its 「均已办理完成」 sentence (quoted by a finding) carrying HOSTILE, one finding
    moved and one correction entered with HOSTILE as reason and evidence."""
    from workflow import corrections, findings
    from workflow.states import CONFIRMED
    from workflow.store import opened, store_path

    folder = tmp_path_factory.mktemp("hostile")
    text = original_text()
    assert SENTENCE in text
    reports = folder / "reports"
    write_version(reports, text.replace(SENTENCE, f"所有申请{HOSTILE}均已按要求办理完成。"))
    db = folder / "gongkai.duckdb"
    with pytest.MonkeyPatch.context() as env:  # the 上海市 office: kewei is its own agency
        env.setenv("GONGKAI_OFFICE", str(office_of(folder, SHANGHAI)))
        gongkai("load", reports, "--db", db, "--registry", _hostile_registry(folder))
    import duckdb

    con = duckdb.connect(str(db))
    try:
        with opened(store_path(db)) as store:
            items = findings.list_findings(store, year=2024)
            # the finding quotes the sentence (spaces dropped, cut at the sentence's "!")
            quoting = [f for f in items if "**粗体**$x$:red[x]" in (f["message"] or "")]
            assert quoting, [f["message"] for f in items]  # the path is really exercised
            assert {f["agency_name"] for f in items} == {AGENCY}
            findings.move(store, items[0]["fkey"], CONFIRMED, "analyst", HOSTILE)
            corrections.add_correction(
                store,
                con,
                agency_id="310000-KW",
                year=2024,
                key="t3.carried_out.natural",  # the fixture's misprinted 自然人 cell (printed 2)
                value=1.0,
                reason=HOSTILE,
                evidence=HOSTILE,
                actor="analyst",
            )
    finally:
        con.close()
    return db


@pytest.fixture
def app(hostile_db, monkeypatch, tmp_path):
    monkeypatch.setenv("GONGKAI_DB", str(hostile_db))
    monkeypatch.setenv("GONGKAI_OFFICE", str(office_of(tmp_path, SHANGHAI)))
    st.cache_data.clear()
    st.cache_resource.clear()

    def make(**params) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=90)
        at.query_params.update({"year": "2024", **params})
        return at

    return make


def test_rectification_shows_hostile_names_and_quotes_as_text(app, monkeypatch, hostile_db):
    from workflow import findings, roles
    from workflow.store import opened, store_path

    analyst = roles.Actor("analyst@example.gov.cn", roles.ANALYST, "登录代理")
    monkeypatch.setattr(roles, "resolve_actor", lambda *a, **k: analyst)
    at = app().run().switch_page("views/rectification.py").run()
    strings = _assert_safe(at)
    # the finding quoting the report, shown escaped in its caption; names in plain options
    assert any(r"\*\*粗体\*\*\$x\$\:" in s for s in strings), strings
    assert any(HOSTILE in o for o in at.selectbox(key="rect_item").options)
    with opened(store_path(hostile_db)) as store:
        fkeys = [f["fkey"] for f in findings.list_findings(store, year=2024)]
    for fkey in fkeys:  # each item's evidence, message and history
        at.selectbox(key="rect_item").set_value(fkey).run()
        _assert_safe(at)


VIEWS = (
    [(p.file, {}) for p in nav.PAGES]
    + [("views/ranking.py", {"view": v}) for v in ("风险清单", "升降与趋势", "假设分析")]
    + [
        ("views/quality.py", {"view": v})
        for v in ("年报质量检查", "重复段落", "发布及时性", "按单位", "逾期与未发布", "照搬上年")
    ]
    + [
        ("views/profile.py", {"agency": "310000-KW", "tab": t})
        for t in ("办理情况", "对比", "复议诉讼", "评分", "问题", "原文")
    ]
)


@pytest.mark.parametrize(("page", "params"), VIEWS)
def test_every_page_shows_the_hostile_agency_and_peer_group_as_text(app, page, params):
    at = app(**params).run()
    if page != nav.PAGES[0].file:
        at = at.switch_page(page).run()
    strings = _assert_safe(at)
    if (page, params) == ("views/ranking.py", {}):  # names in the summary's links, peer titles
        assert any(f"上海市科学技术委员会{ESCAPED}" in s for s in strings), strings
        assert any(f"省级部门{ESCAPED}" in s for s in strings), strings


@pytest.mark.parametrize(
    "params",
    [
        {"year": HOSTILE},
        {"peer": HOSTILE},
        {"peer": PEER, "view": HOSTILE},
        {"agency": HOSTILE},
        {"agency": "310000-KW", "tab": HOSTILE},
    ],
)
def test_url_parameters_are_never_echoed_as_markdown(app, params):
    page = "views/profile.py" if "agency" in params else None
    at = app(**params).run()
    if page:
        at = at.switch_page(page).run()
    _assert_safe(at)
    said = [w.value for w in at.warning] + [e.value for e in at.error]
    # the bad value is said (escaped, cut to 40 characters), and not used
    assert any("链接中的" in s and echo(HOSTILE) in s for s in said), said


def test_an_unknown_page_name_is_said_escaped(app):
    at = app()
    at.session_state["_nav_missing_page"] = HOSTILE  # what nav.catch_unknown_pages records
    at.run()
    _assert_safe(at)
    assert any("没有名为" in w.value and ESCAPED in w.value for w in at.warning)


@pytest.mark.browser
def test_no_live_link_or_image_from_foreign_text_in_chromium(hostile_db, monkeypatch, tmp_path):
    """The real server in headless Chromium: on 整改跟踪 (the finding quoting the report), on
    排名总览 (agency and peer group in headings and links) and under hostile URL parameters, no
    <a> or <img> points at evil.example and no <img src=x> exists; the text reads as written."""
    from urllib.parse import quote

    from playwright.sync_api import sync_playwright

    from tests.dashboard.conftest import chromium_path
    from tests.dashboard_server import CHROMIUM_ARGS, running_dashboard

    monkeypatch.setenv("GONGKAI_OFFICE", str(office_of(tmp_path, SHANGHAI)))
    evil = quote(HOSTILE, safe="")
    visits = (  # (path, text that shows the page has drawn what it should)
        ("/rectification?year=2024", "**粗体**$x$:red[x]均已按要求办理完成"),
        ("/ranking?year=2024", f"上海市科学技术委员会{HOSTILE}"),
        (f"/ranking?year={evil}", "链接中的年度"),
        (f"/profile?year=2024&agency={evil}", "不在单位名录中"),
    )
    with running_dashboard(hostile_db, tmp_path / "streamlit.log") as (url, _):
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
            for path, expected in visits:
                page.goto(url + path, wait_until="domcontentloaded")
                page.wait_for_selector('[data-testid="stMain"] h1', timeout=60_000)
                page.wait_for_function(
                    "t => document.body.innerText.replaceAll('\\u2060', '').includes(t)",
                    arg=expected,
                    timeout=60_000,
                )
                live = page.eval_on_selector_all(
                    "a[href*='evil.example'], img[src*='evil.example'], img[src='x'], "
                    "[onerror], strong:text-is('粗体')",
                    "els => els.map(e => e.outerHTML)",
                )
                assert not live, (path, live)
            browser.close()
