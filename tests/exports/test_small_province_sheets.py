"""The sheet builders of exports/ (exports/data.py tables, exports/excel.py workbook) on the small
province of tests/small_province.py under the default scheme, fast: every figure below is worked
out by hand from the declared rows and data/schemes/default.toml, so a parser change cannot fail
them (the end-to-end export tests on the demo database are tests/exports/test_export.py, slow).

甲县 (GA) 2024, by hand: 办结率 80/(90+10) = 80% on the line 70→95 gives 15 × 0.4 = 6; 公开率
(40+10)/80 = 62.5%, second of two in 县级政府 → 0 of 10; 复议纠错 1 + 诉讼败诉 2 = 3 × 2 → 14 of 20;
12 days late = 2 started weeks × 2 → 6 of 10; 与上年雷同 → 0 of 5; one error finding → 9 of 10.
Raw 35 over the 70 points of weight with data → 35 × 100/70 = 50.
"""

from __future__ import annotations

import dataclasses
import io
import re

import openpyxl
import pytest

from assess.scheme import load_scheme
from exports import data as export_data
from exports.excel import assessment_workbook
from tests.conftest import ROOT

SCHEME = ROOT / "data" / "schemes" / "default.toml"


@pytest.fixture(scope="module")
def export(small_con):
    with pytest.MonkeyPatch.context() as env:
        env.delenv("GONGKAI_OFFICE", raising=False)  # data/office.toml: province 示范省
        env.delenv("GONGKAI_DATA", raising=False)
        return export_data.gather(small_con, year=2024, scheme=load_scheme(SCHEME), per_agency=True)


@pytest.fixture(scope="module")
def book(export):
    return openpyxl.load_workbook(io.BytesIO(assessment_workbook(export, per_agency=True)))


def _rows(table, *keys):
    return table.frame.select(*keys).rows()


def test_the_quality_table_lists_the_declared_findings(small_con):
    table = export_data.quality_table(small_con, year=2024, peer_group=None)
    assert [c.header for c in table.columns] == [
        "单位", "对标组", "级别", "问题", "涉及单元格", "应为", "实为", "差额", "说明", "归属",
    ]  # fmt: skip
    assert _rows(table, "agency_name", "rule_label", "expected", "actual", "difference") == [
        ("甲县人民政府", "正文与其他年报高度重复", None, None, None),
        ("甲县人民政府", "表三：各类申请人之和 ≠ 总计列", 100, 90, -10),
    ]
    assert _rows(table, "message", "responsibility_label") == [
        ("与上年年报雷同", "报告问题"),
        ("合计与分项之和不符", "报告问题"),
    ]
    assert export_data.quality_table(small_con, year=2024, peer_group="省级部门").frame.is_empty()


def test_the_agency_table_adds_up_to_the_total(export):
    ga = export.agencies["甲县人民政府"]
    rows = {r[0]: r[1:] for r in _rows(ga, "indicator", "weight", "value", "points", "lost")}
    assert rows["办结率"] == (15, 80, 6, 9)
    assert rows["公开率"] == (10, 62.5, 0, 10)
    assert rows["复议纠错、诉讼败诉"] == (20, 3, 14, 6)
    assert rows["年报发布及时性"] == (10, 12, 6, 4)
    assert rows["年报雷同"] == (5, 1, 0, 5)
    assert rows["数据一致性"] == (10, 1, 9, 1)
    assert rows["按时办结率"] == (5, None, 0, 0)  # no figure: N/A, its weight shared out
    assert _rows(ga, "indicator", "points")[-3:] == [
        ("各指标原始得分合计", 35),
        ("折算 × 100/70", 50),
        ("总分", 50),
    ]


def test_the_summary_ranks_the_offices_agencies_within_their_group(export):
    assert _rows(export.summary, "peer_group", "rank", "agency_name") == [
        ("县级政府", 1, "乙县人民政府"),
        ("县级政府", 2, "甲县人民政府"),
        ("省级部门", 1, "示范省丙厅"),
        ("省级部门", 2, "示范省丁厅"),
    ]  # 外省戊县 (another province) is not ranked
    scores = dict(_rows(export.summary, "agency_name", "score"))
    assert scores["甲县人民政府"] == 50 and scores["示范省丁厅"] == 0  # DD: no report, vetoed


def test_the_deductions_sheet_gives_each_reason(export):
    ga = {
        r[0]: r[1:]
        for r in _rows(export.deductions, "indicator_name", "points", "reason", "agency_id")
        if r[3] == "GA"
    }
    assert ga["办结率"][:2] == (9, "办结率 80%（满分线 95，零分线 70）")
    assert ga["公开率"][:2] == (10, "公开率 62.5%，同组 2 家中第 2 名")
    assert ga["复议纠错、诉讼败诉"][:2] == (6, "复议纠错、诉讼败诉 3件：3 次 × 2 分")


