"""The legacy 统计表 era's checks on real reports and mutations of them: the identities at their
LEG place (channels only where printed as the total's 「其中」 breakdown), the 2008 条例's parts,
prose against the 统计表, and a glued split the reader was unsure of never blamed on the agency.
"""

from __future__ import annotations

import re

import pytest

from etl.parse import parse_file
from tests.conftest import REAL, SEEDS

PINGTAN = REAL / "pingtan_2015.txt"
SEED_004 = next(SEEDS.glob("004_*.txt"))
NEW_RULES = (
    "legacy.proactive_channels",
    "legacy.part_missing",
    "legacy.text_table",
    "legacy.review_prose",
)
FEES = "四、政府信息公开的收费及减免情况2015年我区各级工作部门依申请提供政府信息暂不收费。"
REVIEW = (
    "五、因政府信息公开申请行政复议、提起行政诉讼的情况2015年我区未收到有关政府信息公开行政复议、"
    "提起行政诉讼的申请。"
)


def pingtan() -> str:
    return PINGTAN.read_text(encoding="utf-8")


def spaced(text: str) -> str:
    """pingtan's 统计表 with 本年 and 累计 printed apart (a PDF text layer's shape)."""
    return text.replace("条294981916其中", "条2949 81916 其中").replace(
        "公开数条2949819162、", "公开数条2949 81916 2、"
    )


def findings(name: str, text: str) -> list[tuple[str, str, str]]:
    report = parse_file(name, text.encode("utf-8"))
    return [(f.rule, f.place, f.responsibility) for f in report.findings]


def new_findings(name: str, text: str) -> list[tuple[str, str, str]]:
    return [f for f in findings(name, text) if f[0] in NEW_RULES]


def test_clean_real_legacy_report_raises_nothing():
    # its figures, parts and 统计表 are clean; its one problem is the inspector's P1, a wording
    # slip (「社会度关注」 for 社会关注度)
    slip = [("wording.transposed_word", "DOC", "report")]
    assert findings("pingtan_2015.txt", pingtan()) == slip
    assert findings("pingtan_2015.txt", spaced(pingtan())) == slip


def test_a_channel_above_its_total_is_an_identity_at_leg_proactive():
    text = spaced(pingtan()).replace("公开数条2949 81916 2、", "公开数条2950 81917 2、")
    assert new_findings("p.txt", text) == [("legacy.proactive_channels", "LEG.proactive", "report")]


# 004's findings that are not about its figures: a part the test does not print, and its
# 「四是…四是」 numbering slip (the inspector's P1)
_NOT_FIGURES = ("legacy.part_missing", "wording.numbering_slip")


def test_overlapping_channels_of_the_national_table_are_no_finding():
    """004 prints the channels as their own block: 网站 3528 = the total and 微信 1117 on top."""
    text = SEED_004.read_text(encoding="utf-8")
    base = [f for f in findings("004.txt", text) if f[0] not in _NOT_FIGURES]
    assert base == []
    more = text.replace(
        "政务微信公开政府信息数 |\n条 |\n1117 |", "政务微信公开政府信息数 |\n条 |\n5000 |"
    )
    assert "政务微信公开政府信息数 |\n条 |\n5000 |" in more
    assert [f for f in findings("004.txt", more) if f[0] not in _NOT_FIGURES] == []


def test_a_changed_table_figure_breaks_its_identity_at_the_leg_place():
    text = SEED_004.read_text(encoding="utf-8")
    ontime = text.replace("按时办结数 |\n件 |\n23 |", "按时办结数 |\n件 |\n22 |")
    assert ontime != text
    got = [f for f in findings("004.txt", ontime) if f[0] not in _NOT_FIGURES]
    assert got == [("legacy.completed_sum", "LEG.requests", "report")]


def test_a_glued_run_that_fits_no_split_is_the_readers_not_the_agencys():
    text = pingtan().replace("公开数条2949819162、", "公开数条2950819172、")
    # every finding about the figures is the reader's (the P1 wording slip stays the report's)
    got = [f for f in findings("p.txt", text) if not f[0].startswith("wording.")]
    assert got and all(resp == "reader" for _, _, resp in got)
    assert ("glued.set_aside", "LEG.proactive", "reader") in got


@pytest.mark.parametrize(
    "removed, place",
    [
        (FEES, "S.fees"),
        (REVIEW, "S.review"),
        ("六、主要问题和改进措施(一)存在问题虽然我区", "S.problems"),
    ],
)
def test_a_removed_part_is_missing_at_its_place(removed, place):
    text = pingtan()
    if place == "S.problems":  # the whole of 六 up to the 统计表
        start = text.index(removed)
        removed = text[start : text.index("七、平潭综合实验区政府信息公开情况统计表")]
    assert removed in text
    text = text.replace(removed, "")
    if place in TABLE_ROWS:  # the 统计表's own row states the part too: take it out as well
        text = TABLE_ROWS[place].sub("", text)
    got = new_findings("p.txt", text)
    assert got == [("legacy.part_missing", place, "report")]


