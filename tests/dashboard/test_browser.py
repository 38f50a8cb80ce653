"""The real server in headless Chromium: every page from nav.py renders, in Chinese, without an
exception box; PNG screenshots land in bench/out/screens (or $GONGKAI_SCREENS) for a human look.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dashboard import nav
from tests.dashboard.conftest import chromium_path
from tests.dashboard_server import CHROMIUM_ARGS, running_dashboard

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    with running_dashboard(demo_db, tmp_path_factory.mktemp("streamlit-log") / "streamlit.log") as (url, _):
        yield url


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


CHART_PAGES = ("ranking", "profile", "review", "quality")


def _url(server: str, spec: nav.PageSpec) -> str:
    """The default page lives at / (Streamlit ignores its url_path)."""
    return f"{server}/" if spec is nav.PAGES[0] else f"{server}/{spec.url_path}"


def _open(browser, url: str, png: Path, wait_text: str, charts: bool = False):
    page = browser.new_page(viewport={"width": 1400, "height": 1800}, locale="zh-CN")
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMain"]', timeout=30_000)
    page.get_by_text(wait_text).first.wait_for(timeout=30_000)
    # Streamlit shows a spinner / stale elements while the script runs; wait until it is done.
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    if charts:  # plotly draws after the script finishes; a screenshot before shows grey boxes
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(png), full_page=True)
    return page


def _assert_ok(page, png: Path):
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]').first.inner_text()
    assert png.stat().st_size > 20_000, f"{png} looks blank"
    from PIL import Image

    with Image.open(png) as img:
        colours = img.convert("L").resize((64, 64)).getextrema()
    assert colours[1] - colours[0] > 50, f"{png} is a blank image"


@pytest.mark.parametrize("spec", nav.PAGES, ids=[p.url_path for p in nav.PAGES])
def test_page_in_chromium(server, browser, screens, spec):
    png = screens / f"{spec.url_path}.png"
    page = _open(browser, _url(server, spec), png, spec.title, charts=spec.url_path in CHART_PAGES)
    try:
        _assert_ok(page, png)
        assert "Page not found" not in page.content()
        assert page.locator(".stPlotlyChart").count() > 0 or spec.url_path not in CHART_PAGES
    finally:
        page.close()


def test_shared_link_reopens_the_same_agency_and_year(server, browser, screens, con):
    import queries

    fig = queries.figures(con)
    agency, name, year = fig["agency_id"][0], fig["agency_name"][0], fig["year"][0]
    png = screens / "profile_shared_link.png"
    page = _open(browser, f"{server}/profile?agency={agency}&year={year}", png, f"{year} 年度", charts=True)
    try:
        _assert_ok(page, png)
        assert name in page.locator('[data-testid="stMain"] [data-testid="stSelectbox"] input').first.input_value()
        assert f"agency={agency}" in page.url
    finally:
        page.close()


def test_one_click_downloads_in_chromium(server, browser, con, tmp_path):
    """The 导出 page's buttons give files a user can open: the workbook's 汇总 sheet lists the same
    agencies in the same order as the query layer, the CSV starts with a BOM, the PDF is a PDF."""
    import openpyxl

    import queries

    year = queries.default_year(con)
    expected = queries.ranking(con, year=year, scheme=ROOT / "data" / "schemes" / "default.toml")
    page = browser.new_page(accept_downloads=True, viewport={"width": 1400, "height": 900})
    try:
        page.goto(f"{server}/export?year={year}", wait_until="domcontentloaded")
        files = {}
        for label, suffix in (("下载 Excel 工作簿", ".xlsx"), ("下载 CSV", ".csv"), ("下载 PDF 通报", ".pdf")):
            page.get_by_text(label).first.wait_for(timeout=30_000)
            with page.expect_download(timeout=120_000) as download:
                page.get_by_text(label).first.click()
            assert download.value.suggested_filename.endswith(suffix)
            files[suffix] = tmp_path / download.value.suggested_filename
            download.value.save_as(files[suffix])
    finally:
        page.close()
    assert files[".csv"].read_bytes().startswith(b"\xef\xbb\xbf")
    assert files[".pdf"].read_bytes().startswith(b"%PDF")
    sheet = openpyxl.load_workbook(files[".xlsx"], read_only=True)["汇总"]
    names = [row[1] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], (int, float))]
    assert names == expected["agency_name"].to_list()
