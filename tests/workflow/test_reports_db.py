"""One way to open the report database (workflow/reports_db.py): read-only with the analysts'
corrections attached, for every command and the dashboard. The database is the one `gongkai
load` wrote for a real report; the store is damaged in the test."""

from __future__ import annotations

import ast
import os
import sqlite3
from pathlib import Path

import duckdb
import pytest

from workflow.overlay import SCHEMA_NAME
from workflow.reports_db import open_reports
from workflow.store import StoreError, store_path

ROOT = Path(__file__).resolve().parents[2]
READERS = ("assess", "queries", "workflow", "exports", "dashboard", "gongkai")


def _duckdb_connects(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "connect"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "duckdb"
        # an in-memory scratch database opens no file (workflow.corrected_checks' cross-year
        # re-checks): only a connect that may open the report database counts
        and not (
            node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value == ":memory:"
            and path.name != "reports_db.py"
        )
    ]


def test_no_reader_opens_the_database_another_way():
    found = {
        f"{path.relative_to(ROOT)}:{line}"
        for package in READERS
        for path in sorted((ROOT / package).rglob("*.py"))
        for line in _duckdb_connects(path)
    }
    assert {f.split(":")[0] for f in found} == {"workflow/reports_db.py"}


@pytest.mark.slow  # `gongkai load` of a real report first
@pytest.mark.parametrize("attached", [False, True], ids=["command", "dashboard"])
def test_read_only_with_the_corrections_attached(loaded, attached):
    _, db = loaded
    with open_reports(db, attached=attached) as con:
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 1
        fixes = con.execute(f"SELECT count(*) FROM {SCHEMA_NAME}.value_corrections").fetchone()
        assert fixes == (0,)
        with pytest.raises(duckdb.Error):
            con.execute("DELETE FROM reports")
    with open_reports(db, corrections=False) as con:
        names = con.execute("SELECT database_name FROM duckdb_databases()").fetchall()
        assert SCHEMA_NAME not in {name for (name,) in names}


@pytest.mark.slow  # `gongkai load` of a real report first
def test_a_damaged_store_stops_a_command_and_warns_the_dashboard(loaded):
    _, db = loaded
    store = store_path(db)
    con = sqlite3.connect(str(store))
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    store.write_bytes(os.urandom(64 * 1024))
    with pytest.raises(StoreError, match="不是 SQLite 数据库文件"):
        open_reports(db)
    seen: list[StoreError] = []
    with open_reports(db, attached=True, on_store_error=seen.append) as con:
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 1
    assert len(seen) == 1 and store.name in str(seen[0])
