"""`gongkai accuracy` over every truth file: all values and identity fields right."""

from __future__ import annotations

from click.testing import CliRunner

from etl.accuracy import run
from gongkai.cli import cli
from tests.conftest import REAL, SEEDS, load_truth


def test_every_truth_file_is_fully_right():
    scores = run([SEEDS, REAL])
    assert len(scores) == 9
    for s in scores:
        assert not s.error, s.error
        assert s.wrong == [], (s.file, s.wrong)
        assert all(ok for _, _, ok in s.identity.values()), (s.file, s.identity)


def test_accuracy_command_prints_per_file_and_overall():
    result = CliRunner().invoke(cli, ["accuracy", str(SEEDS), str(REAL)])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert any(ln.startswith("hongze_2024.pdf") and "186/186" in ln for ln in lines)
    checked = sum(len(load_truth(p)["values"]) for folder in (SEEDS, REAL) for p in folder.glob("*.truth.json"))
    assert lines[-1].startswith(f"overall values: {checked}/{checked} (100.0%)")
