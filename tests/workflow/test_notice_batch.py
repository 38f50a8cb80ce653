"""`gongkai notices` (issue 23): one agency never stops the batch.

Real reports loaded through `gongkai load` with a registry whose names are hostile (a control
character, a name far longer than a file name may be); the batch writes or refuses each agency's
notice on its own, caps file names in bytes, and leaves out a problem dismissed while it runs."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from etl.rules import RULES
from gongkai.cli import cli
from tests.conftest import REAL, ROOT
from tests.workflow.conftest import office_of, original_text
from workflow import problems
from workflow.findings import list_findings, move
from workflow.states import CONFIRMED, DISMISSED, NOTIFIED
from workflow.store import opened, store_path

# slow: each test (or the module's fixture) runs a whole `gongkai load` of real reports
pytestmark = pytest.mark.slow

KW, HONGZE = "310000-KW", "320813-GOV"
KW_NAME = "上海市科学\x01技术委员会"
LONG_NAME = "淮安市洪泽区人民政府" + "办公室综合信息科" * 40  # ~1000 bytes of UTF-8


@pytest.fixture(scope="module")
def confirmed(tmp_path_factory) -> Path:
    """Two agencies with confirmed problems: kewei under a name with a control character (and a
    quoted cell carrying two), hongze under a name of about 1000 bytes."""
    folder = tmp_path_factory.mktemp("batch")
    shutil.copytree(REAL, folder / "reports")
    (folder / "reports" / "shanghai_kewei_2024.md").write_text(original_text(), encoding="utf-8")
    rows = list(csv.reader((ROOT / "data" / "registry.csv").read_text("utf-8").splitlines()))
    for row in rows[1:]:
        if row[0] in (KW, HONGZE):
            row[2] = "|".join(filter(None, [row[1], row[2]]))
            row[1] = KW_NAME if row[0] == KW else LONG_NAME
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    (folder / "registry.csv").write_text(buf.getvalue(), encoding="utf-8")
    db = folder / "gongkai.duckdb"
    args = ["load", folder / "reports", "--db", db, "--registry", folder / "registry.csv"]
    assert CliRunner().invoke(cli, [str(a) for a in args]).exit_code == 0
    with opened(store_path(db)) as con:
        for f in list_findings(con, year=2024):
            move(con, f["fkey"], CONFIRMED, "analyst", "属实")
        # a cell as a report may print it: control characters inside the quoted text
        f = next(f for f in list_findings(con, year=2024) if f["rule"] == "t3.row_total")
        evidence = [{**e, "printed": "0\x01\x0b" + e["printed"]} for e in f["evidence"]]
        con.execute(
            "UPDATE tracked_findings SET evidence = ? WHERE fkey = ?",
            [json.dumps(evidence, ensure_ascii=False), f["fkey"]],
        )
    return db


@pytest.fixture
def db(confirmed, tmp_path, monkeypatch) -> Path:
    """A copy of the confirmed database and store for one test; an office counting every agency."""
    monkeypatch.setenv("GONGKAI_OFFICE", str(office_of(tmp_path, None)))
    copy = tmp_path / confirmed.name
    shutil.copy(confirmed, copy)
    shutil.copy(store_path(confirmed), store_path(copy))
    return copy


def _notices(db: Path, out: Path, *extra):
    args = ["notices", "--year", 2024, "--db", db, "--out", out, *extra]
    return CliRunner().invoke(cli, [str(a) for a in args])


def _docx_text(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def _states(db: Path) -> dict[str, set[str]]:
    with opened(store_path(db)) as con:
        out: dict[str, set[str]] = {}
        for f in list_findings(con, year=2024):
            out.setdefault(f["agency_id"], set()).add(f["state"])
        return out


def test_control_characters_and_a_long_name_still_make_every_notice(db, tmp_path):
    out = tmp_path / "out"
    result = _notices(db, out)
    assert result.exit_code == 0, result.output
    files = sorted(out.iterdir())
    assert len(files) == 4  # DOCX and PDF of each agency
    for f in files:
        assert len(f.name.encode()) <= 120 + len(".docx"), f.name
    kewei = next(f for f in files if f.suffix == ".docx" and "上海市科学技术委员会" in f.name)
    text = _docx_text(kewei)
    assert "上海市科学技术委员会：" in text and "\x01" not in text and "\x0b" not in text
    assert RULES["t3.row_total"].label in text
    long_one = next(f for f in files if f.suffix == ".docx" and "洪泽" in f.name)
    assert LONG_NAME in _docx_text(long_one)  # the name is cut in the file name only
    assert _states(db) == {KW: {NOTIFIED}, HONGZE: {NOTIFIED}}


def test_a_notice_that_cannot_be_written_is_named_and_the_others_go_out(db, tmp_path):
    out = tmp_path / "out"
    (out / "整改通知_2024_上海市科学技术委员会.docx").mkdir(parents=True)  # in the way
    result = _notices(db, out)
    assert result.exit_code == 1
    refused = [line for line in result.output.splitlines() if "未写出" in line]
    assert len(refused) == 1 and refused[0].startswith("上海市科学技术委员会（310000-KW）")
    assert "已写出整改通知 1 份" in result.output
    assert any("洪泽" in f.name for f in out.glob("*.docx"))
    assert not list(out.glob("*上海市*.pdf"))  # nothing half-written for the refused agency
    assert _states(db) == {KW: {CONFIRMED}, HONGZE: {NOTIFIED}}
    with opened(store_path(db)) as con:
        sent = [r[0] for r in con.execute("SELECT agency_id FROM notices")]
    assert sent == [HONGZE]


def test_a_problem_dismissed_while_the_batch_runs_is_not_sent(db, tmp_path, monkeypatch):
    built = problems.notice_batch

    def batch_then_dismissed(con, *args, **kwargs):
        batch = built(con, *args, **kwargs)
        with opened(store_path(db)) as other:  # an analyst on the page, meanwhile
            f = next(f for f in list_findings(other, year=2024) if f["rule"] == "t3.balance")
            move(other, f["fkey"], DISMISSED, "analyst", "表格合并单元格，属误报")
        return batch

    monkeypatch.setattr(problems, "notice_batch", batch_then_dismissed)
    out = tmp_path / "out"
    result = _notices(db, out)
    assert result.exit_code == 0, result.output
    kewei = next(out.glob("*上海市*.docx"))
    text = _docx_text(kewei)
    assert RULES["t3.row_total"].label in text and RULES["t3.balance"].label not in text
    with opened(store_path(db)) as con:
        states = {f["rule"]: f["state"] for f in list_findings(con, year=2024, agency_ids=[KW])}
        items = con.execute("SELECT items FROM notices WHERE agency_id = ?", [KW]).fetchone()[0]
    assert states["t3.balance"] == DISMISSED and states["t3.row_total"] == NOTIFIED
    assert items == len(states) - 1
