"""`gongkai score` end to end on a database file built from the hand-made province."""

from __future__ import annotations

import duckdb
from click.testing import CliRunner

from gongkai.cli import cli
from tests.assess import conftest as hand_made
from tests.assess.conftest import build

scheme_path = hand_made.scheme_path  # the scoring tests' fixture: the hand-made scheme file


def _db(tmp_path):
    path = tmp_path / "g.duckdb"
    with duckdb.connect(str(path)) as con:
        build(con)
    return path


def test_score_prints_the_ranking(tmp_path, scheme_path):
    db = _db(tmp_path)
    result = CliRunner().invoke(
        cli, ["score", "--year", "2024", "--db", str(db), "--scheme", str(scheme_path)]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "测试方案 · 2024 年度 · 绩效占比 5%"
    assert lines[1].split() == ["名次", "机关", "同组", "总分", "绩效贡献", "名次变化"]
    assert lines[3].split() == ["1", "甲局", "G1", "81.00", "4.05", "↑1"]
    assert lines[7].split() == ["5", "戊局（未发布）", "G1", "0.00", "0.00", "↓2"]
    assert lines[8].split() == ["1=", "己县", "G2", "100.00", "5.00", "—"]


def test_score_peer_group_and_errors(tmp_path, scheme_path):
    db = _db(tmp_path)
    run = CliRunner().invoke(
        cli,
        [
            "score",
            "--year",
            "2024",
            "--db",
            str(db),
            "--scheme",
            str(scheme_path),
            "--peer-group",
            "G2",
        ],
    )
    assert run.exit_code == 0 and "甲局" not in run.output and "辛县" in run.output
    bad = scheme_path.with_name("bad.toml")
    bad.write_text(
        scheme_path.read_text(encoding="utf-8").replace("0.05", "0.03"), encoding="utf-8"
    )
    run = CliRunner().invoke(
        cli, ["score", "--year", "2024", "--db", str(db), "--scheme", str(bad)]
    )
    assert run.exit_code == 1 and f"{bad}:2:" in run.output and "国办发〔2016〕80号" in run.output
    run = CliRunner().invoke(
        cli,
        [
            "score",
            "--year",
            "2024",
            "--db",
            str(tmp_path / "no.duckdb"),
            "--scheme",
            str(scheme_path),
        ],
    )
    assert run.exit_code == 1 and "no database here" in run.output
