"""Shared test settings: where the hand-checked material lives, version header."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
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


# The session demo database of the dashboard, query and export tests, built once through the
# real pipeline. Inputs (what each exercises on the pages):
# - shared/seeds: legacy 统计表 and prose reports 2016-2018 (one Traditional, one not a report),
#   so the legacy rates (按时办结率) and a not-a-report load outcome appear;
# - shared/real-reports: std2021 reports in PDF/Markdown (表三/表四/表二, findings from a report
#   that breaks an identity) and a crawled legacy page;
# - a small corpus from the `demo` generator when it is importable (many agencies and years, so
#   rankings, rank changes and peer medians have something to compare).


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


@pytest.fixture(scope="module")
def small_con() -> Iterator[duckdb.DuckDBPyConnection]:
    """The small province of tests/small_province.py, in memory: declared rows, no ETL."""
    from tests.small_province import build_small_province

    con = duckdb.connect()
    build_small_province(con)
    yield con
    con.close()


@pytest.fixture(autouse=True)
def _no_parse_workers_left_behind():
    """A test that forks parse workers and stops early (a refusal on purpose, a failure) must not
    leave the next test of this process the old workers' notes folder (etl.stuck_workers), where
    a name left by a worker killed on purpose would be read as the next pool's casualty."""
    yield
    from etl import stuck_workers

    if stuck_workers.prepared():
        stuck_workers.forget()


def last_line_of_a_fresh_python(code: str, *args: str, timeout: float = 600) -> str:
    """Run `code` (sys.argv[1:] = args) in a new Python process from the project root; the last
    line it printed. For work whose outcome depends on the process it runs in: parse workers fork
    from it, and a suite's long-lived process hands them its threads, heap and module state."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def load_in_a_fresh_process(files, db: Path, **options) -> dict:
    """etl.pipeline.run_load(files, db, **options) as `gongkai load` runs it, in a process of its
    own: {"loaded": [...], "failed": [[path, message], ...]}."""
    code = (
        "import json, sys\n"
        "from etl.pipeline import run_load\n"
        "s = run_load(json.loads(sys.argv[1]), sys.argv[2], **json.loads(sys.argv[3]))\n"
        "print(json.dumps({'loaded': [str(p) for p in s.loaded],"
        " 'failed': [[str(x) for x in f] for f in s.failed]}, ensure_ascii=False))\n"
    )
    listed = json.dumps([str(f) for f in files])
    return json.loads(last_line_of_a_fresh_python(code, listed, str(db), json.dumps(options)))
