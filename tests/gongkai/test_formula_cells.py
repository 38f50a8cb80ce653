"""Files the office opens (issue 23): no text that came from outside becomes a spreadsheet formula.

Hostile text enters where it enters in life: agency names and peer groups through the registry
a real load reads, portal titles and sites.csv names through the collector's manifest writer.
Every writer of CSV/XLSX then runs, and every cell it produced is read back: none starts with a
formula character unquoted, and openpyxl reads no formula (data_type "f") anywhere."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from etl.collect.manifest import (
    PortalFinding,
    Row,
    read_findings,
    read_rows,
    write_findings,
    write_rows,
)
from etl.safe_text import csv_cell, csv_cell_read, formula_like, portable_name, xml_text
from gongkai.cli import cli
from tests.conftest import REAL, ROOT
from tests.workflow.conftest import office_of, original_text

PAYLOADS = ('=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "＝1")
FORMULA_CHARS = tuple("=+-@\t\r＝＋－＠")
# registry code -> (hostile name, hostile peer group); each of these agencies has a real report
HOSTILE = {
    "310000-KW": (PAYLOADS[0] + "\x01上海市科学技术委员会", PAYLOADS[1] + "组"),
    "321322-GOV": (PAYLOADS[3] + "沭阳县人民政府", PAYLOADS[2] + "组"),
    "320813-GOV": (PAYLOADS[5] + "淮安市洪泽区人民政府", PAYLOADS[4] + "组"),
}


def test_formula_like_text_is_quoted_and_read_back_as_written():
    for text in PAYLOADS + (" =1", "　@x", "﹦1", "-1+A1"):
        assert formula_like(text), text
        assert csv_cell(text) == "'" + text
        assert csv_cell_read(csv_cell(text)) == text
    for number in ("-2.5", "-3", "+1", "1,234.50", "12.5%", "0"):
        assert not formula_like(number) and csv_cell(number) == number
    for plain in ("上海市科委", "'引号开头", "-", "", "a=b"):
        assert csv_cell(plain) == plain and csv_cell_read(plain) == plain
    assert csv_cell_read(csv_cell("'=1")) == "'=1"  # a quote of its own survives the round trip
    assert csv_cell(-2) == -2 and csv_cell(None) is None
    assert xml_text("甲\x01乙\x0b丙\r\n丁\t戊\ufffe") == "甲乙丙\n丁\t戊"
    stem = portable_name("整改通知_2024_" + "很长的单位名称" * 60)
    assert len(stem.encode()) <= 120 and stem.startswith("整改通知_2024_很长")


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    shutil.copytree(REAL, folder / "reports")
    (folder / "reports" / "shanghai_kewei_2024.md").write_text(original_text(), encoding="utf-8")
    lines = (ROOT / "data" / "registry.csv").read_text(encoding="utf-8").splitlines()
    rows = list(csv.reader(lines))
    for row in rows[1:]:
        if row[0] in HOSTILE:
            name, group = HOSTILE[row[0]]
            row[2] = "|".join(filter(None, [row[1], row[2]]))  # the report still finds its agency
            row[1], row[6] = name, group
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    (folder / "registry.csv").write_text(buf.getvalue(), encoding="utf-8")
    db = folder / "gongkai.duckdb"
    result = CliRunner().invoke(
        cli,
        [
            "load",
            str(folder / "reports"),
            "--db",
            str(db),
            "--registry",
            str(folder / "registry.csv"),
        ],
    )
    assert result.exit_code == 0, result.output
    return db


def _csv_cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


def _assert_inert_csv(cells: list[str]) -> None:
    for cell in cells:
        assert not (cell.lstrip()[:1] in FORMULA_CHARS and formula_like(cell)), repr(cell)


@pytest.mark.slow  # a load of real reports, then every export
def test_exports_write_no_formula_in_any_cell(hostile_db, tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_OFFICE", str(office_of(tmp_path, None)))  # every agency counts
    hostile_cells = 0
    for year in (2024, 2025):
        csv_file, xlsx = tmp_path / f"{year}.csv", tmp_path / f"{year}.xlsx"
        for out in (csv_file, xlsx):
            args = ["export", "--year", year, "--db", hostile_db, "--out", out, "--per-agency"]
            result = CliRunner().invoke(cli, [str(a) for a in args])
            assert result.exit_code == 0, result.output
        cells = _csv_cells(csv_file)
        _assert_inert_csv(cells)
        assert "'" + HOSTILE["310000-KW"][1] in cells  # the peer group, quoted
        assert "'" + HOSTILE["321322-GOV"][0] in cells  # the agency name, quoted
        book = openpyxl.load_workbook(xlsx)
        for ws in book.worksheets:
            assert len(ws.title.encode("utf-16-le")) // 2 <= 31
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str) and formula_like(cell.value):
                        assert cell.data_type == "s" and cell.quotePrefix, (ws.title, cell.value)
                        hostile_cells += 1
        # each sheet's title: the first cell of row 1 with a value (汇总, printed across pages,
        # starts it after the repeated 排名 | 单位 columns)
        titles = [
            next((v for v in next(ws.iter_rows(max_row=1, values_only=True)) if v), None)
            for ws in book.worksheets
        ]
        assert any(t.startswith(PAYLOADS[0]) for t in titles)  # a merged heading, as text
        assert all("\x01" not in (t or "") for t in titles)
    assert hostile_cells >= 6


def test_manifest_and_findings_csv_quote_portal_titles_and_site_names(tmp_path):
    rows = [
        Row(
            agency=payload + "某局",
            year="2024",
            title=payload + "2024年政府信息公开工作年度报告",
            url=f"https://portal.example/{n}.html",
            published="2025-01-20",
            fetched_at="2025-02-01T10:00:00",
            status="200",
            sha256="ab" * 32,
            file=f"a/{n}.html",
            role="page",
            article=f"https://portal.example/{n}.html",
            agency_name=payload + "某局",
        )
        for n, payload in enumerate(PAYLOADS)
    ]
    found = [
        PortalFinding(r.agency, "2024", "portal.no_report", "warning", r.title + "：未找到")
        for r in rows
    ]
    write_rows(tmp_path, rows)
    write_findings(tmp_path, found)
    for name in ("manifest.csv", "findings.csv"):
        cells = _csv_cells(tmp_path / name)
        _assert_inert_csv(cells)
        assert sum(c.startswith("'") for c in cells) >= len(PAYLOADS) * 2
    assert read_rows(tmp_path) == rows  # gongkai load reads back exactly what the portal said
    assert read_findings(tmp_path) == found
