"""Bad inputs and bad moments, second round (issue 14), through the real `gongkai load`.

One folder, built here, next to copies of the four real reports loaded earlier: a file whose
name holds GBK bytes (what unzip makes of a Chinese Windows zip), a name with a newline, a FIFO,
a symlink to /dev/zero, a 1 GB sparse file, a real report with cells that are not plain counts,
a report claiming 2099, an agency name with invisible characters, a real report inside 60 and
800 nested layout tables. Then a second load of worse copies of two real reports (the first 45
lines of shuyang, hongze without its 4th page): stored, flagged, never current.
The expected messages are the ones docs/BAD_INPUTS.md lists.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from etl.fields import t3_key
from tests.conftest import REAL
from tests.etl.test_load import small_report
from tests.reliability.conftest import GOOD, copy_db, gongkai, md_to_html, query, shuyang_text

GBK_NAME = "沭阳县报告.txt".encode("gbk")
NEWLINE_NAME = "evil\n  failed: forged.txt"
# (row, printed natural-person cell) -> the reason parse_cell gives
ODD_CELLS = {
    "granted": ("1e309", "is written in exponent form, not as a count"),
    "partial": ("9" * 400, "has 400 digits, more than any figure in an annual report (12)"),
    "new": ("１２３４５６７８９０１２３４５６７８９０", "has 20 digits, more than any figure"),
    "carried_in": ("12.5件", "is a fraction, but a count is a whole number"),
}
ORIGINAL_NATURAL = {"new": "705", "carried_in": "36", "granted": "290", "partial": "99"}
INVISIBLE = "\u00ad\u200d\u2060"


def odd_numbers_report(year: int) -> str:
    text = shuyang_text(year)
    for row, (cell, _) in ODD_CELLS.items():
        label = {
            "new": "本年新收政府信息公开申请数量",
            "carried_in": "上年结转政府信息公开申请数量",
            "granted": "予以公开",
            "partial": "部分公开 (区分处理的, 只计这一情形, 不计其他情形)",
        }[row]
        old = f"| {label} | {ORIGINAL_NATURAL[row]} |"
        assert old in text, old
        text = text.replace(old, f"| {label} | {cell} |")
    return text


def year_2099_report() -> str:
    """A report whose statistics period (which dates it) says 2099."""
    title, rest = small_report("示例县人民政府", 2099, 0, 0).split("\n", 1)
    return f"{title}\n本报告统计期限自2099年1月1日起至2099年12月31日止。\n{rest}"


def nested(html: str, depth: int) -> str:
    """The page's body inside `depth` layout tables (portal templates nest them)."""
    head, body = html.split("<body>", 1)
    body = body.rsplit("</body>", 1)[0]
    return (
        head
        + "<body>"
        + "<table><tr><td>" * depth
        + body
        + "</td></tr></table>" * depth
        + "</body></html>"
    )


@dataclass
class Run:
    db: Path
    folder: Path
    code: int
    out: str
    err: str

    def report(self, name: str) -> tuple | None:
        rows = query(
            self.db,
            "SELECT report_id, agency_id, year FROM reports WHERE source_path = ?",
            [str(self.folder / name)],
        )
        return rows[0] if rows else None

    def rules(self, report_id: int) -> list[tuple]:
        return query(
            self.db,
            "SELECT rule, cells, message FROM findings WHERE report_id = ? ORDER BY rule, cells",
            [report_id],
        )

    def values(self, report_id: int) -> dict[str, float]:
        return dict(
            query(self.db, "SELECT key, value FROM report_values WHERE report_id = ?", [report_id])
        )


@pytest.fixture(scope="module")
def run(baseline_db, tmp_path_factory) -> Run:
    root = tmp_path_factory.mktemp("round2")
    db = copy_db(baseline_db, root / "db")
    folder = root / "in"
    folder.mkdir()
    for name in GOOD:
        (folder / name).write_bytes((REAL / name).read_bytes())
    with open(os.path.join(os.fsencode(folder), GBK_NAME), "wb") as fh:
        fh.write(small_report("示例县人民政府", 2013, 0, 0).encode("utf-8"))
    (folder / NEWLINE_NAME).write_bytes(b"")
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.html").symlink_to("/dev/zero")
    with open(folder / "sparse.pdf", "wb") as fh:
        fh.truncate(1 << 30)
    (folder / "odd_numbers.md").write_text(odd_numbers_report(2014), encoding="utf-8")
    (folder / "year_2099.txt").write_text(year_2099_report(), encoding="utf-8")
    hidden = INVISIBLE.join("淮安市洪泽区") + "人民政府"
    (folder / "invisible.txt").write_text(small_report(hidden, 2012, 0, 0), encoding="utf-8")
    page = md_to_html(shuyang_text(2011))
    (folder / "nested_60.html").write_text(nested(page, 60), encoding="utf-8")
    (folder / "nested_800.html").write_text(
        nested(md_to_html(shuyang_text(2010)), 800), encoding="utf-8"
    )
    (folder / "flat.html").write_text(md_to_html(shuyang_text(2009)), encoding="utf-8")
    result = gongkai("load", folder, "--db", db, timeout=300)
    return Run(db, folder, result.returncode, result.stdout, result.stderr)


