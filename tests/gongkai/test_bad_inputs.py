"""Bad inputs through the real `gongkai load` and `gongkai parse` (subprocesses, as a user runs them).

The corpus is built in tmp_path by conftest.corpus_files() from the real reports; it sits in one
folder together with copies of the four real reports that were loaded earlier (the baseline).
One `gongkai load <folder>` must: finish; give each unusable file its own code and message
(the exact text a user sees, listed in docs/BAD_INPUTS.md); load the odd-but-usable files with
findings; and leave every row of the earlier load as it was.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.peak_rss import measure
from etl.extract.tesseract import tesseract_missing
from etl.parse import parse_file
from tests.conftest import REAL, ROOT
from tests.etl.test_load import small_report
from tests.gongkai.conftest import (
    GOOD,
    HUGE_MB,
    copy_db,
    corpus_files,
    gongkai,
    huge_html,
    query,
)

# slow: the real `gongkai` CLI end to end (subprocesses, whole loads of real reports, or a
# database loaded from them)
pytestmark = pytest.mark.slow

# name -> (code, problem, hint): what `gongkai load` prints and stores for an unusable file.
# A problem given as re.Pattern holds a number/library text that may vary.
FAILED = {
    "empty.txt": ("empty", "the file is empty", "download the report again"),
    "junk.html": (
        "binary",
        "is not an HTML page (binary content)",
        "check that the file is the report page and not an image or archive",
    ),
    "truncated.pdf": (
        "bad_pdf",
        re.compile(r"the PDF is damaged or truncated \(.+\)"),
        "download it again; if it still fails, load the HTML version",
    ),
    "encrypted.pdf": (
        "encrypted",
        "the PDF is encrypted (password protected)",
        "ask the publisher for an unprotected copy or load the HTML page",
    ),
    # a blank scanned page: read by OCR when Tesseract is installed, which finds no text in it
    "scanned.pdf": (
        "no_text",
        "the pages are images and text recognition (OCR) found no text in them",
        "check that the scan is legible, or load the HTML version of the report",
    )
    if tesseract_missing() is None
    else (
        "needs_ocr",
        f"the PDF has no text layer (it looks scanned); it needs text "
        f"recognition (OCR) and {tesseract_missing()}",
        "install it (apt-get install tesseract-ocr tesseract-ocr-chi-sim) or load the "
        "HTML version of the report",
    ),
    "bomb.docx": (
        "zip_bomb",
        re.compile(
            r"unpacks to 20 MB from 2\d KB \(ratio \d{3,}:1\), "
            r"which looks like a zip bomb"
        ),
        "no annual report is this large; do not open this file, get the report from "
        "the publisher again",
    ),
    "not_a_zip.docx": (
        "bad_zip",
        "is named .docx but is not a Word/Excel file (not a zip archive)",
        "download it again or save it anew from Word/Excel",
    ),
    "damaged_zip.docx": (
        "bad_zip",
        "looks like a DOCX/XLSX (zip) but the archive is damaged",
        "download the file again or save it anew from Word/Excel",
    ),
}
# odd but usable: loaded (as a new report) -> year it claims
LOADED = {
    "gbk_declares_utf8.html": 2022,
    "big5_report.txt": 2018,
    "utf16_report.txt": 2017,
    "no_table4.md": 2023,
    "dup_a.txt": 2019,
    "claim_a.txt": 2020,
    "claim_b.txt": 2020,
    "malformed_numbers.md": 2021,
    "huge.html": 2016,
}
UNCHANGED = ("dup_b.txt", *GOOD)


@dataclass
class Run:
    db: Path
    corpus: Path
    result: subprocess.CompletedProcess
    before: dict
    seconds: float

    def path(self, name: str) -> str:
        return str(self.corpus / name)

    def report(self, name: str) -> tuple:
        rows = query(
            self.db,
            "SELECT report_id, agency_id, year, version, is_current, template "
            "FROM reports WHERE source_path = ?",
            [self.path(name)],
        )
        assert len(rows) == 1, (name, rows)
        return rows[0]

    def values(self, report_id: int) -> dict[str, float]:
        return dict(
            query(self.db, "SELECT key, value FROM report_values WHERE report_id = ?", [report_id])
        )

    def findings(self, report_id: int) -> list[tuple]:
        return query(
            self.db,
            "SELECT rule, cells, message FROM findings WHERE report_id = ? ORDER BY ALL",
            [report_id],
        )


def baseline_snapshot(db: Path) -> dict:
    """Every stored row of the earlier load: reports, their values and findings."""
    return {
        "reports": query(db, "SELECT * EXCLUDE (is_current) FROM reports ORDER BY report_id"),
        "current": query(db, "SELECT report_id FROM reports WHERE is_current ORDER BY ALL"),
        "values": query(db, "SELECT * FROM report_values ORDER BY ALL"),
        "findings": query(
            db, "SELECT * FROM findings WHERE rule <> 'crossyear.carry_over' ORDER BY ALL"
        ),
        "sources": query(db, "SELECT * FROM load_sources ORDER BY ALL"),
    }


@pytest.fixture(scope="module")
def run(baseline_db, tmp_path_factory) -> Run:
    root = tmp_path_factory.mktemp("bad-inputs")
    db = copy_db(baseline_db, root / "db")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, data in corpus_files().items():
        (corpus / name).write_bytes(data)
    (corpus / "huge.html").write_bytes(huge_html(2016))
    for name in GOOD:  # the reports loaded earlier, again
        (corpus / name).write_bytes((REAL / name).read_bytes())
    before = baseline_snapshot(db)
    started = time.monotonic()
    result = gongkai("load", corpus, "--db", db)
    return Run(db, corpus, result, before, time.monotonic() - started)


def _problem_matches(expected, problem: str) -> bool:
    return (
        bool(expected.fullmatch(problem))
        if isinstance(expected, re.Pattern)
        else problem == expected
    )


# ------------------------------------------------------------------ the batch as a whole


def test_the_batch_completes_with_exit_1_and_the_summary_lines(run):
    r = run.result
    assert "Traceback" not in r.stdout + r.stderr
    assert r.returncode == 1, r.stderr  # 1: some files failed; the others are loaded anyway
    lines = r.stdout.splitlines()
    assert lines[0] == (
        f"{run.db}: loaded {len(LOADED)}, unchanged {len(UNCHANGED)}, "
        f"not a report 0, failed {len(FAILED)}"
    )
    failed = [s for s in r.stderr.splitlines() if s.startswith("  failed: ")]
    assert len(failed) == len(FAILED) and r.stderr.count("\n") == len(FAILED)
    [(loaded, unchanged, failed_n, finished)] = query(
        run.db,
        "SELECT loaded, unchanged, failed, finished_at IS NOT NULL FROM load_runs "
        "ORDER BY run_id DESC LIMIT 1",
    )
    assert (loaded, unchanged, failed_n, finished) == (
        len(LOADED),
        len(UNCHANGED),
        len(FAILED),
        True,
    )
    assert run.seconds < 60


def test_rows_of_the_earlier_load_are_unchanged(run):
    after = baseline_snapshot(run.db)
    ids = {row[0] for row in run.before["reports"]}
    assert [r for r in after["reports"] if r[0] in ids] == run.before["reports"]
    assert set(run.before["current"]) <= set(
        after["current"]
    )  # nothing in the corpus replaced them
    assert [v for v in after["values"] if v[0] in ids] == run.before["values"]
    assert [f for f in after["findings"] if f[0] in ids] == run.before["findings"]
    assert set(run.before["sources"]) <= set(after["sources"])


@pytest.mark.parametrize("name", UNCHANGED)
def test_files_seen_before_are_unchanged_and_named_in_a_note(run, name):
    assert query(
        run.db, "SELECT count(*) FROM reports WHERE source_path = ?", [run.path(name)]
    ) == [(0,)]
    first = run.path("dup_a.txt") if name == "dup_b.txt" else str(REAL / name)
    assert (
        f"  note: {run.path(name)}: same bytes as {first}; loaded once"
        in run.result.stdout.splitlines()
    )


# ------------------------------------------------------------------ each unusable file


@pytest.mark.parametrize("name", FAILED)
def test_each_bad_file_fails_with_its_own_code_and_message(run, name):
    code, problem, hint = FAILED[name]
    path = run.path(name)
    [(got_code, got_problem, got_hint)] = query(
        run.db, "SELECT code, problem, hint FROM load_errors WHERE path = ?", [path]
    )
    assert got_code == code
    assert _problem_matches(problem, got_problem), got_problem
    assert got_hint == hint
    assert f"  failed: {path}: {got_problem}. {hint}" in run.result.stderr.splitlines()
    assert query(run.db, "SELECT count(*) FROM reports WHERE source_path = ?", [path]) == [(0,)]


@pytest.fixture(scope="module")
def parsed(run) -> dict[str, tuple[int, str, str, float, int]]:
    """`gongkai parse FILE` for every corpus file, run side by side:
    name -> (exit code, stdout, stderr, seconds, peak RSS in KB)."""
    procs = {}
    for name in (*FAILED, *LOADED):
        procs[name] = (
            subprocess.Popen(
                [sys.executable, "-m", "gongkai", "parse", run.path(name)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
            time.monotonic(),
        )
    out = {}
    for name, (proc, started) in procs.items():
        stdout, stderr = proc.communicate(timeout=120)
        out[name] = [proc.returncode, stdout, stderr, time.monotonic() - started, 0]
    return out


@pytest.mark.parametrize("name", FAILED)
def test_parse_of_a_bad_file_exits_2_with_one_line(run, parsed, name):
    code, out, err, _, _ = parsed[name]
    assert code == 2 and out == ""
    assert "Traceback" not in err
    [line] = err.splitlines()
    _, problem, hint = FAILED[name]
    prefix = f"error: {run.path(name)}: "
    assert line.startswith(prefix) and line.endswith(f". {hint}")
    assert _problem_matches(problem, line[len(prefix) : -len(f". {hint}")])


@pytest.mark.parametrize("name", LOADED)
def test_parse_of_an_odd_but_usable_file_succeeds(parsed, name):
    code, out, err, _, _ = parsed[name]
    assert code == 0 and err == "" and "Traceback" not in out, err
    assert f"year={LOADED[name]}" in out.splitlines()[0]


# ------------------------------------------------------------------ odd but usable files


def _shuyang_values(run) -> dict[str, float]:
    [(rid,)] = query(
        run.db,
        "SELECT report_id FROM reports WHERE source_path = ?",
        [str(REAL / "shuyang_2025.md")],
    )
    return run.values(rid)


@pytest.mark.parametrize("name", ["gbk_declares_utf8.html", "huge.html"])
def test_html_copies_of_a_real_report_give_its_figures(run, name):
    rid, agency, year, version, current, template = run.report(name)
    assert (agency, year, version, current, template) == (
        "321322-GOV",
        LOADED[name],
        1,
        True,
        "std2021",
    )
    assert run.values(rid) == _shuyang_values(run)  # GBK under a utf-8 meta is still read right


@pytest.mark.parametrize(
    "name, text",
    [
        ("big5_report.txt", small_report("示例县人民政府", 2018, 2, 1)),
        ("utf16_report.txt", small_report("示例县人民政府", 2017, 0, 3)),
    ],
)
def test_big5_and_utf16_text_read_like_the_utf8_original(run, tmp_path, name, text):
    rid, _, year, _, _, template = run.report(name)
    original = tmp_path / "original.txt"
    original.write_text(text, encoding="utf-8")
    expected = parse_file(original)
    assert (year, template) == (expected.year, expected.template) == (LOADED[name], "std2021")
    assert run.values(rid) == {k: v.value for k, v in expected.values.items()}


def test_a_std_report_without_table_4_is_loaded_with_a_finding(run):
    rid, *_, template = run.report("no_table4.md")
    assert template == "std2021"
    values = run.values(rid)
    assert not any(k.startswith("t4.") for k in values)
    assert {k: v for k, v in _shuyang_values(run).items() if not k.startswith("t4.")} == values
    [(rule, cells, message)] = [f for f in run.findings(rid) if f[0].startswith("t4.")]
    assert rule == "t4.missing" and json.loads(cells) == [] and "表四" in message
    assert query(
        run.db, "SELECT severity FROM findings WHERE report_id = ? AND rule = 't4.missing'", [rid]
    ) == [("error",)]


def test_the_second_of_two_identical_files_is_unchanged(run):
    rid, _, year, version, current, _ = run.report("dup_a.txt")
    assert (year, version, current) == (2019, 1, True)
    assert query(run.db, "SELECT outcome, path FROM load_sources WHERE report_id = ?", [rid]) == [
        ("loaded", run.path("dup_a.txt"))
    ]


def test_two_files_claiming_one_agency_and_year_make_a_new_version_with_a_finding(run):
    a_id, agency, _, a_version, a_current, _ = run.report("claim_a.txt")
    b_id, b_agency, _, b_version, b_current, _ = run.report("claim_b.txt")
    assert agency == b_agency and (a_version, a_current, b_version, b_current) == (
        1,
        False,
        2,
        True,
    )
    claim = [f for f in run.findings(b_id) if f[0] == "report.duplicate_claim"]
    assert claim == [
        (
            "report.duplicate_claim",
            "[]",
            f"同一次载入中有两个不同文件都是示例县人民政府 2020 年度报告：{run.path('claim_a.txt')} 和 "
            f"{run.path('claim_b.txt')}；后者作为新版本载入。请核实哪一份是正式发布的",
        )
    ]
    assert not [f for f in run.findings(a_id) if f[0] == "report.duplicate_claim"]
    assert (
        f"  note: {run.path('claim_b.txt')}: also claims 示例县人民政府 2020, like "
        f"{run.path('claim_a.txt')}; loaded as a new version"
    ) in run.result.stdout.splitlines()


def test_malformed_numbers_are_findings_that_name_the_cell(run):
    rid, *_ = run.report("malformed_numbers.md")
    malformed = [
        (json.loads(c), m) for rule, c, m in run.findings(rid) if rule == "number.malformed"
    ]
    assert sorted(malformed) == sorted(
        [
            (["t3.new.natural"], "'1,2,3' has separators in the wrong places"),
            (["t3.unable.not_held.natural"], "'约20' is an approximate figure"),
            (["t3.rejected.duplicate.natural"], "'二十余' is an approximate figure"),
        ]
    )
    values = run.values(rid)
    for key in ("t3.new.natural", "t3.unable.not_held.natural", "t3.rejected.duplicate.natural"):
        assert key not in values  # never guessed
    assert values["t3.new.total"] == 713  # the rest of the row is still read


# ------------------------------------------------------------------ the 50 MB page


def test_a_50_mb_html_page_parses_in_bounded_time_and_memory(run):
    path = run.corpus / "huge.html"
    assert path.stat().st_size >= (HUGE_MB - 1) << 20
    done = measure([sys.executable, "-m", "gongkai", "parse", str(path)], cwd=ROOT)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.seconds < 30, done.seconds  # ~2 s on 2 cores
    # The page's own peak: bench.peak_rss starts it from a small launcher, as a child of this
    # (large) test worker would otherwise report the worker's memory as its own.
    assert done.peak_kb < 1_200_000, f"peak RSS {done.peak_kb} KB"  # ~0.55 GB measured
