"""Every page from nav.py under AppTest, with numbers checked against the query layer."""

from __future__ import annotations

import html
import json
from pathlib import Path
from urllib.parse import parse_qs

import polars as pl
import pyarrow as pa
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import queries
from dashboard import nav
from dashboard.safe_text import md
from exports.model import POINTS, display
from queries import labels

# slow: every test runs the app in AppTest (most on the demo database: the whole ETL over real and generated reports)
pytestmark = pytest.mark.slow

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


def _chart(at: AppTest, i: int = 0) -> dict:
    """The i-th first-paint chart's Vega-Lite spec (dashboard.vega), with the rows Streamlit
    moved out of it (Arrow bytes on the proto) put back as spec["data"]["values"]."""
    proto = at.get("vega_lite_chart")[i].proto
    spec = json.loads(proto.spec)
    rows = pa.ipc.open_stream(proto.data.data).read_all().to_pylist()
    return spec | {"data": {"values": rows}}


def _series(spec: dict) -> list[str]:
    """The chart's series in legend order (the colour scale's domain of its first layer)."""
    return spec["layer"][0]["encoding"]["color"]["scale"]["domain"]


def _charts(at: AppTest) -> list:
    return [*at.get("plotly_chart"), *at.get("vega_lite_chart")]


@pytest.mark.parametrize("page", [p.file for p in nav.PAGES])
def test_page_renders_without_error(app, page):
    at = app.switch_page(page).run()
    _clean(at)
    assert at.title, "every page has a title"
    # A page's first paint: no Plotly chart (the browser would fetch Streamlit's 4.7 MB Plotly
    # bundle) and no pandas Styler (every table converted to pandas and styled cell by cell).
    assert not at.get("plotly_chart")
    assert not [d for d in at.dataframe if hasattr(d.value, "data")]


@pytest.mark.parametrize("page", [p.file for p in nav.PAGES])
def test_page_renders_on_an_empty_database(empty_db, monkeypatch, page):
    """Each page, opened directly on a database with no reports, says what to do and stops."""
    at = _start(empty_db, monkeypatch, page)
    _clean(at)
    assert any("gongkai build" in w.value for w in at.warning)
    assert not at.dataframe and not _charts(at)  # the page itself never ran on nothing


def test_missing_database_says_to_run_build(tmp_path, monkeypatch):
    at = _start(tmp_path / "nope.duckdb", monkeypatch)
    _clean(at)
    assert any("gongkai build" in i.value for i in at.info)


