"""Shared test settings: where the hand-checked material lives, version header."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _shared_root() -> Path:
    """../shared when present (the hand-checked originals), else the copies the repo carries."""
    if os.environ.get("GONGKAI_SHARED"):
        return Path(os.environ["GONGKAI_SHARED"])
    if (ROOT.parent / "shared" / "seeds").is_dir():
        return ROOT.parent / "shared"
    return ROOT / "data" / "reports"


SHARED = _shared_root()
SEEDS = SHARED / "seeds"
REAL = SHARED / "real-reports"
SPEC = (
    SHARED / "spec" / "report-fields.md"
    if (SHARED / "spec").is_dir()
    else ROOT / "docs" / "spec" / "report-fields.md"
)


def pytest_report_header(config):
    import duckdb
    import polars
    import streamlit

    return f"duckdb {duckdb.__version__}, polars {polars.__version__}, streamlit {streamlit.__version__}, shared={SHARED}"  # noqa: E501


def load_truth(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def truth_for(name: str) -> tuple[Path, dict]:
    """(document path, truth) for a file under shared/seeds or shared/real-reports."""
    for folder in (SEEDS, REAL):
        for truth_path in folder.glob("*.truth.json"):
            truth = load_truth(truth_path)
            if truth["file"] == name or truth_path.name.startswith(name):
                return folder / truth["file"], truth
    raise FileNotFoundError(name)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.exists():
        raise RuntimeError(
            f"{SHARED} not found: the tests read ../shared (set GONGKAI_SHARED to override)"
        )
    return SHARED


@pytest.fixture
def office_without_province(tmp_path_factory, monkeypatch) -> Path:
    """data/office.toml without `[office] province` (named by $GONGKAI_OFFICE): an office whose
    scope is inferred from the registry. For tests that treat the registry's reference agencies
    of several provinces (沭阳, 迁安, …) as the agencies under supervision (etl.scope: with no
    province holding most of the registry, nothing is filtered)."""
    text = (ROOT / "data" / "office.toml").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("province =")]
    assert len(lines) < len(text.splitlines()), "data/office.toml declares the province"
    path = tmp_path_factory.mktemp("office") / "office.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("GONGKAI_OFFICE", str(path))
    return path
