"""Process-wide memory for what is expensive and shared by every session: a year's scoring run
(kept on disk too, so a restarted server does not score again) and built export files.

No streamlit here: the export callables of st.download_button run on another thread outside any
script run, and the warm-up at server start runs before any session; both use these memos, and
dashboard/data.py's cached functions (dashboard/cached.py, dashboard/scores.py) sit on top of them.

- One computation per key at a time: a caller asking for a key another thread is computing
  waits for it instead of computing it again (the warm-up and a first visitor share one run).
- On disk: assess.stored (`<db folder>/.<db stem>.cache/assess-<key>/`), where `gongkai load`
  and `gongkai build` store every year under the default scheme right after a load; the key
  hashes the database build, the corrections in force, the province, the scorer's code, the
  year and the scheme's content hash, so a rebuilt database, a correction or an edited scheme
  never reads an old run. A what-if (weights) run is kept in memory only.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable

from assess import stored

MEMORY_KEEP = 64  # scoring runs, rankings, summaries and export files kept in memory

_lock = threading.Lock()
_busy: dict[str, threading.Lock] = {}
_memory: OrderedDict[str, object] = OrderedDict()


def forget() -> None:
    """Drop everything kept in this process (a benchmark's cold start: as a restarted server)."""
    with _lock:
        _memory.clear()


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
    """The scoring run of `key` (assess.stored.run_key): from memory, else as stored beside the
    database (by `gongkai load`/`build`, or an earlier server), else computed and stored."""

    def load_or_compute():
        if disk:
            found = stored.read(db_path, key)
            if found is not None:
                return found
        run = compute()
        if disk and stored.write(db_path, key, run):
            stored.prune(db_path)
        return run

    return once(f"assess-{key}", load_or_compute)