def test_the_batch_completes_and_each_line_is_one_message(run):
    assert run.code == 1, run.err
    assert "Traceback" not in run.out + run.err
    assert run.out.splitlines()[0].endswith("loaded 7, unchanged 4, not a report 0, failed 4"), (
        run.out
    )
    failed = [line for line in run.err.splitlines() if line.strip()]
    assert len(failed) == 4 and all(line.startswith("  failed: ") for line in failed), run.err


def test_a_gbk_file_name_is_loaded_under_its_chinese_name(run):
    report_id, _, year = run.report("沭阳县报告.txt")
    assert year == 2013 and len(run.values(report_id)) > 20


def test_a_newline_in_a_file_name_cannot_forge_an_output_line(run):
    shown = str(run.folder / "evil\\n  failed: forged.txt")
    assert (
        f"  failed: {shown}: the file is empty. download the report again" in run.err.splitlines()
    )
    assert query(run.db, "SELECT code FROM load_errors WHERE path = ?", [shown]) == [("empty",)]


@pytest.mark.parametrize(
    "name,code,problem",
    [
        ("pipe.txt", "not_regular", "is not a regular file (it is a named pipe (FIFO))"),
        ("zero.html", "not_regular", "is not a regular file (it is a character device)"),
        ("sparse.pdf", "too_large", "the file is too large (1024 MB, over the 60 MB limit)"),
    ],
)
def test_special_and_huge_files_are_refused_before_reading(run, name, code, problem):
    path = str(run.folder / name)
    hint = {
        "not_regular": "load the report file itself, not a pipe, device or special file",
        "too_large": "no annual report is this large; check that this is the right file",
    }[code]
    assert f"  failed: {path}: {problem}. {hint}" in run.err.splitlines(), run.err
    assert query(run.db, "SELECT code, problem FROM load_errors WHERE path = ?", [path]) == [
        (code, problem)
    ]


def test_cells_that_are_not_plain_counts_are_findings_and_never_shift_their_row(run):
    report_id = run.report("odd_numbers.md")[0]
    values = run.values(report_id)
    findings = {
        json_cells: message
        for rule, json_cells, message in run.rules(report_id)
        if rule == "number.malformed"
    }
    commercial = {"new": 3, "carried_in": 0, "granted": 1, "partial": 0}
    total = {"new": 713, "carried_in": 36, "granted": 294, "partial": 101}
    for row, (cell, why) in ODD_CELLS.items():
        assert t3_key(row, "natural") not in values  # no value: never a guess, never inf
        message = findings[f'["{t3_key(row, "natural")}"]']
        assert why in message and message.startswith("'" + cell[:40]), message
        assert values[t3_key(row, "commercial")] == commercial[row]  # the row did not shift left
        assert values[t3_key(row, "total")] == total[row]
    assert max(values.values()) < 1e12


def test_a_year_no_report_can_cover_is_a_finding(run):
    report_id = run.report("year_2099.txt")[0]
    [(rule, _, message)] = [f for f in run.rules(report_id) if f[0] == "report.implausible_year"]
    assert "报告自称是 2099 年度报告" in message and "请核对报告标题中的年度" in message


def test_invisible_characters_do_not_split_an_agency(run):
    _, agency_id, year = run.report("invisible.txt")
    assert (agency_id, year) == ("320813-GOV", 2012)
    assert query(
        run.db,
        "SELECT agency_printed FROM reports WHERE source_path = ?",
        [str(run.folder / "invisible.txt")],
    ) == [("淮安市洪泽区人民政府",)]


def test_deeply_nested_tables_are_read_like_the_flat_page(run):
    flat = run.values(run.report("flat.html")[0])
    assert any(k.startswith("t2.") for k in flat) and any(k.startswith("t3.") for k in flat)
    for name in ("nested_60.html", "nested_800.html"):
        got = run.values(run.report(name)[0])
        assert got == flat, name  # 表二 included: nothing dropped at any depth


# ------------------------------------------------------------------ worse copies of good reports


@pytest.fixture(scope="module")
def worse(run, tmp_path_factory) -> tuple[Run, dict]:
    import pypdfium2 as pdfium

    folder = tmp_path_factory.mktemp("worse")
    lines = (REAL / "shuyang_2025.md").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "shuyang_2025.md").write_text("".join(lines[:45]), encoding="utf-8")
    pdf = pdfium.PdfDocument(str(REAL / "hongze_2024.pdf"))
    pdf.del_page(3)  # the page with the rest of 表三 and 表四
    buf = io.BytesIO()
    pdf.save(buf)
    (folder / "hongze_2024.pdf").write_bytes(buf.getvalue())
    before = query(
        run.db, "SELECT agency_id, year, report_id FROM reports WHERE is_current ORDER BY ALL"
    )
    result = gongkai("load", folder, "--db", run.db)
    return Run(run.db, folder, result.returncode, result.stdout, result.stderr), {"current": before}


