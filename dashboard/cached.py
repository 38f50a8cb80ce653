"""The pages' cached queries: queries/ through one cursor each (dashboard.db), cached by
Streamlit for every session and keyed on `v`, the database version (a load or a correction
expires them)."""

from __future__ import annotations

import polars as pl
import streamlit as st

import queries
from dashboard.db import query as _q
from dashboard.db import stored_query as _kept


@st.cache_data(max_entries=16, show_spinner=False)
def years(v: int) -> list[int]:
    return _q(queries.years)


@st.cache_data(max_entries=16, show_spinner=False)
def default_year(v: int) -> int | None:
    return _q(queries.default_year)


@st.cache_data(max_entries=16, show_spinner=False)
def peer_groups(v: int) -> list[str]:
    return _q(queries.peer_groups)


@st.cache_data(max_entries=16, show_spinner=False)
def agencies(v: int) -> pl.DataFrame:
    return _kept(v, queries.agencies)


@st.cache_data(max_entries=64, show_spinner=False)
def figures(v: int, year: int | None, peer_group: str | None) -> pl.DataFrame:
    return _q(queries.figures, year=year, peer_group=peer_group)


@st.cache_data(max_entries=64, show_spinner=False)
def agency_profile(v: int, agency_id: str) -> pl.DataFrame:
    return _kept(v, queries.agency_profile, agency_id=agency_id)


@st.cache_data(max_entries=64, show_spinner=False)
def agency_values(v: int, agency_id: str, prefix: str | None = None) -> pl.DataFrame:
    return _q(queries.agency_values, agency_id=agency_id, prefix=prefix)


@st.cache_data(max_entries=64, show_spinner=False)
def peer_median(v: int, peer_group: str) -> pl.DataFrame:
    return _kept(v, queries.peer_median, peer_group=peer_group)


@st.cache_data(max_entries=64, show_spinner=False)
def report_keys(v: int, report_id: int) -> pl.DataFrame:
    return _q(queries.report_keys, report_id=report_id)


@st.cache_data(max_entries=256, show_spinner=False)
def value_source(v: int, report_id: int, key: str) -> pl.DataFrame:
    return _q(queries.value_source, report_id=report_id, key=key)


@st.cache_data(max_entries=64, show_spinner=False)
def review_litigation(v: int, year: int, peer_group: str | None, sort: str) -> pl.DataFrame:
    return _kept(v, queries.review_litigation, year=year, peer_group=peer_group, sort=sort)


@st.cache_data(max_entries=32, show_spinner=False)
def review_litigation_trend(v: int, peer_group: str | None) -> pl.DataFrame:
    return _kept(v, queries.review_litigation_trend, peer_group=peer_group)


@st.cache_data(max_entries=64, show_spinner=False)
def findings(
    v: int, year: int | None, agency_id: str | None, peer_group: str | None
) -> pl.DataFrame:
    return _kept(v, queries.findings, year=year, agency_id=agency_id, peer_group=peer_group)


@st.cache_data(max_entries=64, show_spinner=False)
def findings_summary(v: int, year: int | None, peer_group: str | None) -> pl.DataFrame:
    return _kept(v, queries.findings_summary, year=year, peer_group=peer_group)


@st.cache_data(max_entries=64, show_spinner=False)
def finding_tally(v: int, year: int, peer_group: str | None) -> dict[str, int]:
    return _kept(v, queries.finding_tally, year=year, peer_group=peer_group)


@st.cache_data(max_entries=64, show_spinner=False)
def findings_by_agency(v: int, year: int | None, peer_group: str | None) -> pl.DataFrame:
    return _q(queries.findings_by_agency, year=year, peer_group=peer_group)


@st.cache_data(max_entries=16, show_spinner=False)
def load_errors(v: int) -> pl.DataFrame:
    return _kept(v, queries.load_errors)


@st.cache_data(max_entries=64, show_spinner=False)
def missing_reports(v: int, year: int, peer_group: str | None) -> pl.DataFrame:
    return _kept(v, queries.missing_reports, year=year, peer_group=peer_group)


@st.cache_data(max_entries=64, show_spinner=False)
def late_reports(v: int, year: int, peer_group: str | None) -> pl.DataFrame:
    return _kept(v, queries.late_reports, year=year, peer_group=peer_group)


@st.cache_data(max_entries=64, show_spinner=False)
def copied_reports(v: int, year: int, peer_group: str | None) -> pl.DataFrame:
    return _kept(v, queries.copied_reports, year=year, peer_group=peer_group)


@st.cache_data(max_entries=32, show_spinner=False)
def province_trend(v: int, peer_group: str | None) -> pl.DataFrame:
    return _q(queries.province_trend, peer_group=peer_group)


def compare_agencies(v: int, agency_ids: tuple[str, ...]) -> pl.DataFrame:
    """queries.compare_agencies from each agency's cached profile (the same rows: one agency's
    figures across the years): the agency on screen is cached already, so a comparison queries
    the others only, once each."""
    if not agency_ids:
        return _q(queries.compare_agencies, agency_ids=[])
    return pl.concat([agency_profile(v, a) for a in agency_ids], how="vertical_relaxed").sort(
        "agency_name", "year"
    )


@st.cache_data(max_entries=16, show_spinner=False)
def home_agencies(v: int) -> frozenset[str] | None:
    found = _q(queries.home_agencies)
    return None if found is None else frozenset(found)


def own_agencies(v: int) -> pl.DataFrame:
    """queries.agencies of the office's own province only (etl.scope: confirmed units of the
    province): the agencies a list to act on offers (corrections, comparisons). Other
    provinces' reference units and unconfirmed names (the 单位名录's work) are left out."""
    listed, home = agencies(v), home_agencies(v)
    return listed if home is None else listed.filter(pl.col("agency_id").is_in(sorted(home)))


# --- the annual quality check (年报质量检查) -------------------------------------------------


@st.cache_data(max_entries=64, show_spinner=False)
def quality_check_summary(v: int, year: int, peer_group: str | None) -> pl.DataFrame:
    return _q(queries.quality_check_summary, year=year, peer_group=peer_group)


@st.cache_data(max_entries=64, show_spinner=False)
def repeated_reports(v: int, year: int, min_share: float, peer_group: str | None) -> pl.DataFrame:
    return _q(queries.repeated_reports, year=year, min_share=min_share, peer_group=peer_group)


@st.cache_data(max_entries=64, show_spinner=False)
def publication_dates(v: int, year: int, peer_group: str | None) -> pl.DataFrame:
    return _q(queries.publication_dates, year=year, peer_group=peer_group)


@st.cache_data(max_entries=64, show_spinner=False)
def timeliness_by_kind(v: int, year: int, peer_group: str | None) -> pl.DataFrame:
    return _q(queries.timeliness_by_kind, year=year, peer_group=peer_group)


# --- the printed text around a value (the report file read again) --------------------------


@st.cache_data(max_entries=64, show_spinner=False)
def marked_context(path: str, mtime_ns: int, loc: dict) -> list:
    """queries.marked_context, kept per file version (path and modification time) and location:
    the 原文 tab reran it, i.e. extracted the whole document again, on every click in the tab."""
    from pathlib import Path

    return queries.marked_context(Path(path), loc)
