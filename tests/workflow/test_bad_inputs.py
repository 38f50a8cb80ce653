"""Bad input around the workflow: one line, nothing lost, the load itself never blocked."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from gongkai.cli import cli
from tests.workflow.conftest import REGISTRY
from workflow.store import store_path


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.slow  # `gongkai load` of a real report first
def test_a_damaged_store_is_named_and_the_load_still_succeeds(loaded):
    folder, db = loaded
    store_path(db).write_bytes(b"not sqlite at all" * 100)
    result = _run("load", folder, "--db", db, "--registry", REGISTRY)
    assert result.exit_code == 0
    assert "整改跟踪未更新" in result.output and "gongkai.workflow.sqlite" in result.output
    for command in (
        ["notices", "--out", db.parent / "n"],
        ["bulletin", "--out", db.parent / "b.docx"],
    ):
        result = _run(*command, "--year", 2024, "--db", db)
        assert result.exit_code == 1 and "整改跟踪记录文件无法使用" in result.output
        assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_missing_database_wrong_dates_and_names(tmp_path):
    missing = tmp_path / "none.duckdb"
    result = _run("notices", "--year", 2024, "--db", missing, "--out", tmp_path / "n")
    assert result.exit_code == 1 and "no database" in result.output
    result = _run(
        "notices",
        "--year",
        2024,
        "--db",
        missing,
        "--out",
        tmp_path / "n",
        "--deadline",
        "2025/6/30",
    )
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
    result = _run("bulletin", "--year", 2024, "--db", missing, "--out", tmp_path / "b.pdf")
    assert result.exit_code == 2 and ".docx" in result.output
