"""`gongkai accuracy` over every truth file: all values and identity fields right."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from etl.accuracy import all_right, run
from gongkai.cli import cli
from tests.conftest import REAL, SEEDS, SHARED, load_truth

CRAWLED = SHARED / "crawled"
FOLDERS = (SEEDS, REAL, CRAWLED)


@pytest.mark.slow  # parses every hand-checked report and seed
def test_every_truth_file_is_fully_right():
    scores = run(list(FOLDERS))
    assert len(scores) == sum(1 for folder in FOLDERS for _ in folder.glob("*.truth.json")) == 10
    for s in scores:
        assert not s.error, s.error
        assert s.wrong == [], (s.file, s.wrong)
        assert all(ok for _, _, ok in s.identity.values()), (s.file, s.identity)


@pytest.mark.slow  # parses every hand-checked report through the accuracy command
def test_accuracy_command_prints_per_file_and_overall():
    result = CliRunner().invoke(cli, ["accuracy", *map(str, FOLDERS)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert any(ln.startswith("hongze_2024.pdf") and "186/186" in ln for ln in lines)
    assert any(ln.startswith("pingtan_2023.txt") and "198/198" in ln for ln in lines)
    checked = sum(
        len(load_truth(p)["values"]) for folder in FOLDERS for p in folder.glob("*.truth.json")
    )
    assert lines[-1].startswith(f"overall values: {checked}/{checked} (100.0%)")


def _copy_with_truth(tmp_path, name: str, change) -> None:
    truth = load_truth(CRAWLED / f"{name}.truth.json")
    change(truth)
    (tmp_path / name).write_bytes((CRAWLED / name).read_bytes())
    (tmp_path / f"{name}.truth.json").write_text(
        json.dumps(truth, ensure_ascii=False), encoding="utf-8"
    )


def test_accuracy_exits_1_when_a_field_is_wrong(tmp_path):
    _copy_with_truth(
        tmp_path, "pingtan_2023.txt", lambda t: t["values"].update({"t3.new.total": 82})
    )
    result = CliRunner().invoke(cli, ["accuracy", "-v", str(tmp_path)])
    assert result.exit_code == 1
    assert "t3.new.total: expected 82, got 81" in result.output
    assert "197/198" in result.output


def test_an_invented_agency_name_is_not_the_agency(tmp_path):
    """The truth names 平潭综合实验区; a parser answering 平潭综合实验区人民政府 (a body the report
    never names) would be wrong even though the registry maps both to one code."""
    from etl import accuracy

    text = (CRAWLED / "pingtan_2023.txt").read_text(encoding="utf-8")
    assert not accuracy._same_agency("平潭综合实验区（全区汇总）", "平潭综合实验区人民政府", text)
    assert accuracy._same_agency("平潭综合实验区（全区汇总）", "平潭综合实验区", text)
    _copy_with_truth(tmp_path, "pingtan_2023.txt", lambda t: None)
    assert all_right(run([tmp_path]))
