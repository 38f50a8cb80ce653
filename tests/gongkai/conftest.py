"""Shared pieces of the reliability suite: the bad-input corpus (built in tmp_path from the real
reports), a baseline database loaded from the real reports, and helpers to run the real CLI.

Every bad input is made here, from ../shared/real-reports (or the repo's copies):
- hongze_2024.pdf cut short, re-made encrypted (fpdf2 RC4) and image-only;
- shuyang_2025.md (a std2021 report with pipe tables) turned into HTML (GBK bytes under a
  utf-8 meta, a ~50 MB page), with 表四 cut out, with malformed numbers in 表三 cells;
- tests.etl.test_load.small_report (a minimal std2021 text report) in Big5 / UTF-16, twice
  under two names, and as two different files for one agency and year.
Derived shuyang files get another year each, so none of them claims a report of the baseline.
"""

from __future__ import annotations

import html
import io
import os
import random
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REAL, ROOT
from tests.etl.test_load import small_report

GOOD = ("hongze_2024.pdf", "pingtan_2015.txt", "shanghai_kewei_2024.md", "shuyang_2025.md")
SHUYANG = REAL / "shuyang_2025.md"
HONGZE = REAL / "hongze_2024.pdf"
HUGE_MB = 50


# ------------------------------------------------------------------ running the real CLI


