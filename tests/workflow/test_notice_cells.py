"""A 整改通知 pairs each number of an arithmetic problem with its place and its template wording.

On the small province of tests/small_province.py (declared rows, written by the loader), with
丁厅's 2024 report loaded beside it: its 表三 flow totals printed in the page's 3rd table (stored
0-based, as the extractors count), judged by the real identity checks (etl.validate), which find
the balance broken: 新收 30 + 上年结转 6 = 36, but 办理总计 40 + 结转下年度 5 = 45.
"""

from __future__ import annotations

import io
import re
from datetime import date

import duckdb
import pytest

from etl.fields import t3_key
from etl.load import StagedReport, load_batch
from etl.load_runs import finish_run, start_run
from etl.report import ParsedReport, Value
from etl.validate import validate_std
from exports import notices
from exports.office import load_office
from tests.small_province import AGENCIES, build_small_province
from workflow.findings import list_findings, move
from workflow.problems import notice_batch
from workflow.states import CONFIRMED
from workflow.store import opened

# 表三 row -> (总计 as printed, 0-based row of the 3rd table); the row's line is LINE + row
FLOWS = {"new": (30, 1), "carried_in": (6, 2), "processed": (40, 25), "carried_out": (5, 26)}
TABLE, TOTAL_COLUMN, LINE = 2, 7, 40
SOURCE = "报告/DD_2024.html"


def _load_dd_2024(con: duckdb.DuckDBPyConnection) -> None:
    dd = next(a for a in AGENCIES if a.code == "DD")
    values = {}
    for row, (n, r) in FLOWS.items():
        key = t3_key(row, "total")
        loc = {"table": TABLE, "row": r, "col": TOTAL_COLUMN, "line": LINE + r}
        values[key] = Value(key, n, raw=str(n), loc=loc)
    report = ParsedReport(
        SOURCE, "sha-DD-2024", "html", "std2021", agency=dd.name, year=2024, values=values
    )
    report.findings = validate_std(report)
    run = start_run(con)
    load_batch(con, [StagedReport(report, dd, days_late=0, source_path=SOURCE)], run_id=run)
    finish_run(con, run, loaded=1, unchanged=0, failed=0, skipped=0)


@pytest.fixture
def balance_notice(tmp_path, monkeypatch):
    """丁厅's 2024 notice, its t3.balance finding confirmed (as after `gongkai findings confirm
    --rule t3.balance`)."""
    from workflow.sync import sync_store

    monkeypatch.delenv("GONGKAI_OFFICE", raising=False)  # data/office.toml
    monkeypatch.delenv("GONGKAI_DATA", raising=False)
    con = duckdb.connect()
    build_small_province(con)
    _load_dd_2024(con)
    with opened(tmp_path / "small.workflow.sqlite") as store:
        sync_store(store, con)
        [found] = [f for f in list_findings(store, year=2024) if f["agency_id"] == "DD"]
        assert found["rule"] == "t3.balance"
        move(store, found["fkey"], CONFIRMED, "张三", "属实")
        [notice] = notice_batch(store, 2024, agency_id="DD", issued=date(2025, 4, 1))
    con.close()
    return notice


# (项目 as the national template words it, 报告所列数值, 位置 in the 1-based words of the pages)
CELLS = [
    ("一、本年新收政府信息公开申请数量（总计栏）", "30", "原文第 3 张表格第 2 行"),
    ("二、上年结转政府信息公开申请数量（总计栏）", "6", "原文第 3 张表格第 3 行"),
    ("三(七)总计（总计栏）", "40", "原文第 3 张表格第 26 行"),
    ("四、结转下年度继续办理（总计栏）", "5", "原文第 3 张表格第 27 行"),
]
SUMS = [
    "报告所列：办理总计 + 结转下年度 = 40 + 5 = 45",
    "按所列数值计算：新收 + 上年结转 = 30 + 6 = 36",
    "差：+9（报告所列比计算结果多 9）",
]


def test_each_printed_cell_sits_beside_its_place_and_template_wording(balance_notice):
    [item] = balance_notice.items
    assert list(item.cells) == CELLS
    assert item.place == "表三（收到和处理申请）"
    [(_, problem, evidence, remedy)] = notices.rows(balance_notice)
    assert problem == "表内数据勾稽不符（表三：新收 + 上年结转 ≠ 办理总计 + 结转下年度）"
    assert evidence.split("\n") == [
        "表三（收到和处理申请）",
        *(f"{name}：{value}（{where}）" for name, value, where in CELLS),
        *SUMS,
    ]
    assert remedy.startswith("核对本年新收、上年结转、办理总计、结转下年度四项")


def test_the_docx_prints_the_cells_as_a_table_then_the_sums(balance_notice):
    from docx import Document

    doc = Document(io.BytesIO(notices.notice_docx(balance_notice, load_office())))
    [table] = doc.tables
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["项目", "报告所列数值", "位置"],
        *([*cell] for cell in CELLS),
    ]
    paragraphs = [p.text for p in doc.paragraphs]
    at = paragraphs.index(SUMS[0])
    assert paragraphs[at : at + 4] == [*SUMS, "整改要求：" + balance_notice.items[0].remedy]
    text = "\n".join(paragraphs + [c.text for row in table.rows for c in row.cells])
    # no internal key, registry code, file, path or hash; no line of the extracted text where
    # the table and row say where (「原文第 42 行」 is not where the agency looks)
    for internal in ("t3.", "DD", "报告/", ".html", "sha-", "·"):
        assert internal not in text
    assert not re.search(r"原文第 4\d 行", text)
