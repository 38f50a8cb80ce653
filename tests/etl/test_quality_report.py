"""The annual quality check inside one report, on the real reports and mutations of them.

Rules: section.missing / section.thin, template.nonstandard, table.all_blank, text_table.mismatch
(and its scope-aware sibling text_table.scope_note). The consistent real reports raise none of the
error rules; each planted problem raises exactly its own.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from etl.parse import parse_file
from etl.validate.text_table import text_table_findings
from tests.conftest import REAL, SHARED

QUALITY_RULES = (
    "section.missing",
    "section.thin",
    "section.fee_missing",
    "overview.incomplete",
    "template.nonstandard",
    "table.all_blank",
    "text_table.mismatch",
    "text_table.scope_note",
)
SHUYANG = REAL / "shuyang_2025.md"
CRAWLED = SHARED / "crawled" / "pingtan_2023.txt"


def quality(report) -> list[tuple[str, str]]:
    return sorted((f.rule, f.severity) for f in report.findings if f.rule in QUALITY_RULES)


def parse_text(name: str, text: str):
    return parse_file(name, text.encode("utf-8"))


def shuyang() -> str:
    return SHUYANG.read_text(encoding="utf-8")


def section(text: str, heading: str, next_heading: str) -> tuple[int, int]:
    start = text.index(heading)
    return start, text.index(next_heading, start)


@pytest.mark.parametrize(
    "path",
    [REAL / "shuyang_2025.md", REAL / "shanghai_kewei_2024.md", REAL / "pingtan_2015.txt", CRAWLED],
)
def test_consistent_real_reports_raise_no_quality_finding(path):
    assert quality(parse_file(path)) == []


def test_hongze_unexplained_switch_to_the_office_scope_is_a_text_table_mismatch():
    # the inspector's P1: prose about 区政府办 (17) against a 表三 for the district (95), and the
    # report never says the table covers the whole district
    report = parse_file(REAL / "hongze_2024.pdf")
    assert quality(report) == [("text_table.scope_note", "error")]
    note = next(f for f in report.findings if f.rule == "text_table.scope_note")
    assert (note.category, note.place, note.responsibility) == (
        "text_table_mismatch",
        "T3",
        "report",
    )
    assert (note.cells, note.expected, note.actual) == (("t3.new.total",), 95, 17)
    assert "区政府办代表区政府受理政府信息公开申请17件" in note.message and "95" in note.message


@pytest.mark.parametrize(
    "explanation",
    ["本报告附表中数据为全区汇总数据。", "全区共受理政府信息公开申请95件。"],
)
def test_hongze_explained_scope_switch_is_nothing(explanation):
    report = parse_file(REAL / "hongze_2024.pdf")
    prose = (*report.prose[:20], explanation, *report.prose[20:])
    assert text_table_findings(dataclasses.replace(report, prose=prose)) == []


def test_hongze_same_sentence_about_the_whole_district_is_a_mismatch():
    report = parse_file(REAL / "hongze_2024.pdf")
    prose = tuple(line.replace("区政府办代表区政府受理", "全区共受理") for line in report.prose)
    found = text_table_findings(dataclasses.replace(report, prose=prose))
    assert [(f.rule, f.cells, f.expected, f.actual) for f in found] == [
        ("text_table.mismatch", ("t3.new.total",), 95, 17)
    ]


def test_a_changed_prose_figure_is_a_mismatch_with_both_passages():
    text = shuyang().replace("共办理 718 件", "共办理 700 件")
    report = parse_text("shuyang_2025.md", text)
    assert quality(report) == [("text_table.mismatch", "error")]
    f = next(f for f in report.findings if f.rule == "text_table.mismatch")
    assert (f.category, f.place) == ("text_table_mismatch", "T3")
    assert (f.cells, f.expected, f.actual) == (("t3.processed.total",), 718, 700)
    assert "共办理700件" in f.message and "718" in f.message


def test_prose_sum_of_outcomes_is_compared_as_a_sum():
    # 予以公开 294 + 部分公开 101 = 395: "予以公开及部分公开395件" agrees, 396 does not
    def with_sentence(n: int):
        return parse_text(
            "shuyang_2025.md",
            shuyang().replace(
                "结转下一年 31 件。", f"结转下一年 31 件，其中予以公开及部分公开 {n} 件。"
            ),
        )

    assert quality(with_sentence(395)) == []
    found = [
        (f.rule, f.cells, f.expected, f.actual)
        for f in with_sentence(396).findings
        if f.rule in QUALITY_RULES
    ]
    assert found == [("text_table.mismatch", ("t3.granted.total", "t3.partial.total"), 395, 396)]


def test_deleted_section_five_is_missing():
    text = shuyang()
    start, end = section(text, "## 五、", "六、其他需要报告的事项")
    report = parse_text("shuyang_2025.md", text[:start] + text[end:])
    assert quality(report) == [("section.missing", "error")]
    missing = next(f for f in report.findings if f.rule == "section.missing")
    assert "第五部分" in missing.message and missing.place == "S5" and missing.blames_report


def test_section_five_with_only_a_heading_and_boilerplate_is_thin():
    text = shuyang()
    start, end = section(text, "## 五、", "六、其他需要报告的事项")
    heading = text[start : text.index("\n", start)]
    report = parse_text("shuyang_2025.md", text[:start] + heading + "\n\n无。\n\n" + text[end:])
    assert quality(report) == [("section.thin", "warning")]
    f = next(f for f in report.findings if f.rule == "section.thin")
    assert (f.expected, f.actual) == (40, 1) and "第五部分" in f.message


def test_std2021_section_six_without_the_fee_is_missing_the_fee_statement():
    # "本年度无其他需要报告的事项。" says nothing about 信息处理费, which std2021 六 must state
    text = shuyang()
    start = text.index("六、其他需要报告的事项")
    end = text.index("沐阳县人民政府", start)
    report = parse_text(
        "shuyang_2025.md",
        text[:start] + "六、其他需要报告的事项\n\n本年度无其他需要报告的事项。\n\n" + text[end:],
    )
    assert quality(report) == [("section.fee_missing", "error")]
    fee = next(f for f in report.findings if f.rule == "section.fee_missing")
    assert (fee.category, fee.place) == ("missing_section", "S6")
    assert "信息处理费" in fee.message and "本年度无其他需要报告的事项" in fee.message


def test_government_overview_without_assessment_or_accountability_is_incomplete():
    text = shuyang()
    start, end = section(text, "## 一、", "## 二、")
    one = text[start:end]
    for word in ("考核", "评议", "责任追究", "问责", "监督检查", "监督保障"):
        one = one.replace(word, "工作")
    report = parse_text("shuyang_2025.md", text[:start] + one + text[end:])
    assert quality(report) == [("overview.incomplete", "warning")]
    f = next(f for f in report.findings if f.rule == "overview.incomplete")
    assert (f.category, f.place) == ("overview_incomplete", "S1")
    assert "第五十条第四项" in f.message


def test_a_2020_report_in_the_old_format_is_nonstandard():
    text = (REAL / "pingtan_2015.txt").read_text(encoding="utf-8")
    report = parse_text("pingtan_2020.txt", text.replace("2015", "2020").replace("2016", "2021"))
    assert report.template == "legacy" and report.year == 2020
    assert quality(report) == [("template.nonstandard", "warning")]


def test_table_four_printed_all_slashes_is_all_blank():
    text = shuyang()
    start, end = section(text, "## 四、", "## 五、")
    blanked = re.sub(
        r"\| \d+ \| \d+ \| \d+ \| \d+ \| \d+ \|", "| / | / | / | / | / |", text[start:end]
    )
    report = parse_text("shuyang_2025.md", text[:start] + blanked + text[end:])
    assert quality(report) == [("table.all_blank", "error")]
    f = next(f for f in report.findings if f.rule == "table.all_blank")
    assert "表四" in f.message and len(f.cells) == 10