def gongkai(*args, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """`gongkai ARGS` as a user runs it (python -m gongkai), from the project root."""
    return subprocess.run(
        [sys.executable, "-m", "gongkai", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ, **(env or {})),
    )


def query(db: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


# ------------------------------------------------------------------ document builders


def shuyang_text(year: int) -> str:
    """The real shuyang_2025.md with its report year moved to `year` (publication year+1)."""
    text = SHUYANG.read_text(encoding="utf-8")
    return text.replace("2026年", f"{year + 1}年").replace("2025", str(year))


def md_to_html(text: str, charset: str = "utf-8", prefix: str = "") -> str:
    """Markdown report -> a portal-style HTML page: pipe tables as <table>, lines as <p>."""
    parts = [
        "<!DOCTYPE html><html><head>",
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">',
        "<title>政府信息公开工作年度报告</title></head><body>",
        prefix,
    ]
    in_table = False
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("|"):
            if re.fullmatch(r"[|\-: ]+", s):
                continue
            if not in_table:
                parts.append("<table>")
                in_table = True
            cells = "".join(f"<td>{html.escape(c.strip())}</td>" for c in s.strip("|").split("|"))
            parts.append(f"<tr>{cells}</tr>")
            continue
        if in_table:
            parts.append("</table>")
            in_table = False
        parts.append(f"<p>{html.escape(s.lstrip('#').strip())}</p>")
    if in_table:
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def pdf_encrypted() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 8, text="Government information disclosure annual report 2024. " * 20)
    pdf.set_encryption(owner_password="owner-pw", user_password="user-pw")
    return bytes(pdf.output())


def pdf_image_only() -> bytes:
    """A scanned-looking page: a drawing and a raster image, no text at all."""
    from fpdf import FPDF
    from PIL import Image

    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(230, 230, 230)
    pdf.rect(15, 15, 180, 260, style="F")
    buf = io.BytesIO()
    Image.new("L", (600, 800), 255).save(buf, "PNG")
    buf.seek(0)
    pdf.image(buf, x=20, y=20, w=170)
    return bytes(pdf.output())


def zip_bomb() -> bytes:
    """A .docx whose document.xml unpacks from ~20 KB to 20 MB of zeros (ratio > 1000:1)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("word/document.xml", b"\0" * (20 << 20))
    return buf.getvalue()


def malformed_numbers_report(year: int) -> str:
    """shuyang with three 表三 cells printed as "1,2,3", "约20" and "二十余"."""
    text = shuyang_text(year)
    swaps = [
        ("| 本年新收政府信息公开申请数量 | 705 |", "| 本年新收政府信息公开申请数量 | 1,2,3 |"),
        ("| 1. 本机关不掌握相关政府信息 | 111 |", "| 1. 本机关不掌握相关政府信息 | 约20 |"),
        ("| 2. 重复申请 | 6 |", "| 2. 重复申请 | 二十余 |"),
    ]
    for old, new in swaps:
        assert old in text, old
        text = text.replace(old, new)
    return text


def without_t4(year: int) -> str:
    lines = shuyang_text(year).splitlines()
    start = next(i for i, s in enumerate(lines) if s.startswith("## 四、"))
    end = next(i for i, s in enumerate(lines) if s.startswith("## 五、"))
    return "\n".join(lines[:start] + lines[end:]) + "\n"


def huge_html(year: int, mb: int = HUGE_MB) -> bytes:
    """A ~`mb` MB page as Word/portal exports make them: an inline base64 image (most of the
    bytes), a few MB of hidden navigation markup, then the report itself."""
    rng = random.Random(7)
    nav = (
        '<div class="nav" style="font-family:宋体;color:#333"><span style="mso-spacerun:yes">'
        '&nbsp;</span><a href="/col/index.html" title="栏目">政务公开</a></div>\n'
    )
    markup = '<div style="display:none">' + nav * ((6 << 20) // len(nav.encode())) + "</div>"
    body = md_to_html(shuyang_text(year)).encode("utf-8")
    image_bytes = (mb << 20) - len(markup.encode()) - len(body) - 100
    import base64

    image = (
        '<p><img src="data:image/png;base64,'
        + base64.b64encode(rng.randbytes(image_bytes * 3 // 4)).decode()
        + '"></p>'
    )
    return md_to_html(shuyang_text(year), prefix=markup + image).encode("utf-8")


def big5_report() -> bytes:
    import opencc

    text = opencc.OpenCC("s2t").convert(small_report("示例县人民政府", 2018, 2, 1))
    return text.encode("big5")  # strict: every character of the report exists in Big5


# name -> bytes; the expectations live in test_bad_inputs.py
def corpus_files() -> dict[str, bytes]:
    hongze = HONGZE.read_bytes()
    claim = small_report("示例县人民政府", 2020, 0, 0)
    return {
        "empty.txt": b"",
        "junk.html": b"\x89PNG\r\n\x1a\n<" + random.Random(1).randbytes(5000),
        "truncated.pdf": hongze[: len(hongze) * 2 // 5],
        "encrypted.pdf": pdf_encrypted(),
        "scanned.pdf": pdf_image_only(),
        "bomb.docx": zip_bomb(),
        "not_a_zip.docx": "这不是Word文件，只是改了扩展名。\n".encode() * 30,
        "damaged_zip.docx": b"PK\x03\x04" + random.Random(2).randbytes(3000),
        "gbk_declares_utf8.html": md_to_html(shuyang_text(2022), "utf-8").encode("gbk"),
        "big5_report.txt": big5_report(),
        "utf16_report.txt": small_report("示例县人民政府", 2017, 0, 3).encode("utf-16"),
        "no_table4.md": without_t4(2023).encode("utf-8"),
        "dup_a.txt": small_report("示例县人民政府", 2019, 0, 0).encode("utf-8"),
        "dup_b.txt": small_report("示例县人民政府", 2019, 0, 0).encode("utf-8"),
        "claim_a.txt": claim.encode("utf-8"),
        "claim_b.txt": claim.replace(
            "一是解读形式单一。", "一是解读形式单一，二是更新不及时。"
        ).encode("utf-8"),
        "malformed_numbers.md": malformed_numbers_report(2021).encode("utf-8"),
    }


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="session")
def baseline_db(tmp_path_factory) -> Path:
    """The four real reports, loaded through the pipeline (the 'earlier' load). Copy before use."""
    from tests.conftest import load_in_a_fresh_process

    db = tmp_path_factory.mktemp("baseline") / "g.duckdb"
    summary = load_in_a_fresh_process([REAL / name for name in GOOD], db)
    assert len(summary["loaded"]) == len(GOOD) and not summary["failed"], summary
    return db


def copy_db(src: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    dst = folder / "g.duckdb"
    shutil.copyfile(src, dst)
    return dst


def shuyang_workbook(year: int, formula_label: str | None = None) -> tuple[bytes, str | None]:
    """shuyang as a workbook, every Markdown line a row and pipe tables cell by cell; with
    `formula_label`, that row's second cell a formula (openpyxl stores no result for it), and
    the formula's cell address."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    address = None
    for line in shuyang_text(year).splitlines():
        s = line.strip()
        if re.fullmatch(r"[|\-: ]+", s or "x"):
            continue
        cells = (
            [c.strip() for c in s.strip("|").split("|")] if s.startswith("|") else [s.lstrip("# ")]
        )
        ws.append([int(c) if c.isdigit() else c for c in cells])
        if formula_label and cells[0] == formula_label:
            row = ws.max_row
            ws.cell(row, 2, f"=C{row}+D{row}")
            address = f"B{row}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), address


@pytest.fixture
def small_province_cli_db(tmp_path, monkeypatch) -> Path:
    """The small province in a database file, its store synced, under the office of
    data/office.toml (示范省): what the CLI tests of `findings`, `notices`, `bulletin` run on."""
    from tests.small_province import small_province_file

    monkeypatch.delenv("GONGKAI_OFFICE", raising=False)
    monkeypatch.delenv("GONGKAI_DATA", raising=False)
    return small_province_file(tmp_path / "small.duckdb")


def run_cli(*args):
    """`gongkai ARGS…` through click's runner (every argument as text)."""
    from click.testing import CliRunner

    from gongkai.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args])
