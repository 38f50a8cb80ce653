"""Files gongkai writes into a folder it was given are never written through a planted link
(issue 23, fourth round): the export's files in an --out folder, like the collector's."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from gongkai.cli import cli
from tests.gongkai.conftest import copy_db
from tests.workflow.conftest import office_of

# slow: the real `gongkai` CLI end to end (subprocesses, whole loads of real reports, or a
# database loaded from them)
pytestmark = pytest.mark.slow


def test_an_export_file_name_planted_as_a_link_is_refused_not_written_through(
    baseline_db, tmp_path, monkeypatch
):
    monkeypatch.setenv("GONGKAI_OFFICE", str(office_of(tmp_path, None)))
    db = copy_db(baseline_db, tmp_path / "db")
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"keep")
    out = tmp_path / "out"
    out.mkdir()
    (out / "政务公开年报考核_2024年度.csv").symlink_to(secret)
    args = ["export", "--year", "2024", "--db", str(db), "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert secret.read_bytes() == b"keep"
    assert "符号链接" in result.output and "政务公开年报考核_2024年度.csv" in result.output
    assert (
        out / "政务公开年报考核_2024年度.xlsx"
    ).stat().st_size > 0  # written before the link was met
