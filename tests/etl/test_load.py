"""The loader: real files in, rows out; idempotent reloads, versions, failures that stay local.

Real inputs (../shared):
- seeds 000-004: legacy prose/统计表 reports 2016-2018, one in Traditional characters, and 002,
  which is not a report (an implementation rule) and must be recorded as such;
- real-reports: hongze_2024.pdf (PDF text layer), shanghai_kewei_2024.md (alias 上海市科委,
  identity findings), shuyang_2025.md (OCR name 沐阳县 -> fuzzy match), pingtan_2015.txt (crawler
  text, 管委会 named as 人民政府).
Generated: small std2021 text reports (`small_report`) for versions, duplicates and carry-over.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

import etl.parse
from etl import building_copy, load, load_runs
from etl.fields import T3_ROWS
from etl.parse import parse_file
from etl.pipeline import run_load
from etl.registry import Agency
from etl.report import Finding, ParsedReport, Value
from gongkai.cli import cli
from tests.conftest import REAL, SEEDS, load_truth

TABLES = ("agencies", "reports", "report_values", "findings", "load_sources")
EXPECTED_AGENCY = {  # file -> registry code (data/registry.csv)
    "000_f86b4e0c857e9ae7.txt": "130100-JTJ",
    "001_2d97050b8c74e947.txt": "130283-GOV",
    "003_c5927ea855a2fd8c.txt": "450200-JTJ",
    "004_a0ca8ba4d3202da2.txt": "430000-JTT",
    "hongze_2024.pdf": "320813-GOV",
    "pingtan_2015.txt": "350128-GOV",
    "shanghai_kewei_2024.md": "310000-KW",
    "shuyang_2025.md": "321322-GOV",
}


def small_report(agency: str, year: int, carried_in: int, carried_out: int, new: int = 10) -> str:
    """A minimal std2021 report as plain text: 表三 with consistent rows, 表四 all zero."""
    processed = new + carried_in - carried_out
    totals = {
        "new": new,
        "carried_in": carried_in,
        "granted": processed,
        "processed": processed,
        "carried_out": carried_out,
    }
    lines = [
        f"{agency}{year}年政府信息公开工作年度报告",
        "一、总体情况",
        f"{year}年，本机关持续推进政务公开。",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "申请人情况 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计",
    ]
    for row, label, _ in T3_ROWS:
        t = totals.get(row, 0)
        lines.append(f"{label.split(' ')[-1]} {t} 0 0 0 0 0 {t}")
    lines += [
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议 行政诉讼",
        "结果维持 结果纠正 其他结果 尚未审结 总计",
        " ".join(["0"] * 15),
        "五、存在的主要问题及改进情况",
        "一是解读形式单一。",
        agency,
        f"{year + 1}年1月20日",
    ]
    return "\n".join(lines) + "\n"


def write(folder: Path, name: str, text: str) -> Path:
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


def query(db: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def snapshot(db: Path) -> dict:
    return {t: query(db, f"SELECT * FROM {t} ORDER BY ALL") for t in TABLES}


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("shared") / "g.duckdb"
    return db, run_load([SEEDS, REAL], db)


class TestRealFiles:
    @pytest.mark.slow  # loads whole folders of real reports
    def test_every_shared_report_is_loaded_under_its_registry_agency(self, shared_db):
        db, summary = shared_db
        assert summary.failed == []
        assert len(summary.loaded) == 8
        rows = query(db, "SELECT source_path, agency_id, version, is_current FROM reports")
        got = {Path(p).name: (a, v, c) for p, a, v, c in rows}
        assert got == {name: (code, 1, True) for name, code in EXPECTED_AGENCY.items()}

    def test_years_and_templates_match_the_truth_files(self, shared_db):
        db, _ = shared_db
        for path, year, template in query(db, "SELECT source_path, year, template FROM reports"):
            truth = load_truth(
                Path(path + ".truth.json")
                if Path(path + ".truth.json").exists()
                else Path(path).with_suffix(".truth.json")
            )
            assert (year, template) == (truth["year"], truth["template"]), path

    def test_stored_values_are_exactly_what_the_parser_read(self, shared_db):
        db, _ = shared_db
        path = REAL / "hongze_2024.pdf"
        parsed = parse_file(path)
        rows = query(
            db,
            "SELECT key, value, raw, blank, source, location FROM current_values "
            "WHERE agency_id = '320813-GOV'",
        )
        assert {
            k: (v, raw, blank, src, json.loads(loc)) for k, v, raw, blank, src, loc in rows
        } == {k: (v.value, v.raw, v.blank, v.source, v.loc) for k, v in parsed.values.items()}

    def test_not_a_report_is_recorded_with_its_reason_and_no_values(self, shared_db):
        db, summary = shared_db
        [(path, reason)] = summary.not_reports
        assert Path(path).name.startswith("002_") and "实施细则" in reason
        assert query(db, "SELECT outcome, report_id FROM load_sources WHERE path = ?", [path]) == [
            ("not_a_report", None)
        ]
        assert query(db, "SELECT count(*) FROM reports WHERE agency_id = '350500-JTJ'") == [(0,)]

    def test_resolution_and_timing_findings_are_stored(self, shared_db):
        db, _ = shared_db
        rules = query(
            db,
            "SELECT r.agency_id, f.rule, f.cells FROM findings f "
            "JOIN reports r USING (report_id) WHERE f.rule LIKE 'agency.%' "
            "OR f.rule LIKE '%before_year_end' ORDER BY ALL",
        )
        # seed 003 is signed and published inside 2018: two dates agree, the report's scope error
        assert rules == [
            ("321322-GOV", "agency.fuzzy_match", "[]"),
            ("450200-JTJ", "report.dated_before_year_end", "[]"),
        ]

    def test_deadline_and_days_late_are_on_the_report_row(self, shared_db):
        db, _ = shared_db
        rows = dict(
            ((a, y), (str(p), str(d), late))
            for a, y, p, d, late in query(
                db, "SELECT agency_id, year, published, deadline, days_late FROM reports"
            )
        )
        assert rows[("430000-JTT", 2017)] == ("2018-03-26", "2018-03-31", -5)
        assert rows[("310000-KW", 2024)][1] == "2025-01-31"  # a department since 2019
        assert rows[("320813-GOV", 2024)][1] == "2025-03-31"  # a government


@pytest.mark.slow  # loads whole folders of real reports
def test_reload_same_files_is_a_noop(tmp_path):
    db = tmp_path / "g.duckdb"
    run_load([SEEDS, REAL], db)
    before = snapshot(db)
    summary = run_load([SEEDS, REAL], db)
    assert (len(summary.loaded), len(summary.unchanged), summary.failed) == (0, 9, [])
    assert snapshot(db) == before
    assert query(db, "SELECT loaded, unchanged FROM load_runs ORDER BY run_id") == [(8, 0), (0, 9)]


def test_changed_file_makes_version_2_and_keeps_version_1(tmp_path):
    db, src = tmp_path / "g.duckdb", tmp_path / "in"
    src.mkdir()
    report = write(src, "r.txt", small_report("示例县人民政府", 2023, 2, 5))
    run_load([report], db)
    report.write_text(small_report("示例县人民政府", 2023, 2, 4), encoding="utf-8")
    summary = run_load([report], db)
    assert summary.loaded == [str(report)]
    rows = query(
        db,
        "SELECT r.version, r.is_current, v.value FROM reports r JOIN report_values v "
        "USING (report_id) WHERE v.key = 't3.carried_out.total' ORDER BY version",
    )
    assert rows == [(1, False, 5.0), (2, True, 4.0)]
    assert query(db, "SELECT count(*) FROM current_reports") == [(1,)]


def test_new_parser_version_rewrites_the_same_version_in_place(tmp_path):
    db = tmp_path / "g.duckdb"
    run_load([REAL / "shuyang_2025.md"], db)
    before = snapshot(db)
    summary = run_load([REAL / "shuyang_2025.md"], db, parser_version="test-next")
    assert len(summary.loaded) == 1
    assert query(db, "SELECT report_id, version, is_current, parser_version FROM reports") == [
        (1, 1, True, "test-next")
    ]
    assert snapshot(db)["report_values"] == before["report_values"]


def test_identical_bytes_under_two_names_load_once(tmp_path):
    db = tmp_path / "g.duckdb"
    a = write(tmp_path, "a.txt", small_report("示例县人民政府", 2023, 2, 5))
    b = tmp_path / "b.txt"
    shutil.copyfile(a, b)
    summary = run_load([a, b], db)
    assert (summary.loaded, summary.unchanged) == ([str(a)], [str(b)])
    assert summary.notes == [(str(b), f"same bytes as {a}; loaded once")]
    assert query(db, "SELECT count(*) FROM reports") == [(1,)]


def test_two_files_claiming_one_report_make_a_version_with_a_finding(tmp_path):
    db = tmp_path / "g.duckdb"
    a = write(tmp_path, "a.txt", small_report("示例县人民政府", 2023, 2, 5))
    b = write(tmp_path, "b.txt", small_report("示例县人民政府", 2023, 2, 6))
    run_load([a, b], db)
    rows = query(
        db,
        "SELECT r.version, r.is_current, f.message FROM reports r LEFT JOIN findings f "
        "ON f.report_id = r.report_id AND f.rule = 'report.duplicate_claim' ORDER BY 1",
    )
    assert [(v, c) for v, c, _ in rows] == [(1, False), (2, True)]
    assert rows[0][2] is None and str(a) in rows[1][2] and str(b) in rows[1][2]


class TestBadFiles:
    def test_bad_files_are_reported_and_the_batch_continues(self, tmp_path):
        db = tmp_path / "g.duckdb"
        empty = write(tmp_path, "empty.txt", "")
        old = tmp_path / "old.doc"
        old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
        good = write(tmp_path, "good.txt", small_report("示例县人民政府", 2023, 2, 5))
        missing = tmp_path / "missing.pdf"
        summary = run_load([empty, old, missing, good], db)
        assert summary.loaded == [str(good)]
        assert summary.failed == [
            (str(empty), f"{empty}: the file is empty. download the report again"),
            (
                str(old),
                f"{old}: is an old binary office file (.doc/.xls) holding neither a Word "
                "document nor a workbook; it is damaged or not a report. open it in "
                "Word/WPS/Excel and save it as .docx/.xlsx, or load the PDF",
            ),
            (
                str(missing),
                f"{missing}: no such file or folder. check the path (and quote names with spaces)",
            ),
        ]
        assert query(db, "SELECT path, code FROM load_errors ORDER BY path") == sorted(
            [(str(empty), "empty"), (str(missing), "not_found"), (str(old), "old_office")]
        )

    @pytest.mark.parametrize(
        "change, message",
        [
            (
                {"agency": None},
                "the report does not say which agency published it. the title or the "
                "signature should name the agency; load the copy published on the "
                "agency's website",
            ),
            (
                {"year": None},
                "the report does not say which year it covers. the title should name the "
                "year (e.g. 2023年度); check that this is an annual report",
            ),
            (
                {"values": {}},
                "no figures were found in 表二/表三/表四. the tables may be images or "
                "split beyond recognition; load another copy of the report (a PDF with a "
                "text layer, the HTML page or DOCX)",
            ),
        ],
    )
    def test_unusable_parse_is_a_failure_with_a_message(
        self, tmp_path, monkeypatch, change, message
    ):
        db = tmp_path / "g.duckdb"
        path = write(tmp_path, "r.txt", small_report("示例县人民政府", 2023, 2, 5))
        real = etl.parse.parse_file

        def parse(p, data=None):
            report = real(p, data)
            for k, v in change.items():
                setattr(report, k, v)
            return report

        monkeypatch.setattr(etl.parse, "parse_file", parse)
        summary = run_load([path], db)
        assert summary.failed == [(str(path), f"{path}: {message}")]
        assert query(db, "SELECT count(*) FROM reports") == [(0,)]

    def test_unexpected_exception_is_recorded_as_internal(self, tmp_path, monkeypatch):
        db = tmp_path / "g.duckdb"
        boom = write(tmp_path, "boom.txt", small_report("示例县人民政府", 2022, 2, 5))
        good = write(tmp_path, "good.txt", small_report("示例县人民政府", 2023, 5, 1))
        real = etl.parse.parse_file

        def parse(p, data=None):
            if str(p).endswith("boom.txt"):
                raise KeyError("t3.nope")
            return real(p, data)

        monkeypatch.setattr(etl.parse, "parse_file", parse)
        summary = run_load([boom, good], db)
        assert summary.loaded == [str(good)]
        assert summary.failed == [
            (
                str(boom),
                f"{boom}: unexpected error while loading the file "
                "(KeyError: 't3.nope'). this is a bug in gongkai; please "
                "report it together with the file",
            )
        ]
        assert query(db, "SELECT code FROM load_errors") == [("internal",)]

    def test_failing_file_leaves_previous_load_intact(self, tmp_path, monkeypatch):
        db = tmp_path / "g.duckdb"
        path = write(tmp_path, "r.txt", small_report("示例县人民政府", 2023, 2, 5))
        run_load([path], db)
        before = snapshot(db)
        path.write_text(small_report("示例县人民政府", 2023, 2, 9), encoding="utf-8")
        real = etl.parse.parse_file

        def parse(p, data=None):  # the changed file yields no figures: fail closed
            report = real(p, data)
            report.values = {}
            return report

        monkeypatch.setattr(etl.parse, "parse_file", parse)
        summary = run_load([path], db)
        assert len(summary.failed) == 1
        after = snapshot(db)
        assert {t: after[t] for t in TABLES} == before

    def test_cli_lists_failures_and_exits_1(self, tmp_path):
        db = tmp_path / "g.duckdb"
        empty = write(tmp_path, "empty.txt", "")
        good = write(tmp_path, "good.txt", small_report("示例县人民政府", 2023, 2, 5))
        result = CliRunner().invoke(cli, ["load", str(empty), str(good), "--db", str(db)])
        assert result.exit_code == 1
        assert f"{db}: loaded 1, unchanged 0, not a report 0, failed 1" in result.output
        assert f"failed: {empty}: the file is empty. download the report again" in result.output
        again = CliRunner().invoke(cli, ["load", str(good), "--db", str(db)])
        assert again.exit_code == 0 and "loaded 0, unchanged 1" in again.output


class TestLoadReport:
    """load_report on ParsedReport objects built directly: one transaction per report."""

    def report(self, value, sha="s1") -> ParsedReport:
        r = ParsedReport("x.txt", sha, "text", "std2021", "示例县人民政府", 2023, "2024-01-10")
        r.add(Value("t3.new.total", value, str(value), {"line": 3}))
        r.findings.append(Finding("t3.row_total", ("t3.new.total",), 1.0, 2.0, "m"))
        return r

    def test_a_failing_report_rolls_back_completely(self, tmp_path):
        db, agency = tmp_path / "g.duckdb", Agency("X-1", "示例县人民政府", kind="government")
        with building_copy.building_database(db) as con:
            load_runs.sync_registry(con, type("R", (), {"agencies": (agency,)})())
            load.load_report(con, self.report(3.0), agency)
            with pytest.raises((duckdb.Error, TypeError)):  # no value: fails after the insert
                load.load_report(con, self.report(None, sha="s2"), agency)
            rows = con.execute("SELECT version, is_current, sha256 FROM reports").fetchall()
            assert rows == [(1, True, "s1")]
            assert con.execute("SELECT count(*) FROM findings").fetchall() == [(1,)]
            assert con.execute("SELECT cells FROM findings").fetchall() == [('["t3.new.total"]',)]

    def test_exception_in_the_build_discards_the_copy(self, tmp_path):
        db = tmp_path / "g.duckdb"
        with building_copy.building_database(db) as con:
            load_runs.start_run(con)
        before = db.read_bytes()
        with pytest.raises(RuntimeError), building_copy.building_database(db) as con:
            load_runs.start_run(con)
            raise RuntimeError("stop")
        assert db.read_bytes() == before
        assert not (tmp_path / "g.duckdb.building").exists()

    def test_a_second_writer_is_refused(self, tmp_path):
        db = tmp_path / "g.duckdb"
        from etl.errors import ReportError

        with building_copy.building_database(db):
            with pytest.raises(ReportError, match="another load is writing"):
                with building_copy.building_database(db):
                    pass


class TestCrossYear:
    def test_carry_over_disagreement_is_a_finding_on_the_later_report(self, tmp_path):
        db = tmp_path / "g.duckdb"
        y22 = write(tmp_path, "y22.txt", small_report("示例县人民政府", 2022, 1, 4))
        y23 = write(tmp_path, "y23.txt", small_report("示例县人民政府", 2023, 3, 0))
        summary = run_load([y22, y23], db)
        assert summary.carry_over_findings == 1
        rows = query(
            db,
            "SELECT r.year, f.expected, f.actual, f.cells, f.message FROM findings f "
            "JOIN reports r USING (report_id) WHERE f.rule = 'crossyear.carry_over'",
        )
        assert len(rows) == 1
        year, expected, actual, cells, message = rows[0]
        assert (year, expected, actual) == (2023, 4.0, 3.0)
        assert json.loads(cells) == ["t3.carried_in.total", "t3.carried_out.total"]
        assert "差 -1" in message and str(y22) not in message  # no server path on a page
        run_load([y22, y23], db)  # a re-run does not duplicate it
        assert query(db, "SELECT count(*) FROM findings WHERE rule = 'crossyear.carry_over'") == [
            (1,)
        ]

    def test_the_difference_is_signed_as_every_other_finding_signs_it(self):
        from etl.validate.cross_year import carry_over_finding

        assert "（差 +9；" in carry_over_finding(2024, 13, 4, "y23.txt").message  # was 「差 9」
        assert "（差 -3；" in carry_over_finding(2024, 1, 4, "y23.txt").message
        assert carry_over_finding(2024, 1, 4, "/srv/y23.txt").message.endswith(
            "（差 -3；对照 2023 年报）"
        )

    def test_corrected_report_clears_the_finding(self, tmp_path):
        db = tmp_path / "g.duckdb"
        y22 = write(tmp_path, "y22.txt", small_report("示例县人民政府", 2022, 1, 4))
        y23 = write(tmp_path, "y23.txt", small_report("示例县人民政府", 2023, 3, 0))
        run_load([y22, y23], db)
        y23.write_text(small_report("示例县人民政府", 2023, 4, 0), encoding="utf-8")
        assert run_load([y23], db).carry_over_findings == 0
        assert query(db, "SELECT count(*) FROM findings WHERE rule = 'crossyear.carry_over'") == [
            (0,)
        ]

    def test_agreeing_years_have_no_finding(self, tmp_path):
        db = tmp_path / "g.duckdb"
        y22 = write(tmp_path, "y22.txt", small_report("示例县人民政府", 2022, 1, 4))
        y23 = write(tmp_path, "y23.txt", small_report("示例县人民政府", 2023, 4, 0))
        assert run_load([y22, y23], db).carry_over_findings == 0


class TestDiscover:
    def test_folders_skip_hidden_and_side_files(self, tmp_path):
        from etl.discover import discover_sources

        for name in (
            "a.txt",
            "b/c.pdf",
            ".hidden.txt",
            "x.truth.json",
            "m.json",
            "r.csv",
            "s.toml",
            "g.duckdb",
            "g.duckdb.building",
            "g.workflow.sqlite",
            "g.workflow.sqlite-wal",
            "g.workflow.sqlite-shm",
            "README.md",
            ".git/config",
        ):
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text("x")
        got = [
            Path(s.origin).relative_to(tmp_path).as_posix() for s in discover_sources([tmp_path])
        ]
        assert got == ["a.txt", "b/c.pdf"]
        explicit = discover_sources([tmp_path / "m.json"])  # named explicitly: taken
        assert [s.path for s in explicit] == [tmp_path / "m.json"]

    def test_manifest_lists_paths_relative_to_itself(self, tmp_path):
        report = write(tmp_path, "r.txt", small_report("示例县人民政府", 2023, 2, 5))
        manifest = write(tmp_path, "list.txt", "# reports to load\n\nr.txt\nmissing.txt\n")
        db = tmp_path / "g.duckdb"
        summary = run_load([], db, manifest=manifest)
        assert summary.loaded == [str(report)]
        assert summary.failed == [
            (
                str(tmp_path / "missing.txt"),
                f"{tmp_path / 'missing.txt'}: "
                "no such file or folder. check the path (and quote names with "
                "spaces)",
            )
        ]

    def test_urls_are_downloaded_with_a_size_cap(self, tmp_path):
        import functools
        import http.server
        import threading

        from etl.discover import discover_sources

        site = tmp_path / "site"
        site.mkdir()
        write(site, "r.txt", small_report("示例县人民政府", 2023, 2, 5))
        (site / "big.pdf").write_bytes(b"%PDF-" + b"0" * 5000)
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
        handler.log_message = lambda *a: None
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            db = tmp_path / "g.duckdb"
            summary = run_load([f"{base}/r.txt", f"{base}/nope.txt"], db)
            assert summary.loaded == [f"{base}/r.txt"]
            assert summary.failed == [
                (
                    f"{base}/nope.txt",
                    f"{base}/nope.txt: download failed: "
                    "HTTP 404 File not found. check that the URL opens in a "
                    "browser",
                )
            ]
            assert query(db, "SELECT source_path FROM reports") == [(f"{base}/r.txt",)]
            [big] = discover_sources(
                [f"{base}/big.pdf"], download_dir=tmp_path / "dl", max_bytes=1000
            )
            assert big.path is None and big.error.code == "too_large"
        finally:
            server.shutdown()
            server.server_close()


class TestCommands:
    @pytest.mark.parametrize("name", ["load", "build", "serve"])
    def test_help_ends_with_an_example(self, name):
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output

    @pytest.mark.slow  # loads whole folders of real reports
    def test_build_loads_the_data_folder(self, tmp_path):
        data = tmp_path / "data"
        (data / "demo").mkdir(parents=True)  # a demo file present: nothing is generated
        write(data / "demo", "d.txt", small_report("示例县人民政府", 2023, 2, 5))
        shutil.copytree(SEEDS, data / "seeds")
        db = tmp_path / "g.duckdb"
        result = CliRunner().invoke(cli, ["build", "--data", str(data), "--db", str(db)])
        assert result.exit_code == 0, result.output
        assert f"{db}: loaded 5, unchanged 0, not a report 1, failed 0" in result.output

    def test_serve_without_a_database_says_what_to_do(self, tmp_path):
        result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.duckdb")])
        assert result.exit_code == 1
        assert "no database here. Run `gongkai build` first" in result.output

    def test_load_without_inputs_is_a_usage_error(self):
        result = CliRunner().invoke(cli, ["load"])
        assert result.exit_code == 2 and "give at least one PATH" in result.output


def test_settings_from_env():
    from etl.settings import Settings

    s = Settings.from_env({"GONGKAI_DB": "/x/g.duckdb", "GONGKAI_DATA": "/d"}, db_path=None)
    assert (s.db_path, s.data_dir) == (Path("/x/g.duckdb"), Path("/d"))
    assert Settings.from_env({"GONGKAI_DB": "/x/g.duckdb"}, db_path="o.duckdb").db_path == Path(
        "o.duckdb"
    )
    assert Settings.from_env({}).registry_path.name == "registry.csv"
