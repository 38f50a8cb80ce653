"""Every untrusted file is read under the memory cap and the time limit (issue 23, fifth round).

Before, `gongkai parse FILE` and loads of fewer than parse_pool.MIN_PARALLEL files parsed in the
calling process, which has no memory cap: one hostile file in a small load could take the
machine. Now each is read by a forked worker (etl.parse_worker) with the cap and the watchdog a
large load's workers have, and refused on the same one line. The cap is lowered here through
the declared limits where a real one would need a big file (the time limit); the memory cap
is the real one, and a reader "needing too much" asks for it in one allocation that the cap
refuses at once, so the test costs no memory.
"""

from __future__ import annotations

import dataclasses
import os
import resource
import signal
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import etl.limits
import etl.parse
from etl import parse_pool, pipeline, stuck_workers
from etl.errors import ReportError
from etl.limits import LIMITS
from etl.parse_worker import parse_alone
from gongkai.cli import cli
from tests.conftest import SEEDS
from tests.gongkai.conftest import query
from tests.gongkai.test_worker_memory import _data_segment, _read_through

# slow: each test starts a capped reader process or a pool of them (about 2 s apiece)
pytestmark = pytest.mark.slow

_REPORTS = tuple(sorted(p.name for p in SEEDS.glob("*.txt"))[:3])
_CAP_MB = LIMITS.lone_worker_memory_bytes >> 20  # a worker alone: gongkai parse, a small load


@pytest.fixture
def readers(tmp_path, monkeypatch):
    """Patch the text reader so that each file read leaves a mark naming the process that read
    it, and a file named hungry.txt / killer.txt / stuck.txt misbehaves; returns the marks."""
    from etl.extract import text

    real_extract = text.extract_text
    marks = tmp_path / "marks"
    marks.mkdir()

    def extract(path, data, sha256):
        (marks / f"{Path(path).name}.{os.getpid()}").touch()
        name = Path(path).name
        if name == "hungry.txt":
            # past the cap as it stands in this worker, far within the machine: RLIMIT_DATA
            # refuses the allocation at once, so the test costs no memory
            soft, _ = resource.getrlimit(resource.RLIMIT_DATA)
            assert soft != resource.RLIM_INFINITY, "the reader has no memory cap"
            bytearray(soft - _data_segment() + (64 << 20))
        elif name == "killer.txt":  # as the OOM killer, or pdfium crashing where it cannot allocate
            os.kill(os.getpid(), signal.SIGKILL)
        elif name == "stuck.txt":  # a C call that never returns: the alarm cannot stop it
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(60)
        return real_extract(path, data, sha256)

    monkeypatch.setattr(text, "extract_text", extract)

    def read_by() -> dict[str, set[int]]:
        found: dict[str, set[int]] = {}
        for mark in marks.iterdir():
            name, pid = mark.name.rsplit(".", 1)
            found.setdefault(name, set()).add(int(pid))
        return found

    return read_by


def _hostile(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_text("政府信息公开工作年度报告\n", encoding="utf-8")
    return path


def _cli_parse(path: Path) -> list[str]:
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["parse", str(path)])
    assert time.monotonic() - started < 30
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return [line for line in result.output.splitlines() if line.strip()]


