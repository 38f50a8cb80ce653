"""The documents an office signs and sends, built from a demo database (a generated province plus
the shared real reports and seeds, loaded through `gongkai load`): 整改通知 written for the
agency, DOCX on A4 with 公文 fonts, page numbers and repeated table headers, the 通报's wording,
and the 数据质量 sheet's print set-up."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from docx import Document

from etl.rules import RULES
from tests.conftest import REAL, ROOT
from tests.workflow.conftest import gongkai
from workflow.findings import list_findings, move
from workflow.problems import notice_batch
from workflow.states import CONFIRMED
from workflow.store import now, opened, store_path

# slow: each test (or the module's fixture) runs a whole `gongkai load` of real reports
pytestmark = pytest.mark.slow

A4_PORTRAIT = ('w:w="11906"', 'w:h="16838"')
A4_LANDSCAPE = ('w:w="16838"', 'w:h="11906"')
A3_LANDSCAPE = ('w:w="23811"', 'w:h="16838"')
ANALYST_JARGON = ("模糊匹配", "单位名录", "单独添加一行", "第 0 ", "第 0 个", "个表格")
CODE = re.compile(r"[A-Za-z]{2,}\d")
FILE = re.compile(r"\.(txt|md|pdf|html?|docx?|xlsx?)\b", re.I)
PATH = re.compile(r"/[\w.\-]+/")


@pytest.fixture(autouse=True)
def _shanghai_office(monkeypatch):
    """These documents are the demo province's own (示范省, data/office.toml as shipped), not the
    上海市 office the other workflow tests play."""
    monkeypatch.delenv("GONGKAI_OFFICE", raising=False)


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> Path:
    """A demo database: 24 generated agencies (2020–2024) plus the real reports, every
    finding confirmed (已确认) as an analyst would before sending notices."""
    from demo.generate import generate

    folder = tmp_path_factory.mktemp("fileable")
    corpus = folder / "reports"
    generate(corpus / "demo", seed=7, n_agencies=24, years=(2020, 2024))
    shutil.copytree(REAL, corpus / "real")
    lines = (ROOT / "data" / "registry.csv").read_text(encoding="utf-8-sig").splitlines()
    lines += (corpus / "demo" / "registry.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    registry = folder / "registry.csv"
    registry.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = folder / "gongkai.duckdb"
    gongkai("load", corpus, "--db", db, "--registry", registry)
    with opened(store_path(db)) as con:
        for f in list_findings(con):
            move(con, f["fkey"], CONFIRMED, "analyst", "属实")
    return db


def _years(db: Path) -> list[int]:
    with opened(store_path(db)) as con:
        return sorted({f["year"] for f in list_findings(con, states=(CONFIRMED,))})


@pytest.fixture(scope="module")
def notices(province, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("notices")
    for year in _years(province):
        gongkai("notices", "--year", year, "--db", province, "--out", out, "--draft")
    return out


def _docx_text(path: Path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _xml(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode("utf-8")


def test_notices_speak_to_the_agency_without_codes_files_or_paths(notices):
    files = sorted(notices.glob("*.docx"))
    assert len(files) >= 10
    problems = 0
    for f in files:
        assert not CODE.search(f.stem), f.name  # the file name a clerk sends: no registry code
        text = _docx_text(f)
        problems += text.count("整改要求：")
        assert not CODE.search(text), (f.name, CODE.search(text).group())
        assert not FILE.search(text), (f.name, FILE.search(text).group())
        assert not PATH.search(text), (f.name, PATH.search(text).group())
        for jargon in ANALYST_JARGON:
            assert jargon not in text, (f.name, jargon)
        assert "整改期限：" in text and "第 " not in f.name
    assert problems >= 20


def test_each_problem_has_category_place_evidence_remedy(province):
    with opened(store_path(province)) as con:
        batch = [n for y in _years(province) for n in notice_batch(con, y)]
    items = [i for n in batch for i in n.items]
    by_rule = {i.rule: i for i in items}
    row = by_rule["t3.row_total"]
    assert row.category == "表内数据勾稽不符" and row.rule_label == RULES["t3.row_total"].label
    assert row.remedy == RULES["t3.row_total"].remedy
    assert row.place == "表三（收到和处理申请）"
    # each cell: its template wording, the number as printed, its own place (1-based)
    assert len(row.cells) == 7 and row.cells[-1][0].endswith("（总计栏）")
    for name, value, where in row.cells:
        assert re.fullmatch(r"[一二三四]、?.+（.+栏）", name), name
        # as printed; a cell without a number that was counted as 0 says so
        assert re.fullmatch(r"\d+|（空白）|(空白|[无/／—–-])(（按 0 计）)?", value), value
        assert re.fullmatch(r"(第 \d+ 页，)?原文第 \d+ (张表格第 \d+ )?行", where), where
    assert [label for label, _ in row.sums] == ["报告所列", "按所列数值计算", "差"]
    assert re.fullmatch(r"[+-]\d+（报告所列比计算结果[多少] \d+）", row.sums[2][1])
    late = by_rule["published.late"]
    assert late.category == "未按时发布" and late.place == "" and "逾期" in late.message
    cross = by_rule["crossyear.carry_over"]
    last_year = [
        (where, value) for name, value, where in cross.cells if name.startswith("上年年报：")
    ]
    assert last_year, cross.cells
    for where, value in last_year:  # its place is in last year's report, if that prints it
        placed = re.fullmatch(r"上年年报(第 \d+ 页，)?原文第 \d+ (张表格第 \d+ )?行", where)
        assert placed or (where, value) == ("", "（未印）"), where
    assert not FILE.search(cross.message) and "（差" in cross.message


def test_the_line_a_notice_names_is_the_line_in_the_source_file(province):
    """For text sources the 1-based 「原文第 N 行」 is line N of the file, holding the printed cell."""
    with duckdb.connect(str(province), read_only=True) as c:
        sources = dict(
            ((a, y), p)
            for a, y, p in c.execute(
                "SELECT agency_id, year, source_path FROM current_reports"
            ).fetchall()
        )
    checked = 0
    with opened(store_path(province)) as con:
        for f in list_findings(con, states=(CONFIRMED,)):
            path = Path(sources.get((f["agency_id"], f["year"]), ""))
            if path.suffix not in (".txt", ".md") or f["rule"].startswith("crossyear."):
                continue
            lines = path.read_bytes().decode("utf-8", errors="replace").splitlines()
            if len(lines) < 5:  # a crawler's one-line text: no lines to point at
                continue
            for cell in f["evidence"]:
                if cell.get("key") and cell.get("line") and cell["printed"] != "（空白）":
                    number = re.findall(r"\d+", cell["printed"])[-1]
                    assert number in lines[cell["line"] - 1], (path.name, cell)
                    assert f"原文第 {cell['line']} 行" in cell["where"]
                    checked += 1
    assert checked >= 3  # enough printed cells in .txt/.md sources to make the check mean something


def test_reader_findings_never_reach_a_notice(province):
    with opened(store_path(province)) as con:
        year = _years(province)[-1]
        agency = next(f["agency_id"] for f in list_findings(con, year=year))
        stamp = now()
        con.execute(
            "INSERT INTO tracked_findings (fkey, agency_id, year, rule, cells, message, evidence, state, "
            "present, first_seen, updated_at) VALUES (?, ?, ?, 't3.missing', '[]', ?, '[]', ?, 1, ?, ?)",
            [f"{agency}|{year}|t3.missing|", agency, year, "未能读出表三", CONFIRMED, stamp, stamp],
        )
        rules = {i.rule for n in notice_batch(con, year, agency_id=agency) for i in n.items}
        con.execute("DELETE FROM tracked_findings WHERE rule = 't3.missing'")
    assert "t3.missing" not in rules


def _assert_fileable_docx(path: Path, *sizes: tuple[str, str]) -> None:
    """On one of `sizes` (paper), headers repeated, page numbers, the office's fonts."""
    document = _xml(path, "word/document.xml")
    sect = re.search(r"<w:pgSz [^>]*/>", document).group()
    assert any(all(s in sect for s in size) for size in sizes), sect
    tables = document.count("<w:tbl>")
    assert document.count("<w:tblHeader") >= tables, "every table repeats its header row"
    assert '<w:tblLayout w:type="fixed"/>' in document or tables == 0
    footer = "".join(
        _xml(path, n) for n in zipfile.ZipFile(path).namelist() if n.startswith("word/footer")
    )
    assert "PAGE" in footer and "NUMPAGES" in footer and "第 " in footer and " 页" in footer
    styles = _xml(path, "word/styles.xml")
    assert 'w:eastAsia="仿宋_GB2312"' in styles and 'w:eastAsia="黑体"' in styles


