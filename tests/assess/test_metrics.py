"""Metrics over the hand-built province of conftest.py: values, N/A, small samples, sources."""

from __future__ import annotations

import re

import polars as pl
import pytest

from assess import METRICS, metric_values
from etl.fields import FIELDS


def _v(df: pl.DataFrame, agency: str, metric: str):
    row = df.filter((pl.col("agency_id") == agency) & (pl.col("metric") == metric))
    assert row.height == 1
    return row.row(0, named=True)


@pytest.mark.parametrize("metric", sorted(METRICS))
def test_metric_is_declared_with_sources_from_fields(metric):
    m = METRICS[metric]
    assert m.name and m.formula and m.direction in ("higher", "lower", "none") and m.templates
    keys = set(re.findall(r'"([a-z0-9_.]+)"', m.value_sql + (m.cases_sql or "")))
    assert keys <= set(FIELDS)
    assert m.sources, "every metric reads something"


def test_std_rates_by_hand(con):
    df = metric_values(con, 2024)
    # A: processed 95 / (new 90 + carried_in 10) = 95%; carried_out 5/100 = 5%.
    assert _v(df, "A", "completion_rate")["value"] == pytest.approx(95.0)
    assert _v(df, "A", "completion_rate")["cases"] == 100
    assert _v(df, "A", "carryover_rate")["value"] == pytest.approx(5.0)
    # (granted 60 + partial 10) / processed 95
    assert _v(df, "A", "disclosure_rate")["value"] == pytest.approx(7000 / 95)
    # 表四 A: review (2,1,0,0), suit_direct (0,2,0,1): review 1/3, suits 2/2, all 3/5.
    assert _v(df, "A", "review_correction_rate")["value"] == pytest.approx(100 / 3)
    assert _v(df, "A", "suit_correction_rate")["value"] == pytest.approx(100.0)
    assert _v(df, "A", "correction_rate")["value"] == pytest.approx(60.0)
    assert _v(df, "A", "corrected_count")["value"] == 3
    # reviews 3 + suits 3 per 100 new requests (90)
    assert _v(df, "A", "dispute_rate")["value"] == pytest.approx(600 / 90)
    assert _v(df, "A", "requests")["value"] == 90
    assert _v(df, "A", "days_late")["value"] == -5
    # t3.row_total and crossyear.carry_over count; agency.fuzzy_match (registry) and t4.missing
    # (gongkai could not read 表四) do not: they blame no report.
    assert _v(df, "A", "identity_findings")["value"] == 2
    # the quality check found A's report copied (report.copied); B has a 2023 report and no such
    # finding; F has no 2023 report to compare with.
    assert _v(df, "A", "copied_report")["value"] == 1
    assert _v(df, "B", "copied_report")["value"] == 0
    assert _v(df, "F", "copied_report")["value"] is None


def test_null_stays_null_never_zero(con):
    df = metric_values(con, 2024)
    # std reports have no 按时办结率; legacy has no 结转率 — N/A, not 0.
    assert _v(df, "A", "on_time_rate")["value"] is None
    assert _v(df, "C", "carryover_rate")["value"] is None
    # D received nothing: 办结率 over 0 cases is N/A.
    assert _v(df, "D", "completion_rate")["value"] is None
    # C printed no 表四 figures: no correction count (absent is not 0).
    assert _v(df, "C", "corrected_count")["value"] is None
    assert _v(df, "C", "days_late")["value"] is None
    # B printed zeros in 表四: a real 0.
    assert _v(df, "B", "corrected_count")["value"] == 0


def test_legacy_rates_and_small_sample(con):
    df = metric_values(con, 2024, min_cases=5)
    c = _v(df, "C", "on_time_rate")  # completed_on_time 2 / completed 3
    assert c["value"] == pytest.approx(200 / 3) and c["cases"] == 3 and c["small_sample"]
    assert _v(df, "C", "completion_rate")["small_sample"]
    assert not _v(df, "A", "completion_rate")["small_sample"]  # 100 cases
    assert not _v(df, "C", "days_late")["small_sample"]  # not a rate
    assert (
        not metric_values(con, 2024, min_cases=3)
        .filter(pl.col("agency_id") == "C")["small_sample"]
        .any()
    )


def test_metric_values_peer_group_filter(con):
    df = metric_values(con, 2024, peer_group="G2")
    assert set(df["agency_id"]) == {"F", "G", "H"}
    assert df.height == 3 * len(METRICS)


def test_wide_form_used_by_the_scorer_equals_the_long_form(con):
    # The scorer reads each report's metrics from one wide row (metric_wide_sql); it must hold
    # exactly what metric_long_sql (and so metric_values) holds, N/A included, both years.
    from assess.metric_sql import metric_long_sql, metric_wide_sql

    ids = sorted(METRICS)
    long = con.sql(
        f"SELECT report_id, metric, value, cases FROM ({metric_long_sql('(2024, 2023)', ids)})"
    ).pl()
    wide = con.sql(metric_wide_sql("(2024, 2023)", ids)).pl()
    unpivoted = pl.concat(
        [
            wide.select(
                "report_id",
                pl.lit(m).alias("metric"),
                pl.col(f"value:{m}").alias("value"),
                pl.col(f"cases:{m}").alias("cases"),
            )
            for m in ids
        ]
    )
    key = ["report_id", "metric"]
    assert wide.height == 9 and long.height == 9 * len(ids)
    assert unpivoted.sort(key).equals(long.sort(key))