class TestRanking:
    def test_first_row_and_counts_match_the_query_layer(self, app, con):
        year = queries.default_year(con)
        ranked = queries.ranking(con, year=year, scheme=SCHEME)
        groups = ranked["peer_group"].unique(maintain_order=True).to_list()
        assert [s.value for s in app.subheader][: len(groups)] == [
            f"{g}（{(ranked['peer_group'] == g).sum()} 个单位）" for g in groups
        ]
        rows = 0
        for grid, group in zip(app.dataframe, groups):  # one grid per peer group, in order
            table = getattr(grid.value, "data", grid.value)  # a Styler (flag colours) wraps it
            mine = ranked.filter(pl.col("peer_group") == group)
            assert table.iloc[0]["单位"] == mine["agency_name"][0]
            assert table.iloc[0]["得分"] == pytest.approx(mine["score"][0])
            assert table.iloc[0]["绩效折算分"] == pytest.approx(mine["contribution"][0])
            rows += len(table)
        assert rows == ranked.height
        assert _metric(app, "参评单位") == str(ranked.height)
        assert _metric(app, "红色预警") == str((ranked["flag"] == "red").sum())
        missing = queries.missing_reports(con, year=year)
        assert _metric(app, "未发布年报") == str(missing.height)
        flags = ranked.filter(~pl.col("missing"))["flag"]
        assert len(_series(_chart(app))) == flags.n_unique()  # one colour per flag present
        assert sum(r["n"] for r in _chart(app)["data"]["values"]) == flags.len()
        assert "绩效折算分 = 总分 × 0.04" in " ".join(c.value for c in app.caption)

    def test_all_groups_show_each_groups_leading_rows_and_link_the_whole_group(
        self, demo_db, monkeypatch, con
    ):
        from dashboard.views import ranking_grid

        monkeypatch.setattr(ranking_grid, "GROUP_ROWS_AT_A_GLANCE", 5)
        at = _start(demo_db, monkeypatch)
        _clean(at)
        year = queries.default_year(con)
        ranked = queries.ranking(con, year=year, scheme=SCHEME)
        groups = ranked["peer_group"].unique(maintain_order=True).to_list()
        for grid, group in zip(at.dataframe, groups):
            mine = ranked.filter(pl.col("peer_group") == group)
            table = grid.value
            assert len(table) == min(5, mine.height)
            assert table["单位"].to_list() == mine["agency_name"].head(5).to_list()  # by rank
        links = [p for p in at.get("page_link") if "全部" in p.proto.label]
        big = [g for g in groups if (ranked["peer_group"] == g).sum() > 5]
        assert [p.proto.label for p in links] == [
            f"查看{g}全部 {(ranked['peer_group'] == g).sum()} 个单位的排名" for g in big
        ]
        assert [parse_qs(p.proto.query_string)["peer"] for p in links] == [[g] for g in big]
        one = _start(demo_db, monkeypatch, peer=big[0])  # the link's view: the whole group
        _clean(one)
        assert len(one.dataframe[0].value) == (ranked["peer_group"] == big[0]).sum()

    def test_year_from_the_url_is_used(self, demo_db, monkeypatch, con):
        year = queries.years(con)[-1]
        at = _start(demo_db, monkeypatch, year=str(year))
        _clean(at)
        assert at.sidebar.selectbox(key="year").value == year
        assert str(year) in at.title[0].value

    def test_what_if_keeps_the_total_at_100_and_shows_moves(self, app, con):
        app.segmented_control(key="ranking_view").set_value("假设分析").run()
        _clean(app)
        assert _metric(app, "权重合计") == "100 分"
        first = app.slider[0]
        first.set_value(first.value + 20).run()
        assert _metric(app, "权重合计") == "120 分"
        assert any("须为 100 分" in w.value for w in app.warning)
        assert not app.dataframe  # nothing computed on a total that is not 100
        app.button(key="whatif_to_100").click().run()
        _clean(app)
        assert _metric(app, "权重合计") == "100 分"
        assert sum(s.value for s in app.slider) == 100
        table = app.dataframe[0].value
        table = getattr(table, "data", table)
        assert {"名次变动", "调整后名次变化"} <= set(table.columns)
        moved = table[table["调整后名次变化"] != 0]
        assert all(" → " in m for m in moved["名次变动"])
        assert "w" in app.query_params  # the variant's weights are in the URL

    def test_a_year_not_in_the_database_is_said_and_replaced(self, demo_db, monkeypatch, con):
        at = _start(demo_db, monkeypatch, year="abc")
        _clean(at)
        default = queries.default_year(con)
        assert any("“abc”" in w.value and str(default) in w.value for w in at.warning)
        assert str(default) in at.title[0].value
        assert at.query_params["year"] == [str(default)] or at.query_params["year"] == str(default)


