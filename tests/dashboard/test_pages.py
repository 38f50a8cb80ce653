"""Every page from nav.py under AppTest, with numbers checked against the query layer."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import nav

import queries

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")
SCHEME = ROOT / "data" / "schemes" / "default.toml"


def _start(db, monkeypatch, page: str | None = None, **query) -> AppTest:
    """Run the app (on `page`, as a shared link would open it) with `query` in the URL."""
    monkeypatch.setenv("GONGKAI_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    if page:
        at.run().switch_page(page)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


@pytest.fixture
def app(demo_db, monkeypatch):
    return _start(demo_db, monkeypatch)


def _clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _traces(at: AppTest, i: int = 0) -> list:
    return json.loads(at.get("plotly_chart")[i].proto.spec)["data"]


@pytest.mark.parametrize("page", [p.file for p in nav.PAGES])
def test_page_renders_without_error(app, page):
    at = app.switch_page(page).run()
    _clean(at)
    assert at.title, "every page has a title"


@pytest.mark.parametrize("page", [p.file for p in nav.PAGES])
def test_page_renders_on_an_empty_database(empty_db, monkeypatch, page):
    at = _start(empty_db, monkeypatch)
    _clean(at)
    assert any("gongkai build" in w.value for w in at.warning)


def test_missing_database_says_to_run_build(tmp_path, monkeypatch):
    at = _start(tmp_path / "nope.duckdb", monkeypatch)
    _clean(at)
    assert any("gongkai build" in i.value for i in at.info)


class TestRanking:
    def test_first_row_and_counts_match_the_query_layer(self, app, con):
        year = queries.default_year(con)
        ranked = queries.ranking(con, year=year, scheme=SCHEME)
        table = app.dataframe[0].value
        assert table.iloc[0]["单位"] == ranked["agency_name"][0]
        assert table.iloc[0]["得分"] == pytest.approx(ranked["score"][0])
        assert len(table) == ranked.height
        assert _metric(app, "参评单位") == str(ranked.height)
        missing = queries.missing_reports(con, year=year)
        assert _metric(app, "未发布年报") == str(missing.height)
        assert len(_traces(app)) == ranked["flag"].n_unique()

    def test_year_from_the_url_is_used(self, demo_db, monkeypatch, con):
        year = queries.years(con)[-1]
        at = _start(demo_db, monkeypatch, year=str(year))
        _clean(at)
        assert at.sidebar.selectbox(key="year").value == year
        assert str(year) in at.title[0].value

    def test_what_if_sliders_rerank_live(self, app, con):
        app.toggle(key="whatif").set_value(True).run()
        _clean(app)
        sliders = app.slider
        assert len(sliders) >= 2
        sliders[0].set_value(100.0).run()
        _clean(app)
        assert "原方案排名" in app.dataframe[0].value.columns


class TestProfile:
    def test_metrics_and_charts_match_the_profile(self, demo_db, monkeypatch, con):
        fig = queries.figures(con).filter(pl.col("requests").is_not_null())
        agency, year = fig["agency_id"][0], fig["year"][0]
        at = _start(demo_db, monkeypatch, nav.page("profile"), agency=agency, year=str(year))
        _clean(at)
        profile = queries.agency_profile(con, agency_id=agency)
        row = profile.filter(pl.col("year") == year).row(0, named=True)
        assert _metric(at, "新收申请") == f"{row['requests']:,.0f}"
        assert len(_traces(at, 0)) == 7  # six outcome bars + requests line
        assert len(_traces(at, 0)[0]["x"]) == profile.height

    def test_source_text_is_shown_escaped(self, demo_db, monkeypatch, con):
        fig = queries.figures(con).filter(pl.col("requests").is_not_null())
        agency = fig["agency_id"][0]
        at = _start(demo_db, monkeypatch, nav.page("profile"), agency=agency)
        at.segmented_control(key="profile_section").set_value("原文").run()
        _clean(at)
        year = at.selectbox(key="src_year").value
        key = at.selectbox(key="src_key").value
        report_id = queries.agency_profile(con, agency_id=agency).filter(pl.col("year") == year)["report_id"][0]
        raw = queries.value_source(con, report_id=report_id, key=key)["raw"][0]
        assert at.code[0].value == (raw or "（空白）")
        assert not at.markdown or all(raw not in m.value for m in at.markdown if raw and len(raw) > 3)

    @pytest.mark.parametrize("section", ["复议诉讼", "表二", "评分", "问题"])
    def test_every_section_renders(self, demo_db, monkeypatch, con, section):
        agency = queries.figures(con)["agency_id"][0]
        at = _start(demo_db, monkeypatch, nav.page("profile"), agency=agency)
        at.segmented_control(key="profile_section").set_value(section).run()
        _clean(at)


class TestReviewAndQuality:
    def test_review_totals_match(self, app, con):
        year = queries.default_year(con)
        at = app.switch_page(nav.page("review")).run()
        _clean(at)
        trend = queries.review_litigation_trend(con).filter(pl.col("year") == year)
        expected = "—" if trend.is_empty() or trend["review_total"][0] is None else f"{trend['review_total'][0]:,.0f}"
        assert _metric(at, "行政复议") == expected

    def test_quality_counts_match(self, app, con):
        year = queries.default_year(con)
        at = app.switch_page(nav.page("quality")).run()
        _clean(at)
        assert _metric(at, "数据问题") == str(queries.findings(con, year=year).height)
        assert _metric(at, "无法加载的文件") == str(queries.load_errors(con).height)
        for view in ["按单位", "加载错误", "逾期", "未发布", "照搬上年"]:
            at.segmented_control(key="quality_view").set_value(view).run()
            _clean(at)


def test_export_page_offers_the_three_downloads(app):
    at = app.switch_page(nav.page("export")).run()
    _clean(at)
    labels = sorted(b.proto.label for b in at.get("download_button"))
    assert labels == ["下载 CSV", "下载 Excel 工作簿", "下载 PDF 通报"]
