"""The pages' default views stored by `gongkai load` (dashboard.default_views): read by the
pages without computing, and never read stale: after an analyst's correction or an edit of the
scheme the page computes them again, with the corrected figure or the new weights."""

from __future__ import annotations

import shutil

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import queries
from assess import stored
from assess.scheme import scheme_fingerprint
from dashboard import kept, memo, runs
from dashboard.data import connect
from dashboard.scheme_file import variant_text
from gongkai.commands.load import store_scores
from tests.conftest import ROOT
from tests.workflow.conftest import AGENCY, correct

pytestmark = pytest.mark.slow  # each test runs a whole `gongkai load` of a real report

SCHEMES = ROOT / "data" / "schemes"
SCHEME = str(SCHEMES / "default.toml")


@pytest.fixture(autouse=True)
def _empty_memo():
    memo.forget()
    yield
    memo.forget()


def _counting(monkeypatch, name: str) -> list:
    calls, real = [], getattr(queries, name)
    monkeypatch.setattr(queries, name, lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def _score(ranked: pl.DataFrame) -> float:  # the agency's 总分
    return ranked.filter(pl.col("agency_id") == AGENCY)["score"][0]


def test_a_correction_is_shown_not_the_frames_stored_before_it(loaded, monkeypatch):
    _, db = loaded
    assert list(stored.cache_dir(db).glob(f"{kept.PREFIX}-*")), "the load stored no view"
    h = scheme_fingerprint(SCHEME)
    ranking_calls = _counting(monkeypatch, "ranking")
    con = connect(str(db))
    before = runs.ranked(con, db, 1, 2024, SCHEME, h)
    profile = runs.query(con, db, 1, queries.agency_profile, agency_id=AGENCY)
    con.close()
    assert ranking_calls == []  # read as the load stored it
    assert profile.filter(pl.col("year") == 2024)["carried_out"][0] == 1

    correct(db, "t3.carried_out.total", 9)
    memo.forget()
    con = connect(str(db))  # a correction bumps the workflow revision: a new connection
    after = runs.ranked(con, db, 2, 2024, SCHEME, h)
    shown = runs.query(con, db, 2, queries.agency_profile, agency_id=AGENCY)
    fresh = queries.agency_profile(runs.cursor_of(con), agency_id=AGENCY)
    con.close()
    assert len(ranking_calls) == 1
    assert _score(after) < _score(before)
    assert shown.filter(pl.col("year") == 2024)["carried_out"][0] == 9
    assert_frame_equal(shown, fresh)


def test_an_edited_scheme_is_ranked_afresh(loaded, tmp_path, monkeypatch):
    _, db = loaded
    folder = tmp_path / "schemes"
    shutil.copytree(SCHEMES, folder)
    scheme = folder / "default.toml"
    assert "frames of the pages' default views" in store_scores(db, scheme)
    ranking_calls = _counting(monkeypatch, "ranking")
    con = connect(str(db))
    first = runs.ranked(con, db, 1, 2024, str(scheme), scheme_fingerprint(scheme))
    assert ranking_calls == []
    text = scheme.read_text(encoding="utf-8")
    edit = {"carryover": {"weight": 15}, "completion": {"weight": 5}}
    scheme.write_text(variant_text(text, "示范方案（办公室修改）", edit), encoding="utf-8")
    edited = runs.ranked(con, db, 1, 2024, str(scheme), scheme_fingerprint(scheme))
    con.close()
    assert len(ranking_calls) == 1
    changed = [c for c in first.columns if first[c].to_list() != edited[c].to_list()]
    assert changed == ["completion.points", "carryover.points"]
    # the weights moved 10 points from 办结率 (15 → 5) to 结转率 (5 → 15)
    assert edited["carryover.points"][0] == pytest.approx(3 * first["carryover.points"][0])
    assert edited["completion.points"][0] == pytest.approx(first["completion.points"][0] / 3)