def test_docx_on_a4_with_fonts_page_numbers_and_repeated_headers(province, notices, tmp_path):
    for f in sorted(notices.glob("*.docx"))[:3]:
        _assert_fileable_docx(f, A4_PORTRAIT)
        assert 'w:eastAsia="方正小标宋简体"' in _xml(f, "word/document.xml")
    year = _years(province)[-1]
    bulletin = tmp_path / "通报.docx"
    gongkai("bulletin", "--year", year, "--db", province, "--out", bulletin)
    _assert_fileable_docx(bulletin, A4_PORTRAIT)
    out = tmp_path / "export"
    gongkai("export", "--year", 2022, "--db", province, "--out", out)
    sheet = next(out.glob("*.docx"))
    # A4 landscape, or A3 landscape when the table would need type under 7.5 pt on A4
    # (exports.printed.PrintedTable.page; the floor is asserted in tests/exports)
    _assert_fileable_docx(sheet, A4_LANDSCAPE, A3_LANDSCAPE)
    grid = re.search(r"<w:tblGrid>(.*?)</w:tblGrid>", _xml(sheet, "word/document.xml")).group(1)
    widths = [int(w) for w in re.findall(r'w:w="(\d+)"', grid)]
    assert len(widths) > 10 and len(set(widths)) > 3, "columns sized to content, not equal"
    assert max(widths) >= 1.5 * min(widths)  # the unit names' column against a points column