# pingtan's glued 统计表 rows that state the fees and the 复议/诉讼 (label, then 本年 and 累计)
TABLE_ROWS = {
    "S.fees": re.compile(r"政府信息公开收费减免金额元\d+"),
    "S.review": re.compile(r"行政复议数件\d+|行政诉讼数件\d+"),
}


def test_the_tables_own_row_states_the_part_only_in_a_report_of_another_plan():
    """004 is written as 工作开展情况 / 困难和问题 / 下一步工作计划 and states fees and cases in its
    统计表 only (the 附件): accepted (tests/inspection/004…: 「收费 … stated in the 统计表」).
    pingtan is written part by part along the 条例 (二 主动公开 … 六 问题): a part missing there
    is missing, though its glued 统计表 row prints 收费减免金额 (「四 follows 三 directly」)."""
    seed = SEED_004.read_text(encoding="utf-8")
    fee_row = "七、依申请公开信息收取的费用 |\n万元 |\n0 |"
    assert fee_row in seed
    assert ("legacy.part_missing", "S.fees", "report") not in new_findings("s.txt", seed)
    assert ("legacy.part_missing", "S.fees", "report") in new_findings(
        "s.txt", seed.replace(fee_row, "")
    )
    text = pingtan().replace(FEES, "")
    assert "收费减免金额" in text and "收费及减免情况" in text
    assert new_findings("p.txt", text) == [("legacy.part_missing", "S.fees", "report")]


def test_prose_requests_and_reviews_against_the_table():
    text = pingtan().replace(
        "2015年全区未收到有关政府信息公开申请。", "2015年全区收到政府信息公开申请3件。"
    )
    assert new_findings("p.txt", text) == [("legacy.text_table", "LEG.requests", "report")]
    text = pingtan().replace(
        "2015年我区未收到有关政府信息公开行政复议、提起行政诉讼的申请。",
        "2015年我区收到因政府信息公开申请行政复议2件。",
    )
    assert new_findings("p.txt", text) == [("legacy.review_prose", "LEG.review", "report")]


def test_a_cumulative_prose_figure_is_not_compared():
    """「截至目前…主动公开政府信息 N 条」 is a cumulative, not the table's 本年 figure."""
    text = pingtan().replace("2015年主动公开政府信息2949条", "截至目前主动公开政府信息82000条")
    assert new_findings("p.txt", text) == []


def test_seed_reports_missing_parts():
    """Real 2016–2018 reports written as 政务公开 summaries: no fees paragraph (000, 001); 004
    states fees and 复议/诉讼 only in its 统计表, which counts; the structured 003 has every part."""
    got = {}
    for path in sorted(SEEDS.glob("00[0134]_*.txt")):
        text = path.read_text(encoding="utf-8")
        got[path.name[:3]] = sorted(p for r, p, _ in new_findings(path.name, text))
    assert got == {
        "000": ["S.fees"],
        "001": ["S.fees"],
        "003": [],
        "004": [],
    }


def previous_year(text: str) -> str:
    """pingtan's 2014 report made from its 2015 one: 主动公开 2949 that year, 累计 78967 (the
    truth's note: 81916 = 78967 + 2949); the other rows' 累计 already chain (0 | 1 both years)."""
    return text.replace("2016", "2015").replace("2015", "2014").replace("294981916", "294978967")


def chain(tmp_path, files: dict[str, str]) -> list[tuple]:
    import duckdb

    from etl.pipeline import run_load

    paths = []
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / name))
    assert run_load(paths, tmp_path / "c.duckdb", workers=1).failed == []
    con = duckdb.connect(str(tmp_path / "c.duckdb"), read_only=True)
    return con.execute(
        "SELECT r.year, f.cells, f.expected, f.actual, f.place, f.responsibility FROM findings f "
        "JOIN reports r USING (report_id) WHERE f.rule = 'legacy.cumulative_chain' ORDER BY 2"
    ).fetchall()


def test_the_cumulative_chains_from_last_years_report(tmp_path):
    text = pingtan()
    assert chain(tmp_path, {"p2014.txt": previous_year(text), "p2015.txt": text}) == []


def test_a_broken_cumulative_is_a_crossyear_finding(tmp_path):
    text = pingtan()
    wrong = text.replace("294981916", "294981917")
    got = chain(tmp_path, {"p2014.txt": previous_year(text), "p2015.txt": wrong})
    assert got == [
        (2015, '["legacy.by_website"]', 81916, 81917, "LEG.proactive", "report"),
        (2015, '["legacy.proactive_total"]', 81916, 81917, "LEG.proactive", "report"),
    ]
