"""Std reports as portal crawlers save them: the body on one line, table cells glued.

The public crawled report is read against its hand-checked truth; the real reports' truth
values are flattened into the same crawler layout (bench/crawled_render.py) and must come
back; a table with two valid splits keeps neither; adversarial runs stay bounded.
"""

from __future__ import annotations

import time

import pytest

from bench.crawled_render import render_crawled
from etl.fields import T3_COLUMNS, t3_key
from etl.parse import parse_file
from etl.parse.glued import MAX_NODES, Run, solve
from etl.parse.relations import total_is_sum
from tests.conftest import SHARED, truth_for

CRAWLED = SHARED / "crawled"


def _wrong(report, truth_values):
    return {
        k: (v, report.values[k].value if k in report.values else None)
        for k, v in truth_values.items()
        if k not in report.values or abs(report.values[k].value - v) > 1e-6
    }


def test_public_crawled_report_reads_every_checked_field():
    path = CRAWLED / "pingtan_2023.txt"
    truth = __import__("json").loads(
        (CRAWLED / "pingtan_2023.txt.truth.json").read_text(encoding="utf-8")
    )
    report = parse_file(path)
    assert report.template == "std2021" and report.year == 2023
    assert report.agency == "平潭综合实验区"  # the title's body, not its publishing office
    assert _wrong(report, truth["values"]) == {}
    # 行政规范性文件 "77132470": 77 is what the prose says; 废止/现行有效 stay out, with a finding
    assert (
        "t2.normative.repealed" not in report.values
        and "t2.normative.in_force" not in report.values
    )
    amb = [f for f in report.findings if f.rule == "glued.ambiguous"]
    assert len(amb) == 1 and "77132470" in amb[0].message and "规范性文件" in amb[0].message
    assert (
        report.values["t3.partial.natural"].raw == "191000020"
    )  # provenance keeps the printed run


@pytest.mark.parametrize("name", ["shuyang_2025.md", "hongze_2024.pdf", "shanghai_kewei_2024.md"])
@pytest.mark.parametrize("t4_spaced", [False, True])
def test_real_reports_flattened_come_back(tmp_path, name, t4_spaced):
    _, truth = truth_for(name)
    text = render_crawled(truth["values"], truth["agency"], truth["year"], t4_spaced=t4_spaced)
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    report = parse_file(path)
    wrong = _wrong(report, truth["values"])
    # a wrong field is only ever a missing one, each explained by a finding on its cells
    assert all(got is None for _, got in wrong.values()), wrong
    flagged = {c for f in report.findings if f.rule.startswith("glued.") for c in f.cells}
    assert set(wrong) <= flagged, set(wrong) - flagged
    assert len(wrong) <= 0.06 * len(truth["values"])
    assert all(
        report.values[k].value == v for k, v in truth["values"].items() if k.startswith("t4.")
    )


def test_long_runs_of_large_figures(tmp_path):
    """Figures a hundred times larger: a 表三 row runs to 16 digits, more than any single figure."""
    _, truth = truth_for("shuyang_2025.md")
    values = {k: v * 100 if k.startswith(("t3.", "t4.")) else v for k, v in truth["values"].items()}
    path = tmp_path / "page.txt"
    path.write_text(render_crawled(values, truth["agency"], truth["year"]), encoding="utf-8")
    report = parse_file(path)
    assert len(report.values["t3.new.total"].raw) > 12
    assert _wrong(report, {k: v for k, v in values.items() if k.startswith("t3.")}) == {}


def test_flattened_shuyang_t2_run_left_out_not_guessed(tmp_path):
    _, truth = truth_for("shuyang_2025.md")
    path = tmp_path / "page.txt"
    path.write_text(
        render_crawled(truth["values"], truth["agency"], truth["year"]), encoding="utf-8"
    )
    report = parse_file(path)
    # 规范性文件 6 | 1 | 32 glued as "6132" is also 6 | 13 | 2 or 61 | 3 | 2: 表二 has no identity
    assert not any(k.startswith("t2.normative.") for k in report.values)
    assert (
        report.values["t2.licensing.decisions"].value == truth["values"]["t2.licensing.decisions"]
    )


def test_prose_decides_a_t2_run_when_it_states_the_figures(tmp_path):
    _, truth = truth_for("shuyang_2025.md")
    v = truth["values"]
    prose = (
        f"本年度制发行政规范性文件{int(v['t2.normative.issued'])}件，废止{int(v['t2.normative.repealed'])}件，"
        f"现行有效{int(v['t2.normative.in_force'])}件。"
    )
    path = tmp_path / "page.txt"
    path.write_text(
        render_crawled(v, truth["agency"], truth["year"], prose=prose), encoding="utf-8"
    )
    report = parse_file(path)
    assert _wrong(report, v) == {}


def test_std2019_one_line_report(tmp_path):
    """std2019 (（六）其他处理 one row, 表二 with signed 本年增/减): 表三/表四 come back whole; a
    表二 run that cannot be told apart is left out, never stored cut short."""
    _, truth = truth_for("hongze_2024.pdf")  # prints （六） as one row
    values = {k: v for k, v in truth["values"].items() if not k.startswith("t2.")}
    path = tmp_path / "page.txt"
    path.write_text(
        render_crawled(values, truth["agency"], 2020, t2_std2019=True), encoding="utf-8"
    )
    report = parse_file(path)
    assert report.template == "std2019"
    assert _wrong(report, values) == {}
    t2 = {k: v.value for k, v in report.values.items() if k.startswith("t2.")}
    assert t2 == {
        "t2.rules.made": 0,
        "t2.rules.published": 0,
        "t2.rules.total_public": 0,
        "t2.fees.prior_items": 12,
        "t2.fees.change": -1,
    }  # "12-1": the sign parts them