def test_the_workbook_has_a_sheet_per_table_and_per_agency(book):
    assert book.sheetnames == [
        "汇总", "扣分明细", "数据质量", "方案说明",
        "乙县人民政府", "甲县人民政府", "示范省丙厅", "示范省丁厅",
    ]  # fmt: skip
    summary = [row[:4] for row in book["汇总"].iter_rows(min_row=1, max_row=10, values_only=True)]
    # printed across pages: the title starts after the repeated 排名 | 单位 columns
    assert summary[0][2] == "2024年度政府信息公开工作年度报告考核汇总表"
    assert summary[2][:3] == ("排名", "单位", "办结率") and summary[3][2:4] == ("数值", "得分/15")
    assert summary[4][0] == "县级政府（2 家）" and summary[7][0] == "省级部门（2 家）"
    assert summary[5] == (1, "乙县人民政府", 75, 3)  # 30/(40+0) = 75% → 15 × 0.2
    assert summary[6] == (2, "甲县人民政府", 80, 6)
    assert summary[8] == (1, "示范省丙厅", 80, 6)  # 统计表: 8 of 10 completed
    quality = list(book["数据质量"].iter_rows(min_row=3, max_row=5, values_only=True))
    assert quality[0][:3] == ("单位", "对标组", "级别")
    assert quality[2][:8] == (
        "甲县人民政府", "县级政府", "错误", "表三：各类申请人之和 ≠ 总计列",
        "一、本年新收政府信息公开申请数量·总计", 100, 90, -10,
    )  # fmt: skip


def _gather(small_con, **scheme_changes):
    scheme = dataclasses.replace(load_scheme(SCHEME), **scheme_changes)
    with pytest.MonkeyPatch.context() as env:
        env.delenv("GONGKAI_OFFICE", raising=False)
        env.delenv("GONGKAI_DATA", raising=False)
        return export_data.gather(small_con, year=2024, scheme=scheme, per_agency=True)


def test_an_unpublished_unit_says_so_instead_of_showing_a_weight(export):
    """示范省丁厅 (no 2024 report): no indicator, no sums and no 有数据权重 (its 30 points of weight
    came from the peer-median and zero policies, which the veto overrides), and a 计分说明 that
    says why; the units with plain figures need no words."""
    rows = _rows(export.summary, "agency_name", "raw_points", "weight_present", "scaled_points")
    assert rows[-1] == ("示范省丁厅", None, None, None)
    notes = dict(_rows(export.summary, "agency_name", "scoring_note"))
    assert notes == {
        "乙县人民政府": "",
        "甲县人民政府": "",
        "示范省丙厅": "",
        "示范省丁厅": "未发布年报，不列指标得分",
    }
    assert "计分说明" in [c.header for c in export.summary.columns]


def test_a_row_says_which_figures_too_few_cases_left_unscored(small_con):
    """With min_cases 50, 乙县 (30 of 40 requests done, 30 answers) shows 办结率 75% with no
    points and 公开率 100% scored at the group's median 62.5%: its 计分说明 and the reasons say so,
    each line one thing about the value, never "a value" and "无数据" together."""
    export = _gather(small_con, min_cases=50)
    notes = dict(_rows(export.summary, "agency_name", "scoring_note"))
    # 公开率 once: its own value unused and the median scored are one case, not two
    assert (
        notes["乙县人民政府"]
        == "样本不足 50 件不计分：办结率；样本不足 50 件，按同组中位数计分：公开率"
    )
    assert notes["示范省丙厅"] == "样本不足 50 件不计分：办结率、按时办结率、公开率"
    reasons = dict(_rows(export.agencies["乙县人民政府"], "indicator", "reason"))
    assert (
        reasons["办结率"]
        == "办结率 75%：样本仅 40 件（不足 50 件），不计分，权重 15 分按比例分给其余指标"
    )
    assert reasons["公开率"] == (
        "公开率 100%，样本仅 30 件（不足 50 件），不采用；按同组中位数 62.5% 计，同组 2 家中第 1 名"
    )
    assert reasons["按时办结率"] == "按时办结率：无数据（N/A），权重 5 分按比例分给其余指标"


