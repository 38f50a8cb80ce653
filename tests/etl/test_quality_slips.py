"""The issue-#21 checks on real reports: each mutation changes one printed thing the way an agency
gets it wrong and expects exactly that finding (report-blaming, with its category), and the
unmutated report raises none of it; mutations that repair or explain the printed thing expect
the finding gone. Reports from shared/ (tests/conftest.py SHARED)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from etl.inspection import report_findings
from etl.parse import parse_file
from tests.conftest import SHARED

SHUYANG = "real-reports/shuyang_2025.md"  # std2021, clean
KEWEI = "real-reports/shanghai_kewei_2024.md"  # std2021, PDF→Markdown
HUNAN = "seeds/004_a0ca8ba4d3202da2.txt"  # legacy, flattened 统计表
LIUZHOU = "seeds/003_c5927ea855a2fd8c.txt"  # legacy, prose only, dated inside its year
PT2015 = "real-reports/pingtan_2015.txt"  # legacy, crawler one-line, nested 一是 lists
PT2023 = "crawled/pingtan_2023.txt"  # std2021, crawler one-line, glued 表二 row


def _text(source: str) -> str:
    return (SHARED / source).read_text(encoding="utf-8")


@lru_cache(maxsize=32)
def _findings(source: str, text: str) -> tuple:
    return tuple(report_findings(parse_file(Path(source).name, text.encode("utf-8"))))


def _rule(source: str, text: str, rule: str) -> list:
    return [f for f in _findings(source, text) if f.rule == rule]


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


PLANTED = [
    # (id, source, printed, changed to, rule, category)
    ("skipped_marker", SHUYANG, "二是提升公开质量", "三是提升公开质量",
     "wording.numbering_slip", "typo_wording"),
    ("repeated_marker", PT2015, "三是推进公共资源配置信息公开", "二是推进公共资源配置信息公开",
     "wording.numbering_slip", "typo_wording"),
    ("doubled_word_legacy", HUNAN, "厅办公室具体负责统筹协调", "厅办公室办公室具体负责统筹协调",
     "wording.doubled_word", "typo_wording"),
    ("conjunction_pair", SHUYANG, "参与权和监督权", "参与权和及监督权",
     "wording.conjunction_pair", "typo_wording"),
    ("stray_comma", SHUYANG, "通过强化业务培训、健全考核机制，", "通过、强化业务培训、健全考核机制等方式，",
     "wording.stray_comma", "typo_wording"),
    ("regulation_misnamed", SHUYANG, "依据《中华人民共和国政府信息公开条例》",
     "依据《中华人民共和国政府公开信息条例》", "wording.regulation_misnamed", "typo_wording"),
    ("preamble_year", SHUYANG, "现将沐阳县人民政府2025年", "现将沐阳县人民政府2024年",
     "wording.year_mismatch", "typo_wording"),
    ("prose_t2_in_force", KEWEI, "括：行政规范性文件 13 件；",
     "括：行政规范性文件 13 件；现行有效行政规范性文件 50 件；",
     "text_table.t2_mismatch", "text_table_mismatch"),
]  # fmt: skip


@pytest.mark.parametrize(
    "source, old, new, rule, category", [pytest.param(*p[1:], id=p[0]) for p in PLANTED]
)
def test_a_planted_slip_is_found_and_the_real_report_is_spared(source, old, new, rule, category):
    text = _text(source)
    assert _rule(source, text, rule) == []
    [finding] = _rule(source, _replace(text, old, new), rule)
    assert (finding.category, finding.blames_report) == (category, True)


def test_two_dates_inside_the_year_are_the_reports_scope_error_one_is_the_readers_doubt():
    text = _text(LIUZHOU)  # signed 20181219, published 2018-12-24
    [finding] = _rule(LIUZHOU, text, "report.dated_before_year_end")
    assert (finding.category, finding.blames_report) == ("scope_error", True)
    assert "2018-12-19" in finding.message and "2018-12-24" in finding.message
    # published after the year ended, only the signature inside it: that one date may be
    # misread, the analyst's doubt (never the report's)
    one = _replace(text, "2018-12-24", "2019-01-24")
    assert _rule(LIUZHOU, one, "report.dated_before_year_end") == []
    assert [f.blames_report for f in _rule(LIUZHOU, one, "published.before_year_end")] == [False]
    # both dates after the year: nothing
    after = _replace(one, "\n20181219", "\n20190119")
    assert [f.rule for f in _findings(LIUZHOU, after) if f.rule.endswith("before_year_end")] == []


def test_a_work_summary_published_instead_of_the_report():
    text = _text(LIUZHOU)
    assert _rule(LIUZHOU, text, "wording.not_annual_report") == []
    summary = _replace(text, "政府信息公开工作年度报告", "政务公开工作总结")
    summary = _replace(summary, "政府信息\n\n公开工作年度报告", "政务公开\n\n工作总结")
    [finding] = _rule(LIUZHOU, summary, "wording.not_annual_report")
    assert (finding.category, finding.place) == ("nonstandard_structure", "DOC")
    assert "工作总结" in finding.message


def test_proactive_disclosure_answered_none_is_core_data_missing_unless_a_count_is_given():
    text = _text(LIUZHOU)
    [finding] = _rule(LIUZHOU, text, "legacy.core_figure_none")
    assert (finding.category, finding.place, finding.blames_report) == (
        "core_data_missing",
        "LEG.proactive",
        True,
    )
    counted = _replace(
        text,
        "主动公开政府信息的情况\n\n无。",
        "主动公开政府信息的情况\n\n全年主动公开政府信息120条。",
    )
    assert _rule(LIUZHOU, counted, "legacy.core_figure_none") == []


def test_a_glued_t2_row_blames_the_report_only_when_no_split_gives_the_prose_figure():
    text = _text(PT2023)
    [finding] = _rule(PT2023, text, "text_table.t2_mismatch")  # 393 vs 「77132470」
    assert (finding.place, finding.blames_report) == ("T2", True)
    # 2470 can be the run's last cell (77 | 13 | 2470): the split is the reader's doubt, no finding
    possible = _replace(text, "现行有效行政规范性文件393件", "现行有效行政规范性文件2470件")
    assert _rule(PT2023, possible, "text_table.t2_mismatch") == []


def test_nested_enumerations_are_no_slip():
    # pingtan 2015 nests 「一是推进…公开。一是…二是…二是推进…」 (inner list, then the outer
    # list's next item) throughout: an inspector reads no slip there
    assert _rule(PT2015, _text(PT2015), "wording.numbering_slip") == []


def test_a_prose_count_of_review_and_suit_cases_together_against_table_four():
    text = _text(SHUYANG)  # 「全县共办理相关案件 74 件」 = 表四 61 + 3 + 10
    assert _rule(SHUYANG, text, "text_table.review_suit") == []
    [finding] = _rule(
        SHUYANG, _replace(text, "相关案件 74 件", "相关案件 80 件"), "text_table.review_suit"
    )
    assert (finding.category, finding.place, finding.blames_report) == (
        "review_suit_inconsistent",
        "T4",
        True,
    )
    # a 复议后起诉 case counted once with its 复议 (61 + 3) is an accepted count
    once = _replace(text, "相关案件 74 件", "相关案件 64 件")
    assert _rule(SHUYANG, once, "text_table.review_suit") == []
    # separate counts 「行政复议案件2件、行政诉讼案件7件」 are no combined total
    assert _rule(PT2023, _text(PT2023), "text_table.review_suit") == []


def test_an_agency_line_above_a_bare_title_names_the_agency():
    text = _text(SHUYANG)
    split = _replace(
        text,
        "# 沐阳县人民政府 2025 年 政府信息公开",
        "沐阳县人民政府\n\n# 2025 年 政府信息公开",
    )
    assert _rule(SHUYANG, split, "wording.title_without_agency") == []


def test_a_statistics_table_printing_none_for_proactive_disclosure_is_core_data_missing():
    text = _text(HUNAN)
    assert _rule(HUNAN, text, "legacy.core_figure_none") == []
    total = ("(一)主动公开政府信息数 |\n|\n3528 |", "(一)主动公开政府信息数 |\n|\n无 |")
    website = ("政府网站公开政府信息数 |\n条 |\n3528 |", "政府网站公开政府信息数 |\n条 |\n无 |")
    none = _replace(_replace(text, *total), *website)
    [finding] = _rule(HUNAN, none, "legacy.core_figure_none")
    assert (finding.category, finding.place, finding.blames_report) == (
        "core_data_missing",
        "LEG.proactive",
        True,
    )
    assert "「无」" in finding.message
    # the website channel still gives the count: the blank total is no missing core figure
    assert _rule(HUNAN, _replace(text, *total), "legacy.core_figure_none") == []
