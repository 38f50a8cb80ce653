"""Batched writes and parallel parsing keep the loader's guarantees.

Inputs: small std2021 text reports (tests.etl.test_load.small_report), some made unstorable by
patching the parser (a value without a number violates report_values.value NOT NULL, so the
batch insert fails the way a real database error would).
"""

from __future__ import annotations

import dataclasses

import duckdb
import pytest

import etl.parse
from etl import building_copy, load, pipeline
from etl.pipeline import run_load
from tests.etl.test_load import TABLES, query, small_report, snapshot, write

AGENCIES = ("示例县人民政府", "示例市人民政府", "示例县教育局", "示例市财政局")


def corpus(folder, n: int, year: int = 2023) -> list:
    """n distinct reports (agency x year), each consistent with itself."""
    folder.mkdir(exist_ok=True)
    return [
        write(
            folder,
            f"r{i:03d}.txt",
            small_report(AGENCIES[i % 4], year - i // 4, i % 3, i % 5, new=10 + i),
        )
        for i in range(n)
    ]


def unstorable(monkeypatch, names: set[str]) -> None:
    """Files whose parse yields a value with no number: the database refuses the row."""
    real = etl.parse.parse_file

    def parse(p, data=None):
        report = real(p, data)
        if any(str(p).endswith(n) for n in names):
            key = next(iter(report.values))
            report.values[key] = dataclasses.replace(report.values[key], value=None)
        return report

    monkeypatch.setattr(etl.parse, "parse_file", parse)


def rows(db) -> dict:
    """Every table without the load timestamps (which differ between two loads)."""
    return {
        "reports": query(db, "SELECT * EXCLUDE (loaded_at) FROM reports ORDER BY ALL"),
        "report_values": query(db, "SELECT * FROM report_values ORDER BY ALL"),
        "findings": query(db, "SELECT * FROM findings ORDER BY ALL"),
        "load_sources": query(db, "SELECT * FROM load_sources ORDER BY ALL"),
        "agencies": query(db, "SELECT * FROM agencies ORDER BY ALL"),
        "load_errors": query(db, 'SELECT * EXCLUDE ("at") FROM load_errors ORDER BY ALL'),
    }


def test_a_report_that_cannot_be_stored_fails_alone_and_earlier_rows_stay(tmp_path, monkeypatch):
    db = tmp_path / "g.duckdb"
    first = write(tmp_path, "first.txt", small_report("示例县人民政府", 2023, 2, 5))
    run_load([first], db)
    before = snapshot(db)
    good1 = write(tmp_path, "good1.txt", small_report("示例市人民政府", 2023, 1, 0))
    bad = write(tmp_path, "first.txt", small_report("示例县人民政府", 2023, 2, 9))  # new bytes, v2
    good2 = write(tmp_path, "good2.txt", small_report("示例县教育局", 2023, 0, 0))
    unstorable(monkeypatch, {"first.txt"})
    calls = []
    real_batch = load.load_batch
    monkeypatch.setattr(
        load, "load_batch", lambda *a, **k: calls.append(len(a[1])) or real_batch(*a, **k)
    )

    summary = run_load([good1, bad, good2], db)

    assert calls == [3, 1, 1, 1]  # one batch was tried, then replayed report by report
    assert summary.loaded == [str(good1), str(good2)]
    assert [p for p, _ in summary.failed] == [str(bad)]
    assert "unexpected error while loading the file (ConstraintException" in summary.failed[0][1]
    assert query(db, "SELECT path, code FROM load_errors") == [(str(bad), "internal")]
    after = snapshot(db)
    for t in TABLES:  # nothing already loaded was touched: version 1 is still the current one
        assert set(before[t]) <= set(after[t]), t
    assert query(db, "SELECT source_path, version, is_current FROM reports ORDER BY report_id") == [
        (str(first), 1, True),
        (str(good1), 1, True),
        (str(good2), 1, True),
    ]
    assert query(db, "SELECT loaded, failed FROM load_runs ORDER BY run_id") == [(1, 0), (2, 1)]
    again = run_load([good1, good2], db)  # the replayed reports were recorded as seen
    assert (again.loaded, len(again.unchanged)) == ([], 2)


def test_batched_parallel_load_writes_what_per_report_transactions_write(tmp_path, monkeypatch):
    files = corpus(tmp_path / "in", 48)
    files.append(write(tmp_path / "in", "empty.txt", ""))
    files.append(write(tmp_path / "in", "dup.txt", small_report(AGENCIES[0], 2023, 0, 0, new=11)))
    batched = run_load(files, tmp_path / "batched.duckdb", workers=2)

    real_batch = load.load_batch

    def refuse(con, reports, *batch_only, **k):  # the pipeline's batches pass sources and errors
        if batch_only:
            raise RuntimeError("no batches today")
        return real_batch(con, reports, **k)

    monkeypatch.setattr(load, "load_batch", refuse)  # every batch falls back to load_report
    single = run_load(files, tmp_path / "single.duckdb", workers=1)
    assert dataclasses.asdict(batched) == dataclasses.asdict(single)
    assert len(batched.loaded) == 49 and len(batched.failed) == 1
    assert rows(tmp_path / "batched.duckdb") == rows(tmp_path / "single.duckdb")
    # dup.txt claims r000's (agency, year): version 2 within the same batch, with a finding
    assert query(
        tmp_path / "batched.duckdb",
        "SELECT version, is_current, source_path FROM reports "
        "WHERE agency_id = (SELECT agency_id FROM reports WHERE source_path LIKE '%dup.txt') "
        "AND year = 2023 ORDER BY version",
    ) == [(1, False, str(files[0])), (2, True, str(files[-1]))]


def test_parallel_parse_records_bad_files_and_bugs_per_file(tmp_path, monkeypatch):
    files = corpus(tmp_path / "in", 40)
    empty = write(tmp_path / "in", "empty.txt", "")
    real = etl.parse.parse_file

    def parse(p, data=None):
        if str(p).endswith("r007.txt"):
            raise KeyError("t3.nope")
        return real(p, data)

    monkeypatch.setattr(etl.parse, "parse_file", parse)  # the forked workers inherit the patch
    monkeypatch.setattr(pipeline, "BATCH_REPORTS", 8)  # several batches
    summary = run_load(files + [empty], tmp_path / "g.duckdb", workers=2)
    assert summary.loaded == [str(f) for f in files if not str(f).endswith("r007.txt")]
    assert summary.failed == [
        (
            str(files[7]),
            (
                f"{files[7]}: unexpected error while loading the file (KeyError: "
                "'t3.nope'). this is a bug in gongkai; please report it together with "
                "the file"
            ),
        ),
        (str(empty), f"{empty}: the file is empty. download the report again"),
    ]
    assert query(tmp_path / "g.duckdb", "SELECT code FROM load_errors ORDER BY code") == [
        ("empty",),
        ("internal",),
    ]
    monkeypatch.undo()
    again = run_load(files + [empty], tmp_path / "g.duckdb", workers=2)  # idempotent
    assert (len(again.loaded), len(again.unchanged), len(again.failed)) == (1, 39, 1)
    assert again.loaded == [str(files[7])]  # the bug is gone in this process: now it loads


def test_load_batch_is_all_or_nothing(tmp_path):
    from etl.registry import Agency
    from etl.report import ParsedReport, Value

    def staged(sha, value):
        r = ParsedReport(f"{sha}.txt", sha, "text", "std2021", "示例县人民政府", 2023, "2024-01-10")
        r.add(Value("t3.new.total", value, str(value), {"line": 3}))
        return load.StagedReport(
            r, Agency("X-1", "示例县人民政府", kind="government", confirmed=False)
        )

    db = tmp_path / "g.duckdb"
    with building_copy.building_database(db) as con:
        load.load_batch(con, [staged("s1", 1.0)])
        with pytest.raises(duckdb.Error):  # value NULL: refused after the first rows went in
            load.load_batch(con, [staged("s2", 2.0), staged("s3", None)], [("s4", "n.txt")])
        with pytest.raises(ValueError, match="same bytes"):
            load.load_batch(con, [staged("s5", 2.0), staged("s5", 3.0)])
        got = load.load_batch(con, [staged("s6", 2.0), staged("s7", 3.0), staged("s1", 1.0)])
        # the bytes of version 1 again (a re-parse): rewritten in place, never a copy made current
        assert [(g.version, g.replaced, g.current) for g in got] == [
            (2, False, True),
            (3, False, True),
            (1, True, False),
        ]
        assert con.execute(
            "SELECT sha256, version, is_current FROM reports ORDER BY version"
        ).fetchall() == [("s1", 1, False), ("s6", 2, False), ("s7", 3, True)]
        assert con.execute("SELECT count(*) FROM load_sources").fetchall() == [(3,)]
        [again] = load.load_batch(
            con, [staged("s7", 5.0)]
        )  # same bytes, current: rewritten in place
        assert (again.version, again.replaced) == (3, True)
        assert con.execute(
            "SELECT v.value FROM report_values v JOIN reports r USING (report_id) "
            "WHERE r.is_current"
        ).fetchall() == [(5.0,)]
