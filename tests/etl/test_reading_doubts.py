"""A failed identity over cells read with doubt is the reader's (需人工核对), never the report's.

Real inputs: shanghai_kewei_2024.md (PDF→Markdown: 表三 broken into fragments, the 结转下年度
总计 cell displaced onto a line of its own as a stray '1'; the inspector finds 表三 consistent once
it is put back) and shuyang_2025.md (OCR'd Markdown whose 表三 rows all carry their labels: well
read). Mutations are made here, in the test.
"""

from __future__ import annotations

from etl.parse import parse_file
from tests.conftest import REAL
from tests.etl.test_glued_std import _table_with_rows

KEWEI = REAL / "shanghai_kewei_2024.md"
SHUYANG = REAL / "shuyang_2025.md"
IDENTITY_RULES = ("t3.row_total", "t3.processed_sum", "t3.balance", "t4.total")


def _parse(text: str, name: str):
    return parse_file(name, text.encode("utf-8"))


def _identities(report) -> dict[tuple[str, str], object]:
    return {(f.rule, f.cells[-1]): f for f in report.findings if f.rule in IDENTITY_RULES}


def test_a_displaced_cell_is_a_reading_difficulty_not_a_report_problem():
    report = parse_file(KEWEI)
    found = _identities(report)
    assert set(found) == {
        ("t3.row_total", "t3.carried_out.total"),
        ("t3.balance", "t3.carried_out.total"),
    }
    for f in found.values():
        assert (f.responsibility, f.category) == ("reader", "reader")
        assert "未归入任何行的数字「1」" in f.message and "四、结转下年度继续办理·总计" in f.message
        assert "t3." not in f.message
    assert not any(f.blames_report for f in report.findings if f.place == "T3")


def test_without_the_stray_number_the_blank_total_is_the_reports():
    text = KEWEI.read_text(encoding="utf-8")
    lines = text.split("\n")
    stray = [i for i, line in enumerate(lines) if line.strip() == "1"]
    assert len(stray) == 1
    del lines[stray[0]]
    report = _parse("\n".join(lines), "kewei.md")
    # the inspector's one problem, the blank cell (table_blank), not the two identities it
    # breaks read as 0 (etl.validate.blank_cells); the prose's 「转下一年度…1件」 names it
    assert all(cell != "t3.carried_out.total" for _, cell in _identities(report))
    blank = [f for f in report.findings if f.category == "table_blank"]
    assert [(f.cells, f.place, f.responsibility) for f in blank] == [
        (("t3.carried_out.total",), "T3", "report")
    ]


def test_a_row_placed_by_order_in_a_broken_up_table_is_doubtful():
    text = KEWEI.read_text(encoding="utf-8")
    # the unlabelled row the alignment places at 本机关不掌握相关政府信息: its total misprinted
    assert text.count("| 6 | 0 | 0 | 0 | 0 | 0 | 6 |") == 1
    text = text.replace("| 6 | 0 | 0 | 0 | 0 | 0 | 6 |", "| 6 | 0 | 0 | 0 | 0 | 0 | 7 |")
    report = _parse(text, "kewei.md")
    (f,) = [
        f
        for f in report.findings
        if f.rule == "t3.row_total"
        and f.cells[-1].endswith(".total")
        and f.cells[-1] != "t3.carried_out.total"
    ]
    assert (f.expected, f.actual, f.responsibility) == (6, 7, "reader")
    assert "按顺序对应" in f.message


def test_a_printed_break_in_a_well_read_table_is_the_reports():
    text = SHUYANG.read_text(encoding="utf-8")
    row = "| 本年新收政府信息公开申请数量 | 705 | 3 | 0 | 0 | 5 | 0 | 713 |"
    assert text.count(row) == 1
    report = _parse(text.replace(row, row.replace("| 705 |", "| 706 |")), "shuyang.md")
    found = _identities(report)
    row_total = found[("t3.row_total", "t3.new.total")]
    assert (row_total.expected, row_total.actual) == (714, 713)
    assert (row_total.responsibility, row_total.category) == ("report", "table_identity")
    balance = found[("t3.balance", "t3.carried_out.natural")]
    assert (balance.responsibility, balance.category) == ("report", "table_identity")
    assert "需人工核对" not in row_total.message + balance.message


def test_a_break_the_glued_split_had_to_set_aside_is_the_readers(tmp_path):
    text = _table_with_rows({"new": ("一、本年新收政府信息公开申请数量", "801000081", "811000082")})
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    report = parse_file(path)
    (balance,) = [
        f for f in report.findings if f.rule == "t3.balance" and f.cells[0] == "t3.new.natural"
    ]
    assert balance.responsibility == "reader"
    assert "连在一起" in balance.message
