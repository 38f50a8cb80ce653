"""Workflow fixtures: a real report (shanghai_kewei_2024.md) loaded through the `gongkai load`
command, and mutations of it standing for the versions an agency republishes.

The real report leaves 结转下年度·总计 blank (a `table.blank_cell` finding; the conversion prints
the missing 1 as a stray '1' below the table). The fixture stands for the family of reports that
misprint one cell instead: its 结转下年度 row prints 自然人 2 where the column's balance gives 1
(34 + 2 received, 35 processed), beside a 总计 of 1. That cell breaks two 表三 identities, the
row's sum (2 ≠ 1) and the 自然人 column's balance, which are the report's problems; the agency's
corrected version prints 自然人 1 and both hold."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from gongkai.cli import cli
from tests.conftest import REAL, ROOT

REPORT = "shanghai_kewei_2024.md"
AGENCY = "310000-KW"
# the real report's row, the fixture's misprinted one and the agency's corrected one
REAL_ROW = "| 四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 |  |"
PRINTED_ROW = "| 四、结转下年度继续办理 | 2 | 0 | 0 | 0 | 0 | 0 | 1 |"
FIXED_ROW = "| 四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |"
# where the fixture's misprinted cell sits: 1-based line of the file, as notices cite it
PRINTED_LINE = 178
REGISTRY = ROOT / "data" / "registry.csv"


# The report's other printed problems (its sections renumbered, a doubled word, the report calling
# itself 政务公开工作报告: etl/validate/structure.py, wording.py) put right, so that the two
# table identities the misprinted cell breaks and 「所有申请均已按要求办理完成」 beside a
# carry-over (prose_checks.py) are the workflow's findings.
SLIPS_PUT_RIGHT = (
    ("资金资金", "资金"),
    ("2024 年度政务公开工作\n报告", "2024 年政府信息公开工作年度\n报告"),
    *(
        (f"\n{old}、{title}\n", f"\n（{old}）{title}\n")
        for old, title in (
            ("二", "工作机制保障"),
            ("三", "主动公开工作情况"),
            ("四", "政府信息公开申请情况"),
            ("五", "政府信息管理"),
            ("六", "政府信息公开平台建设"),
        )
    ),
    *(
        (f"\n{old}、{title}\n", f"\n{new}、{title}\n")
        for old, new, title in (
            ("一", "二", "主动公开政府信息情况"),
            ("二", "三", "收到和处理政府信息公开申请情况"),
            ("三", "四", "政府信息公开行政复议、行政诉讼情况"),
            ("五", "六", "其他需要报告的事项"),
        )
    ),
)


def original_text() -> str:
    text = (REAL / REPORT).read_text(encoding="utf-8")
    assert REAL_ROW in text, "the real report's 结转下年度 row changed; update the fixture"
    text = text.replace(REAL_ROW, PRINTED_ROW)
    for slip, right in SLIPS_PUT_RIGHT:
        assert slip in text, f"the real report no longer prints {slip!r}; update the fixture"
        text = text.replace(slip, right, 1)
    # the 总计 is printed in its row now, so the conversion's displaced '1' goes: the line is
    # left empty so every other line keeps its number
    lines = text.split("\n")
    assert sum(line.strip() == "1" for line in lines) == 1, "the stray '1' moved; update"
    return "\n".join("" if line.strip() == "1" else line for line in lines)


def write_version(folder: Path, text: str) -> Path:
    """Put a version of the report at the same path, as an agency republishing would."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / REPORT
    path.write_text(text, encoding="utf-8")
    return path


def fixed_text() -> str:
    """The agency's corrected version: 结转下年度·自然人 printed 1, both identities hold."""
    return original_text().replace(PRINTED_ROW, FIXED_ROW)


def reworded_text() -> str:
    """A new version that changes only a sentence: the table problems are still there."""
    return original_text() + "\n（本报告于次年一月重新发布，正文个别文字有修改。）\n"


def gongkai(*args) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def load(folder: Path, db: Path) -> str:
    return gongkai("load", folder, "--db", db, "--registry", REGISTRY)


@pytest.fixture
def loaded(tmp_path) -> tuple[Path, Path]:
    """(folder with the report, database) after one `gongkai load`."""
    folder = tmp_path / "reports"
    write_version(folder, original_text())
    db = tmp_path / "gongkai.duckdb"
    load(folder, db)
    return folder, db


@pytest.fixture
def all_real(tmp_path) -> Path:
    """A database of every real report and seed (several agencies, years and problems)."""
    folder = tmp_path / "all"
    for source in (REAL, REAL.parent / "seeds"):
        shutil.copytree(source, folder / source.name)
    write_version(folder / REAL.name, original_text())  # kewei with its misprinted 自然人 cell
    db = tmp_path / "all.duckdb"
    load(folder, db)
    return db


SHANGHAI = "上海市"


def office_of(folder: Path, province: str | None) -> Path:
    """data/office.toml with another `[office] province` (None: no province declared, so the
    scope is inferred from the registry): the office these tests play."""
    text = (ROOT / "data" / "office.toml").read_text(encoding="utf-8")
    lines = [
        (f'province = "{province}"' if province else "") if line.startswith("province =") else line
        for line in text.splitlines()
    ]
    assert any(line.startswith("province =") for line in text.splitlines())
    path = folder / "office.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _shanghai_office(tmp_path_factory, monkeypatch):
    """The workflow tests track the real Shanghai report as the office's own agency: they play
    the 上海市 office (etl.scope), for which 310000-KW is home and the rest reference."""
    folder = tmp_path_factory.mktemp("office")
    monkeypatch.setenv("GONGKAI_OFFICE", str(office_of(folder, SHANGHAI)))


@pytest.fixture
def small_store(small_con, tmp_path):
    """A workflow store tracking the small province's findings (tests/small_province.py: 甲县
    2024's t3.row_total and report.copied), as the re-check after a load leaves it: both 待核实.
    Fast: declared rows, no ETL, no CLI."""
    from workflow.store import opened
    from workflow.sync import sync_store

    with opened(tmp_path / "small.workflow.sqlite") as con:
        sync_store(con, small_con)
        yield con


def correct(db: Path, key: str, value: float, reason: str = "原件第 3 页表三为 9") -> int:
    """An analyst's correction of AGENCY's 2024 cell `key` to `value` (workflow.corrections, as
    the 数值修正 tab enters it); returns its number."""
    import duckdb

    from workflow import corrections
    from workflow.store import opened, store_path

    with duckdb.connect(str(db), read_only=True) as rcon, opened(store_path(db)) as con:
        return corrections.add_correction(
            con,
            rcon,
            agency_id=AGENCY,
            year=2024,
            key=key,
            value=value,
            reason=reason,
            evidence="原件扫描件第 3 页",
            actor="analyst@example.gov.cn",
        )
