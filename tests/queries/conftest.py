"""The query tests read the small province of tests/small_province.py (fixture `small_con`)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _office_province(monkeypatch):
    """The project's office file, whose province is small_province.PROVINCE, whatever the
    environment says."""
    monkeypatch.delenv("GONGKAI_OFFICE", raising=False)
