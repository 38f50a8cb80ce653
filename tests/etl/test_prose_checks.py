"""Prose against the tables and prose against itself, on the shared reports and mutations of them.

Rules: text_table.mismatch / scope_note / review_suit / blank_total (etl/validate/text_table.py),
prose.outcome_vs_t4 / completion_vs_carry_over / parts_sum / percentage (prose_checks.py). The
inspector's write-ups (shared/inspection/*.problems.json) are the yardstick: hongze P1, shanghai
P2, nothing on shuyang, the seeds or pingtan.
"""

from __future__ import annotations

import dataclasses

import pytest

from etl.parse import parse_file
from tests.conftest import REAL, SEEDS, SHARED

PROSE_RULES = (
    "text_table.mismatch",
    "text_table.scope_note",
    "text_table.review_suit",
    "text_table.blank_total",
    "prose.outcome_vs_t4",
    "prose.completion_vs_carry_over",
    "prose.parts_sum",
    "prose.percentage",
)
SHUYANG = REAL / "shuyang_2025.md"
HONGZE = REAL / "hongze_2024.pdf"
PINGTAN = SHARED / "crawled" / "pingtan_2023.txt"


def prose_findings(report) -> list[tuple]:
    """(rule, category, place, responsibility) of the prose rules' findings, sorted."""
    return sorted(
        (f.rule, f.category, f.place, f.responsibility)
        for f in report.findings
        if f.rule in PROSE_RULES
    )


def mutated(path, old: str, new: str):
    text = path.read_text(encoding="utf-8")
    assert old in text
    return parse_file(path.name, text.replace(old, new, 1).encode("utf-8"))


def with_prose(report, sentence: str):
    """The hongze PDF with one sentence added to its prose (the PDF cannot be edited in place),
    after the first line of 总体情况 that ends a sentence."""
    from etl.validate import quality_findings

    at = next(i for i, line in enumerate(report.prose) if i > 10 and line.endswith("。")) + 1
    prose = (*report.prose[:at], sentence, *report.prose[at:])
    changed = dataclasses.replace(report, prose=prose, findings=list(report.findings))
    changed.findings = [f for f in changed.findings if f.rule not in PROSE_RULES]
    changed.findings += [f for f in quality_findings(changed) if f.rule in PROSE_RULES]
    return changed


# ---- the shared reports against the inspector's write-ups


def test_hongze_gives_p1_only():
    assert prose_findings(parse_file(HONGZE)) == [
        ("text_table.scope_note", "text_table_mismatch", "T3", "report")
    ]


def test_shanghai_gives_p2_and_blames_no_reading_difficulty():
    found = prose_findings(parse_file(REAL / "shanghai_kewei_2024.md"))
    # P2; the 结转 row's displaced 总计 cell (a conversion loss) is the reader's, not the report's
    assert found == [
        ("prose.completion_vs_carry_over", "prose_figures_inconsistent", "S1", "report"),
        ("text_table.blank_total", "reader", "T3", "reader"),
    ]


@pytest.mark.parametrize(
    "path", [SHUYANG, PINGTAN, REAL / "pingtan_2015.txt", *sorted(SEEDS.glob("*.txt"))]
)
def test_clean_reports_give_nothing(path):
    # shuyang: 749 = 713 new + 36 carried in (accepted convention); 政策文件 4 vs 规范性文件 6
    # are different quantities; 「相关案件74件」 is not one 表四 figure
    assert prose_findings(parse_file(path)) == []


# ---- one prose figure changed: a mismatch of the right category and place


@pytest.mark.parametrize(
    ("old", "new", "cells", "expected", "actual"),
    [
        ("结转下一年 31 件", "结转下一年 30 件", ("t3.carried_out.total",), 31, 30),
        (
            "全县全年共受理政府信息公开申请 749 件，其中自然人申请 741 件，法人或其他组织申请 8 件",
            "全县全年共收到 759 件政府信息公开申请",
            ("t3.new.total",),
            713,
            759,
        ),
        (
            "全县全年共受理政府信息公开申请 749 件，其中自然人申请 741 件，法人或其他组织申请 8 件",
            "全县全年依申请公开事项共 760 件",
            ("t3.new.total",),
            713,
            760,
        ),
        (  # the channels are how every request came in, not a channel's part
            "全县全年共受理政府信息公开申请 749 件，其中自然人申请 741 件，法人或其他组织申请 8 件",
            "全县全年通过网络、信函等方式提交的各类政府信息公开申请共计 759 件",
            ("t3.new.total",),
            713,
            759,
        ),
    ],
)
def test_a_changed_request_figure_is_a_text_table_mismatch(old, new, cells, expected, actual):
    report = mutated(SHUYANG, old, new)
    assert prose_findings(report) == [
        ("text_table.mismatch", "text_table_mismatch", "T3", "report")
    ]
    f = next(f for f in report.findings if f.rule == "text_table.mismatch")
    assert (f.cells, f.expected, f.actual) == (cells, expected, actual)
    assert str(actual) in f.message and str(expected) in f.message


def test_one_channels_part_is_no_table_figure():
    report = mutated(
        SHUYANG,
        "全县全年共受理政府信息公开申请 749 件，其中自然人申请 741 件，法人或其他组织申请 8 件",
        "全县全年通过网络提交的政府信息公开申请 5 件",
    )
    assert prose_findings(report) == []


