"""Issue 26: the store's table of tracked findings was called `findings`, like the report
database's table of what the checks raised; it is `tracked_findings` now. A store written before
(built here from the DDL text of that time) keeps its rows, states and events: renamed on open in
one transaction when it may be written, read under its old name when it may only be read, and
never taken for a damaged store."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from gongkai.cli import cli
from tests.conftest import ROOT
from workflow.findings import history, list_findings, move
from workflow.overlay import overlay_tables
from workflow.states import CONFIRMED, DISMISSED, NOTIFIED, PENDING, RECTIFIED
from workflow.store import DDL, StoreReadOnly, opened, revision, store_path, writing
from workflow.store_check import what_is_wrong
from workflow.store_names import rename_old_tables, table_names

# workflow/store.py's DDL before issue 26, as stores on disk hold it
OLD_DDL = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS findings (
    fkey TEXT PRIMARY KEY,            -- agency_id|year|rule|cells (stable across reloads)
    agency_id TEXT NOT NULL,
    agency_name TEXT,
    peer_group TEXT,
    region TEXT,
    year INTEGER NOT NULL,
    rule TEXT NOT NULL,
    cells TEXT NOT NULL,              -- JSON list of keys, sorted
    cells_raw TEXT,                   -- the cells as the report database stores them (for 误报 in scores)
    severity TEXT,
    place TEXT,                       -- where in the report (etl.rules place code: T3, S5, DOC…)
    message TEXT,
    evidence TEXT,                    -- JSON list of {label, printed, where}
    state TEXT NOT NULL,
    present INTEGER NOT NULL,         -- 1: raised by the latest load
    repeated INTEGER NOT NULL DEFAULT 0,   -- still raised by a later version of the report
    needs_review INTEGER NOT NULL DEFAULT 0,  -- moved to 已整改 by the re-check: 待复核
    report_sha TEXT,                  -- the report version it was last seen in
    versions_seen INTEGER NOT NULL DEFAULT 1,
    deadline TEXT,                    -- rectification deadline from the last notice
    first_seen TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_agency ON findings (year, agency_id);
CREATE TABLE IF NOT EXISTS finding_events (
    id INTEGER PRIMARY KEY,
    fkey TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS finding_events_key ON finding_events (fkey);
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY,
    agency_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    key TEXT NOT NULL,
    value REAL NOT NULL,              -- the value to use instead of the parsed one
    printed REAL,                     -- the parsed value it replaces (NULL: the report had none)
    printed_raw TEXT,                 -- the cell as printed
    report_sha TEXT,
    reason TEXT NOT NULL,
    evidence TEXT NOT NULL,
    status TEXT NOT NULL,             -- applied | flagged | undone
    new_printed REAL,                 -- flagged: what the new version prints
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS corrections_live ON corrections (agency_id, year, key)
    WHERE status != 'undone';
CREATE TABLE IF NOT EXISTS correction_events (
    id INTEGER PRIMARY KEY,
    correction_id INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS notices (
    id INTEGER PRIMARY KEY,
    agency_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    deadline TEXT NOT NULL,
    items INTEGER NOT NULL,
    files TEXT NOT NULL
);
"""
NOTIFIED_KEY = "310000-KW|2024|t3.balance|t3.carried_out.natural"
DISMISSED_KEY = "310000-KW|2024|t3.row_total|t3.carried_out.natural,t3.carried_out.total"
EVIDENCE = [{"label": "结转下年度·自然人", "printed": "2", "where": "原文第 178 行"}]
# (fkey, state, present, repeated, versions_seen, deadline, cells_raw) as the old store holds them
ROWS = [
    (NOTIFIED_KEY, NOTIFIED, 1, 1, 2, "2025-03-31", '["t3.carried_out.natural"]'),
    (DISMISSED_KEY, DISMISSED, 0, 0, 1, None, '["t3.carried_out.natural","t3.carried_out.total"]'),
]
EVENTS = [
    (NOTIFIED_KEY, "2025-01-05T09:00:00", "analyst", PENDING, CONFIRMED, "核对原文属实"),
    (NOTIFIED_KEY, "2025-01-10T10:00:00", "系统", CONFIRMED, NOTIFIED, "已发整改通知"),
    (DISMISSED_KEY, "2025-01-06T11:00:00", "analyst", PENDING, DISMISSED, "模板合并单元格"),
]


