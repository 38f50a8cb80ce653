"""Legacy 统计表 (dump, flattened crawler text, Markdown table, PDF-like lines) and prose statements.

Expected values are read from the hand-checked truth files; nothing is copied into the test.
"""

from __future__ import annotations

import pytest

from etl.continuity import check_declared, series_key_map, series_value
from etl.extract import extract_document
from etl.fields import FIELDS, legacy_key
from etl.parse.legacy import parse_legacy
from etl.parse.prose import prose_values
from etl.report import ParsedReport
from etl.validate import validate_legacy
from tests.conftest import truth_for

LEGACY_FILES = ["000_", "001_", "003_", "004_", "pingtan_2015.txt"]
PROSE_FILES = ["000_", "001_", "003_"]

# keys about requests, completion, reviews and suits: prose seeds must carry none the truth lacks
REQUEST_STAT_NAMES = (
    "requests",
    "requests_in_person",
    "requests_fax",
    "requests_online",
    "requests_letter",
    "completed",
    "completed_on_time",
    "completed_late",
    "answers",
    "answer_granted",
    "answer_partial",
    "answer_denied",
    "review_total",
    "review_upheld",
    "review_corrected",
    "review_other",
    "review_pending",
    "suit_total",
    "suit_upheld",
    "suit_corrected",
    "suit_other",
    "suit_pending",
    "fees_wan",
    "proactive_total",
)


def parse(path) -> ParsedReport:
    doc = extract_document(path)
    report = ParsedReport(str(path), doc.sha256, doc.format, "legacy")
    parse_legacy(doc, report)
    return report


def parse_text(text: str, name: str = "report.txt") -> ParsedReport:
    doc = extract_document(name, text.encode("utf-8"))
    report = ParsedReport(name, doc.sha256, doc.format, "legacy")
    parse_legacy(doc, report)
    return report


def values(report: ParsedReport) -> dict[str, float]:
    return {k: v.value for k, v in report.values.items()}


@pytest.mark.parametrize("name", LEGACY_FILES)
def test_every_checked_value(name):
    path, truth = truth_for(name)
    report = parse(path)
    got = values(report)
    wrong = {k: (v, got.get(k)) for k, v in truth["values"].items() if got.get(k) != v}
    assert not wrong, f"{name}: (truth, parsed) {wrong}"
    assert all(k in FIELDS for k in got)


@pytest.mark.parametrize("name", PROSE_FILES)
def test_prose_seeds_carry_no_unchecked_request_statistics(name):
    path, truth = truth_for(name)
    report = parse(path)
    extra = {
        k: v.value
        for k, v in report.values.items()
        if k not in truth["values"] and k.removeprefix("legacy.") in REQUEST_STAT_NAMES
    }
    assert not extra, extra
    assert all(v.source == "prose" for v in report.values.values())


def test_prose_provenance_points_at_the_sentence():
    path, _ = truth_for("001_")
    doc = extract_document(path)
    report = parse(path)
    v = report.values[legacy_key("requests")]
    assert v.source == "prose" and "14" in v.raw and "申请" in v.raw
    assert doc.text[v.loc["offset"] :].startswith(v.raw[:10])
    assert "line" in v.loc


def test_traditional_raw_is_kept_as_printed():
    path, _ = truth_for("000_")
    v = parse(path).values[legacy_key("suit_upheld")]
    assert "訴訟" in v.raw  # the sentence as printed, in Traditional characters


def test_table_provenance_offsets_point_at_the_number():
    for name in ("004_", "pingtan_2015.txt"):
        path, _ = truth_for(name)
        doc = extract_document(path)
        for key, v in parse(path).values.items():
            if v.source == "table":
                assert doc.text[v.loc["offset"]].isdigit(), (name, key, v.loc)


