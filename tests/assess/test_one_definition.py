"""Each figure has one definition: the dashboard's query layer, the score and the export show the
same value for the same agency, N/A included; one scoring run per (database, year, scheme
content), so an edited scheme file is what the next page view shows.

Inputs: the hand-built province of conftest.py, plus agency E reporting a std2021 表三 that prints
办理总计 but neither 予以公开 nor 部分公开 (the case where the dashboard once showed 0.0 and the
score N/A).
"""

from __future__ import annotations

import csv
import io
import os

import duckdb
import polars as pl
import pytest

import exports
import queries
from assess import metric_values
from etl.fields import t3_key
from exports.data import gather
from tests.assess.conftest import build


def _add_e_without_disclosure_rows(con) -> None:
    con.execute(
        "INSERT INTO reports (report_id, agency_id, year, version, is_current, template, days_late, "
        "source_path, sha256, format, parser_version, loaded_at) "
        "VALUES (900, 'E', 2024, 1, true, 'std2021', 0, 'e.txt', 'sha-e', 'text', 't', now())"
    )
    con.executemany(
        "INSERT INTO report_values (report_id, key, value, source) VALUES (900, ?, ?, 'table')",
        [
            (t3_key("new", "total"), 12),
            (t3_key("carried_in", "total"), 0),
            (t3_key("processed", "total"), 12),
            (t3_key("carried_out", "total"), 0),
        ],
    )


@pytest.fixture
def con_e(con):
    _add_e_without_disclosure_rows(con)
    return con


def _by_agency(df: pl.DataFrame, column: str) -> dict:
    return dict(df.select("agency_id", column).iter_rows())


def test_disclosure_rate_is_na_everywhere_when_no_outcome_row_is_printed(con_e, scheme_path):
    score = _by_agency(
        metric_values(con_e, 2024).filter(pl.col("metric") == "disclosure_rate"), "value"
    )
    shown = _by_agency(queries.figures(con_e, year=2024), "disclosure_rate")
    ranked = _by_agency(queries.ranking(con_e, year=2024, scheme=scheme_path), "disclosure_rate")
    export = gather(con_e, year=2024, scheme=scheme_path)
    exported = _by_agency(export.summary.frame, "disclosure.value")

    assert score["E"] is None and shown["E"] is None and ranked["E"] is None
    assert exported["E"] is None
    assert score["A"] == pytest.approx(100 * 70 / 95)
    for agency in ("A", "B", "C", "D", "F", "G", "H"):
        assert shown[agency] == score[agency] == ranked[agency] == exported[agency], agency

    rows = list(csv.reader(io.StringIO(exports.summary_csv(export).decode("utf-8-sig"))))
    header = next(r for r in rows if "单位" in r)
    column = header.index("公开率·数值")
    cell = {
        r[header.index("单位")]: r[column]
        for r in rows[rows.index(header) + 1 :]
        if len(r) > column
    }
    assert cell["戊局"] == ""  # N/A stays empty, never 0
    assert float(cell["甲局"].rstrip("%")) == pytest.approx(score["A"], abs=0.05)


def test_one_scoring_run_serves_every_peer_group_and_every_agency(con_e, scheme_path):
    run = queries.year_assessment(con_e, year=2024, scheme=scheme_path)
    for group in ("G1", "G2"):
        direct = queries.ranking(con_e, year=2024, scheme=scheme_path, peer_group=group)
        filtered = queries.ranking(
            con_e, year=2024, scheme=scheme_path, peer_group=group, assessment=run
        )
        assert filtered.select("agency_id", "rank", "score").equals(
            direct.select("agency_id", "rank", "score")
        )
    for agency in ("A", "F"):
        fresh, _ = queries.score_detail(con_e, year=2024, scheme=scheme_path, agency_id=agency)
        reused, _ = queries.score_detail(
            con_e, year=2024, scheme=scheme_path, agency_id=agency, assessment=run
        )
        assert reused.equals(fresh)


def test_an_edited_scheme_is_scored_on_the_next_view_even_with_the_same_mtime(
    tmp_path, scheme_path, monkeypatch
):
    from dashboard import data

    db = tmp_path / "p.duckdb"
    c = duckdb.connect(str(db))
    build(c)
    c.close()
    monkeypatch.setenv("GONGKAI_DB", str(db))
    v = data.db_version()
    before = dict(
        data.ranking(v, 2024, str(scheme_path), "G1").select("agency_id", "score").iter_rows()
    )

    stat = scheme_path.stat()
    text = scheme_path.read_text(encoding="utf-8")
    # Move 20 points from 办结率 to 及时发布: same path, same mtime, new content.
    text = text.replace("zero = 50\nweight = 40", "zero = 50\nweight = 20", 1)
    text = text.replace("points = 5\nweight = 10", "points = 5\nweight = 30", 1)
    scheme_path.write_text(text, encoding="utf-8")
    os.utime(scheme_path, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    after = dict(
        data.ranking(v, 2024, str(scheme_path), "G1").select("agency_id", "score").iter_rows()
    )
    expected = dict(
        queries.ranking(
            duckdb.connect(str(db), read_only=True), year=2024, scheme=scheme_path, peer_group="G1"
        )
        .select("agency_id", "score")
        .iter_rows()
    )
    assert after == expected
    assert after != before