@pytest.mark.parametrize(
    ("said", "found"),
    [
        # 表三's 本年新收 is printed as one run 「801000081」: its 总计 ends the run (81 or 1)
        ("82", [("text_table.mismatch", "text_table_mismatch", "T3", "report")]),
        ("1", [("text_table.mismatch", "reader", "T3", "reader")]),  # a split could give 1
        ("81", []),
    ],
)
def test_a_figure_against_a_glued_total_blames_the_report_only_when_no_split_gives_it(said, found):
    report = mutated(PINGTAN, "申请共计81件", f"申请共计{said}件")
    assert prose_findings(report) == found


@pytest.mark.parametrize(
    "phrase",
    [
        "全县全年共收到 713 件政府信息公开申请",
        "全年办理政府信息公开申请 718 件",
        "全县新收申请 713 件",
    ],
)
def test_request_figures_in_other_forms_that_agree_give_nothing(phrase):
    report = mutated(SHUYANG, "全县全年共受理政府信息公开申请 749 件", phrase)
    assert prose_findings(report) == []


def test_hongze_review_count_against_table_four():
    report = parse_file(HONGZE)
    assert prose_findings(with_prose(report, "全年发生政府信息公开行政复议案件2件。")) == [
        ("text_table.scope_note", "text_table_mismatch", "T3", "report")
    ]
    found = with_prose(report, "全年发生政府信息公开行政复议案件3件。")
    f = next(f for f in found.findings if f.rule == "text_table.review_suit")
    assert (f.category, f.place, f.cells, f.expected, f.actual) == (
        "review_suit_inconsistent",
        "T4",
        ("t4.review.total",),
        2,
        3,
    )


# ---- outcome statements against the tables


def test_all_upheld_against_a_corrected_review_in_table_four():
    # hongze 表四: 行政复议 维持 1、纠正 1
    found = with_prose(parse_file(HONGZE), "政府信息公开行政复议案件均获维持。")
    f = next(f for f in found.findings if f.rule == "prose.outcome_vs_t4")
    assert (f.category, f.place, f.responsibility) == ("review_suit_inconsistent", "T4", "report")
    assert f.cells == ("t4.review.corrected",) and "均获维持" in f.message


def test_all_upheld_where_table_four_agrees_gives_nothing():
    # shanghai 表四: 行政复议 1 件 维持
    report = mutated(
        REAL / "shanghai_kewei_2024.md", "该行政复议件未被复议审查机关纠错", "该行政复议件均获维持"
    )
    assert "prose.outcome_vs_t4" not in [f.rule for f in report.findings]


def test_all_completed_against_table_three_carry_over():
    report = mutated(SHUYANG, "全年申请办理工作规范有序", "所有申请均已办理完成")
    assert prose_findings(report) == [
        ("prose.completion_vs_carry_over", "prose_figures_inconsistent", "S1", "report")
    ]


# ---- the prose against itself


OUTCOMES = "予以公开 294 件、部分公开 101 件、不予公开 32 件、无法提供 113 件、不予处理 19 件"


def test_complete_breakdown_that_does_not_add_up():
    ok = mutated(SHUYANG, "共办理 718 件", f"共办理 718 件，其中{OUTCOMES}、其他处理 159 件")
    assert prose_findings(ok) == []
    bad = mutated(SHUYANG, "共办理 718 件", f"共办理 718 件，其中{OUTCOMES}、其他处理 158 件")
    assert prose_findings(bad) == [
        ("prose.parts_sum", "prose_figures_inconsistent", "S1", "report"),
        ("text_table.mismatch", "text_table_mismatch", "T3", "report"),
    ]
    f = next(f for f in bad.findings if f.rule == "prose.parts_sum")
    assert (f.expected, f.actual) == (718, 717)


def test_breakdown_without_other_need_not_add_up():
    report = mutated(SHUYANG, "共办理 718 件", f"共办理 718 件，其中{OUTCOMES}")
    assert prose_findings(report) == []


def test_wrong_percentage():
    assert prose_findings(parse_file(PINGTAN)) == []  # 42/81 = 51.85%, 5/81 = 6.17% …
    report = mutated(PINGTAN, "占51.85%", "占55.85%")
    assert prose_findings(report) == [
        ("prose.percentage", "prose_figures_inconsistent", "S1", "report")
    ]


# ---- blank totals and values the reader was unsure of


def test_prose_against_a_row_printed_blank_is_table_blank():
    row = "| 本年新收政府信息公开申请数量 | 705 | 3 | 0 | 0 | 5 | 0 | 713 |"
    blank = "| 本年新收政府信息公开申请数量 | / | / | / | / | / | / | / |"
    found = prose_findings(mutated(SHUYANG, row, blank))
    assert ("text_table.blank_total", "table_blank", "T3", "report") in found
    # the 总计 alone blank beside filled cells, and no number near 表三 that could be the cell a
    # conversion displaced (shanghai_kewei's stray 「1」 makes it the reader's, test above): the
    # report's blank cell, as the inspector writes it
    total_only = "| 本年新收政府信息公开申请数量 | 705 | 3 | 0 | 0 | 5 | 0 | / |"
    found = prose_findings(mutated(SHUYANG, row, total_only))
    assert ("text_table.blank_total", "table_blank", "T3", "report") in found


def test_a_mismatch_on_an_ocr_value_is_the_readers():
    from etl.validate.text_table import text_table_findings

    report = mutated(SHUYANG, "结转下一年 31 件", "结转下一年 30 件")
    key = "t3.carried_out.total"
    report.values[key] = dataclasses.replace(report.values[key], source="ocr")
    [f] = text_table_findings(report)
    assert (f.rule, f.category, f.responsibility) == ("text_table.mismatch", "reader", "reader")
