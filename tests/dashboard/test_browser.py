"""The real server in headless Chromium at 1440x900, clicked through as a person would: every page
from nav.py, every tab, the first row of every selectable table, every toggle and select. Fails
on an exception box, an internal id or an English word in what the page shows, and on an error in
the server's log. PNG screenshots land in bench/out/screens (or $GONGKAI_SCREENS) for a human look.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from dashboard import nav
from tests.dashboard.conftest import chromium_path
from tests.dashboard_server import CHROMIUM_ARGS, running_dashboard

ROOT = Path(__file__).resolve().parents[2]
# slow: a real dashboard server on the demo database, driven by headless Chromium
pytestmark = [pytest.mark.browser, pytest.mark.slow]

INTERNAL = re.compile(
    r"\bt\d\.[a-z_]+\.[a-z_]+|\bstd20(?:19|21)\b|\blegacy\b|\b(?:linear|deduction|veto|bonus|rank)\b"
    r"|report \d+ · metric|DeltaGenerator|\bobject at 0x|(?<![\w.])(?:None|nan|NaN|null|<NA>)(?![\w.])"
    r"|/(?:tmp|home|work|root|usr)/",
    re.A,
)
# ASCII words a Chinese page may show: formats and the files the office edits (named as files).
ALLOWED = {"Excel", "Word", "PDF", "CSV", "UTF", "BOM", "TOML"}
WORD = re.compile(r"[A-Za-z]{3,}")
FILE_TOKEN = re.compile(
    r"[\w./-]*[./][\w./-]*", re.A
)  # file names and paths: data/office.toml, x.duckdb

# The table's top edge 150 px below the viewport's top, clear of Streamlit's fixed header.
SCROLL_BELOW_HEADER = """c => {
  c.scrollIntoView({block: 'start'});
  let a = c.parentElement;
  while (a && !(a.scrollHeight > a.clientHeight && /(auto|scroll)/.test(getComputedStyle(a).overflowY)))
    a = a.parentElement;
  (a || document.scrollingElement).scrollTop -= 150;
}"""

STATE = """() => {
  const shown = (sel) => {  // what a person reads: icon ligatures (":material/…") are not text
    const el = document.querySelector(sel);
    if (!el) return '';
    const c = el.cloneNode(true);
    c.querySelectorAll('[data-testid="stIconMaterial"], [data-testid="stIconEmoji"], svg, style, script')
      .forEach(x => x.remove());
    c.querySelectorAll('*').forEach(x => x.append(' '));
    return c.textContent;
  };
  const text = shown('[data-testid="stMain"]') + ' ' + shown('[data-testid="stSidebar"]');
  const exc = [...document.querySelectorAll('[data-testid="stException"]')].map(e => e.innerText);
  return {text, exc};
}"""


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    log = tmp_path_factory.mktemp("streamlit-log") / "streamlit.log"
    with running_dashboard(demo_db, log) as (url, _):
        yield url, log


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def screens() -> Path:
    folder = Path(os.environ.get("GONGKAI_SCREENS") or ROOT / "bench" / "out" / "screens")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _settle(page, quiet: float = 0.4) -> None:
    """Until Streamlit has shown no running indicator for `quiet` seconds (at most 20 s)."""
    end, calm = time.monotonic() + 20, None
    while time.monotonic() < end:
        busy = page.evaluate(
            "() => !!document.querySelector('[data-testid=\"stStatusWidget\"]')"
            " || !!document.querySelector('[data-stale=\"true\"]')"
        )
        if busy:
            calm = None
        elif calm is None:
            calm = time.monotonic()
        elif time.monotonic() - calm >= quiet:
            return
        time.sleep(0.1)


def _problems(page, where: str) -> list[str]:
    state = page.evaluate(STATE)
    found = [f"{where}: exception box: {e[:200]}" for e in state["exc"]]
    text = state["text"]
    for m in INTERNAL.finditer(text):
        found.append(
            f"{where}: internal id {m.group(0)!r} in …{text[max(0, m.start() - 30) : m.end() + 30]}…"
        )
    for word in WORD.findall(FILE_TOKEN.sub(" ", text)):
        if word not in ALLOWED:
            found.append(f"{where}: English word {word!r}")
    return found


def _open(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=30_000)
    _settle(page)


def _tabs(page):
    return page.locator('[data-testid="stMain"] [data-testid="stButtonGroup"]').first


def _click_first_rows(page, where: str, found: list[str]) -> None:
    grids = page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]')
    for i in range(grids.count()):
        grid = grids.nth(i)
        if not grid.locator('table[role="grid"]').count():
            continue
        cells = grid.locator('tbody [role="gridcell"]')
        first = cells.first.get_attribute("id") if cells.count() else None
        if not first or not re.match(
            r"glide-cell-[1-9]", first
        ):  # no selection column: not clickable
            continue
        canvas = grid.locator("canvas").first
        canvas.evaluate(SCROLL_BELOW_HEADER)
        time.sleep(0.2)
        box = canvas.bounding_box()
        page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)
        _settle(page)
        found += _problems(page, f"{where} › row 1 of table {i + 1}")
        link = page.locator('[data-testid="stMain"] [data-testid="stPageLink"] a')
        assert link.count(), f"{where}: a picked row offers no link to its agency"


def _pick_selects(page, where: str, found: list[str], sidebar: bool = False) -> None:
    scope = '[data-testid="stSidebar"]' if sidebar else '[data-testid="stMain"]'
    boxes = page.locator(f'{scope} [data-testid="stSelectbox"] input')
    for i in range(boxes.count()):
        box = boxes.nth(i)
        box.scroll_into_view_if_needed()
        box.click()
        options = page.locator('[role="listbox"] [role="option"]')
        options.first.wait_for(timeout=5_000)
        texts = " ".join(options.all_inner_texts())
        assert not INTERNAL.search(texts), f"{where}: internal id among the options: {texts[:200]}"
        options.nth(1 if options.count() > 1 else 0).click()
        _settle(page)
        found += _problems(page, f"{where} › select {i + 1}")


def _sweep_page(page, url: str, spec: nav.PageSpec, screens: Path, first: bool) -> list[str]:
    found: list[str] = []
    _open(page, url)
    page.screenshot(path=str(screens / f"{spec.url_path}.png"))
    found += _problems(page, spec.title)
    toggles = page.locator('[data-testid="stMain"] [data-testid="stToggle"] label')
    for i in range(toggles.count()):
        toggles.nth(i).click()
        _settle(page)
        found += _problems(page, f"{spec.title} › toggle {i + 1}")
    _click_first_rows(page, spec.title, found)
    _pick_selects(page, spec.title, found, sidebar=first)
    group = _tabs(page)
    names = group.locator("button").all_inner_texts() if group.count() else []
    for n, name in enumerate(names[1:], 1):
        _tabs(page).locator("button").nth(n).click()
        _settle(page)
        where = f"{spec.title} › {name}"
        found += _problems(page, where)
        page.screenshot(path=str(screens / f"{spec.url_path}-{n}.png"))
        _click_first_rows(page, where, found)
        _pick_selects(page, where, found)
    return found


def _url(server: str, spec: nav.PageSpec) -> str:
    return f"{server}/" if spec is nav.PAGES[0] else f"{server}/{spec.url_path}"


def test_every_page_tab_row_and_select_in_chromium(server, browser, screens):
    url, log = server
    start = log.stat().st_size
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    try:
        found = []
        for n, spec in enumerate(nav.PAGES):
            if spec.url_path == "export":
                continue  # the downloads have their own test below
            found += _sweep_page(page, _url(url, spec), spec, screens, first=n == 0)
    finally:
        page.close()
    logged = log.read_text(encoding="utf-8", errors="replace")[start:]
    errors = [line for line in logged.splitlines() if re.search(r"Traceback|Error|Exception", line)]
    found = list(dict.fromkeys(found))
    assert not found, "\n".join(found[:20])
    assert not errors, "\n".join(errors[:20])


def test_bad_links_are_said_in_chinese(server, browser, con):
    import queries

    url, _ = server
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    try:
        _open(page, f"{url}/no-such-page")
        page.get_by_text("没有名为“no-such-page”的页面").wait_for(timeout=20_000)
        assert "Page not found" not in page.content()
        _open(page, f"{url}/ranking")  # the default page's own name: no complaint
        assert "没有名为" not in page.locator('[data-testid="stMain"]').inner_text()
        _open(page, f"{url}/?year=abc")
        page.get_by_text("链接中的年度“abc”").wait_for(timeout=20_000)
        assert (
            f"year={queries.default_year(con)}" in page.url
        )  # the year in the URL, even the default
        _open(page, f"{url}/profile?agency=NO-SUCH-AGENCY")
        page.get_by_text("“NO-SUCH-AGENCY”不在单位名录中").wait_for(timeout=20_000)
        assert page.locator('[data-testid="stMetric"]').count() == 0  # no other agency's figures
    finally:
        page.close()


def test_shared_link_reopens_the_same_agency_year_and_tab(server, browser, con):
    import queries

    url, _ = server
    fig = queries.figures(con)
    agency, name, year = fig["agency_id"][0], fig["agency_name"][0], fig["year"][0]
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    try:
        _open(page, f"{url}/profile?agency={agency}&year={year}&tab=复议诉讼")
        assert (
            name
            in page.locator(
                '[data-testid="stMain"] [data-testid="stSelectbox"] input'
            ).first.input_value()
        )
        assert f"agency={agency}" in page.url and f"year={year}" in page.url
        pressed = page.locator(
            '[data-testid="stMain"] [data-testid="stButtonGroup"] button[aria-checked="true"]'
        )
        assert pressed.first.inner_text() == "复议诉讼"
    finally:
        page.close()


def test_one_click_downloads_in_chromium(server, browser, con, tmp_path):
    """The 导出 page's buttons give files a user can open: the workbook's 汇总 sheet lists the same
    agencies in the same order as the query layer, the CSV starts with a BOM, the PDF is a PDF,
    the Word file is a Word document."""
    import openpyxl

    import queries

    url, _ = server
    year = queries.default_year(con)
    expected = queries.ranking(con, year=year, scheme=ROOT / "data" / "schemes" / "default.toml")
    page = browser.new_page(accept_downloads=True, viewport={"width": 1440, "height": 900})
    try:
        _open(page, f"{url}/export?year={year}")
        files = {}
        for label, suffix in (
            ("下载 Excel 工作簿", ".xlsx"),
            ("下载 CSV", ".csv"),
            ("下载 PDF 汇总表", ".pdf"),
            ("下载 Word 文档", ".docx"),
        ):
            with page.expect_download(timeout=120_000) as download:
                page.get_by_text(label).first.click()
            assert download.value.suggested_filename.endswith(suffix)
            files[suffix] = tmp_path / download.value.suggested_filename
            download.value.save_as(files[suffix])
    finally:
        page.close()
    assert files[".csv"].read_bytes().startswith(b"\xef\xbb\xbf")
    assert files[".pdf"].read_bytes().startswith(b"%PDF")
    assert files[".docx"].read_bytes().startswith(b"PK")
    sheet = openpyxl.load_workbook(files[".xlsx"], read_only=True)["汇总"]
    names = [
        row[1] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], (int, float))
    ]
    assert names == expected["agency_name"].to_list()


def test_a_sidebar_switch_leaves_the_other_pages_view_behind(server, browser):
    """排名总览 and 数据质量 both keep their tab in ?view=; in a browser the sidebar's page switch
    starts the next page without the last one's parameters (AppTest's switch_page keeps them,
    so tests/dashboard/test_quality_check.py sees 「链接中的查看“排名”无效」; a person does not)."""
    url, _ = server
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    try:
        _open(page, f"{url}/?view=风险清单")
        page.locator('[data-testid="stSidebarNav"] a[href$="/quality"]').first.click()
        page.wait_for_url("**/quality?**", timeout=20_000)
        page.get_by_text("年度数据质量").first.wait_for(timeout=20_000)
        _settle(page)
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert "无效" not in main and "风险清单" not in main
        pressed = page.locator(
            '[data-testid="stMain"] [data-testid="stButtonGroup"] button[aria-checked="true"]'
        )
        assert pressed.first.inner_text() == "问题明细"  # 数据质量's own default view
        assert "view=%E9%97%AE%E9%A2%98%E6%98%8E%E7%BB%86" in page.url  # ?view=问题明细
    finally:
        page.close()


def test_the_original_report_downloads_from_the_source_tab(server, browser, con, tmp_path):
    """单位画像·原文: 下载年报原件 gives the report file itself (read on the click)."""
    import queries

    url, _ = server
    fig = queries.figures(con).filter(queries.figures(con)["requests"].is_not_null())
    agency, year = fig["agency_id"][0], fig["year"][0]
    report = queries.agency_profile(con, agency_id=agency).filter(
        queries.agency_profile(con, agency_id=agency)["year"] == year
    )
    source = con.execute(
        "SELECT source_path FROM reports WHERE report_id = ?", [int(report["report_id"][0])]
    ).fetchone()[0]
    original = queries.resolve(source, ROOT)
    page = browser.new_page(accept_downloads=True, viewport={"width": 1440, "height": 900})
    try:
        _open(page, f"{url}/profile?agency={agency}&year={year}&tab=原文&src_year={year}")
        with page.expect_download(timeout=60_000) as download:
            page.get_by_text("下载年报原件").first.click()
        saved = tmp_path / "original"
        download.value.save_as(saved)
    finally:
        page.close()
    assert original is not None and saved.read_bytes() == original.read_bytes()
