"""Dashboard fixtures: one demo database per session, built through the real pipeline.

Inputs (what each exercises on the pages):
- shared/seeds: legacy 统计表 and prose reports 2016-2018 (one Traditional, one not a report),
  so the legacy rates (按时办结率) and a not-a-report load outcome appear;
- shared/real-reports: std2021 reports in PDF/Markdown (表三/表四/表二, findings from a report
  that breaks an identity) and a crawled legacy page;
- a small corpus from the `demo` generator when it is importable (many agencies and years, so
  rankings, rank changes and peer medians have something to compare).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REAL, ROOT, SEEDS


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


def _demo_corpus(folder: Path) -> Path | None:
    """A small generated corpus (24 agencies, 2019-2024) when the demo package is there."""
    try:
        from demo.generate import generate
    except ImportError:
        return None
    out = folder / "demo"
    generate(out, seed=7, n_agencies=24, years=(2019, 2024))
    return out


def _registry(folder: Path, corpus: Path | None) -> Path:
    """The project registry plus the generated agencies (one header)."""
    lines = (ROOT / "data" / "registry.csv").read_text(encoding="utf-8-sig").splitlines()
    if corpus is not None and (corpus / "registry.csv").exists():
        extra = (corpus / "registry.csv").read_text(encoding="utf-8-sig").splitlines()
        if extra and extra[0] == lines[0]:
            lines += extra[1:]
    path = folder / "registry.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The session's demo database (built once; read-only afterwards)."""
    from etl.pipeline import run_load

    folder = tmp_path_factory.mktemp("dashboard-db")
    db = folder / "gongkai.duckdb"
    corpus = _demo_corpus(folder)
    inputs = [SEEDS, REAL] + ([corpus] if corpus else [])
    run_load(inputs, db, registry_path=_registry(folder, corpus))
    return db


@pytest.fixture(scope="session")
def empty_db(tmp_path_factory) -> Path:
    """A database with the schema and nothing else."""
    from etl.schema import ensure_schema

    db = tmp_path_factory.mktemp("dashboard-empty") / "empty.duckdb"
    con = duckdb.connect(str(db))
    ensure_schema(con)
    con.close()
    return db


@pytest.fixture
def con(demo_db):
    c = duckdb.connect(str(demo_db), read_only=True)
    yield c
    c.close()


@pytest.fixture
def empty_con(empty_db):
    c = duckdb.connect(str(empty_db), read_only=True)
    yield c
    c.close()
