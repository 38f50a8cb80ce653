"""The 数据质量 page's annual quality check views, on shuyang_2025 and a planted previous year
that keeps 70% of its prose (tests/etl/test_quality_cross.py makes the variant)."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import nav
from tests.conftest import load_in_a_fresh_process
from tests.dashboard.test_pages import APP
from tests.etl.test_quality_cross import SHUYANG, previous_year

# 沭阳 is a reference agency of data/registry.csv: these pages play an office without a province
# slow: a gongkai load of real reports, then AppTest of the page
pytestmark = [pytest.mark.usefixtures("office_without_province"), pytest.mark.slow]


@pytest.fixture(scope="module")
def copied_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quality-check")
    (folder / "shuyang_2024.md").write_text(previous_year(0.7), encoding="utf-8")
    files = [SHUYANG, folder / "shuyang_2024.md"]
    summary = load_in_a_fresh_process(files, folder / "q.duckdb", workers=1)
    assert len(summary["loaded"]) == 2 and not summary["failed"], summary
    return folder / "q.duckdb"


def _quality(db, monkeypatch, view: str) -> AppTest:
    monkeypatch.setenv("GONGKAI_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run().switch_page(nav.page("quality")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    shown = [e.value for e in [*at.title, *at.warning, *at.info]]
    assert [t for t in at.title if "数据质量" in t.value], shown  # the page, not a stop before it
    at.segmented_control(key="quality_view").set_value(view).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def test_repeated_passages_side_by_side(copied_db, monkeypatch):
    at = _quality(copied_db, monkeypatch, "重复段落")
    [pairs] = [df.value for df in at.dataframe if "重复率（%）" in df.value.columns]
    assert pairs["比较对象"].tolist() == ["本单位上年"] and 60 <= pairs["重复率（%）"][0] <= 80
    quotes = [m.value for m in at.markdown if m.value.startswith("> ")]
    assert len(quotes) >= 2 and len(quotes) % 2 == 0  # each passage beside its match
    assert "沭阳县人民政府 2025 年报" in " ".join(m.value for m in at.markdown)


def test_quality_check_by_category(copied_db, monkeypatch):
    at = _quality(copied_db, monkeypatch, "年报质量检查")
    labels = {m.label: m.value for m in at.metric}
    assert labels["内容雷同"] == "1 条"


def test_timeliness_by_kind_lists_the_unpublished(copied_db, monkeypatch):
    at = _quality(copied_db, monkeypatch, "发布及时性")
    [by_kind] = [df.value for df in at.dataframe if "单位类型" in df.value.columns]
    assert set(by_kind["单位类型"]) <= {"政府", "部门", "未分类"}
    assert any(s.value.startswith("尚未发布（") for s in at.subheader)
    # a clerk reads dates and shares, not "2025-01-31 00:00:00" or "None"
    assert all(len(d) == 10 and d[4] == "-" for d in by_kind["法定期限"]), by_kind["法定期限"]
    shown = by_kind.astype(str).to_numpy().ravel().tolist()
    assert "None" not in shown and "nan" not in shown, shown
