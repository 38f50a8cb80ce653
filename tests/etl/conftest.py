"""The etl tests write report files and read them at once."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _files_left_alone(monkeypatch):
    """A file a test has just written is read as one left alone for long, as a downloaded report
    is: the reader's wait for a file modified moments ago (etl.extract.SETTLE_NS, up to 2 s per
    file, so that a file still being written is refused) is tested on its own, through the real
    CLI, in tests/gongkai/test_whole_file.py; the parser and loader tests need not pay it."""
    monkeypatch.setattr("etl.extract.SETTLE_NS", 0)