class TestProfile:
    def test_a_mistyped_agency_shows_no_other_agencys_data(self, demo_db, monkeypatch):
        at = _start(demo_db, monkeypatch, nav.page("profile"), agency="SF9999-TYPO")
        assert not at.exception
        assert [e.value for e in at.error] == [
            f"链接中的单位编码“{md('SF9999-TYPO')}”不在单位名录中，无法显示。"
            "请在下面选择单位，或回到“排名总览”点击单位。"  # the code as typed, never as Markdown
        ]
        assert not at.metric and not _charts(at) and not at.dataframe
        assert at.selectbox(key="agency_fix").value is None

    def test_default_agency_is_the_first_of_the_ranking(self, demo_db, monkeypatch, con):
        at = _start(demo_db, monkeypatch, nav.page("profile"))
        _clean(at)
        ranked = queries.ranking(con, year=queries.default_year(con), scheme=SCHEME)
        first = ranked.filter(~pl.col("missing"))["agency_id"][0]
        assert at.selectbox(key="agency_pick").value == first

    def test_metrics_and_charts_match_the_profile(self, demo_db, monkeypatch, con):
        fig = queries.figures(con).filter(pl.col("requests").is_not_null())
        agency, year = fig["agency_id"][0], fig["year"][0]
        at = _start(demo_db, monkeypatch, nav.page("profile"), agency=agency, year=str(year))
        _clean(at)
        profile = queries.agency_profile(con, agency_id=agency)
        row = profile.filter(pl.col("year") == year).row(0, named=True)
        assert _metric(at, "新收申请") == f"{row['requests']:,.0f}"
        outcomes = _chart(at, 0)
        assert len(_series(outcomes)) == 7  # six outcome bars + requests line
        assert {r["year"] for r in outcomes["data"]["values"]} == set(profile["year"].to_list())

    def test_source_text_is_shown_escaped(self, demo_db, monkeypatch, con):
        fig = queries.figures(con).filter(pl.col("requests").is_not_null())
        agency = fig["agency_id"][0]
        at = _start(demo_db, monkeypatch, nav.page("profile"), agency=agency)
        at.segmented_control(key="profile_section").set_value("原文").run()
        _clean(at)
        year = at.selectbox(key="src_year").value
        key = at.selectbox(key="src_key").value
        report_id = queries.agency_profile(con, agency_id=agency).filter(pl.col("year") == year)[
            "report_id"
        ][0]
        src = queries.value_source(con, report_id=report_id, key=key).row(0, named=True)
        shown = next(h.proto.body for h in at.get("html") if "line-height" in h.proto.body)
        assert "background:#fff4d6" in shown  # the number's line, highlighted among its neighbours
        assert html.escape(src["raw"]) in shown or md(src["raw"]) in _metric(
            at, labels.key_label(key)
        )
        assert md(Path(src["source_path"]).name) in at.markdown[-1].value  # escaped
        assert "/" not in at.markdown[-1].value.split("**文件**：")[1].split("　")[0]
        assert at.get("download_button")[0].proto.label == "下载年报原件"
        assert not at.markdown or all(
            src["raw"] not in m.value for m in at.markdown if len(src["raw"] or "") > 3
        )

    @pytest.mark.parametrize("section", ["对比", "复议诉讼", "评分", "问题"])
    def test_every_section_renders(self, demo_db, monkeypatch, con, section):
        agency = queries.figures(con)["agency_id"][0]
        at = _start(demo_db, monkeypatch, nav.page("profile"), agency=agency)
        at.segmented_control(key="profile_section").set_value(section).run()
        _clean(at)


def _bulletin(con, store_file, year: int):
    """The 通报's figures of `year` over `con`, from a workflow store synced to it as a load
    leaves it (in `store_file`, not beside the shared demo database)."""
    from workflow.bulletin_data import bulletin_data
    from workflow.store import opened
    from workflow.sync import sync_store

    with opened(store_file) as store:
        sync_store(store, con)
        return bulletin_data(con, store, year)


