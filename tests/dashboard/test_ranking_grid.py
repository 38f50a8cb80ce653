"""排名总览's grid at 1440 px on the small province (tests/small_province.py): a unit with
several warnings reads whole in 预警说明 without a click, and the grid stays within the main
column. Expected values worked out from the rows declared there."""

from __future__ import annotations

import json

import pytest

from dashboard import nav
from dashboard.views.ranking_grid import WIDTHS, WRAPPED_ROW, notes_fit
from tests.dashboard.test_pages import _start
from tests.small_province import small_province_file

MAIN_COLUMN_PX = 978  # the main column at 1440 px with the sidebar open


def test_the_grid_fits_the_main_column_at_1440():
    assert sum(WIDTHS.values()) <= MAIN_COLUMN_PX


@pytest.mark.parametrize(
    "notes, fit",
    [
        (["纠错6件、 数据错误1条"], True),  # the demo's most: two warnings, one line
        (["未发布年报", "逾期114天、 纠错1件"], True),
        (["逾期12天、 纠错3件、 数据错误1条、 年报雷同、 办结率80.0%"], False),
    ],
)
def test_notes_fit_on_one_line_or_not(notes, fit):
    assert notes_fit(notes) is fit


def _grids(at) -> dict[str, object]:
    """{first unit's name: the dataframe element} of the page's ranking grids."""
    return {
        d.value["单位"].iloc[0]: d
        for d in at.dataframe
        if "预警说明" in d.value.columns and "排名" in d.value.columns
    }


def test_a_unit_with_five_warnings_reads_whole_in_its_grid(tmp_path, monkeypatch):
    """甲县 (GA) meets five rules: its row says each with its figure, and its group's grid
    (县级政府) has rows of three lines; 省级部门's one-warning rows stay one line."""
    db = small_province_file(tmp_path / "small.duckdb")
    at = _start(db, monkeypatch, nav.page("ranking"), year="2024")
    assert not at.exception, [e.value for e in at.exception]
    grids = _grids(at)
    county, province = grids["乙县人民政府"], grids["示范省丙厅"]
    notes = dict(zip(county.value["单位"], county.value["预警说明"]))
    assert notes["甲县人民政府"] == "逾期12天、 纠错3件、 数据错误1条、 年报雷同、 办结率80.0%"
    assert county.proto.row_height == WRAPPED_ROW > 64  # Streamlit wraps above 4 rem
    assert not province.proto.row_height
    assert list(province.value["预警说明"]) == ["办结率80.0%", "未发布年报"]
    columns = json.loads(county.proto.columns)
    help_text = columns["预警说明"]["help"]
    assert "复议诉讼被纠错件数达到 3 件" in help_text and "办结率低于 85%" in help_text


def test_the_second_session_reuses_the_groups_built_for_the_first(demo_db, monkeypatch):
    """排名总览's summaries' links and grids are built once for the process (dashboard.ranking_page):
    a second reader's first view looks up no link and converts no grid, and shows the same."""
    from streamlit.testing.v1 import AppTest

    from dashboard import ranking_page
    from dashboard.views import ranking_grid
    from tests.dashboard.test_pages import APP

    calls = {"target": 0, "grid": 0}

    def counted(name, fn):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return fn(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(ranking_grid, "target", counted("target", ranking_grid.target))
    monkeypatch.setattr(ranking_page, "grid", counted("grid", ranking_page.grid))
    first = _start(demo_db, monkeypatch)  # clears the caches: a fresh server's first reader
    assert not first.exception, [e.value for e in first.exception]
    groups = len(_grids(first))
    assert groups >= 2 and calls["grid"] == groups and calls["target"] >= 2 * groups
    built = dict(calls)
    second = AppTest.from_file(APP, default_timeout=60).run()  # another session, same process
    assert not second.exception, [e.value for e in second.exception]
    assert calls == built  # nothing built again
    for a, b in zip(first.dataframe, second.dataframe, strict=True):
        assert a.value.equals(b.value) and a.proto.columns == b.proto.columns
    headers = ["排名", "单位", "得分", "绩效折算分", "名次变化", "升降原因", "预警", "预警说明"]
    assert all(list(g.value.columns) == headers for g in _grids(second).values())
    links = lambda at: [(p.proto.label, p.proto.query_string) for p in at.get("page_link")]  # noqa: E731
    assert links(first) == links(second) and len(links(first)) >= built["target"]
