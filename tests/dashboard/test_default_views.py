"""The pages' default views stored by the load's step (dashboard.default_views, dashboard.kept):
every stored frame is read back equal to what the page computes without it, and read without
computing; another year, group or scheme is not stored and computed as before."""

from __future__ import annotations

import functools
import shutil

import pytest
from polars.testing import assert_frame_equal

import queries
from assess import stored
from assess.scheme import scheme_fingerprint
from dashboard import default_views, kept, memo, runs
from dashboard.data import connect
from tests.conftest import ROOT

SCHEME = str(ROOT / "data" / "schemes" / "default.toml")
HASH = scheme_fingerprint(SCHEME)


@pytest.fixture
def db(demo_db, tmp_path):
    """A copy of the demo database with its scores and default views stored, as after a load."""
    path = tmp_path / "gongkai.duckdb"
    shutil.copy(demo_db, path)
    memo.forget()
    con = connect(str(path))
    try:
        assert stored.store_years(runs.cursor_of(con), path, SCHEME)
        memo.forget()
        assert default_views.store_default_views(con, path, SCHEME) > 10
    finally:
        con.close()
        memo.forget()
    yield path
    memo.forget()


def _refusing(fn):
    """`fn` under its own name and signature (so its dashboard.kept key), failing if run."""

    @functools.wraps(fn)
    def refuse(*a, **k):
        raise AssertionError(f"{fn.__name__} ran although the load stored its frame")

    return refuse


def _same(a, b) -> None:
    if isinstance(a, dict):
        assert a == b and all(type(n) is int for n in a.values())
    elif isinstance(a, tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_frame_equal(x, y)
    else:
        assert_frame_equal(a, b)


def test_every_stored_frame_is_what_the_page_computes_and_is_read_without_computing(db):
    con = connect(str(db))
    cur = runs.cursor_of(con)
    year = int(queries.default_year(cur))
    assert year == 2024
    asked = list(default_views.SHARED)
    for y in (year, year - 1):
        asked += default_views.year_queries(y)
    stored_ranked = runs.ranked(con, db, 1, year, SCHEME, HASH)
    agency, group = default_views.first_agency(stored_ranked)
    asked += default_views.agency_queries(agency, group)
    assert {fn.__name__ for fn, _ in asked} >= {
        "missing_reports",
        "review_litigation",
        "review_litigation_trend",
        "findings",
        "finding_tally",
        "agency_profile",
        "peer_median",
    }
    for fn, params in asked:
        read = runs.query(con, db, 1, _refusing(fn), **params)
        _same(read, fn(cur, **params))
    # the pages' own argument lists (dashboard/cached.py) key the same frames
    runs.query(con, db, 1, _refusing(queries.findings), year=year, agency_id=None, peer_group=None)
    runs.query(con, db, 1, _refusing(queries.peer_median), peer_group=group)

    # the scoring frames: read, never scored or ranked; then computed afresh, the same
    points = [
        runs.agency_points(con, db, 1, year, SCHEME, HASH, agency, fn)
        for fn in (queries.score_detail, queries.score_steps)
    ]
    memo.forget()
    for name in ("year_assessment", "ranking", "move_causes", "focus_cells"):
        setattr(queries, name, _refusing(getattr(queries, name)))
    try:
        read = (
            runs.ranked(con, db, 1, year, SCHEME, HASH),
            runs.leader_frames(con, db, 1, year, SCHEME, HASH),
            runs.ranked(con, db, 1, year - 1, SCHEME, HASH),
        )
    finally:
        for name in ("year_assessment", "ranking", "move_causes", "focus_cells"):
            setattr(queries, name, getattr(queries, name).__wrapped__)
    for folder in stored.cache_dir(db).glob(f"{kept.PREFIX}-*"):
        shutil.rmtree(folder)
    memo.forget()
    computed = (
        runs.ranked(con, db, 2, year, SCHEME, HASH),
        runs.leader_frames(con, db, 2, year, SCHEME, HASH),
        runs.ranked(con, db, 2, year - 1, SCHEME, HASH),
    )
    for a, b in zip(read, computed):
        _same(a, b)
    for a, fn in zip(points, (queries.score_detail, queries.score_steps)):
        _same(a, runs.agency_points(con, db, 2, year, SCHEME, HASH, agency, fn))
    assert read[0].height > 20 and read[1][0].height > 1 and points[0][0].height > 3
    con.close()


def test_what_is_not_a_default_view_is_computed(db, monkeypatch):
    con = connect(str(db))
    cur = runs.cursor_of(con)
    groups = queries.peer_groups(cur)
    assert len(groups) > 1
    one = {"year": 2024, "peer_group": groups[-1]}
    with pytest.raises(AssertionError, match="ran although"):
        runs.query(con, db, 1, _refusing(queries.missing_reports), **one)
    older = {"year": 2022, "peer_group": None, "sort": "corrected_total"}
    with pytest.raises(AssertionError, match="ran although"):
        runs.query(con, db, 1, _refusing(queries.review_litigation), **older)
    con.close()


def test_a_new_build_reads_none_and_its_store_removes_the_old_frames(db):
    con = connect(str(db))
    inputs = runs.inputs(con, db, 1)
    con.close()
    old = sorted(p.name for p in stored.cache_dir(db).glob(f"{kept.PREFIX}-*"))
    key = kept.query_key(inputs, queries.load_errors, {})
    assert f"{kept.PREFIX}-{key}" in old and kept.read(db, key) is not None
    other = kept.query_key("another build", queries.load_errors, {})
    assert kept.read(db, other) is None
    # another build's frames (a stamp of another load) go when this build's are stored
    stale = stored.cache_dir(db) / f"{kept.PREFIX}-{other}"
    shutil.copytree(stored.cache_dir(db) / f"{kept.PREFIX}-{key}", stale)
    (stale / stored.STAMP_FILE).write_text("another build", encoding="utf-8")
    memo.forget()
    con = connect(str(db))
    default_views.store_default_views(con, db, SCHEME)
    con.close()
    assert not stale.exists()
    assert sorted(p.name for p in stored.cache_dir(db).glob(f"{kept.PREFIX}-*")) == old