def test_bulletin_counts_pending_problems_among_the_problems(province, tmp_path):
    import duckdb

    from etl.scope import home_list

    year = _years(province)[-1]
    with duckdb.connect(str(province), read_only=True) as db:
        home = set(home_list(db) or ())
    with opened(store_path(province)) as con:  # one of the province's own problems, not pending
        fkey = next(
            f["fkey"] for f in list_findings(con, year=year) if not home or f["agency_id"] in home
        )
        con.execute("UPDATE tracked_findings SET state = '待核实' WHERE fkey = ?", [fkey])
    out = tmp_path / "通报.docx"
    gongkai("bulletin", "--year", year, "--db", province, "--out", out)
    with opened(store_path(province)) as con:
        con.execute("UPDATE tracked_findings SET state = ? WHERE fkey = ?", [CONFIRMED, fkey])
    text = _docx_text(out)
    found = re.search(r"检查发现问题(\d+)个（其中(\d+)个尚待核实）", text)
    assert found and int(found.group(2)) == 1 <= int(found.group(1))
    assert "另有" not in text


def test_quality_sheet_prints_on_a4_landscape_wrapped_without_paths(province, tmp_path):
    out = tmp_path / "q.xlsx"
    gongkai("export", "--year", 2022, "--db", province, "--out", out)
    ws = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))["数据质量"]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    setup = ws.page_setup  # one page wide (fitToWidth 1 is the default, left out), any number tall
    assert ws.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth in (None, 1)
    assert setup.fitToHeight == 0
    assert ws.print_title_rows and ws.freeze_panes
    widths = [ws.column_dimensions[c].width for c in "ABCDEFGHIJ"]
    assert sum(widths) <= 175, widths
    values = [str(v) for row in ws.iter_rows(min_row=4, values_only=True) for v in row if v]
    assert values and not [v for v in values if PATH.search(v) or v.startswith("/")]
    tall = [r for r, d in ws.row_dimensions.items() if r >= 4 and d.height and d.height > 15]
    assert tall, "rows with wrapped text are made tall enough to show it"
    text_cells = [c for c in ws[4] if isinstance(c.value, str)]
    assert text_cells and all(c.alignment.wrap_text for c in text_cells)
    json.dumps(widths)  # widths are plain numbers
