"""The query layer against the session demo database (built by the real pipeline) and an empty one.

Fixture inputs: see tests/dashboard/conftest.py (seeds: legacy/prose 2016-2018; real-reports:
std2021 PDF/Markdown with a report breaking an identity; demo corpus when available).
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

from queries import labels

import queries

SCHEME = Path(__file__).resolve().parents[2] / "data" / "schemes" / "default.toml"

# Every query with arguments that exercise its filters.
CALLS = [
    (queries.years, {}),
    (queries.default_year, {}),
    (queries.peer_groups, {}),
    (queries.agencies, {}),
    (queries.agencies, {"peer_group": "县级政府"}),
    (queries.figures, {"year": 2024}),
    (queries.figures, {"agency_id": "x", "peer_group": "p"}),
    (queries.agency_profile, {"agency_id": "x"}),
    (queries.agency_values, {"agency_id": "x", "prefix": "t2."}),
    (queries.peer_median, {"peer_group": "县级政府"}),
    (queries.report_keys, {"report_id": 1}),
    (queries.value_source, {"report_id": 1, "key": "t3.new.total"}),
    (queries.review_litigation, {"year": 2024}),
    (queries.review_litigation, {"year": 2024, "peer_group": "p", "sort": "pending"}),
    (queries.review_litigation_trend, {}),
    (queries.findings, {"year": 2024, "agency_id": "x", "peer_group": "p"}),
    (queries.findings_summary, {"year": 2024}),
    (queries.findings_by_agency, {"year": 2024}),
    (queries.load_errors, {}),
    (queries.load_errors, {"latest_only": True}),
    (queries.missing_reports, {"year": 2024}),
    (queries.late_reports, {"year": 2024}),
    (queries.copied_reports, {"year": 2024}),
    (queries.quality_check_summary, {"year": 2024}),
    (queries.repeated_reports, {"year": 2024}),
    (queries.publication_dates, {"year": 2024}),
    (queries.timeliness_by_kind, {"year": 2024}),
    (queries.unpublished_reports, {"year": 2024}),
    (queries.ranking, {"year": 2024, "scheme": SCHEME}),
]


@pytest.mark.parametrize("fn,kwargs", CALLS, ids=lambda x: getattr(x, "__name__", ""))
def test_every_query_compiles_on_an_empty_database(empty_con, fn, kwargs):
    out = fn(empty_con, **kwargs)
    assert out is None or isinstance(out, (pl.DataFrame, list, int))


@pytest.mark.parametrize("fn,kwargs", CALLS, ids=lambda x: getattr(x, "__name__", ""))
def test_every_query_runs_on_the_demo_database(con, fn, kwargs):
    fn(con, **kwargs)


class TestFigures:
    def test_rates_agree_with_assess_metrics(self, con):
        """The dashboard's rates are the assessment's rates (same definition, same numbers)."""
        from assess.metrics import metric_values

        ids = {"completion_rate": "completion_rate", "on_time_rate": "on_time_rate",
               "disclosure_rate": "disclosure_rate", "review_correction_rate": "review_correction_rate",
               "suit_correction_rate": "suit_correction_rate"}
        for year in queries.years(con):
            fig = queries.figures(con, year=year)
            ref = metric_values(con, year).filter(pl.col("metric").is_in(list(ids.values())))
            for row in ref.iter_rows(named=True):
                mine = fig.filter(pl.col("report_id") == row["report_id"])[row["metric"]][0]
                if row["value"] is None:
                    assert mine is None, (year, row)
                else:
                    assert mine == pytest.approx(row["value"]), (year, row)

    def test_requests_is_the_printed_value(self, con):
        printed = con.sql("SELECT report_id, value FROM current_values WHERE key = 't3.new.total'").pl()
        assert printed.height > 0
        fig = queries.figures(con)
        for report_id, value in printed.iter_rows():
            assert fig.filter(pl.col("report_id") == report_id)["requests"][0] == value

    def test_profile_is_one_row_per_year_oldest_first(self, con):
        agency = queries.figures(con)["agency_id"][0]
        profile = queries.agency_profile(con, agency_id=agency)
        assert profile["year"].to_list() == sorted(set(profile["year"].to_list()))

    def test_peer_median_is_the_median_of_the_group(self, con):
        fig = queries.figures(con).filter(pl.col("peer_group").is_not_null())
        group, year = fig["peer_group"][0], fig["year"][0]
        expected = fig.filter((pl.col("peer_group") == group) & (pl.col("year") == year))["completion_rate"].median()
        med = queries.peer_median(con, peer_group=group, year=year)
        assert med["completion_rate"][0] == pytest.approx(expected)


class TestRanking:
    def test_scores_are_assess_scores(self, con):
        from assess.score import score_year

        year = queries.years(con)[-1]
        ranked = queries.ranking(con, year=year, scheme=SCHEME)
        ref = score_year(con, year, SCHEME)
        assert ranked.height == ref.height
        joined = ranked.join(ref.select("agency_id", "total", "rank"), on="agency_id", suffix="_ref")
        assert (joined["score"] == joined["total_ref"]).all()
        assert (joined["rank"] == joined["rank_ref"]).all()

    def test_rank_columns_come_first_and_missing_agencies_are_red(self, con):
        year = queries.years(con)[0]
        ranked = queries.ranking(con, year=year, scheme=SCHEME)
        assert ranked.columns[: len(queries.RANK_COLUMNS)] == list(queries.RANK_COLUMNS)
        missing = ranked.filter(pl.col("missing"))
        assert (missing["flag"] == "red").all()
        assert all("未发布年报" in f for f in missing["flags"])
        listed = set(queries.missing_reports(con, year=year)["agency_id"])
        assert set(missing["agency_id"]) == listed

    def test_what_if_weights_rescore_without_touching_the_scheme_file(self, con):
        from assess.scheme import load_scheme

        before = os.stat(SCHEME).st_mtime_ns, SCHEME.read_bytes()
        scheme = load_scheme(SCHEME)
        weighted = [i for i in scheme.indicators if i.weighted]
        only = {i.id: (100.0 if n == 0 else 0.0) for n, i in enumerate(weighted)}
        year = queries.years(con)[-1]
        base = queries.ranking(con, year=year, scheme=SCHEME)
        alt = queries.ranking(con, year=year, scheme=SCHEME, weights=only)
        assert base.height == alt.height
        assert (os.stat(SCHEME).st_mtime_ns, SCHEME.read_bytes()) == before
        from queries.ranking import _scheme_with_weights

        rescaled = _scheme_with_weights(scheme, {weighted[0].id: 50.0})
        assert sum(i.weight for i in rescaled.indicators if i.weighted) == pytest.approx(100.0)
        compared = queries.compare_rankings(base, alt)
        assert {"base_rank", "whatif_change"} <= set(compared.columns)

    def test_unknown_indicator_weight_is_refused(self, con):
        with pytest.raises(KeyError):
            queries.ranking(con, year=2024, scheme=SCHEME, weights={"no_such_indicator": 10})


class TestSafety:
    def test_unknown_sort_is_refused(self, empty_con):
        with pytest.raises(KeyError):
            queries.review_litigation(empty_con, year=2024, sort="1; DROP TABLE reports")

    def test_hostile_text_is_a_bound_value(self, con):
        assert queries.figures(con, agency_id="x' OR '1'='1").is_empty()


class TestSources:
    def test_value_source_shows_the_printed_text_and_file(self, con):
        row = con.sql("SELECT report_id, key, raw FROM current_values WHERE raw IS NOT NULL "
                      "AND key = 't3.new.total' LIMIT 1").fetchall()[0]
        src = queries.value_source(con, report_id=row[0], key=row[1])
        assert src.height == 1
        assert src["raw"][0] == row[2]
        assert src["source_path"][0]
        assert labels.key_label(row[1]) != row[1]

    def test_findings_difference_is_actual_minus_expected(self, con):
        f = queries.findings(con).filter(pl.col("expected").is_not_null() & pl.col("actual").is_not_null())
        assert f.height > 0
        assert (f["difference"] == f["actual"] - f["expected"]).all()
        assert f["rule_label"].null_count() == 0

    def test_review_litigation_lists_most_corrected_first(self, con):
        for year in queries.years(con):
            df = queries.review_litigation(con, year=year)
            got = df["corrected_total"].to_list()
            known = [x for x in got if x is not None]  # N/A (no corrected cell printed) sorts last
            assert got == sorted(known, reverse=True) + [None] * (len(got) - len(known))


def test_continuity_caveats_only_when_a_profile_spans_the_template_change():
    from queries import continuity_caveats
    from etl.continuity import series_key_map

    both = pl.DataFrame({"template": ["legacy", "std2021"]})
    caveats = continuity_caveats(both)
    assert caveats["指标"].to_list()[0] == series_key_map()["requests"].label
    assert caveats.height == len(set(caveats["指标"].to_list())) >= 10
    assert continuity_caveats(pl.DataFrame({"template": ["std2021", "std2019"]})).is_empty()
    assert continuity_caveats(pl.DataFrame({"template": ["legacy"]})).is_empty()
