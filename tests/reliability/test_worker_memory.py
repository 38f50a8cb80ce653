"""A parse worker that runs out of memory costs only its own file (issue 23, fourth round).

Each worker has a memory cap (etl.worker_memory, LIMITS.worker_memory_bytes). A file that needs
more is refused with too_much_memory: a MemoryError inside the worker, or the worker dying (a
crash where a library cannot allocate, the kernel's OOM killer). Before, a dead worker's files
were parsed again in the main process, which has no cap; now the file it died of is refused
and never read again, the other files go to a new pool, and what was loaded before stays.
"""

from __future__ import annotations

import os
import resource
import signal
import time
from pathlib import Path

from etl import parse_pool, pipeline
from tests.conftest import SEEDS
from tests.reliability.conftest import copy_db, query
from tests.reliability.test_bad_inputs import baseline_snapshot

_REPORTS = tuple(sorted(p.name for p in SEEDS.glob("*.txt"))[:3])  # not in the baseline


def _load_with(hostile: str, behaviour, baseline_db, tmp_path, monkeypatch):
    """Load three seed reports and one hostile file (whose reading runs `behaviour`) with
    two workers; the summary and, per file, the processes that read it."""
    from etl.extract import text

    monkeypatch.setattr(parse_pool, "MIN_PARALLEL", 2)
    real_extract = text.extract_text
    marks = tmp_path / "marks"
    marks.mkdir()

    def extract(path, data, sha256):
        (marks / f"{Path(path).name}.{os.getpid()}").touch()
        if path.endswith(hostile):
            behaviour()
        return real_extract(path, data, sha256)

    monkeypatch.setattr(text, "extract_text", extract)
    folder = tmp_path / "in"
    folder.mkdir()
    for name in _REPORTS:
        (folder / name).write_bytes((SEEDS / name).read_bytes())
    (folder / hostile).write_text("政府信息公开工作年度报告\n", encoding="utf-8")
    db = copy_db(baseline_db, tmp_path / "db")
    before = baseline_snapshot(db)
    started = time.monotonic()
    summary = pipeline.run_load([folder], db, parser_version="memory-test", workers=2)
    assert time.monotonic() - started < 60
    after = baseline_snapshot(db)
    for table in ("reports", "values", "findings"):  # what was loaded before stays
        assert set(before[table]) <= set(after[table]), table
    readers = {}
    for mark in marks.iterdir():
        name, pid = mark.name.rsplit(".", 1)
        readers.setdefault(name, set()).add(int(pid))
    errors = query(db, "SELECT path, code FROM load_errors WHERE run_id = ?", [summary.run_id])
    return summary, readers, errors


def _data_segment() -> int:
    """VmData of this process, in bytes (what RLIMIT_DATA counts)."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmData:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmData in /proc/self/status")


def _read_through(summary) -> list[str]:
    """The files loaded, or found not to be a report: all but the hostile one."""
    return sorted(Path(p).name for p in summary.loaded + [p for p, _ in summary.not_reports])


def test_a_file_past_the_memory_cap_is_refused_and_the_batch_loads(
    baseline_db, tmp_path, monkeypatch
):
    def hungry():
        # past the cap as it stands in this worker: the cap counts from what the fork inherited,
        # and a worker may since have freed some of that (garbage of a long-lived parent)
        soft, _ = resource.getrlimit(resource.RLIMIT_DATA)
        assert soft != resource.RLIM_INFINITY, "the parse worker has no memory cap"
        bytearray(soft - _data_segment() + (64 << 20))  # within the machine, past the cap

    summary, readers, errors = _load_with("hungry.txt", hungry, baseline_db, tmp_path, monkeypatch)
    assert os.getpid() not in readers["hungry.txt"], "read in the main process: no parse pool"
    assert _read_through(summary) == sorted(_REPORTS)
    assert [(Path(p).name, code) for p, code in errors] == [("hungry.txt", "too_much_memory")]
    assert os.getpid() not in readers["hungry.txt"]
    line = str(summary.failed[0][1])
    assert "more than the limit of 600 MB of memory" in line and "\n" not in line


def test_a_file_whose_worker_dies_is_refused_never_read_in_the_main_process(
    baseline_db, tmp_path, monkeypatch
):
    main = os.getpid()

    def killer():
        if os.getpid() != main:  # as the OOM killer, or pdfium crashing where it cannot allocate
            os.kill(os.getpid(), signal.SIGKILL)

    summary, readers, errors = _load_with("killer.txt", killer, baseline_db, tmp_path, monkeypatch)
    assert _read_through(summary) == sorted(_REPORTS)
    assert [(Path(p).name, code) for p, code in errors] == [("killer.txt", "too_much_memory")]
    assert readers["killer.txt"] and main not in readers["killer.txt"]  # read once, by a worker
    assert len(readers["killer.txt"]) == 1
    for name in _REPORTS:  # the others, the dead worker's chunk included, went to a new pool
        assert main not in readers[name], name
