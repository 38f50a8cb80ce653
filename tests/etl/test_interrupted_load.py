"""A load killed mid-run (SIGKILL: no cleanup runs) leaves the previous database untouched.

Input: 150 variants of the real shuyang_2025.md (OCR'd Markdown; each with one extra line, so
every copy is new bytes and is parsed), loaded by `python -m gongkai load` in a subprocess.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from etl.pipeline import run_load
from etl.settings import ROOT
from tests.conftest import REAL
from tests.etl.test_load import small_report, snapshot, write

# slow: a real gongkai load in a subprocess, killed midway, then another load
pytestmark = pytest.mark.slow

COPIES = 150


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_killed_load_leaves_the_database_as_it_was_and_a_later_load_works(tmp_path):
    db = tmp_path / "g.duckdb"
    run_load(
        [
            REAL / "hongze_2024.pdf",
            write(tmp_path, "first.txt", small_report("示例县人民政府", 2022, 1, 4)),
        ],
        db,
    )
    before_bytes, before_rows = _sha(db), snapshot(db)

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    original = (REAL / "shuyang_2025.md").read_text(encoding="utf-8")
    for i in range(COPIES):
        (corpus / f"copy_{i:03d}.md").write_text(
            original + f"\n<!-- copy {i} -->\n", encoding="utf-8"
        )

    building = tmp_path / "g.duckdb.building"
    proc = subprocess.Popen(
        [sys.executable, "-m", "gongkai", "load", str(corpus), "--db", str(db)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not building.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        time.sleep(0.6)  # well into the reports
        assert proc.poll() is None, "the load finished before it could be interrupted"
        assert building.exists()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL

    assert _sha(db) == before_bytes
    assert snapshot(db) == before_rows
    with duckdb.connect(str(db), read_only=True) as con:  # a reader sees the old rows
        assert con.execute("SELECT count(*) FROM current_reports").fetchone() == (2,)

    later = write(tmp_path, "later.txt", small_report("示例县人民政府", 2023, 4, 0))
    summary = run_load([later], db)
    assert summary.loaded == [str(later)] and summary.failed == []
    assert not building.exists()
    after = snapshot(db)
    assert len(after["reports"]) == len(before_rows["reports"]) + 1
    assert set(before_rows["reports"]) <= set(after["reports"])
