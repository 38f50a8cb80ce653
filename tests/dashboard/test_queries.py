"""The query layer against the session demo database (built by the real pipeline) and an empty one.

Fixture inputs: see tests/dashboard/conftest.py (seeds: legacy/prose 2016-2018; real-reports:
std2021 PDF/Markdown with a report breaking an identity; demo corpus when available).
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

import queries
from queries import labels

SCHEME = Path(__file__).resolve().parents[2] / "data" / "schemes" / "default.toml"


# Every query with arguments that exercise its filters, and what it must return: on the demo
# database the expected value is counted straight from the tables (an independent, simpler
# SQL), on the empty database it is nothing.
def _count(con, sql: str, **params) -> int:
    return con.sql(sql, params=params).fetchall()[0][0]


def _home(con) -> set[str]:
    return queries.home_agencies(con)


def _home_count(con, sql: str) -> int:
    """_count over the office's own agencies: `sql` filters with `list_contains($home, …)`."""
    return _count(con, sql, home=sorted(_home(con)))


HOME = "list_contains($home, agency_id)"


CALLS = [
    (
        queries.years,
        {},
        lambda c: [
            r[0]
            for r in c.sql(
                "SELECT DISTINCT year FROM reports WHERE is_current ORDER BY year DESC"
            ).fetchall()
        ],
    ),
    (
        queries.default_year,
        {},
        lambda c: c.sql(
            "SELECT year FROM current_reports GROUP BY year HAVING count(*) >= 0.5 * (SELECT max(n) FROM "
            "(SELECT count(*) n FROM current_reports GROUP BY year)) ORDER BY year DESC LIMIT 1"
        ).fetchall()[0][0],
    ),
    (
        queries.peer_groups,
        {},
        lambda c: [
            r[0]
            for r in c.sql(
                "SELECT DISTINCT peer_group FROM agencies WHERE peer_group IS NOT NULL ORDER BY 1"
            ).fetchall()
        ],
    ),
    (queries.agencies, {}, lambda c: _count(c, "SELECT count(*) FROM agencies")),
    (
        queries.agencies,
        {"peer_group": "县级政府"},
        lambda c: _count(c, "SELECT count(*) FROM agencies WHERE peer_group = '县级政府'"),
    ),
    (
        queries.figures,
        {"year": 2024},
        lambda c: _home_count(
            c, f"SELECT count(*) FROM current_reports WHERE year = 2024 AND {HOME}"
        ),
    ),
    (queries.figures, {"agency_id": "x", "peer_group": "p"}, lambda c: 0),
    (queries.agency_profile, {"agency_id": "x"}, lambda c: 0),
    (queries.agency_values, {"agency_id": "x", "prefix": "t2."}, lambda c: 0),
    (
        queries.peer_median,
        {"peer_group": "县级政府"},
        lambda c: _home_count(
            c,
            f"SELECT count(DISTINCT year) FROM current_reports WHERE peer_group = '县级政府' AND {HOME}",
        ),
    ),
    (
        queries.report_keys,
        {"report_id": 1},
        lambda c: _count(c, "SELECT count(*) FROM report_values WHERE report_id = 1"),
    ),
    (
        queries.value_source,
        {"report_id": 1, "key": "t3.new.total"},
        lambda c: _count(
            c, "SELECT count(*) FROM report_values WHERE report_id = 1 AND key = 't3.new.total'"
        ),
    ),
    (queries.review_litigation, {"year": 2024}, None),
    (queries.review_litigation, {"year": 2024, "peer_group": "p", "sort": "pending"}, lambda c: 0),
    (
        queries.review_litigation_trend,
        {},
        lambda c: _home_count(c, f"SELECT count(DISTINCT year) FROM current_reports WHERE {HOME}"),
    ),
    (queries.findings, {"year": 2024, "agency_id": "x", "peer_group": "p"}, lambda c: 0),
    (
        queries.findings_summary,
        {"year": 2024},
        lambda c: _home_count(
            c,
            "SELECT count(*) FROM (SELECT DISTINCT f.rule, f.severity FROM findings f "
            f"JOIN current_reports r USING (report_id) WHERE r.year = 2024 AND {HOME})",
        ),
    ),
    (
        queries.findings_by_agency,
        {"year": 2024},
        lambda c: _home_count(
            c,
            "SELECT count(DISTINCT r.agency_id) FROM findings f JOIN current_reports r USING (report_id) "
            f"WHERE r.year = 2024 AND {HOME}",
        ),
    ),
    (queries.load_errors, {}, lambda c: _count(c, "SELECT count(*) FROM load_errors")),
    (
        queries.load_errors,
        {"latest_only": True},
        lambda c: _count(
            c, "SELECT count(*) FROM load_errors WHERE run_id = (SELECT max(run_id) FROM load_runs)"
        ),
    ),
    (
        queries.missing_reports,
        {"year": 2024},
        lambda c: len(
            [
                a
                for (a,) in c.sql(
                    "SELECT agency_id FROM agencies a WHERE confirmed AND NOT EXISTS (SELECT 1 FROM current_reports r "
                    "WHERE r.agency_id = a.agency_id AND r.year = 2024)"
                ).fetchall()
                if a in _home(c)
            ]
        ),
    ),
    (
        queries.late_reports,
        {"year": 2024},
        lambda c: len(
            [
                a
                for (a,) in c.sql(
                    "SELECT agency_id FROM current_reports WHERE year = 2024 AND days_late > 0"
                ).fetchall()
                if a in _home(c)
            ]
        ),
    ),
    (
        queries.copied_reports,
        {"year": 2024},
        lambda c: len(
            _home(c)
            & {
                a
                for (a,) in c.sql(
                    "SELECT r.agency_id FROM current_reports r JOIN current_reports p ON p.agency_id = r.agency_id "
                    "AND p.year = 2023 WHERE r.year = 2024 AND r.text_fingerprint = p.text_fingerprint UNION "
                    "SELECT r.agency_id FROM findings f JOIN current_reports r USING (report_id) "
                    "WHERE r.year = 2024 AND f.rule LIKE '%copied%'"
                ).fetchall()
            }
        ),
    ),
    (
        queries.ranking,
        {"year": 2024, "scheme": SCHEME},
        lambda c: len(
            _home(c)
            & {
                a
                for (a,) in c.sql(
                    "SELECT agency_id FROM current_reports WHERE year = 2024 UNION "
                    "SELECT agency_id FROM agencies WHERE confirmed"
                ).fetchall()
            }
        ),
    ),
]
IDS = [f"{fn.__name__}-{n}" for n, (fn, _, _) in enumerate(CALLS)]