@pytest.mark.parametrize("name,agency_year", [("shuyang_2025.md", 2025), ("hongze_2024.pdf", 2024)])
def test_a_worse_copy_is_stored_flagged_and_never_current(worse, name, agency_year):
    w, state = worse
    assert w.code == 0 and "Traceback" not in w.out + w.err, w.err
    report_id, agency_id, year = w.report(name)
    assert year == agency_year
    assert query(
        w.db, "SELECT version, is_current FROM reports WHERE report_id = ?", [report_id]
    ) == [(2, False)]
    assert (
        query(w.db, "SELECT agency_id, year, report_id FROM reports WHERE is_current ORDER BY ALL")
        == state["current"]
    )  # every agency-year keeps its current version
    [(_, _, message)] = [f for f in w.rules(report_id) if f[0] == "report.worse_version"]
    assert (
        message.startswith(f"这份 {year} 年度报告不如当前采用的第 1 版完整（")
        and "第 1 版仍为当前版本" in message
    )
    current_id = query(
        w.db,
        "SELECT report_id FROM reports WHERE agency_id = ? AND year = ? AND is_current",
        [agency_id, year],
    )[0][0]
    [(_, _, told)] = [
        f for f in w.rules(current_id) if f[0] == "report.worse_version"
    ]  # shown on pages
    assert (
        told.startswith(f"后来载入的第 2 版（{w.folder / name}）不如本版完整（")
        and "本版仍为当前版本" in told
    )
    note = next(
        line for line in w.out.splitlines() if line.startswith(f"  note: {w.folder / name}: ")
    )
    assert re.search(
        r"less complete than version 1 \(.*\d+ values read, the current version has \d+"
        r"(; new error findings: [^)]*)?\); "
        r"stored as version 2, not current",
        note,
    ), note


def test_an_analyst_choice_switches_the_current_version_and_is_recorded(worse, tmp_path):
    from etl.errors import ReportError
    from etl.version_choice import choose_version

    w, _ = worse
    db = copy_db(w.db, tmp_path)
    _, agency_id, year = query(
        db,
        "SELECT report_id, agency_id, year FROM reports WHERE source_path = ?",
        [str(w.folder / "shuyang_2025.md")],
    )[0]
    with pytest.raises(ReportError, match="needs a reason"):
        choose_version(db, agency_id, year, 2, "  ")
    with pytest.raises(ReportError, match=r"has no version 7 \(versions: 1, 2\)"):
        choose_version(db, agency_id, year, 7, "x")
    assert choose_version(db, agency_id, year, 2, "发布单位确认第二版为正式版本", "analyst") == 1
    assert query(
        db,
        "SELECT version FROM reports WHERE agency_id = ? AND year = ? AND is_current",
        [agency_id, year],
    ) == [(2,)]
    assert query(
        db, "SELECT version, previous_version, reason, chosen_by FROM version_choices"
    ) == [(2, 1, "发布单位确认第二版为正式版本", "analyst")]


def test_a_complete_copy_after_a_truncated_first_load_becomes_current(tmp_path):
    from etl.pipeline import run_load

    lines = (REAL / "shuyang_2025.md").read_text(encoding="utf-8").splitlines(keepends=True)
    first = tmp_path / "a" / "shuyang_2025.md"
    first.parent.mkdir()
    first.write_text("".join(lines[:45]), encoding="utf-8")
    db = tmp_path / "g.duckdb"
    run_load([first], db)
    summary = run_load([REAL / "shuyang_2025.md"], db)
    assert not summary.notes and summary.loaded == [str(REAL / "shuyang_2025.md")]
    assert query(db, "SELECT version, is_current, template FROM reports ORDER BY version") == [
        (1, False, "legacy"),
        (2, True, "std2021"),
    ]
    assert query(db, "SELECT count(*) FROM findings WHERE rule = 'report.worse_version'") == [(0,)]


def test_the_versions_command_lists_and_chooses(worse, tmp_path):
    from click.testing import CliRunner

    from gongkai.commands.versions import versions

    w, _ = worse
    db = copy_db(w.db, tmp_path)
    _, agency_id, year = query(
        db,
        "SELECT report_id, agency_id, year FROM reports WHERE source_path = ?",
        [str(w.folder / "shuyang_2025.md")],
    )[0]
    listed = CliRunner().invoke(versions, [agency_id, str(year), "--db", str(db)])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[1].split()[:2] == ["1", "是"] and lines[2].split()[:2] == [
        "2",
        "否（不如当前版本完整）",
    ]
    refused = CliRunner().invoke(versions, [agency_id, str(year), "--db", str(db), "--use", "2"])
    assert refused.exit_code == 1 and "a version choice needs a reason" in refused.output
    chosen = CliRunner().invoke(
        versions,
        [
            agency_id,
            str(year),
            "--db",
            str(db),
            "--use",
            "2",
            "--reason",
            "发布单位确认",
            "--by",
            "张三",
        ],
    )
    assert chosen.exit_code == 0, chosen.output
    assert (
        chosen.output.splitlines()[0] == f"{agency_id} {year}: version 2 is current now (was 1); "
        "the choice and its reason are recorded"
    )
    assert chosen.output.splitlines()[-1].endswith("张三：改用第 2 版（原第 1 版）——发布单位确认")
