"""The assessment CSV of the small province (tests/small_province.py) under the default scheme:
what it lists and the rates it prints are worked out by hand from the declared rows."""

from __future__ import annotations

import io

import polars as pl

import exports as export
from exports import data as export_data
from tests.conftest import ROOT

SCHEME = ROOT / "data" / "schemes" / "default.toml"


def test_the_csv_lists_the_offices_agencies_by_group_with_their_declared_rates(
    small_con, monkeypatch
):
    monkeypatch.delenv("GONGKAI_OFFICE", raising=False)  # data/office.toml: 示范省
    raw = export.summary_csv(export_data.gather(small_con, year=2024, scheme=SCHEME))
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, so Excel reads the Chinese
    rows = pl.read_csv(io.BytesIO(raw), infer_schema_length=0).to_dicts()
    # the province's four agencies, ranked within their group: 县级政府 then 省级部门, where DD
    # (vetoed to 0) comes last; 外省戊县 (another province's reference agency) is not listed
    assert [r["对标组"] for r in rows] == ["县级政府", "县级政府", "省级部门", "省级部门"]
    assert [r["排名"] for r in rows] == ["1", "2", "1", "2"]
    assert rows[3]["单位"] == "示范省丁厅"
    by_name = {r["单位"]: r for r in rows}
    assert set(by_name) == {"甲县人民政府", "乙县人民政府", "示范省丙厅", "示范省丁厅"}
    # 办结率: GA 80/(90+10), GB 30/40, DC 8/10 (统计表); DD published nothing
    assert {n: r["办结率·数值"] for n, r in by_name.items()} == {
        "甲县人民政府": "80.0",
        "乙县人民政府": "75.0",
        "示范省丙厅": "80.0",
        "示范省丁厅": None,
    }
    # 公开率: GA (40+10)/80, GB 30/30, DC (4+2)/8 answers
    assert by_name["甲县人民政府"]["公开率·数值"] == "62.5"
    assert by_name["乙县人民政府"]["公开率·数值"] == "100.0"
    assert by_name["示范省丙厅"]["公开率·数值"] == "75.0"
    # no 2024 report: the scheme's veto caps the total at 0, a red flag says why
    dd = by_name["示范省丁厅"]
    assert (dd["总分"], dd["预警"], dd["预警说明"]) == ("0.00", "红", "未发布年报")


def test_an_unpublished_units_csv_row_has_no_indicator_points(small_con, monkeypatch):
    """示范省丁厅 (no 2024 report, vetoed to 0): no value, points, sum, weight or bonus in any
    indicator or 总分计算 column, only the veto's reason (issue 22: 加分 said 0.00)."""
    monkeypatch.delenv("GONGKAI_OFFICE", raising=False)
    raw = export.summary_csv(export_data.gather(small_con, year=2024, scheme=SCHEME))
    rows = pl.read_csv(io.BytesIO(raw), infer_schema_length=0).to_dicts()
    dd = next(r for r in rows if r["单位"] == "示范省丁厅")
    grouped = {k: v for k, v in dd.items() if "·" in k and v is not None}
    assert grouped == {"总分计算·否决": "否决：未发布年报，总分上限 0 分"}
    assert (dd["总分"], dd["计分说明"]) == ("0.00", "未发布年报，不列指标得分")
    ga = next(r for r in rows if r["单位"] == "甲县人民政府")
    assert ga["总分计算·加分"] == "0.00"  # a published unit keeps its bonus column