def _size(out):
    return out.height if isinstance(out, pl.DataFrame) else out


@pytest.mark.parametrize("fn,kwargs,expected", CALLS, ids=IDS)
def test_every_query_returns_nothing_on_an_empty_database(empty_con, fn, kwargs, expected):
    out = fn(empty_con, **kwargs)
    assert out in (None, []) if not isinstance(out, pl.DataFrame) else out.is_empty()


@pytest.mark.parametrize("fn,kwargs,expected", CALLS, ids=IDS)
def test_every_query_returns_what_the_tables_hold(con, fn, kwargs, expected):
    out = fn(con, **kwargs)
    if expected is None:  # checked by name below (order and membership, not a count)
        assert isinstance(out, pl.DataFrame) and out.height > 0
        return
    assert _size(out) == expected(con)


def test_copied_reports_are_those_with_last_years_fingerprint(con):
    got = set(queries.copied_reports(con, year=2024)["agency_id"])
    same = {
        a
        for (a,) in con.sql(
            "SELECT r.agency_id FROM current_reports r JOIN current_reports p ON p.agency_id = r.agency_id "
            "AND p.year = 2023 WHERE r.year = 2024 AND r.text_fingerprint = p.text_fingerprint"
        ).fetchall()
    }
    assert got >= same & queries.home_agencies(con)
    assert got <= queries.home_agencies(con)


def test_home_agencies_are_the_registrys_own_province(con):
    home = queries.home_agencies(con)
    regions = dict(con.sql("SELECT agency_id, parent_region FROM agencies").fetchall())
    assert "SF000" in home  # the fictional province's own government
    assert not home & {
        "310000-KW",
        "321322-GOV",
        "320813-GOV",
    }  # Shanghai, Jiangsu: reference reports
    assert all(regions[a] for a in home)