class TestReviewAndQuality:
    def test_review_totals_match(self, app, con):
        year = queries.default_year(con)
        at = app.switch_page(nav.page("review")).run()
        _clean(at)
        trend = queries.review_litigation_trend(con).filter(pl.col("year") == year)
        expected = (
            "—"
            if trend.is_empty() or trend["review_total"][0] is None
            else f"{trend['review_total'][0]:,.0f}"
        )
        assert _metric(at, "行政复议") == expected

    def test_quality_counts_match(self, app, con, tmp_path):
        year = queries.default_year(con)
        at = app.switch_page(nav.page("quality")).run()
        _clean(at)
        # what the 通报 counts as the reports' problems (workflow.bulletin_data over the store)
        bulletin = _bulletin(con, tmp_path / "store.sqlite", year)
        assert _metric(at, "数据问题") == str(
            sum(a.problems + a.rectified for a in bulletin.agencies)
        )
        tally = queries.finding_tally(con, year=year)
        others = {labels.RESPONSIBILITY[k]: n for k, n in tally.items() if k != "report" and n}
        apart = [c.value for c in at.caption if "不是年报本身的问题" in c.value]
        assert len(apart) == bool(others)
        assert all(f"{k} {n} 条" in apart[0] for k, n in others.items())
        assert _metric(at, "无法加载的文件") == str(queries.load_errors(con).height)
        for view in ["按单位", "加载错误", "逾期与未发布", "照搬上年"]:
            at.segmented_control(key="quality_view").set_value(view).run()
            _clean(at)


def test_export_page_offers_the_four_downloads(app, monkeypatch):
    """…named by the one rule `gongkai export` uses too (exports.formats.export_file_name)."""
    import exports.formats

    named = []
    rule = exports.formats.export_file_name
    monkeypatch.setattr(
        exports.formats, "export_file_name", lambda *a, **k: named.append(a) or rule(*a, **k)
    )
    at = app.switch_page(nav.page("export")).run()
    _clean(at)
    labels = sorted(b.proto.label for b in at.get("download_button"))
    assert labels == ["下载 CSV", "下载 Excel 工作簿", "下载 PDF 汇总表", "下载 Word 文档"]
    assert [a[2] for a in named] == ["xlsx", "docx", "pdf", "csv"]
    (caption,) = [c.value for c in at.caption if "签字栏" in c.value]
    assert "（取自本办设置）" in caption and ".toml" not in caption and "data/" not in caption


def test_two_year_comparison_is_newer_minus_older(demo_db, monkeypatch, con):
    """单位画像 · 对比 with the newer year picked first (?a=2024&b=2023, as the page defaults)
    and then the older first: the columns stand in the order picked (年度一, 年度二), the agency
    whose 总分 fell most shows the fall as a negative change, newer − older either way, the
    header says which year is subtracted from which, and points read as the export prints them
    (two decimals, exports.model.display)."""
    ranked = {
        y: queries.ranking(con, year=y, scheme=SCHEME).select("agency_id", "score", "missing")
        for y in (2023, 2024)
    }
    both = (
        ranked[2024]
        .join(ranked[2023], on="agency_id", suffix="_old")
        .filter(~pl.col("missing") & ~pl.col("missing_old"))
        .with_columns((pl.col("score") - pl.col("score_old")).alias("d"))
        .sort("d")
    )
    fell = both.row(0, named=True)
    assert fell["d"] < 0, "the demo has an agency whose score fell"
    header = "变化（2024 年度减 2023 年度）"
    for a, b in (("2024", "2023"), ("2023", "2024")):
        at = _start(demo_db, monkeypatch, nav.page("profile"), agency=fell["agency_id"], a=a, b=b)
        at.segmented_control(key="profile_section").set_value("对比").run()
        assert not at.exception, [e.value for e in at.exception]  # (a late report: st.error)
        side = next(d.value for d in at.dataframe if "项目" in d.value.columns)
        assert list(side.columns) == ["项目", f"{a} 年度", f"{b} 年度", header]
        total = side[side["项目"] == "总分"].iloc[0]
        assert total["2023 年度"] == display(fell["score_old"], POINTS)
        assert total["2024 年度"] == display(fell["score"], POINTS)
        assert total[header] == f"-{display(-fell['d'], POINTS)}"
        points = side[side["项目"].str.contains("（得分/")]
        assert len(points) > 3  # every weighted indicator of the scheme
        assert points["2024 年度"].str.fullmatch(r"—|\d+\.\d\d").all()