def _old_store(path: Path) -> Path:
    con = sqlite3.connect(str(path))
    con.executescript(OLD_DDL)
    for fkey, state, present, repeated, seen, deadline, cells_raw in ROWS:
        rule = fkey.split("|")[2]
        con.execute(
            "INSERT INTO findings (fkey, agency_id, agency_name, year, rule, cells, cells_raw, "
            "severity, place, message, evidence, state, present, repeated, versions_seen, "
            "deadline, first_seen, updated_at) VALUES (?, '310000-KW', '上海市科学技术委员会', "
            "2024, ?, ?, ?, 'error', 'T3', '表三不平衡', ?, ?, ?, ?, ?, ?, '2025-01-02', "
            "'2025-01-10')",
            [fkey, rule, cells_raw, cells_raw, json.dumps(EVIDENCE, ensure_ascii=False), state]
            + [present, repeated, seen, deadline],
        )
    con.executemany(
        "INSERT INTO finding_events (fkey, at, actor, from_state, to_state, reason) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        EVENTS,
    )
    con.execute("INSERT INTO meta VALUES ('revision', '7')")
    con.commit()
    con.close()
    return path


def _kept(con) -> list[tuple]:
    return [
        (f["fkey"], f["state"], f["present"], f["repeated"], f["versions_seen"], f["deadline"])
        for f in sorted(list_findings(con), key=lambda f: f["fkey"])
    ]


def _schema(path: Path) -> tuple[set[str], set[str]]:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        indexes = con.execute("SELECT name FROM sqlite_master WHERE type = 'index'").fetchall()
        return table_names(con), {name for (name,) in indexes}
    finally:
        con.close()


EXPECTED = sorted(row[:5] + (row[5],) for row in ROWS)


def test_an_old_store_is_renamed_on_open_and_keeps_its_rows_states_and_events(tmp_path):
    path = _old_store(tmp_path / "gongkai.workflow.sqlite")
    assert what_is_wrong(path, DDL) is None  # migratable, not damaged
    with opened(path) as con:
        assert _kept(con) == EXPECTED
        assert [e["reason"] for e in history(con, NOTIFIED_KEY)] == ["核对原文属实", "已发整改通知"]
        assert [e["to_state"] for e in history(con, DISMISSED_KEY)] == [DISMISSED]
    tables, indexes = _schema(path)
    assert "tracked_findings" in tables and "findings" not in tables
    assert "tracked_findings_agency" in indexes and "findings_agency" not in indexes
    assert revision(path) == 7  # a rename is no change of the records
    with opened(path) as con:  # opened again: nothing left to rename, and it is written as usual
        move(con, NOTIFIED_KEY, RECTIFIED, "analyst", "已按通知更正")
        assert {f["fkey"]: f["state"] for f in list_findings(con)}[NOTIFIED_KEY] == RECTIFIED
        assert len(history(con, NOTIFIED_KEY)) == 3
    assert revision(path) == 8
    fixes, dismissed, *_ = overlay_tables(path)
    assert fixes.num_rows == 0
    assert dismissed.to_pylist() == [
        {"agency_id": "310000-KW", "year": 2024, "rule": "t3.row_total", "cells": ROWS[1][6]}
    ]


def test_the_rename_is_undone_whole_when_any_step_fails(tmp_path):
    path = _old_store(tmp_path / "gongkai.workflow.sqlite")
    con = sqlite3.connect(str(path), isolation_level=None)
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        rename_old_tables(con, "CREATE INDEX broken ON nowhere (x)")
    assert "findings" in table_names(con) and "tracked_findings" not in table_names(con)
    con.close()
    assert "findings_agency" in _schema(path)[1]


