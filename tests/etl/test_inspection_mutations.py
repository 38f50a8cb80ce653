"""Planted problems: real reports from shared/, changed in memory the way an agency gets a report
wrong (one 表三 figure, a prose figure, a section deleted, a late date, a doubled word …), parsed,
and checked as an inspector would: the planted problem is found with its category and place
(etl.inspection.matches), and nothing else is blamed.

Where gongkai does not find a planted problem today the test is xfail(strict=True) with the
missing check in its reason: turning one green means removing its mark.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

from etl.inspection import matches, report_findings, report_path, shared_roots
from etl.parse import parse_file
from tests.conftest import ROOT, SHARED

# the repo's write-ups, and the originals in shared/inspection wherever the shared folder is
WRITE_UPS = [ROOT / "tests" / "inspection", *(r / "inspection" for r in shared_roots(ROOT))]


def _text(source: str) -> str:
    return (SHARED / source).read_text(encoding="utf-8")


@lru_cache(maxsize=64)  # each unmodified report is parsed once, not once per mutation
def _blaming(source: str, text: str) -> tuple:
    """The report-blaming findings (not info notes) of the text parsed as `source`'s format."""
    report = parse_file(Path(source).name, text.encode("utf-8"))
    return tuple(f for f in report_findings(report) if f.blames_report and f.severity != "info")


def _key(f) -> tuple:
    return (f.rule, f.category, f.place, f.message)


def _cut(text: str, start: str, end: str | None, insert: str = "") -> str:
    """The text without [start, end) (to the end when end is None), `insert` put in its place."""
    i = text.index(start)
    j = text.index(end, i) if end else len(text)
    return text[:i] + insert + text[j:]


