"""Process-wide memory for what is expensive and shared by every session: a year's scoring run
(kept on disk too, so a restarted server does not score again) and built export files.

No streamlit here: the export callables of st.download_button run on another thread outside any
script run, and the warm-up at server start runs before any session; both use these memos, and
dashboard/data.py's cached functions sit on top of them.

- One computation per key at a time: a caller asking for a key another thread is computing
  waits for it instead of computing it again (the warm-up and a first visitor share one run).
- On disk: `<db folder>/.<db stem>.cache/assess-<key>/{scores,indicators,deductions}.parquet`,
  written aside and renamed into place; the key hashes the database identity (dashboard.data's
  db_version: file identity + workflow revision), the year and the scheme's content hash, so a
  rebuilt database, a correction or an edited scheme never reads an old run. Old entries beyond
  DISK_KEEP are removed. A what-if (weights) run is kept in memory only.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable

PARTS = ("scores", "indicators", "deductions")
DISK_KEEP = 24  # scoring runs kept on disk (a few years x a few schemes)
MEMORY_KEEP = 64  # scoring runs, rankings, summaries and export files kept in memory

_lock = threading.Lock()
_busy: dict[str, threading.Lock] = {}
_memory: OrderedDict[str, object] = OrderedDict()


def cache_dir(db_path: Path) -> Path:
    return db_path.parent / f".{db_path.stem}.cache"


def key_of(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def _remember(key: str, value) -> None:
    with _lock:
        _memory[key] = value
        _memory.move_to_end(key)
        while len(_memory) > MEMORY_KEEP:
            _memory.popitem(last=False)


def once(key: str, compute: Callable[[], object]):
    """`compute()` once per key in this process (bounded); concurrent callers wait for it."""
    with _lock:
        if key in _memory:
            _memory.move_to_end(key)
            return _memory[key]
        busy = _busy.setdefault(key, threading.Lock())
    with busy:
        with _lock:
            if key in _memory:
                return _memory[key]
        try:
            value = compute()
        finally:
            with _lock:
                _busy.pop(key, None)
        _remember(key, value)
    return value


def assessment(db_path: Path, key: str, compute: Callable[[], object], *, disk: bool = True):
    """The scoring run of `key`: from memory, else from disk, else computed (and saved)."""
    folder = cache_dir(db_path) / f"assess-{key}"

    def load_or_compute():
        if disk:
            found = _read(folder)
            if found is not None:
                return found
        run = compute()
        if disk:
            _write(folder, run)
        return run

    return once(f"assess-{key}", load_or_compute)


def _read(folder: Path):
    import polars as pl

    from assess.score import Assessment

    try:
        frames = [pl.read_parquet(folder / f"{p}.parquet") for p in PARTS]
    except (OSError, pl.exceptions.PolarsError):
        return None
    os.utime(folder)  # recently used: kept by _prune
    return Assessment(*frames)


def _write(folder: Path, run) -> None:
    tmp = folder.with_name(f"{folder.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        for p in PARTS:
            getattr(run, p).write_parquet(tmp / f"{p}.parquet")
        os.replace(tmp, folder)
    except OSError:  # a read-only folder or a race with another server: keep it in memory only
        shutil.rmtree(tmp, ignore_errors=True)
        return
    _prune(folder.parent)


def _prune(root: Path) -> None:
    entries = sorted(
        (p for p in root.glob("assess-*") if p.is_dir() and not p.name.endswith(".tmp")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in entries[DISK_KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
