"""dashboard.memo / dashboard.runs: one computation per key for the whole process (concurrent
callers wait for it), scoring runs kept on disk across restarts, 导出 scoring nothing until a
click and building each file once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import duckdb
import pytest
from polars.testing import assert_frame_equal

import queries
from assess import load_scheme, stored
from assess.scheme import scheme_fingerprint
from dashboard import memo, runs

# slow: scoring runs on the demo database (the whole ETL over real and generated reports)
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SCHEME = str(ROOT / "data" / "schemes" / "default.toml")


@pytest.fixture(autouse=True)
def _empty_memo():
    memo._memory.clear()
    yield
    memo._memory.clear()


def test_once_computes_once_while_others_wait():
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.2)
        return "run"

    got = []
    threads = [threading.Thread(target=lambda: got.append(memo.once("k", slow))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == ["run"] * 4 and len(calls) == 1
    assert memo.once("k", lambda: "other") == "run"


def test_a_failed_computation_is_not_kept():
    with pytest.raises(ZeroDivisionError):
        memo.once("bad", lambda: 1 / 0)
    assert memo.once("bad", lambda: 2) == 2


@pytest.fixture
def db_copy(demo_db, tmp_path):
    import shutil

    copy = tmp_path / "gongkai.duckdb"
    shutil.copy(demo_db, copy)
    return copy


def _con(path: Path):
    con = duckdb.connect(":memory:")
    con.execute("ATTACH ? AS gongkai (READ_ONLY)", [str(path)])
    con.execute(runs.USE)
    return con


def test_scoring_run_is_kept_on_disk_and_read_back_equal(db_copy, monkeypatch):
    con = _con(db_copy)
    year = queries.default_year(runs.cursor_of(con))
    first = runs.scored(con, db_copy, 1, year, SCHEME, "h1")
    folders = list(stored.cache_dir(db_copy).glob("assess-*"))
    assert len(folders) == 1 and {p.name for p in folders[0].iterdir()} == {
        f"{p}.parquet" for p in stored.PARTS
    } | {stored.STAMP_FILE}
    memo._memory.clear()  # a restarted server: only the disk is left

    def no_scoring(*a, **k):
        raise AssertionError("scored again although the run is on disk")

    monkeypatch.setattr(queries, "year_assessment", no_scoring)
    again = runs.scored(con, db_copy, 1, year, SCHEME, "h1")
    for part in stored.PARTS:
        assert_frame_equal(getattr(again, part), getattr(first, part))
    with pytest.raises(AssertionError):  # another scheme content: never the old run
        runs.scored(con, db_copy, 1, year, SCHEME, "h2")
    con.close()

    from etl.building_copy import building_database

    with building_database(db_copy):  # any writer swapping a new build in (nothing changed)
        pass
    memo._memory.clear()
    con = _con(db_copy)
    with pytest.raises(AssertionError):  # another build of the database: never the old run
        runs.scored(con, db_copy, 2, year, SCHEME, "h1")
    con.close()


def test_stored_scores_equal_a_fresh_scoring_of_the_demo_database(db_copy):
    """What `gongkai build` stores after the load: every agency, every indicator, this year and
    last, as the dashboard would score them."""
    from dashboard.data import connect

    con = connect(str(db_copy))
    cur = runs.cursor_of(con)
    years = stored.store_years(cur, db_copy, SCHEME)
    year = queries.default_year(cur)
    inputs = stored.inputs_key(cur, db_copy)
    indicators = len(load_scheme(SCHEME).indicators)
    for y in (year, year - 1):
        assert y in years
        kept = stored.read(db_copy, stored.run_key(inputs, y, scheme_fingerprint(SCHEME)))
        fresh = queries.year_assessment(cur, year=y, scheme=SCHEME)
        for part in stored.PARTS:
            assert_frame_equal(getattr(kept, part), getattr(fresh, part))
        assert kept.scores.height > 20  # the generated province's agencies
        assert kept.indicators.height == kept.scores.height * indicators
    con.close()


def test_a_peer_groups_ranking_is_the_rows_of_the_whole_ranking(db_copy):
    """The sidebar's peer group filters the shared ranking: the same rows, ranks, flags and
    previous ranks as queries.ranking asked for that group alone, and no second ranking."""
    con = _con(db_copy)
    cur = runs.cursor_of(con)
    year = queries.default_year(cur)
    content = scheme_fingerprint(SCHEME)
    every = runs.ranked(con, db_copy, 1, year, SCHEME, content)
    groups = every["peer_group"].unique(maintain_order=True).to_list()
    assert len(groups) > 1
    for group in groups:
        alone = queries.ranking(
            cur,
            year=year,
            scheme=SCHEME,
            peer_group=group,
            assessment=runs.scored(con, db_copy, 1, year, SCHEME, content),
            prev_assessment=runs.scored(con, db_copy, 1, year - 1, SCHEME, content),
        )
        assert_frame_equal(runs.ranked(con, db_copy, 1, year, SCHEME, content, group), alone)
    assert len([k for k in memo._memory if k.startswith("rank-")]) == 1  # ranked once
    con.close()


def test_what_if_runs_stay_in_memory(db_copy):
    con = _con(db_copy)
    year = queries.default_year(runs.cursor_of(con))
    runs.scored(con, db_copy, 1, year, SCHEME, "h1", (("completion", 30.0),))
    assert not stored.cache_dir(db_copy).exists()
    con.close()


def test_exports_score_nothing_until_a_click_then_build_once(db_copy, monkeypatch):
    import exports

    con = _con(db_copy)
    year = queries.default_year(runs.cursor_of(con))
    scored, built = [], []
    real_score, real_csv = queries.year_assessment, exports.summary_csv
    monkeypatch.setattr(
        queries, "year_assessment", lambda *a, **k: scored.append(1) or real_score(*a, **k)
    )
    monkeypatch.setattr(exports, "summary_csv", lambda f: built.append(1) or real_csv(f))
    builders = runs.export_builders(con, db_copy, 7, year, SCHEME, "h1")
    assert set(builders) == {"xlsx", "csv", "pdf", "docx"}
    assert scored == [] and built == []  # the page shows its buttons: nothing computed
    data = builders["csv"]()
    assert data.startswith(b"\xef\xbb\xbf") and len(scored) == 2 and built == [1]
    again = runs.export_builders(con, db_copy, 7, year, SCHEME, "h1")["csv"]()
    assert again == data and len(scored) == 2 and built == [1]  # a second click: kept
    con.close()