def _once(old: str, new: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        assert text.count(old) >= 1, old
        return text.replace(old, new)

    return change


@dataclass(frozen=True)
class Mutation:
    id: str
    source: str  # under shared/
    change: Callable[[str], str]
    planted: tuple[tuple[str, str], ...]  # (category, place) as the inspector writes them up
    not_found: str = ""  # why gongkai misses it today (xfail reason)
    collateral: str = ""  # why gongkai blames something else too today (xfail reason)


SHUYANG = "real-reports/shuyang_2025.md"
HUNAN = "seeds/004_a0ca8ba4d3202da2.txt"  # legacy, with a 统计表
PT2015 = "real-reports/pingtan_2015.txt"  # legacy, crawler one-line
LIUZHOU = "seeds/003_c5927ea855a2fd8c.txt"  # legacy, prose only, parts 一 … 七
PT2023 = "crawled/pingtan_2023.txt"  # std2021, crawler one-line, glued digits
GRANTED = "| 予以公开 | 290 | 1 | 0 | 0 | 3 | 0 | 294 |"
CARRIED_OUT = "| 四、结转下年度继续办理 | 31 | 0 | 0 | 0 | 0 | 0 | 31 |"
SIX = "六、其他需要报告的事项"
SIGNATURE = "沐阳县人民政府\n2026年1月23日"
SINGLE_OTHER_ROW = (
    "### (六) 其他处理\n| 类别 | 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 总计 |\n"
    "|---|---|---|---|---|---|---|---|\n| （六）其他处理 | 158 | 1 | 0 | 0 | 0 | 0 | 159 |\n"
)


def _statistic(label: str, unit: str, old: str, new: str) -> Callable[[str], str]:
    """One figure of the flattened 统计表 (label, unit and figure one cell per line)."""
    return _once(f"{label} |\n{unit} |\n{old} |", f"{label} |\n{unit} |\n{new} |")


MUTATIONS = (
    # ── std2021 表三 / 表四 as printed ──
    Mutation("t3_row_total", SHUYANG, _once(GRANTED, GRANTED.replace("294", "295")),
             (("table_identity", "T3"),)),
    Mutation("t3_applicant_cell", SHUYANG, _once(GRANTED, GRANTED.replace("290", "291")),
             (("table_identity", "T3"),)),
    Mutation("t3_carry_over", SHUYANG, _once(CARRIED_OUT, CARRIED_OUT.replace("31", "32")),
             (("table_identity", "T3"), ("text_table_mismatch", "T3"))),  # the prose says 31
    Mutation("t4_total", SHUYANG, _once("| 27 | 10 | 9 | 15 | 61 |", "| 27 | 10 | 9 | 15 | 62 |"),
             (("review_suit_inconsistent", "T4"),)),
    Mutation("t3_blank_total", SHUYANG,
             _once("| （七）总计 | 710 | 3 | 0 | 0 | 5 | 0 | 718 |",
                   "| （七）总计 | 710 | 3 | 0 | 0 | 5 | 0 |  |"),
             (("table_blank", "T3"),)),
    # a blank row total the prose does not state: the table's own sums call for 294
    Mutation("t3_blank_row_total", SHUYANG, _once(GRANTED, GRANTED.replace("| 294 |", "|  |")),
             (("table_blank", "T3"),)),
    Mutation("t4_blank_total", SHUYANG,
             _once("| 27 | 10 | 9 | 15 | 61 |", "| 27 | 10 | 9 | 15 | / |"),
             # the prose's 74 cases (复议 + 诉讼) are not compared with a blank total
             (("table_blank", "T4"),)),
    Mutation("t3_2019_other_row", SHUYANG,
             lambda t: _cut(t, "### (六) 其他", "| （七）总计", SINGLE_OTHER_ROW),
             (("nonstandard_structure", "T3"),)),
    # ── prose against the tables ──
    Mutation("prose_requests", SHUYANG, _once("申请 749 件", "申请 759 件"),
             # 759 is also no longer 自然人 741 + 法人或其他组织 8 in the same sentence
             (("text_table_mismatch", "T3"), ("prose_figures_inconsistent", "S1"))),
    Mutation("prose_processed", SHUYANG, _once("共办理 718 件", "共办理 728 件"),
             (("text_table_mismatch", "T3"),)),
    Mutation("prose_review_suit_count", SHUYANG, _once("案件 74 件", "案件 75 件"),
             (("review_suit_inconsistent", "T4"),)),
    Mutation("prose_all_done_with_carry_over", SHUYANG,
             _once("结转下一年 31 件。", "结转下一年 31 件，所有申请均已办理完成。"),
             (("prose_figures_inconsistent", "S1"),)),
    Mutation("crawled_prose_requests", PT2023, _once("申请共计81件", "申请共计82件"),
             # 「通过邮寄、网络提交的各类申请共计82件」 is all requests (the channels are how they
             # came); the region's own 全区 figure; 表三's glued 「801000081」 ends in no 82
             (("text_table_mismatch", "T3"),)),
    Mutation("crawled_prose_review", PT2023, _once("行政复议案件2件", "行政复议案件3件"),
             # 表四 printed as one run of fifteen digits: one digit per cell, no doubt
             (("review_suit_inconsistent", "T4"),)),
    # ── sections, overview, substance ──
    Mutation("section_5_deleted", SHUYANG, lambda t: _cut(t, "## 五、", SIX),
             (("missing_section", "S5"),)),
    Mutation("section_6_deleted", SHUYANG, lambda t: _cut(t, SIX, SIGNATURE),
             (("missing_section", "S6"),)),
    Mutation("crawled_section_6_deleted", PT2023, lambda t: _cut(t, SIX, None),
             (("missing_section", "S6"),)),
    Mutation("section_6_just_none", SHUYANG,
             lambda t: _cut(t, SIX, SIGNATURE, SIX + "\n\n无。\n\n"),
             (("missing_section", "S6"),)),
    Mutation("fee_statement_removed", SHUYANG,
             _once("全县行政机关在办理2025年度信息公开申请中收取信息处理费共计380元，"
                   "其中民政局1件，收取380元。", ""),
             # 六 still says fees are charged 「按规定」 but not how much: the core figure is missing
             (("core_data_missing", "S6"),)),
    Mutation("overview_without_assessment", SHUYANG,
             lambda t: _cut(t, "### （四）常态化开展监督管理", "## 二、主动公开"),
             (("overview_incomplete", "S1"),)),
    Mutation("problems_one_line", SHUYANG,
             lambda t: _cut(t, "2025 年，我县县政府信息公开工作在服务", SIX, "无。\n\n"),
             (("perfunctory", "S5"),)),
    Mutation("sections_renumbered", SHUYANG,
             _once("## 二、主动公开政府信息情况", "## 三、主动公开政府信息情况"),
             # one section under another's number (一、三、三、四…) is a numbering slip, the
             # inspector's typo_wording; two or more renumbered are nonstandard_structure
             (("typo_wording", "DOC"),)),
    # ── dates and wording ──
    Mutation("signed_after_deadline", SHUYANG, _once("2026年1月23日", "2026年4月23日"),
             (("late_publication", "DOC"),)),
    Mutation("crawled_published_late", PT2023,
             _once("发布时间: 2024-03-08", "发布时间: 2024-04-08"), (("late_publication", "DOC"),)),
    Mutation("legacy_published_late", HUNAN,
             lambda t: t.replace("2018年3月14日", "2018年4月14日").replace("2018-03-26", "2018-04-26"),
             (("late_publication", "DOC"),)),
    Mutation("doubled_word", SHUYANG, _once("有效保障了群众的知情权", "有效保障了群众群众的知情权"),
             (("typo_wording", "DOC"),)),
    Mutation("cut_word", SHUYANG, _once("公开及时高效。", "公开及时高"), (("typo_wording", "DOC"),)),
    Mutation("transposed_word", SHUYANG, _once("健全考核机制", "健全核考机制"),
             (("typo_wording", "DOC"),)),
    Mutation("title_without_agency", SHUYANG,
             _once("# 沐阳县人民政府 2025 年 政府信息公开", "# 2025 年 政府信息公开"),
             (("typo_wording", "PRE"),)),
    # ── legacy 统计表 ──
    Mutation("legacy_channels", HUNAN, _statistic("4、信函申请数", "件", "23", "22"),
             (("table_identity", "LEG.requests"),)),
    Mutation("legacy_completed", HUNAN, _statistic("1、按时办结数", "件", "23", "21"),
             (("table_identity", "LEG.requests"),)),
    Mutation("legacy_answers", HUNAN, _statistic("2、同意公开答复数", "件", "7", "8"),
             (("table_identity", "LEG.answers"),)),
    Mutation("legacy_suit", HUNAN,
             _statistic("(一)维持具体行政行为或者驳回原告诉讼请求数", "件", "1", "2"),
             (("review_suit_inconsistent", "LEG.review"),)),
    Mutation("legacy_proactive_channels", HUNAN,
             _statistic("2、政府网站公开政府信息数", "条", "3528", "3500"),
             (("table_identity", "LEG.proactive"),)),
    Mutation("legacy_gazette_above_total", HUNAN,
             _statistic("1、政府公报公开政府信息数", "条", "0", "3600"),
             (("table_identity", "LEG.proactive"),)),
    # gazette items are on the website too: 网站 3528 + 公报 150 above the total is no error
    Mutation("legacy_gazette_also_on_website", HUNAN,
             _statistic("1、政府公报公开政府信息数", "条", "0", "150"), ()),
    Mutation("legacy_prose_requests", HUNAN, _once("全年处理23件依申请公开事项", "全年处理25件依申请公开事项"),
             # 「处理N件依申请公开事项」 read by structure: requests handled (收到, 办结 or 答复 23)
             (("text_table_mismatch", "LEG.requests"),)),
    Mutation("legacy_prose_answers", HUNAN,
             _once("全年处理23件依申请公开事项", "全年处理23件依申请公开事项，其中同意公开8件"),
             # an outcome part of the requests names the 统计表's 同意公开答复数 (7)
             (("text_table_mismatch", "LEG.answers"),)),
    Mutation("legacy_prose_channel_part", HUNAN,
             _once("全年处理23件依申请公开事项", "全年处理23件依申请公开事项，其中网上申请5件"),
             ()),  # a channel part is no table figure the check reads (the table's 网络 is 0)
    Mutation("legacy_prose_with_carry_over", HUNAN,
             _once("全年处理23件依申请公开事项", "全年处理25件依申请公开事项（含上年结转2件）"),
             ()),  # new + carried-in is an accepted count; the 统计表 prints no carry-over
    Mutation("legacy_prose_cumulative", PT2015,
             _once("主动公开政府信息2949条", "主动公开政府信息2949条，截至年底累计主动公开政府信息90000条"),
             ()),  # a cumulative, not the 统计表's 本年 figure
    Mutation("legacy_prose_proactive", PT2015, _once("主动公开政府信息2949", "主动公开政府信息2950"),
             # the glued row 「294981916」 no longer splits one way, but 2950 starts no split of it
             (("text_table_mismatch", "LEG.proactive"),)),
    Mutation("legacy_fees_part_deleted", PT2015,
             lambda t: _cut(t, "四、政府信息公开的收费及减免情况", "五、因政府信息公开申请行政复议"),
             # written part by part along the 条例: the glued fee row of the 统计表 is no part
             (("missing_section", "S.fees"),)),
    Mutation("legacy_review_part_deleted", PT2015,
             lambda t: _cut(t, "五、因政府信息公开申请行政复议", "六、主要问题和改进措施"),
             (("missing_section", "S.review"),)),
    Mutation("legacy_fees_part_deleted_liuzhou", LIUZHOU,
             lambda t: _cut(t, "五、政府信息公开的收费及减免情况", "六、因政府信息公开申请"),
             (("missing_section", "S.fees"),)),
)  # fmt: skip


def _params(reason_field: str):
    out = []
    for m in MUTATIONS:
        reason = getattr(m, reason_field)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(m, id=m.id, marks=marks))
    return out