def test_flattened_runs_split_with_corroboration():
    path, _ = truth_for("pingtan_2015.txt")
    report = parse(path)
    got = values(report)
    assert (
        got[legacy_key("by_website")] == got[legacy_key("proactive_total")]
    )  # same run, same split
    assert legacy_key("complaints") not in got  # 接受行政诉讼、举报数 mixes two things
    assert (
        legacy_key("requests_letter") not in got and legacy_key("requests_fax") not in got
    )  # 信函、传真 combined
    assert not [f for f in report.findings if f.rule.startswith("glued.")]


def test_flattened_run_without_corroboration_is_flagged():
    text = (
        "七、政府信息公开情况统计表 指标名称计量单位2015年度历年累计主动公开文件数条1120"
        "受理依申请公开信息总数条01行政复议数件00行政诉讼数件00"
    )
    report = parse_text(text)
    got = values(report)
    assert (
        got[legacy_key("requests")] == 0
    )  # "01": 0 | 1 is the only split with this year <= cumulative
    # "1120" is 1 | 120 or 11 | 20: nothing in the report decides, so nothing is guessed
    assert legacy_key("proactive_total") not in got
    found = [f for f in report.findings if f.rule == "glued.ambiguous"]
    assert (
        len(found) == 1
        and "1120" in found[0].message
        and FIELDS[legacy_key("proactive_total")].label in found[0].message
    )


def test_flattened_runs_decided_by_the_tables_own_sums():
    """Alone, "1120" is 1 | 120 or 11 | 20; 政府公报公开 "0100" = 0 | 100 cannot exceed its total's
    cumulative, so 主动公开 is 1 | 120 and 网站公开 (≤ 1) too. 办结 = 按时 + 延期 in both columns
    decides those runs; a run no relation reaches (收到申请 "1217") is left out."""
    text = (
        "七、政府信息公开情况统计表 指标名称计量单位2015年度历年累计主动公开文件数条1120"
        "其中：1、政府网站公开数条11202、政府公报公开数条0100"
        "受理依申请公开信息总数条1217申请办结数条1217按时办结数条1014延期办结数条23"
    )
    got = values(parse_text(text))
    # 延期 "23" ends the line: still this year 2 | cumulative 3, not twenty-three
    assert got[legacy_key("completed_on_time")] == 10 and got[legacy_key("completed_late")] == 2
    assert got[legacy_key("completed")] == 12 and legacy_key("requests") not in got
    assert got[legacy_key("by_gazette")] == 0  # "0100": 0 | 100 (01 | 00 has a leading zero)
    assert got[legacy_key("proactive_total")] == 1 and got[legacy_key("by_website")] == 1


def test_seed_004_is_consistent():
    path, _ = truth_for("004_")
    assert validate_legacy(parse(path)) == []


MD_TABLE = """政府信息公开情况统计表
| 统计指标 | 单位 | 统计数 |
|---|---|---|
| 三、依申请公开情况 | | |
| (一)受理依申请公开信息总数 | 件 | 10 |
| 1、当面申请数 | 件 | 2 |
| 2、传真申请数 | 件 | 0 |
| 3、网上申请数 | 件 | 5 |
| 4、信函申请数 | 件 | 2 |
| (二)申请办结数 | 件 | 9 |
| 1、按时办结数 | 件 | 7 |
| 2、延期办结数 | 件 | / |
| (三)同意公开答复数 | 件 | 4 |
| 四、行政复议数量 | 件 | 3 |
| (一)维持具体行政行为数 | 件 | 1 |
| (二)被依法纠错数 | 件 | 1 |
| (三)其他情形数 | 件 | 0 |
| 五、行政诉讼数量 | 件 | 2 |
| (一)维持具体行政行为或者驳回原告诉讼请求数 | 件 | 1 |
| (二)依法纠错数 | 件 | 0 |
| (三)其他情形数 | 件 | 0 |
| 七、依申请公开信息收取的费用 | 元 | 500 |
"""