class TestGongkaiParse:
    def test_a_file_past_the_memory_cap_is_refused_on_one_line(self, tmp_path, readers):
        lines = _cli_parse(_hostile(tmp_path, "hungry.txt"))
        assert len(lines) == 1 and lines[0].startswith(f"error: {tmp_path / 'hungry.txt'}: ")
        assert f"more than the limit of {_CAP_MB} MB of memory" in lines[0]
        assert os.getpid() not in readers()["hungry.txt"]  # read by a worker, not the CLI

    def test_a_file_whose_reader_dies_is_refused_as_too_much_memory(self, tmp_path, readers):
        lines = _cli_parse(_hostile(tmp_path, "killer.txt"))
        assert len(lines) == 1 and "of memory and the reader was stopped" in lines[0]
        assert not stuck_workers.prepared()  # its notes folder went with it

    def test_a_reader_stuck_in_library_code_is_stopped_as_too_slow(
        self, tmp_path, readers, monkeypatch
    ):
        monkeypatch.setattr(etl.limits, "LIMITS", dataclasses.replace(LIMITS, seconds=1.0))
        monkeypatch.setattr(stuck_workers, "HARD_STOP_AFTER", 1.0)
        started = time.monotonic()
        with pytest.raises(ReportError) as caught:
            parse_alone(str(_hostile(tmp_path, "stuck.txt")))
        assert caught.value.code == "too_slow"
        assert time.monotonic() - started < 10  # 1 s limit + 1 s grace + the watchdog's poll

    def test_a_reader_whose_watchdog_cannot_run_is_ended_by_the_caller(
        self, tmp_path, readers, monkeypatch
    ):
        """The last resort (a C call holding the GIL starves the watchdog thread too): the
        caller stops waiting after BACKSTOP_SECONDS, kills the worker and refuses the file."""
        import etl.parse_worker

        monkeypatch.setattr(stuck_workers, "HARD_STOP_AFTER", 3600.0)  # the watchdog never acts
        monkeypatch.setattr(etl.parse_worker, "BACKSTOP_SECONDS", 2.0)
        started = time.monotonic()
        with pytest.raises(ReportError) as caught:
            parse_alone(str(_hostile(tmp_path, "stuck.txt")))
        assert caught.value.code == "too_slow"
        assert time.monotonic() - started < 10
        (worker,) = readers()["stuck.txt"]
        with pytest.raises(ProcessLookupError):  # killed and reaped, not left behind
            os.kill(worker, 0)

    def test_a_good_file_reads_the_same_as_in_process(self, readers):
        path = SEEDS / _REPORTS[0]
        alone = parse_alone(str(path))
        assert os.getpid() not in readers()[path.name]
        in_process = etl.parse.parse_file(path)
        assert alone.to_json() == in_process.to_json()

    def test_a_bug_in_the_worker_reaches_the_cli_handler_with_its_type(self, monkeypatch):
        """A parser bug is raised in the caller as the worker raised it: the CLI's one handler
        says it on one line with its type (exit 4), as when the parse ran in the CLI."""

        def broken(path, data=None):
            raise KeyError("t3.nope")

        monkeypatch.setattr(etl.parse, "parse_file", broken)
        result = CliRunner().invoke(cli, ["parse", str(SEEDS / _REPORTS[0])])
        assert result.exit_code == 4
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and "unexpected internal error (KeyError: 't3.nope')" in lines[0]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_small_load_reads_every_file_in_a_capped_worker(tmp_path, readers, workers):
    """Four files (far fewer than MIN_PARALLEL): one worker reads them all; the hungry file is
    refused and the others load."""
    assert len(_REPORTS) + 1 < parse_pool.MIN_PARALLEL
    folder = tmp_path / "in"
    folder.mkdir()
    for name in _REPORTS:
        (folder / name).write_bytes((SEEDS / name).read_bytes())
    _hostile(folder, "hungry.txt")
    db = tmp_path / "g.duckdb"
    summary = pipeline.run_load([folder], db, workers=workers)
    assert _read_through(summary) == sorted(_REPORTS)
    errors = query(db, "SELECT path, code FROM load_errors")
    assert [(Path(p).name, code) for p, code in errors] == [("hungry.txt", "too_much_memory")]
    read_by = readers()
    assert all(os.getpid() not in pids for pids in read_by.values()), read_by
    assert len(set().union(*read_by.values())) == 1  # one worker read them all


def test_a_small_load_refuses_a_file_that_kills_its_reader_and_loads_the_rest(tmp_path, readers):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in _REPORTS:
        (folder / name).write_bytes((SEEDS / name).read_bytes())
    _hostile(folder, "killer.txt")
    db = tmp_path / "g.duckdb"
    summary = pipeline.run_load([folder], db, workers=1)
    assert _read_through(summary) == sorted(_REPORTS)
    assert query(db, "SELECT code FROM load_errors") == [("too_much_memory",)]
    read_by = readers()
    assert len(read_by["killer.txt"]) == 1  # read once, never again in the main process
    assert all(os.getpid() not in pids for pids in read_by.values()), read_by