def _problems(m: Mutation) -> list[dict]:
    return [{"id": f"M{i}", "category": c, "place": p} for i, (c, p) in enumerate(m.planted, 1)]


def _new_findings(m: Mutation) -> list:
    text = _text(m.source)
    changed = m.change(text)
    assert changed != text, "the mutation changed nothing"
    before = {_key(f) for f in _blaming(m.source, text)}
    return [f for f in _blaming(m.source, changed) if _key(f) not in before]


@pytest.mark.parametrize("m", _params("not_found"))
def test_the_planted_problem_is_found_with_its_category_and_place(m: Mutation):
    new = _new_findings(m)
    for problem in _problems(m):
        assert any(matches(f, problem) for f in new), (problem, [_key(f) for f in new])


@pytest.mark.parametrize("m", _params("collateral"))
def test_nothing_but_the_planted_problem_is_blamed(m: Mutation):
    problems = _problems(m)
    stray = [_key(f) for f in _new_findings(m) if not any(matches(f, p) for p in problems)]
    assert stray == []


def _write_ups() -> dict[str, dict]:
    """Every inspection write-up for a shared report, by the report's path under shared/."""
    out = {}
    for folder in WRITE_UPS:
        for path in sorted(folder.glob("*.problems.json")):
            truth = json.loads(path.read_text(encoding="utf-8"))
            assert report_path(path, truth["file"]) is not None, truth["file"]
            out[truth["file"].removeprefix("../")] = truth
    return out


def test_the_clean_report_raises_no_report_blaming_finding():
    assert _blaming(SHUYANG, _text(SHUYANG)) == ()


@pytest.mark.parametrize("source", sorted({m.source for m in MUTATIONS}))
def test_the_unmodified_reports_blame_only_what_the_inspector_wrote_up(source: str):
    problems = _write_ups()[source]["problems"]
    false = [
        _key(f) for f in _blaming(source, _text(source)) if not any(matches(f, p) for p in problems)
    ]
    assert false == []