def test_a_read_only_old_store_is_read_under_its_old_name(tmp_path):
    path = _old_store(tmp_path / "gongkai.workflow.sqlite")
    path.chmod(0o444)
    before = path.read_bytes()
    try:
        with opened(path) as con:
            assert con.read_only
            assert _kept(con) == EXPECTED
            assert len(history(con, NOTIFIED_KEY)) == 2
            with pytest.raises(StoreReadOnly, match="只读"):
                with writing(con):
                    pass
        _, dismissed, *_ = overlay_tables(path)
        assert dismissed.column("rule").to_pylist() == ["t3.row_total"]
        assert path.read_bytes() == before
        assert "findings" in _schema(path)[0] and "tracked_findings" not in _schema(path)[0]
    finally:
        path.chmod(0o644)


def _damaged_old_store(path: Path, statement: str) -> Path:
    _old_store(path)
    con = sqlite3.connect(str(path))
    con.execute(statement)
    con.commit()
    con.close()
    return path


@pytest.mark.parametrize(
    ("statement", "what"),
    [
        ("ALTER TABLE findings RENAME COLUMN state TO status", "表 findings 缺少列 state"),
        ("DROP TABLE finding_events", "缺少表 finding_events"),
        ("DROP TABLE findings", "缺少表 tracked_findings"),
    ],
)
def test_an_old_store_with_a_table_or_column_missing_is_still_damaged(tmp_path, statement, what):
    path = _damaged_old_store(tmp_path / "gongkai.workflow.sqlite", statement)
    assert what_is_wrong(path, DDL) == what


def _back_to_the_old_names(db: Path) -> Path:
    """The store `gongkai load` wrote, as a gongkai from before issue 26 would have left it (its
    table and index under the old names), everything in the main file as a backup holds it."""
    path = store_path(db)
    con = sqlite3.connect(str(path))
    con.execute("ALTER TABLE tracked_findings RENAME TO findings")
    con.execute("DROP INDEX tracked_findings_agency")
    con.execute("CREATE INDEX findings_agency ON findings (year, agency_id)")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    return path


def _cli(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.slow  # `gongkai load` of a real report first
def test_a_read_only_old_store_serves_the_commands_and_the_page(loaded, tmp_path, monkeypatch):
    _, db = loaded
    with opened(store_path(db)) as con:
        for f in list_findings(con, year=2024):
            move(con, f["fkey"], CONFIRMED, "analyst", "属实")
    path = _back_to_the_old_names(db)
    path.chmod(0o444)
    before = path.read_bytes()
    try:
        listed = _cli("findings", "list", "--year", 2024, "--db", db)
        assert listed.exit_code == 0 and listed.output.count("已确认") == 3, listed.output
        draft = _cli("notices", "--year", 2024, "--db", db, "--out", tmp_path / "d", "--draft")
        assert draft.exit_code == 0 and len(list((tmp_path / "d").glob("*.docx"))) == 1
        bulletin = _cli("bulletin", "--year", 2024, "--db", db, "--out", tmp_path / "b.docx")
        assert bulletin.exit_code == 0 and (tmp_path / "b.docx").is_file(), bulletin.output
        at = _rectification_page(db, monkeypatch)
        assert not at.exception and not at.error, [e.value for e in at.error]
        assert {m.label: m.value for m in at.metric}["已确认 / 已通知"] == "3"
        assert path.read_bytes() == before  # read, never renamed
    finally:
        path.chmod(0o644)


@pytest.mark.slow  # `gongkai load` of a real report first
def test_an_old_store_is_renamed_by_the_first_command_and_keeps_its_states(loaded):
    _, db = loaded
    with opened(store_path(db)) as con:
        fkey = list_findings(con, year=2024)[0]["fkey"]
        move(con, fkey, DISMISSED, "analyst", "模板合并单元格")
    path = _back_to_the_old_names(db)
    listed = _cli("findings", "list", "--year", 2024, "--db", db)
    assert listed.exit_code == 0 and listed.output.count("误报") == 1, listed.output
    assert listed.output.count("待核实") == 2
    assert "tracked_findings" in _schema(path)[0] and "findings" not in _schema(path)[0]
    with opened(path) as con:
        assert [e["reason"] for e in history(con, fkey)] == ["加载年报时检出", "模板合并单元格"]


def _rectification_page(db: Path, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("GONGKAI_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.query_params["year"] = "2024"
    return at.run().switch_page("views/rectification.py").run()