def test_markdown_table_synonyms_sections_units_and_broken_identities():
    report = parse_text(MD_TABLE, "table.md")
    got = values(report)
    assert got[legacy_key("requests")] == 10
    assert got[legacy_key("requests_online")] == 5
    assert got[legacy_key("answer_granted")] == 4
    assert (
        got[legacy_key("completed_late")] == 0 and report.values[legacy_key("completed_late")].blank
    )
    assert got[legacy_key("review_corrected")] == 1 and got[legacy_key("suit_corrected")] == 0
    assert got[legacy_key("review_other")] == 0 and got[legacy_key("suit_other")] == 0
    assert got[legacy_key("fees_wan")] == pytest.approx(0.05)  # 500 元
    rules = {f.rule: f for f in validate_legacy(report)}
    assert set(rules) == {
        "legacy.completed_sum",
        "legacy.requests_channels",
        "legacy.review_sum",
        "legacy.suit_sum",
    }
    f = rules["legacy.completed_sum"]
    assert (f.expected, f.actual) == (7, 9)
    assert f.cells == (
        legacy_key("completed"),
        legacy_key("completed_on_time"),
        legacy_key("completed_late"),
    )
    assert rules["legacy.review_sum"].expected == 2 and rules["legacy.review_sum"].actual == 3


def test_identities_hold_and_pending_counts_when_present():
    text = (
        MD_TABLE.replace("| 2、延期办结数 | 件 | / |", "| 2、延期办结数 | 件 | 2 |")
        .replace("| 1、当面申请数 | 件 | 2 |", "| 1、当面申请数 | 件 | 3 |")
        .replace(
            "| (三)其他情形数 | 件 | 0 |\n| 五",
            "| (三)其他情形数 | 件 | 0 |\n| (四)尚未审结数 | 件 | 1 |\n| 五",
        )
        .replace("| (二)依法纠错数 | 件 | 0 |", "| (二)依法纠错数 | 件 | 1 |")
    )
    report = parse_text(text, "table.md")
    assert values(report)[legacy_key("review_pending")] == 1
    assert validate_legacy(report) == []


def test_identity_not_checked_when_a_part_is_missing():
    report = parse_text(MD_TABLE.replace("| 2、延期办结数 | 件 | / |\n", ""), "table.md")
    assert "legacy.completed_sum" not in {f.rule for f in validate_legacy(report)}


def test_pdf_like_lines_two_columns_take_this_year():
    text = """政府信息公开情况统计表
统计指标 单位 2015年度 历年累计
主动公开政府信息数 条 2949 81916
收到申请数 件 12 30
申请办结数 件 12
按时办结数 件 10
延期办结数 件 2
行政复议数量 件 0
行政诉讼数量 件 1
"""
    got = values(parse_text(text))
    assert got[legacy_key("proactive_total")] == 2949
    assert got[legacy_key("requests")] == 12
    assert got[legacy_key("completed_late")] == 2
    assert got[legacy_key("suit_total")] == 1


def prose(sentence: str, heading: str = "") -> dict[str, float]:
    text = (heading + "\n" if heading else "") + sentence
    doc = extract_document("p.txt", text.encode("utf-8"))
    return {k.removeprefix("legacy."): v.value for k, v in prose_values(doc).items()}


