"""A damaged or read-only 整改跟踪 store (issue 23): one line naming the file, what is wrong and
what to do; the file itself never recreated over, repaired or deleted; a read-only store still
read. The store is the real one `gongkai load` wrote for a real report, damaged in the test."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from gongkai.cli import cli
from workflow.findings import list_findings, move
from workflow.states import CONFIRMED
from workflow.store import opened, store_path

# slow: each test (or the module's fixture) runs a whole `gongkai load` of real reports
pytestmark = pytest.mark.slow


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(64 * 1024))


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _drop(table: str):
    def damage(path: Path) -> None:
        con = sqlite3.connect(str(path))
        con.execute(f"DROP TABLE {table}")
        con.close()

    return damage


def _wrong_schema(path: Path) -> None:
    con = sqlite3.connect(str(path))
    con.execute("ALTER TABLE tracked_findings RENAME COLUMN state TO status")
    con.close()


DAMAGE = {
    "random bytes": (_garbage, "不是 SQLite 数据库文件"),
    "truncated": (_truncated, ""),
    "tracked_findings table missing": (_drop("tracked_findings"), "缺少表 tracked_findings"),
    "notices table missing": (_drop("notices"), "缺少表 notices"),
    "wrong schema": (_wrong_schema, "表 tracked_findings 缺少列 state"),
}
COMMANDS = (
    ("notices", "--year", 2024, "--out", "{dir}/n"),
    ("notices", "--year", 2024, "--out", "{dir}/n", "--draft"),
    ("bulletin", "--year", 2024, "--out", "{dir}/b.docx"),
    ("findings", "list", "--year", 2024),
    ("findings", "confirm", "--year", 2024),
)


def _checkpointed(db: Path) -> Path:
    """The store with everything in the main file (as a backup copy would hold it)."""
    path = store_path(db)
    con = sqlite3.connect(str(path))
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    return path


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_a_damaged_store_is_one_line_and_left_as_it_is(loaded, kind):
    _, db = loaded
    path = _checkpointed(db)
    damage, what = DAMAGE[kind]
    damage(path)
    before = path.read_bytes()
    for command in COMMANDS:
        args = [a.format(dir=db.parent) if isinstance(a, str) else a for a in command]
        result = _run(*args, "--db", db)
        lines = result.output.strip().splitlines()
        assert result.exit_code == 1, (command, result.output)
        assert len(lines) == 1 and "Traceback" not in result.output, (command, result.output)
        assert path.name in lines[0] and "整改跟踪记录文件无法使用" in lines[0], lines[0]
        assert what in lines[0] and "从备份恢复" in lines[0], lines[0]
        assert path.read_bytes() == before, command  # never recreated over, never repaired
    assert not (db.parent / "n").exists() or not any((db.parent / "n").iterdir())


def _read_only(path: Path) -> None:
    path.chmod(0o444)
    for side in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if side.exists():
            side.chmod(0o444)


def test_a_read_only_store_is_read_and_not_written(loaded, tmp_path):
    _, db = loaded
    with opened(store_path(db)) as con:
        for f in list_findings(con, year=2024):
            move(con, f["fkey"], CONFIRMED, "analyst", "属实")
    path = _checkpointed(db)
    _read_only(path)
    before = path.read_bytes()
    try:
        listed = _run("findings", "list", "--year", 2024, "--db", db)
        assert listed.exit_code == 0 and listed.output.count("已确认") == 3, listed.output
        draft = _run("notices", "--year", 2024, "--db", db, "--out", tmp_path / "d", "--draft")
        assert draft.exit_code == 0 and len(list((tmp_path / "d").glob("*.docx"))) == 1
        sent = _run("notices", "--year", 2024, "--db", db, "--out", tmp_path / "s")
        assert sent.exit_code == 1 and len(sent.output.strip().splitlines()) == 1
        assert "只读" in sent.output and "--draft" in sent.output and "移走" not in sent.output
        assert not (tmp_path / "s").exists() or not any((tmp_path / "s").iterdir())
        moved = _run("findings", "dismiss", "--year", 2024, "--reason", "x", "--db", db)
        assert moved.exit_code == 1 and "只读" in moved.output, moved.output
        bulletin = _run("bulletin", "--year", 2024, "--db", db, "--out", tmp_path / "b.docx")
        assert bulletin.exit_code == 0 and (tmp_path / "b.docx").is_file(), bulletin.output
        assert "只读" in bulletin.output  # the re-check was skipped, and it says so
        assert path.read_bytes() == before
    finally:
        path.chmod(0o644)


def test_the_rectification_page_says_so_in_one_sentence(loaded, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    _, db = loaded
    path = _checkpointed(db)
    _garbage(path)
    monkeypatch.setenv("GONGKAI_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.query_params["year"] = "2024"
    at = at.run().switch_page("views/rectification.py").run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert (
        len(errors) == 1 and "整改跟踪记录文件无法使用" in errors[0] and "从备份恢复" in errors[0]
    )
    assert "\n" not in errors[0] and not at.metric  # one sentence, and nothing half-shown
    # the scores leave the analysts' corrections out until it is restored, and every page says so
    assert any("评分未计入" in w.value for w in at.warning)