class TestFigures:
    def test_rates_agree_with_assess_metrics(self, con):
        """The dashboard's rates are the assessment's rates (same definition, same numbers)."""
        from assess.metric_sql import metric_values

        ids = {
            "completion_rate": "completion_rate",
            "on_time_rate": "on_time_rate",
            "disclosure_rate": "disclosure_rate",
            "review_correction_rate": "review_correction_rate",
            "suit_correction_rate": "suit_correction_rate",
        }
        for year in queries.years(con):
            fig = queries.figures(con, year=year)
            ref = metric_values(con, year).filter(
                pl.col("metric").is_in(list(ids.values())),
                pl.col("report_id").is_in(fig["report_id"].implode()),
            )
            for row in ref.iter_rows(named=True):
                mine = fig.filter(pl.col("report_id") == row["report_id"])[row["metric"]][0]
                if row["value"] is None:
                    assert mine is None, (year, row)
                else:
                    assert mine == pytest.approx(row["value"]), (year, row)

    def test_requests_is_the_printed_value(self, con):
        printed = con.sql(
            f"SELECT report_id, value FROM current_values WHERE key = 't3.new.total' AND {HOME}",
            params={"home": sorted(_home(con))},
        ).pl()
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
        expected = fig.filter((pl.col("peer_group") == group) & (pl.col("year") == year))[
            "completion_rate"
        ].median()
        med = queries.peer_median(con, peer_group=group, year=year)
        assert med["completion_rate"][0] == pytest.approx(expected)


class TestRanking:
    def test_scores_are_assess_scores_ranked_within_the_province(self, con):
        from assess.score import score_year

        year = queries.default_year(con)
        ranked = queries.ranking(con, year=year, scheme=SCHEME)
        ref = score_year(con, year, SCHEME).filter(
            pl.col("agency_id").is_in(sorted(queries.home_agencies(con)))
        )
        assert ranked.height == ref.height > 0
        joined = ranked.join(ref.select("agency_id", "total"), on="agency_id", suffix="_ref")
        assert (joined["score"] == joined["total_ref"]).all()
        for row in ranked.iter_rows(
            named=True
        ):  # 1 + the number of same-group units scoring higher
            better = ranked.filter(
                (pl.col("peer_group") == row["peer_group"]) & (pl.col("score") > row["score"])
            )
            assert row["rank"] == better.height + 1

    def test_flags_follow_the_schemes_rules(self, con):
        year = queries.default_year(con)
        ranked = queries.ranking(con, year=year, scheme=SCHEME)
        late = ranked.filter(pl.col("days_late") > 30)
        assert late.height and (late["flag"] == "red").all()
        one = ranked.filter(
            (pl.col("review_corrected").fill_null(0) + pl.col("suit_corrected").fill_null(0) == 1)
            & ~pl.col("missing")
            & (pl.col("days_late").fill_null(0) <= 30)
        )
        assert one.height and (one["flag"] != "red").all()  # one corrected case is amber, not red
        assert (ranked["days_late"].drop_nulls() >= 0).all()

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
        from queries.ranking import scheme_with_weights

        rescaled = scheme_with_weights(scheme, {weighted[0].id: 50.0})
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
        row = con.sql(
            "SELECT report_id, key, raw FROM current_values WHERE raw IS NOT NULL "
            "AND key = 't3.new.total' LIMIT 1"
        ).fetchall()[0]
        src = queries.value_source(con, report_id=row[0], key=row[1])
        assert src.height == 1
        assert src["raw"][0] == row[2]
        assert src["source_path"][0]
        assert labels.key_label(row[1]) != row[1]

    def test_findings_difference_is_actual_minus_expected(self, con):
        f = queries.findings(con).filter(
            pl.col("expected").is_not_null() & pl.col("actual").is_not_null()
        )
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
    from etl.continuity import series_key_map
    from queries import continuity_caveats

    both = pl.DataFrame({"template": ["legacy", "std2021"]})
    caveats = continuity_caveats(both)
    assert caveats["指标"].to_list()[0] == series_key_map()["requests"].label
    assert caveats.height == len(set(caveats["指标"].to_list())) >= 10
    assert continuity_caveats(pl.DataFrame({"template": ["std2021", "std2019"]})).is_empty()
    assert continuity_caveats(pl.DataFrame({"template": ["legacy"]})).is_empty()


