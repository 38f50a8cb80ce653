"""What a 整改通知 says (workflow/problems.py builds its items, exports/notices.py its text),
fast: the small province's findings of 甲县 2024 (tests/small_province.py, fixture
`small_store`) and evidence cells with stored (0-based) locations.

A notice goes to the agency: places are 1-based, dates as a 公文 writes them, and no file
names, paths or registry codes reach it; only confirmed problems the latest load still raises.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from etl.rules import RULES
from exports import notices
from exports.office import load_office
from workflow.evidence import cell_evidence, finding_evidence
from workflow.findings import move
from workflow.problems import Notice, NoticeItem, for_agency, notice_batch, notice_item
from workflow.states import CONFIRMED, DISMISSED

ROW_TOTAL = "GA|2024|t3.row_total|t3.new.total"
COPIED = "GA|2024|report.copied|"
ISSUED = date(2025, 4, 1)


@pytest.fixture
def office(monkeypatch):
    monkeypatch.delenv("GONGKAI_OFFICE", raising=False)  # data/office.toml
    monkeypatch.delenv("GONGKAI_DATA", raising=False)
    return load_office()


def test_only_confirmed_problems_make_a_notice(small_store):
    assert notice_batch(small_store, 2024, issued=ISSUED) == []  # both still 待核实
    move(small_store, ROW_TOTAL, CONFIRMED, "张三", "")
    move(small_store, COPIED, DISMISSED, "张三", "模板性表述")
    [notice] = notice_batch(small_store, 2024, issued=ISSUED)
    assert (notice.agency_id, notice.agency_name, notice.peer_group) == (
        "GA",
        "甲县人民政府",
        "县级政府",
    )
    assert (notice.issued, notice.deadline) == (ISSUED, date(2025, 5, 1))  # 30 days by default
    assert [item.fkey for item in notice.items] == [ROW_TOTAL]
    assert notice_batch(small_store, 2024, issued=ISSUED, agency_id="GB") == []


def test_the_notice_text_lists_each_problem_with_what_the_report_prints(small_store, office):
    for fkey in (ROW_TOTAL, COPIED):
        move(small_store, fkey, CONFIRMED, "张三", "")
    [notice] = notice_batch(small_store, 2024, issued=ISSUED)
    assert notices.title(notice) == "关于2024年度政府信息公开工作年度报告\n存在问题的整改通知"
    assert notices.body(notice, office) == (
        "经核查，你单位发布的2024年度政府信息公开工作年度报告存在以下2个问题。请对照逐项整改，"
        "于2025年5月1日前更正并重新发布年度报告，同时将整改情况书面报送省政务公开办。"
    )
    assert notices.rows(notice) == [
        (
            "1",
            "内容雷同（正文与其他年报高度重复）",
            "全文（与本单位上年报告）\n与上年年报雷同",
            "年度报告应如实反映本单位本年度工作，请重写与上年或其他单位雷同的部分后重新发布",
        ),
        (
            "2",
            "表内数据勾稽不符（表三：各类申请人之和 ≠ 总计列）",
            "表三（收到和处理申请）\n一、本年新收政府信息公开申请数量（总计栏）：90\n"
            "合计与分项之和不符",
            "核对表三该行各类申请人的数字与总计，更正后重新发布年度报告",
        ),
    ]
    every_text = json.dumps(notices.rows(notice), ensure_ascii=False) + notices.body(notice, office)
    for internal in ("GA", "报告/", ".txt", "sha-"):  # code, source path, file, hash: never shown
        assert internal not in every_text


def _located_finding(repeated: bool) -> dict:
    """甲县's 表三 row-sum finding over two cells of the 6th table (stored 0-based: table 5, rows
    2 and 3, lines 176 and 177), the second printed blank, its message naming a server file."""
    cells = {
        "t3.new.total": (
            90,
            "90",
            False,
            json.dumps({"table": 5, "row": 2, "col": 7, "line": 176}),
        ),
        "t3.carried_in.total": (None, "", True, json.dumps({"table": 5, "row": 3, "line": 177})),
    }
    return {
        "fkey": ROW_TOTAL,
        "rule": "t3.row_total",
        "message": "合计与分项之和不符；2023 年报：SF421_2023.html",
        "evidence": cell_evidence(list(cells), cells),
        "repeated": int(repeated),
        "place": None,  # the rule catalogue's: 表三
    }


def test_places_are_one_based_and_messages_carry_no_file_names():
    item = notice_item(_located_finding(repeated=True))
    # 「原文第 6 张表格」: the document's 6th table, not the 6th table of 表三; each cell its row
    assert item.place == "表三（收到和处理申请）"
    assert item.cells == (
        ("一、本年新收政府信息公开申请数量（总计栏）", "90", "原文第 6 张表格第 3 行"),
        ("二、上年结转政府信息公开申请数量（总计栏）", "（空白）", "原文第 6 张表格第 4 行"),
    )
    assert item.message == "合计与分项之和不符"
    assert item.evidence == () and item.sums == ()  # two cells of no one identity: no sum
    assert (
        notices.heading(12, item)
        == "十二、表内数据勾稽不符（表三：各类申请人之和 ≠ 总计列，新版本年报仍存在）"
    )


@pytest.mark.parametrize(
    "loader_text, for_the_agency",
    [
        ("与上年年报（SF421_2023.html）雷同", "与上年年报雷同"),
        ("D:\\报告\\甲县\\GA_2024.pdf 第 3 页", "第 3 页"),
        ("发布于 2025-03-31，晚于 2025-01-31", "发布于 2025年3月31日，晚于 2025年1月31日"),
        ("单位 SF421 的表三\x01总计", "单位 的表三总计"),  # the code and the control character go
    ],
)
def test_loader_text_is_made_fit_for_the_agency(loader_text, for_the_agency):
    assert for_agency(loader_text) == for_the_agency


@pytest.mark.parametrize(
    "n, numeral", [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (35, "三十五")]
)
def test_problems_are_numbered_as_a_document_numbers_them(n, numeral):
    assert notices.numeral(n) == numeral


def _cell(key: str, value: int, table: int, row: int, line: int) -> tuple:
    """A stored cell (value, raw, blank, location) at 0-based table, row and line."""
    loc = {"table": table, "row": row, "col": 7, "line": line}
    return (value, str(value), False, json.dumps(loc))


def test_a_balance_problem_pairs_each_cell_with_its_own_table_and_row_then_sums_them():
    """t3.balance quotes four 总计 cells, each row printed as a table of its own (tables 5, 6,
    13 and 14): each number beside its own table and row (not one span 「原文第 5–6、13–14 张表格，
    原文第 55、60、110、115 行」 the agency could not pair with the numbers), then the two sides
    as printed and as they should be, and the signed difference."""
    cells = {
        "t3.new.total": _cell("t3.new.total", 23, 4, 1, 54),
        "t3.carried_in.total": _cell("t3.carried_in.total", 0, 5, 1, 59),
        "t3.processed.total": _cell("t3.processed.total", 20, 12, 1, 109),
        "t3.carried_out.total": _cell("t3.carried_out.total", 0, 13, 1, 114),
    }
    finding = {
        "fkey": "GA|2024|t3.balance|",
        "rule": "t3.balance",
        "message": "表三「总计」列：本年新收 + 上年结转 ≠ 办理总计 + 结转下年度：应为 23，报告印为 20（差 -3）",
        "evidence": cell_evidence(list(cells), cells),
        "repeated": 0,
        "place": None,
    }
    item = notice_item(finding)
    assert item.place == "表三（收到和处理申请）"
    assert item.cells == (
        ("一、本年新收政府信息公开申请数量（总计栏）", "23", "原文第 5 张表格第 2 行"),
        ("二、上年结转政府信息公开申请数量（总计栏）", "0", "原文第 6 张表格第 2 行"),
        ("三(七)总计（总计栏）", "20", "原文第 13 张表格第 2 行"),
        ("四、结转下年度继续办理（总计栏）", "0", "原文第 14 张表格第 2 行"),
    )
    assert notices.details(item) == [
        ("报告所列", "办理总计 + 结转下年度 = 20 + 0 = 20"),
        ("按所列数值计算", "新收 + 上年结转 = 23 + 0 = 23"),
        ("差", "-3（报告所列比计算结果少 3）"),
        ("整改要求", RULES["t3.balance"].remedy),
    ]
    assert item.message == ""  # the sums say what the loader's sentence said, with each number


def test_a_stock_flow_problem_quotes_last_years_in_force_beside_this_years():
    """表二's 现行有效 is held against last year's: the notice prints both, last year's with its
    place in last year's report (as the carry-over notice prints last year's 结转下年度)."""
    keys = ["t2.normative.in_force", "t2.normative.issued", "t2.normative.repealed"]
    this_year = {
        keys[0]: _cell(keys[0], 3, 1, 3, 16),
        keys[1]: _cell(keys[1], 3, 1, 3, 16),
        keys[2]: _cell(keys[2], 2, 1, 3, 16),
    }
    last_year = {keys[0]: _cell(keys[0], 3, 2, 4, 20)}
    finding = {
        "fkey": "GA|2024|t2.stock_flow|",
        "rule": "t2.stock_flow",
        "message": "2023 年现行有效 3 + 本年制发 3 − 本年废止 2 = 4，但本年现行有效印为 3（差 -1）",
        "evidence": finding_evidence("t2.stock_flow", keys, this_year, last_year),
        "repeated": 0,
        "place": "T2",
    }
    item = notice_item(finding)
    assert item.cells == (
        ("规范性文件（现行有效件数栏）", "3", "原文第 2 张表格第 4 行"),
        ("规范性文件（本年制发件数栏）", "3", "原文第 2 张表格第 4 行"),
        ("规范性文件（本年废止件数栏）", "2", "原文第 2 张表格第 4 行"),
        ("上年年报：规范性文件（现行有效件数栏）", "3", "上年年报原文第 3 张表格第 5 行"),
    )
    assert item.place == "表二（主动公开）"
    assert item.message == finding["message"]  # not an identity of one report: no sums


def _notice(*rules: str) -> Notice:
    items = tuple(
        NoticeItem(f"GA|2024|{r}|", r, RULES[r].label, "", "", (), RULES[r].remedy, False)
        for r in rules
    )
    return Notice("GA", "甲县人民政府", "县级政府", 2024, ISSUED, date(2025, 5, 1), items)


def test_what_a_notice_asks_follows_its_problems(office):
    """A report only published late has nothing to correct: the agency explains the delay and
    publishes on time next year; a report with figures to correct is corrected and republished."""
    late = _notice("published.late")
    assert notices.body(late, office) == (
        "经核查，你单位发布的2024年度政府信息公开工作年度报告存在以下1个问题。"
        "请于2025年5月1日前将逾期发布的原因和改进措施书面报送省政务公开办，"
        "今后在法定期限内发布年度报告。"
    )
    assert "整改后仍存在" not in notices.closing(late)
    assert RULES["published.late"].remedy.startswith("书面说明本年度逾期发布的原因")
    both = _notice("published.late", "t3.row_total")
    assert notices.body(both, office).endswith(
        "请对照逐项整改，于2025年5月1日前更正并重新发布年度报告，同时将整改情况和逾期发布的原因"
        "书面报送省政务公开办；今后在法定期限内发布年度报告。"
    )