def test_the_signed_workbook_names_no_file_and_no_version(book, export):
    """方案说明 and 扣分明细 in the office's words: the scheme by its name, the manual inputs as
    检查抽查结果, no scheme/CSV/database file names, no parser or program version (those stay
    in the file's properties)."""
    cells = [
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
    ]
    assert not [c for c in cells if re.search(r"\.(toml|csv|duckdb)\b|解析器|gongkai", c)]
    about = dict(export.about)
    assert about["方案名称"] == "省政务公开办默认方案 2024"
    assert about["人工录入"] == "检查抽查结果 0 条（2024 年度本省单位）"
    assert "方案文件" not in about and "数据库" not in about and "程序" not in about
    sources = set(_rows(export.deductions, "source"))
    assert ("人工录入（检查抽查结果）",) in sources
    assert export.build.startswith("gongkai ") and "解析器" in export.build
    assert book.properties.description == export.build  # 备注 in the file's properties


VETO = "否决：未发布年报，总分上限 0 分"


def test_an_unpublished_unit_lists_the_veto_and_no_indicator_points(export, book):
    """示范省丁厅 (no 2024 report) is vetoed to 0 (issue 22). Its 扣分明细 is the veto alone, its
    扣分 blank: the scoring run still fills its indicators by the missing-data policies (数据一致性
    10 lost at zero, 公开率 and 发布及时性 at the group's median) and the veto's "what the cap
    took off" was 66.67 of those, points for a report that does not exist. Its own sheet is the
    veto and 总分 0; its 汇总 row has no figure but rank, 总分, 绩效折算分 and 名次变化."""
    lines = _rows(export.deductions, "agency_id", "indicator_name", "points", "reason")
    assert [r[1:] for r in lines if r[0] == "DD"] == [("未发布年报", None, VETO)]
    assert all(r[2] is not None for r in lines if r[0] != "DD")  # the published keep theirs
    sheet = [r for r in book["扣分明细"].iter_rows(values_only=True) if "示范省丁厅" in r]
    assert sheet == [("省级部门", 2, "示范省丁厅", "未发布年报", None, VETO, "单位名录")]
    own = book["示范省丁厅"].iter_rows(min_row=4, values_only=True)
    assert [tuple(v for v in r if v not in (None, "")) for r in own] == [
        ("未发布年报", "否决", VETO),
        ("总分", 0),
    ]  # 指标 | 评分方式 | 权重 | 数值 | 单位 | 得分 | 扣分 | 样本过少 | 说明: no weight, no points
    row = next(r for r in book["汇总"].iter_rows(values_only=True) if "示范省丁厅" in r)
    assert [v for v in row if isinstance(v, (int, float))] == [2, 0, 0, -1]
    assert VETO in row and "未发布年报，不列指标得分" in row


def test_an_unpublished_units_word_sheet_row_has_no_indicator_points(export):
    """The DOCX prints the same 汇总 row: 丁厅's cells between 单位 and 总分 are blank but 否决."""
    import docx

    from exports.word import assessment_docx

    doc = docx.Document(io.BytesIO(assessment_docx(export)))
    rows = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    header = next(r for r in rows if "单位" in r and "总分" in r)
    dd = next(r for r in rows if "示范省丁厅" in r)
    between = dd[header.index("单位") + 1 : header.index("总分")]
    assert [c for c in between if c] == [VETO]


def test_the_group_band_is_shaded_over_the_tables_columns_only(book):
    """The 汇总 prints across pages: each peer group's band is merged once per printed page, so
    no merge crosses a page break (a merge that did was drawn on its first page past the
    table's last column, out to the margin), and its fill covers the table's columns, no more."""
    ws = book["汇总"]
    headers = [c.value for c in ws[3]]
    ncols = max(i for i, v in enumerate(headers, 1) if v)
    breaks = [b.id for b in ws.col_breaks.brk]
    assert breaks, "the 汇总 of the default scheme prints across pages"
    for r in (5, 8):  # 县级政府（2 家）, 省级部门（2 家）
        assert ws.cell(r, 1).value in ("县级政府（2 家）", "省级部门（2 家）")
        pieces = sorted((m.min_col, m.max_col) for m in ws.merged_cells.ranges if m.min_row == r)
        assert pieces[0][0] == 1 and pieces[-1][1] == ncols
        assert all(a[1] + 1 == b[0] for a, b in zip(pieces, pieces[1:]))  # no gap, no overlap
        assert not [(a, z) for a, z in pieces for b in breaks if a <= b < z]
        # openpyxl keeps a merge's style on its first cell only
        assert {ws.cell(r, a).fill.fgColor.rgb for a, _ in pieces} == {"FFEEF3F8"}
        assert ws.cell(r, ncols + 1).fill.fill_type is None