def test_flag_rules_come_from_the_scheme_file_and_bad_ones_are_named(tmp_path):
    from assess import flags

    rules = flags.rules_from_toml(SCHEME)
    assert [(r.level, r.measure) for r in rules][:3] == [
        ("red", "missing"),
        ("red", "days_late"),
        ("red", "corrected"),
    ]
    assert "逾期发布天数超过 30 天" in flags.describe(rules)
    bad = tmp_path / "bad.toml"
    bad.write_text(
        SCHEME.read_text(encoding="utf-8")
        + '\n[[flags]]\nlevel = "purple"\nmeasure = "days_late"\n'
        "threshold = 1\n",
        encoding="utf-8",
    )
    line = (
        bad.read_text(encoding="utf-8").splitlines().index('level = "purple"')
    )  # 0-based: the [[flags]] line
    with pytest.raises(flags.FlagRuleError, match=rf"bad.toml:{line}: level = 'purple' 不对"):
        flags.rules_from_toml(bad)
    frame = pl.DataFrame(
        {
            "missing": [False, False, True],
            "days_late": [40, 3, None],
            "review_corrected": [0, 1, None],
            "suit_corrected": [0, 0, None],
            "errors": [0, 0, None],
            "warnings": [0, 0, None],
            "copied": [False, False, None],
            "completion_rate": [99.0, 90.0, None],
        }
    )
    flagged = flags.apply_flags(frame, rules)
    assert flagged["flag"].to_list() == ["red", "amber", "red"]
    assert flagged["flags"].to_list() == [
        "逾期发布天数超过 30 天",
        "逾期发布、复议诉讼被纠错",
        "未发布年报",
    ]


def test_a_saved_variant_is_a_valid_new_scheme_beside_the_old(tmp_path):
    import shutil

    from assess.scheme import load_scheme
    from dashboard.scheme_file import SaveError, save_variant

    shutil.copy(SCHEME, tmp_path / "default.toml")
    shutil.copy(SCHEME.parent / "example_manual_inputs.csv", tmp_path)
    base = load_scheme(tmp_path / "default.toml")
    weights = {i.id: i.weight for i in base.indicators if i.weighted}
    weights["completion"], weights["corrected"] = 25.0, 10.0
    saved = save_variant(tmp_path / "default.toml", tmp_path, "办结优先方案", weights)
    new = load_scheme(saved)
    assert new.name == "办结优先方案" and new.indicator("completion").weight == 25
    assert new.indicator("corrected").cap == 10  # a deduction's cap follows its weight
    assert len(new.manual) == len(base.manual)  # the same manual inputs file
    assert (tmp_path / "default.toml").read_text(encoding="utf-8") == SCHEME.read_text(
        encoding="utf-8"
    )
    with pytest.raises(SaveError, match="已有名为“办结优先方案”的方案"):
        save_variant(tmp_path / "default.toml", tmp_path, "办结优先方案", weights)
    with pytest.raises(SaveError, match="须为 100"):
        save_variant(tmp_path / "default.toml", tmp_path, "另一个", weights | {"completion": 30.0})


def test_rate_flags_follow_the_schemes_small_sample_rule(con):
    """The amber 「办结率低于 85%」 is raised only over at least the scheme's min_cases requests,
    exactly where the score does not treat the rate as a small sample."""
    from assess import load_scheme

    scheme = load_scheme(SCHEME)
    ranked = pl.concat(
        [
            queries.ranking(con, year=y, scheme=SCHEME).select(
                "completion_rate", "completion_rate_cases", "flags", "completion.small_sample"
            )
            for y in queries.years(con)
            if y >= 2020
        ]
    )
    low = ranked.filter(pl.col("completion_rate") < 85)
    small = low.filter(pl.col("completion_rate_cases") < scheme.min_cases)
    big = low.filter(pl.col("completion_rate_cases") >= scheme.min_cases)
    assert small.height and big.height, "the demo has low rates over few and over many requests"
    assert not small["flags"].str.contains("办结率").any()
    assert big["flags"].str.contains("办结率低于 85%").all()
    assert small["completion.small_sample"].all() and not big["completion.small_sample"].any()


def test_reference_agencies_are_viewable_but_never_counted(con):
    """Reports of agencies of other provinces (registry reference rows) are left out of every
    year-wide figure and count, and still shown when the agency itself is asked for."""
    home = _home(con)
    foreign = {
        a
        for (a,) in con.sql("SELECT DISTINCT agency_id FROM current_reports").fetchall()
        if a not in home
    }
    assert foreign, "the test database holds reference reports (shared/real-reports)"
    assert not foreign & set(queries.figures(con)["agency_id"])
    for year in queries.years(con):
        assert not foreign & set(queries.review_litigation(con, year=year)["agency_id"])
        assert not foreign & set(queries.findings_by_agency(con, year=year)["agency_id"])
    some = sorted(foreign)[0]
    assert queries.agency_profile(con, agency_id=some).height > 0
