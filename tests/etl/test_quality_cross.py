"""The annual quality check across reports, in the database step, on real reports and variants.

A previous year for shuyang_2025.md is made from the report itself (years shifted, 表二/表三
adjusted so that the year-on-year identities hold) with a chosen share of its prose sentences
kept and the rest replaced by real sentences of another report (pingtan_2015.txt). Planted:
70% kept -> report.copied; 20% kept -> not; a broken 现行有效 -> t2.stock_flow; a second
version with another figure -> report.changed_after_publication; a ledger that disagrees with
表四 -> t4.ledger_mismatch. The consistent real reports raise none of these rules.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from etl.errors import ReportError
from etl.pipeline import run_load
from etl.validate.cross_report import CROSS_RULES
from etl.validate.ledger import import_ledger
from tests.conftest import REAL, SEEDS

SHUYANG = REAL / "shuyang_2025.md"
QUALITY = CROSS_RULES + (
    "section.missing",
    "section.thin",
    "template.nonstandard",
    "table.all_blank",
    "text_table.mismatch",
)


def other_sentences() -> list[str]:
    body = (REAL / "pingtan_2015.txt").read_text(encoding="utf-8").split("正文", 1)[1]
    return [s + "。" for s in re.split(r"[。]", body) if len(s) > 30 and not re.search(r"\d{3}", s)]


def keep_share(text: str, share: float) -> str:
    """Replace prose sentences (not tables, not headings) until about `share` of the chars are kept.
    Sentences the quality check requires (信息处理费 in 六, 考核 in 一) are always kept, so the
    variant differs from the real report by its share of repeated prose only."""
    fillers = iter(other_sentences() * 5)
    kept = total = 0
    out = []
    for line in text.split("\n"):
        if line.startswith(("|", "#")) or len(line) < 30:
            out.append(line)
            continue
        parts = []
        for s in re.findall(r"[^。]+。?", line):
            total += len(s)
            if kept + len(s) <= share * total or re.search("处理费|考核", s):
                kept += len(s)
                parts.append(s)
            else:
                parts.append(next(fillers))
        out.append("".join(parts))
    return "\n".join(out)


def previous_year(share: float, in_force: int = 27) -> str:
    """shuyang's 2024 report: 结转下年度 36 (= 2025's 上年结转), 现行有效 `in_force` (27 holds)."""
    text = SHUYANG.read_text(encoding="utf-8").replace("2025", "2024").replace("2026", "2025")
    text = text.replace(
        "| 行政规范性文件 | 6 | 1 | 32 |", f"| 行政规范性文件 | 4 | 0 | {in_force} |"
    )
    text = text.replace("| 705 | 3 | 0 | 0 | 5 | 0 | 713 |", "| 710 | 3 | 0 | 0 | 5 | 0 | 718 |")
    text = text.replace(
        "| 四、结转下年度继续办理 | 31 | 0 | 0 | 0 | 0 | 0 | 31 |",
        "| 四、结转下年度继续办理 | 36 | 0 | 0 | 0 | 0 | 0 | 36 |",
    )
    text = text.replace("申请 749 件", "申请 754 件").replace(
        "结转下一年 31 件", "结转下一年 36 件"
    )
    return keep_share(text, share)


def load(
    tmp_path: Path, files: dict[str, str], db: str = "q.duckdb", real=()
) -> duckdb.DuckDBPyConnection:
    paths = [str(p) for p in real]
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / name))
    summary = run_load(paths, tmp_path / db, workers=1)
    assert summary.failed == []
    return duckdb.connect(str(tmp_path / db), read_only=True)


def found(con, rules=QUALITY) -> list[tuple]:
    return con.execute(
        """SELECT r.year, f.rule, f.expected, f.actual FROM findings f
                          JOIN reports r USING (report_id) WHERE r.is_current AND f.rule IN
                          (SELECT unnest(?::TEXT[])) ORDER BY 1, 2""",
        [list(rules)],
    ).fetchall()


def test_real_reports_raise_no_cross_report_or_quality_rule(tmp_path):
    real = [p for p in REAL.iterdir() if not p.name.endswith(".json")]
    real += [p for p in SEEDS.glob("*.txt")]
    con = load(tmp_path, {}, real=real)
    assert found(con) == []
    # every loaded report kept its prose and a signature
    assert con.execute("SELECT count(*), count(minhash) FROM report_texts").fetchone() == (8, 8)


def test_seventy_percent_of_last_years_prose_kept_is_copied(tmp_path):
    con = load(tmp_path, {"shuyang_2024.md": previous_year(0.7)}, real=[SHUYANG])
    rows = found(con)
    assert [(y, r, e) for y, r, e, _ in rows] == [(2025, "report.copied", 50)]
    share = rows[0][3]
    assert 60 <= share <= 80
    relation, stored, passages = con.execute(
        "SELECT relation, share, passages FROM report_similarity s JOIN reports r USING (report_id) "
        "WHERE r.year = 2025"
    ).fetchone()
    assert relation == "previous_year" and stored == share and "我县" in passages


def test_twenty_percent_kept_is_not_copied_but_the_share_is_stored(tmp_path):
    con = load(tmp_path, {"shuyang_2024.md": previous_year(0.2)}, real=[SHUYANG])
    assert found(con) == []
    share = con.execute(
        "SELECT share FROM report_similarity WHERE relation = 'previous_year'"
    ).fetchone()[0]
    assert 10 <= share <= 30


def test_another_agency_copying_the_same_year_is_copied_both_ways(tmp_path):
    twin = keep_share(SHUYANG.read_text(encoding="utf-8"), 0.7)
    twin = twin.replace("沐阳县人民政府", "淮安市洪泽区人民政府").replace(
        "我县", "我区"
    )  # another registered agency
    con = load(tmp_path, {"hongze_2025.md": twin}, real=[SHUYANG])
    rows = con.execute(
        "SELECT relation, count(*) FROM report_similarity WHERE share > 50 GROUP BY 1"
    ).fetchall()
    assert rows == [("same_year", 2)]
    assert [r for _, r, _, _ in found(con)] == ["report.copied", "report.copied"]


def test_broken_stock_flow_names_both_years(tmp_path):
    con = load(tmp_path, {"shuyang_2024.md": previous_year(0.2, in_force=30)}, real=[SHUYANG])
    assert found(con) == [(2025, "t2.stock_flow", 35, 32)]
    message = con.execute("SELECT message FROM findings WHERE rule = 't2.stock_flow'").fetchone()[0]
    assert "表二「规范性文件」" in message and "2024 年现行有效 30" in message
    assert message.endswith("（差 -3；对照 2024 年报）")  # the year, no file name or path
    assert "shuyang_2024" not in message and str(tmp_path) not in message


def test_a_later_version_with_another_figure_is_changed_after_publication(tmp_path):
    load(tmp_path, {}, real=[SHUYANG]).close()
    changed = SHUYANG.read_text(encoding="utf-8").replace(
        "| 27 | 10 | 9 | 15 | 61 |", "| 28 | 10 | 9 | 14 | 61 |"
    )
    changed = changed.replace(
        "全年发出催办提示 84 次", "全年发出催办提示 84 次，并逐件电话回访申请人"
    )
    con = load(tmp_path, {"shuyang_2025_v2.md": changed})
    rows = con.execute(
        "SELECT cells, actual, message FROM findings WHERE rule = 'report.changed_after_publication'"
    ).fetchall()
    assert len(rows) == 1
    cells, n, message = rows[0]
    assert n == 2 and "t4.review.upheld" in cells and "t4.review.pending" in cells
    assert "27 → 28" in message and "正文增加 1 句、删去 1 句" in message
    assert ".md" not in message and str(tmp_path) not in message  # versions named by number


def test_same_content_in_new_bytes_is_not_a_change(tmp_path):
    load(tmp_path, {}, real=[SHUYANG]).close()
    con = load(tmp_path, {"shuyang_2025_resaved.md": SHUYANG.read_text(encoding="utf-8") + "\n\n"})
    assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 2
    assert found(con) == []


def test_ledger_that_disagrees_with_table_four(tmp_path):
    load(tmp_path, {}, real=[SHUYANG]).close()
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(
        "单位,年度,类别,结果,件数\n沭阳县人民政府,2025,行政复议,纠正,10\n"
        "321322-GOV,2025,行政复议,维持,26\n沭阳县人民政府,2025,复议后起诉,总计,10\n",
        encoding="utf-8",
    )
    assert import_ledger(tmp_path / "q.duckdb", ledger) == 3
    con = duckdb.connect(str(tmp_path / "q.duckdb"), read_only=True)
    assert con.execute(
        "SELECT cells, expected, actual FROM findings WHERE rule = 't4.ledger_mismatch'"
    ).fetchall() == [('["t4.review.upheld"]', 26, 27)]
    con.close()
    # a corrected ledger clears the finding
    ledger.write_text(
        "单位,年度,类别,结果,件数\n沭阳县人民政府,2025,行政复议,维持,27\n", encoding="utf-8"
    )
    import_ledger(tmp_path / "q.duckdb", ledger)
    con = duckdb.connect(str(tmp_path / "q.duckdb"), read_only=True)
    assert found(con, ("t4.ledger_mismatch",)) == []


@pytest.mark.parametrize(
    "content, problem",
    [
        ("单位,年度,结果,件数\n沭阳县人民政府,2025,维持,1\n", "no column 类别"),
        (
            "单位,年度,类别,结果,件数\n不存在的局,2025,行政复议,维持,1\n",
            "row 2: agency '不存在的局'",
        ),
        (
            "单位,年度,类别,结果,件数\n沭阳县人民政府,2025,行政复议,维持,一\n",
            "row 2: 年度 '2025' or 件数 '一'",
        ),
        ("单位,年度,类别,结果,件数\n沭阳县人民政府,2025,信访,维持,1\n", "unknown 类别 '信访'"),
    ],
)
def test_bad_ledger_is_one_clear_line_and_keeps_the_database(tmp_path, content, problem):
    load(tmp_path, {}, real=[SHUYANG]).close()
    before = (tmp_path / "q.duckdb").read_bytes()
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(content, encoding="utf-8")
    with pytest.raises(ReportError) as err:
        import_ledger(tmp_path / "q.duckdb", ledger)
    assert problem in str(err.value) and "\n" not in str(err.value)
    assert (tmp_path / "q.duckdb").read_bytes() == before


@pytest.mark.parametrize("share, deducted", [(0.7, 5.0), (0.2, None)])
def test_scheme_deducts_for_repetition_above_fifty_percent(
    tmp_path, share, deducted, office_without_province
):
    from assess.metric_sql import metric_values
    from assess.score import deductions
    from etl.settings import Settings

    con = load(tmp_path, {"shuyang_2024.md": previous_year(share)}, real=[SHUYANG])
    stored = con.execute(
        "SELECT share FROM report_similarity WHERE relation = 'previous_year'"
    ).fetchall()[0][0]
    m = metric_values(con, 2025).filter(metric="repeat_share_prev")
    assert m["value"].to_list() == [stored]
    d = deductions(con, 2025, Settings().scheme_path).filter(
        indicator="copied", agency_id="321322-GOV"
    )
    assert d["points"].to_list() == ([deducted] if deducted else [])
