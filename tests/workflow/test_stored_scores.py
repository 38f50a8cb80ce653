"""Scores stored by `gongkai load` (assess.stored): what a fresh scoring gives, read by the
dashboard without scoring, renewed by a load that changes a report, set aside by a correction
(the shown score follows it exactly) and by an edited scheme file (scored fresh, once)."""

from __future__ import annotations

import shutil

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import queries
from assess import stored
from assess.scheme import load_scheme, scheme_fingerprint
from assess.score import assess_year
from dashboard import memo, runs
from dashboard.data import connect
from dashboard.scheme_file import variant_text
from gongkai.commands.load import store_scores
from tests.conftest import ROOT
from tests.workflow.conftest import AGENCY, correct, fixed_text, load, write_version
from workflow.overlay import attach_corrections

# slow: each test (or the module's fixture) runs a whole `gongkai load` of real reports
pytestmark = pytest.mark.slow

SCHEMES = ROOT / "data" / "schemes"
SCHEME = SCHEMES / "default.toml"
RECEIVED = 34 + 2  # the report's 本年新收 + 上年结转 as printed


@pytest.fixture(autouse=True)
def _empty_memo():
    memo._memory.clear()
    yield
    memo._memory.clear()


def _fresh(db, year, scheme=SCHEME):
    """The run `gongkai score` would compute now (corrections attached)."""
    with duckdb.connect(str(db), read_only=True) as con:
        attach_corrections(con, db)
        return assess_year(con, year, load_scheme(scheme))


def _stored(db, year, scheme=SCHEME):
    """The run kept beside the database for the dashboard's connection, or None."""
    con = connect(str(db))
    try:
        inputs = stored.inputs_key(runs.cursor_of(con), db)
    finally:
        con.close()
    return stored.read(db, stored.run_key(inputs, year, scheme_fingerprint(scheme)))


def _same(a, b) -> None:
    for part in stored.PARTS:
        assert_frame_equal(getattr(a, part), getattr(b, part))


def _row(run) -> dict:
    return run.scores.filter(pl.col("agency_id") == AGENCY).row(0, named=True)


def _no_scoring(monkeypatch) -> None:
    def refuse(*a, **k):
        raise AssertionError("a page scored although the load stored the run")

    monkeypatch.setattr(queries, "year_assessment", refuse)


