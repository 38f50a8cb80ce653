"""A 整改通知 as the agency reads it (issue 22): the 落款 is never alone on a page (it could not be
signed or sealed), a 0 the agency never printed says where it comes from (按 0 计), and a late
notice gives only the deadline rule of its own year.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date

import pypdfium2
import pytest

from etl.rules import RULES
from exports import notices
from exports.office import load_office
from exports.pdf import cjk_fonts
from workflow.evidence import finding_evidence
from workflow.problems import Notice, NoticeItem, notice_item

ISSUED = date(2025, 4, 1)


@pytest.fixture(scope="module")
def office():
    mp = pytest.MonkeyPatch()
    mp.delenv("GONGKAI_OFFICE", raising=False)  # data/office.toml
    mp.delenv("GONGKAI_DATA", raising=False)
    yield load_office()
    mp.undo()


def _notice(explanation_sentences: int) -> Notice:
    """甲县's notice of one 表三 problem whose explanation runs `explanation_sentences` sentences:
    the longer it is, the further down the page the deadline, contact and 落款 go."""
    rule = "t3.row_total"
    message = "报告所列数值与按各分项计算的结果不符，" * explanation_sentences
    item = NoticeItem(
        f"GA|2024|{rule}|", rule, RULES[rule].label, "表内数据勾稽不符", message, (),
        RULES[rule].remedy, False,
    )  # fmt: skip
    return Notice("GA", "甲县人民政府", "县级政府", 2024, ISSUED, date(2025, 5, 1), (item,))


def _pages(data: bytes) -> list[str]:
    """Each page's text, without the page footer and white space."""
    pdf = pypdfium2.PdfDocument(data)
    texts = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    return [re.sub(r"\s+", "", re.sub(r"第\s*\d+\s*页\s*共\s*\d+\s*页", "", t)) for t in texts]


def test_the_signature_never_stands_alone_on_a_page(office):
    """The body grows one sentence at a time until the notice needs a second page: the first
    notice that does is the one whose body fills page 1 up to the 落款 (before, it printed the
    落款 alone on page 2). Its page 2 holds the deadline paragraph and the contact above the 落款."""
    fonts = cjk_fonts()
    signature = office.name + "2025年4月1日"

    def pages(n: int) -> list[str]:
        return _pages(notices.notice_pdf(_notice(n), office, fonts=fonts))

    one, two = 0, 64
    assert len(pages(one)) == 1 and len(pages(two)) == 2
    while two - one > 1:  # the fewest sentences that need two pages
        mid = (one + two) // 2
        one, two = (mid, two) if len(pages(mid)) == 1 else (one, mid)
    first, last = pages(one), pages(two)
    assert first[-1].endswith(signature)  # one page: the 落款 under the whole body
    assert last[1].endswith(signature)
    assert last[1] != signature, "the 落款 alone on the last page"
    assert last[1].startswith("整改期限：2025年5月1日前")
    assert "联系人" in last[1]


def test_the_docx_keeps_the_last_paragraphs_with_the_signature(office):
    from docx import Document

    doc = Document(io.BytesIO(notices.notice_docx(_notice(30), office)))
    paragraphs = [p for p in doc.paragraphs if p.text]
    at = next(i for i, p in enumerate(paragraphs) if p.text.startswith("整改期限"))
    assert [p.text for p in paragraphs[at + 2 :]] == [office.name, "2025年4月1日"]
    # the deadline, the contact and the office name each keep with the next: Word moves them
    # to the 落款's page together rather than leave the 落款 alone
    assert [p.paragraph_format.keep_with_next for p in paragraphs[at:]] == [True, True, True, None]


def _cell(value: int, raw: str, blank: bool, table: int, row: int) -> tuple:
    return (value, raw, blank, json.dumps({"table": table, "row": row, "col": 7, "line": 50}))


@pytest.mark.parametrize(
    "raw, blank, shown",
    [
        ("-", False, "-（按 0 计）"),
        ("/", False, "/（按 0 计）"),
        ("无", False, "无（按 0 计）"),
        ("—", False, "—（按 0 计）"),
        ("", True, "空白（按 0 计）"),
        ("0", False, "0"),  # printed 0: nothing to explain
    ],
)
def test_a_cell_printed_without_a_number_says_it_was_counted_as_0(raw, blank, shown):
    """岫屏县民政局's cross-year problem: last year's 结转下年度 printed as 「-」 is read as 0, and
    the explanation says 「2023 年报的“结转下年度”为 0」; the table says where that 0 comes from."""
    keys = ["t3.carried_in.total", "t3.carried_out.total"]
    finding = {
        "fkey": "GA|2024|crossyear.carry_over|",
        "rule": "crossyear.carry_over",
        "year": 2024,
        "message": "2024 年报的“上年结转”为 1，但 2023 年报的“结转下年度”为 0（差 +1）",
        "evidence": finding_evidence(
            "crossyear.carry_over",
            keys,
            {keys[0]: _cell(1, "1", False, 2, 2)},
            {keys[1]: _cell(0, raw, blank, 2, 26)},
        ),
        "repeated": 0,
        "place": "T3",
    }
    item = notice_item(finding)
    assert item.cells == (
        ("二、上年结转政府信息公开申请数量（总计栏）", "1", "原文第 3 张表格第 3 行"),
        ("上年年报：四、结转下年度继续办理（总计栏）", shown, "上年年报原文第 3 张表格第 27 行"),
    )


def _late(year: int) -> NoticeItem:
    return notice_item(
        {
            "fkey": f"GA|{year}|published.late|",
            "rule": "published.late",
            "year": year,
            "message": f"{year} 年度报告发布于 {year + 1}-04-20，法定期限为 {year + 1}-03-31，逾期 20 天",
            "evidence": [],
            "repeated": 0,
            "place": None,
        }
    )


def test_a_late_notice_gives_only_the_deadline_rule_of_its_year():
    assert _late(2024).remedy == (
        "书面说明本年度逾期发布的原因，今后在法定期限内发布年度报告"
        "（部门 1 月 31 日前、政府 3 月 31 日前）"
    )
    assert _late(2017).remedy == (
        "书面说明本年度逾期发布的原因，今后在法定期限内发布年度报告"
        "（2017 年度报告的法定期限为 2018 年 3 月 31 日前）"
    )
    assert "2019" not in _late(2019).remedy
    # the other rules keep the catalogue's remedy as it is
    assert notice_item(
        {**dict.fromkeys(("message", "place")), "fkey": "k", "rule": "t3.balance", "year": 2024,
         "evidence": [], "repeated": 0}
    ).remedy == RULES["t3.balance"].remedy  # fmt: skip
