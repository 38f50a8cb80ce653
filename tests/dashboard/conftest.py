"""Dashboard fixtures: the browser tests need Chromium (skipped locally without it, failing in CI).

The session demo database the pages are tested on (`demo_db`, `con`) is in tests/conftest.py.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def pytest_collection_modifyitems(config, items):
    """Browser tests: skip locally without Chromium; in CI (CI=true) they run and fail, naming the package."""
    if chromium_path() or _in_ci():
        return
    skip = pytest.mark.skip(
        reason="Chromium not found: install the Debian package `chromium` to run browser tests"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture(autouse=True)
def _chromium_required_in_ci(request):
    if request.node.get_closest_marker("browser") and not chromium_path():
        pytest.fail(
            "CI=true but Chromium is missing: install the Debian package `chromium` "
            "(apt-get install chromium); the dashboard's browser tests cannot run without it."
        )


def chromium_path() -> str | None:
    for candidate in (
        os.environ.get("GONGKAI_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None