@pytest.mark.parametrize(
    "sentence, expected",
    [
        (
            "全年共收到政府信息公开申请35件，其中网上申请20件、当面申请10件、信函申请5件，办结率100%。",
            {
                "requests": 35,
                "requests_online": 20,
                "requests_in_person": 10,
                "requests_letter": 5,
                "completed": 35,
            },
        ),
        (
            "全年共收到政府信息公开申请35件，均在法定期限内答复。",
            {"requests": 35, "completed": 35, "completed_on_time": 35},
        ),
        (
            "2017年共受理依申请公开事项5件，已全部办结，其中按时办结4件，延期办结1件。",
            {"requests": 5, "completed": 5, "completed_on_time": 4, "completed_late": 1},
        ),
        (
            "我局共收到政府信息公开申请两件，均已按时答复。",
            {"requests": 2, "completed": 2, "completed_on_time": 2},
        ),
        (
            "本年度未发生因政府信息公开引起的行政复议和行政诉讼。",
            {"review_total": 0, "suit_total": 0},
        ),
        ("因政府信息公开申请行政复议1起，维持原决定。", {"review_total": 1, "review_upheld": 1}),
        (
            "因政府信息公开申请提起行政复议1件，行政诉讼2件，其中1件维持，1件尚在审理中。",
            {"review_total": 1, "suit_total": 2, "suit_upheld": 1, "suit_pending": 1},
        ),
        (
            "2014年，我办未收到政府信息公开申请，无因政府信息公开申请提起行政复议、行政诉讼的情况，未收取任何费用。",
            {"requests": 0, "review_total": 0, "suit_total": 0, "fees_wan": 0},
        ),
        ("本年度无依申请公开收费情况。", {"fees_wan": 0}),
        ("依申请公开共收取检索费、复制费120元。", {"fees_wan": 0.012}),
        (
            "2015年全区主动公开政府信息2949条。其中，各乡镇主动公开政府信息674条。",
            {"proactive_total": 2949},
        ),
        (
            "2015年，我局共受理政府信息公开申请5件，全部按时办结。同意公开4件，部分公开1件。",
            {
                "requests": 5,
                "completed": 5,
                "completed_on_time": 5,
                "answer_granted": 4,
                "answer_partial": 1,
            },
        ),
        (
            "共受理政府信息公开申请12件，其中予以公开8件，不予公开1件，信息不存在2件，不属于本机关公开范围1件。",
            {
                "requests": 12,
                "answer_granted": 8,
                "answer_denied": 1,
                "answer_not_exist": 2,
                "answer_not_this_agency": 1,
            },
        ),
        # numbers that are not request statistics
        ("全年主动公开政府信息120条，同时在网站公开12件规范性文件。", {"proactive_total": 120}),
        ("建立窗口服务大厅，共受理申请136437件。", {}),
        ("累计公示行政处罚信息四十期，主动公开的文件累计19份。", {}),
        ("共收录罚没事项310项，解答群众关心的热点问题共2416条。", {}),
        ("全年办理行政复议案件15件。", {}),  # no disclosure context: the agency's general caseload
        ("信函、传真申请3件。", {}),
    ],
)
def test_prose_sentences(sentence, expected):
    got = prose(sentence)
    assert got == pytest.approx(expected), got


def test_prose_review_sentence_read_under_its_heading():
    got = prose(
        "2016年行政复议1件，被依法纠错1件。",
        heading="五、因政府信息公开申请行政复议、提起行政诉讼的情况",
    )
    assert got == {"review_total": 1, "review_corrected": 1}


def test_prose_fills_keys_the_table_lacks():
    text = MD_TABLE + "\n2017年，因政府信息公开申请行政复议3件，其中尚未审结1件。\n"
    report = parse_text(text, "table.md")
    assert report.values[legacy_key("review_total")].source == "table"
    assert report.values[legacy_key("review_pending")].source == "prose"


def test_continuity_map_names_declared_keys_only():
    assert check_declared() == []
    m = series_key_map()
    assert m["requests"].std == ("t3.new.total",)
    assert set(m["suit_total"].std) == {"t4.suit_direct.total", "t4.suit_after_review.total"}
    assert all(s.caveat for s in m.values())
    assert m["already_public"].std == () and m["already_public"].quality == "none"
    assert (
        series_value(
            {"t4.suit_direct.total": 1, "t4.suit_after_review.total": 2}, "std2021", "suit_total"
        )
        == 3
    )
    assert series_value({"legacy.suit_total": 1}, "legacy", "suit_total") == 1
    assert series_value({}, "legacy", "suit_total") is None