def _table_with_rows(values: dict[str, int]) -> str:
    """pingtan_2023 as crawled, with some 表三 rows' runs replaced."""
    text = (CRAWLED / "pingtan_2023.txt").read_text(encoding="utf-8")
    for label, old, new in values.values():
        assert text.count(label + old) == 1
        text = text.replace(label + old, label + new)
    return text


def test_two_valid_splits_keep_neither(tmp_path):
    """予以公开 and 部分公开 both printed "191000020": 19|1|0|0|0|0|20 for one and 1|9|10|0|0|0|20
    for the other satisfies every identity either way round, so those cells are not stored."""
    text = _table_with_rows(
        {
            "granted": ("（一）予以公开", "220000022", "191000020"),
            "partial": (
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                "191000020",
                "191000020",
            ),
            "processed": ("（七）总计", "801000081", "59101000079"),
            "new": ("一、本年新收政府信息公开申请数量", "801000081", "59101000079"),
        }
    )
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    report = parse_file(path)
    for row in ("granted", "partial"):
        assert report.values[t3_key(row, "total")].value == 20  # the same in both splits
        for col in ("natural", "commercial", "research"):
            assert t3_key(row, col) not in report.values
    amb = [f for f in report.findings if f.rule == "glued.ambiguous" and "表三" in f.message]
    assert {("予以公开" in f.message, "部分公开" in f.message) for f in amb} == {
        (True, False),
        (False, True),
    }
    assert all("191000020" in f.message for f in amb)
    assert report.values[t3_key("processed", "research")].value == 10  # decided: one split only


def test_row_breaking_its_own_total_is_not_guessed(tmp_path):
    text = _table_with_rows({"carried_out": ("四、结转下年度继续办理", "0000000", "100000")})
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    report = parse_file(path)
    assert not any(k.startswith("t3.carried_out.") for k in report.values)
    assert any(f.rule == "glued.unsplit" and "结转下年度" in f.message for f in report.findings)
    assert report.values[t3_key("new", "natural")].value == 80


def test_sub_rows_numbered_in_brackets(tmp_path):
    """Sub-rows numbered （1） （2） … instead of 1. 2. …: the number is not a figure."""
    import re

    text = (CRAWLED / "pingtan_2023.txt").read_text(encoding="utf-8")
    path = tmp_path / "page.txt"
    path.write_text(re.sub(r"(\d)\.(?=[\u4e00-\u9fff])", r"（\1）", text), encoding="utf-8")
    truth = __import__("json").loads(
        (CRAWLED / "pingtan_2023.txt.truth.json").read_text(encoding="utf-8")
    )
    assert _wrong(parse_file(path), truth["values"]) == {}


def test_a_row_breaking_the_column_sums_is_set_aside(tmp_path):
    """本年新收 misprinted 81|1|…|82 (its own total holds, 新收 + 结转 ≠ 总计 + 结转 does not): no
    split meets every identity; with that row's cross-row relations set aside the others still
    decide 部分公开's two-way run, and the row is stored as printed, with findings."""
    text = _table_with_rows({"new": ("一、本年新收政府信息公开申请数量", "801000081", "811000082")})
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    report = parse_file(path)
    (_,) = [f for f in report.findings if f.rule == "glued.set_aside"]
    assert "本年新收" in _.message
    assert report.values[t3_key("new", "natural")].value == 81  # as printed
    assert report.values[t3_key("partial", "natural")].value == 19
    assert report.values[t3_key("partial", "commercial")].value == 1
    # the broken identity is on cells split without meeting every identity: the reader's
    balance = [f for f in report.findings if f.rule == "t3.balance"]
    assert balance and all(f.responsibility == "reader" for f in balance)


def test_adversarial_runs_are_bounded():
    """Runs no real table prints: the search stops at its budget or finds nothing, quickly, and
    says so; nothing is decided by a search that did not finish."""
    cells = tuple(t3_key("new", c) for c, _ in T3_COLUMNS)
    row_sum = [total_is_sum(cells[-1], cells[:-1])]
    started = time.perf_counter()
    for digits in ("1" * 60, "123456789" * 7, "10" * 30, "9" * 45):
        outcome = solve([Run("new", (digits,), cells)], row_sum, {})
        assert outcome.pieces == {} and (outcome.capped or outcome.unsplittable), digits
    # twelve ambiguous rows at once: the joint search runs out of budget and reports it
    rows = [
        Run(f"r{i}", ("1111111111116",), tuple(f"r{i}.{c}" for c, _ in T3_COLUMNS))
        for i in range(12)
    ]
    rels = [total_is_sum(r.cells[-1], r.cells[:-1]) for r in rows]
    rels.append(total_is_sum("all.total", [r.cells[-1] for r in rows]))
    outcome = solve(rows, rels, {"all.total": 10**6})
    assert time.perf_counter() - started < 15
    assert outcome.capped or outcome.relaxed
    assert MAX_NODES >= 10_000