def _counting(monkeypatch) -> list:
    calls, real = [], queries.year_assessment
    monkeypatch.setattr(
        queries, "year_assessment", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    return calls


def test_the_load_stores_every_year_and_pages_read_it_without_scoring(loaded, monkeypatch):
    _, db = loaded
    with duckdb.connect(str(db), read_only=True) as con:
        assert stored.years_to_store(con) == [2023, 2024]
    for year in (2023, 2024):
        _same(_stored(db, year), _fresh(db, year))
    _no_scoring(monkeypatch)
    con = connect(str(db))
    ranked = runs.ranked(con, db, 1, 2024, str(SCHEME), scheme_fingerprint(SCHEME))
    con.close()
    assert (
        ranked.filter(pl.col("agency_id") == AGENCY)["score"][0] == _row(_fresh(db, 2024))["total"]
    )


def test_a_load_that_changes_the_report_renews_the_stored_scores(loaded):
    folder, db = loaded
    # the misprinted 结转下年度·自然人 breaks two 表三 identities (t3.balance, t3.row_total)
    assert _row(_stored(db, 2024))["consistency.value"] == 2
    write_version(folder, fixed_text())  # the agency republishes with 自然人 1: both hold
    load(folder, db)
    renewed = _stored(db, 2024)
    assert _row(renewed)["consistency.value"] == 0
    assert _row(renewed)["carryover.value"] == pytest.approx(100.0 * 1 / RECEIVED)
    _same(renewed, _fresh(db, 2024))
    with duckdb.connect(str(db), read_only=True) as con:
        build = stored.build_stamp(con)
    kept = list(stored.cache_dir(db).glob("assess-*"))
    assert len(kept) == 2 and all(
        (p / stored.STAMP_FILE).read_text(encoding="utf-8") == build for p in kept
    )  # the old build's runs are gone


def test_a_correction_changes_the_shown_score_and_is_scored_once(loaded, monkeypatch):
    _, db = loaded
    h = scheme_fingerprint(SCHEME)
    con = connect(str(db))
    before = runs.ranked(con, db, 1, 2024, str(SCHEME), h)
    con.close()
    correct(db, "t3.carried_out.total", 9)
    calls = _counting(monkeypatch)
    con = connect(str(db))  # a correction bumps the workflow revision: a new connection
    run = runs.scored(con, db, 2, 2024, str(SCHEME), h)
    after = runs.ranked(con, db, 2, 2024, str(SCHEME), h)
    con.close()
    assert _row(run)["carryover.value"] == pytest.approx(100.0 * 9 / RECEIVED)
    _same(run, _fresh(db, 2024))
    shown = after.filter(pl.col("agency_id") == AGENCY).row(0, named=True)
    assert shown["score"] == _row(run)["total"]
    assert shown["score"] < before.filter(pl.col("agency_id") == AGENCY)["score"][0]
    assert len(calls) == 2  # this year and last year, once: kept beside the database
    memo._memory.clear()  # a restarted server reads them
    con = connect(str(db))
    _same(runs.scored(con, db, 3, 2024, str(SCHEME), h), run)
    con.close()
    assert len(calls) == 2


def test_an_edited_scheme_file_is_scored_fresh_once(loaded, tmp_path, monkeypatch):
    _, db = loaded
    folder = tmp_path / "schemes"
    folder.mkdir()
    scheme = folder / "default.toml"
    for f in SCHEMES.iterdir():
        shutil.copy(f, folder / f.name)
    assert store_scores(db, scheme).startswith("scores stored for 2023-2024")
    calls = _counting(monkeypatch)
    con = connect(str(db))
    first = runs.scored(con, db, 1, 2024, str(scheme), scheme_fingerprint(scheme))
    assert calls == []
    text = scheme.read_text(encoding="utf-8")
    scheme.write_text(
        variant_text(
            text,
            "示范方案（办公室修改）",
            {"carryover": {"weight": 10}, "completion": {"weight": 10}},
        ),
        encoding="utf-8",
    )
    edited = scheme_fingerprint(scheme)
    run = runs.scored(con, db, 1, 2024, str(scheme), edited)
    again = runs.scored(con, db, 1, 2024, str(scheme), edited)
    con.close()
    assert len(calls) == 1 and again is run
    _same(run, _fresh(db, 2024, scheme))
    weight = pl.col("indicator") == "carryover"
    assert (
        run.indicators.filter(weight)["weight"][0] != first.indicators.filter(weight)["weight"][0]
    )


def test_the_servers_watcher_sees_a_load_a_correction_and_a_scheme_edit(
    loaded, tmp_path, monkeypatch
):
    """dashboard/server.py warms again when dashboard.data.watched() changes."""
    from dashboard import data

    folder, db = loaded
    schemes = tmp_path / "schemes"
    shutil.copytree(SCHEMES, schemes)
    monkeypatch.setenv("GONGKAI_DB", str(db))
    monkeypatch.setattr(data, "SCHEMES_DIR", schemes)
    seen = [data.watched()]
    correct(db, "t3.carried_out.total", 9)
    seen.append(data.watched())
    scheme = schemes / "default.toml"
    scheme.write_text(scheme.read_text(encoding="utf-8") + "\n# 办公室修改\n", encoding="utf-8")
    seen.append(data.watched())
    write_version(folder, fixed_text())
    load(folder, db)
    seen.append(data.watched())
    assert None not in seen and len(set(seen)) == 4
    assert data.watched() == seen[-1]  # nothing changed: no second warm-up
