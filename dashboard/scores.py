"""The pages' scoring results through the shared runs (dashboard.runs / dashboard.memo): the
scheme, a year's assessment, the ranking, the 排名总览 summary, one agency's points, the export
builders, and the scheme's names and flag rules in words. Keyed on the database version and
the scheme file's content hash, so a load, a correction or an edited scheme shows on the next
view."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import streamlit as st

import queries
from dashboard import runs
from dashboard.db import db_path, open_db
from etl.gongkai_error import GongkaiError

AssessUnavailable = runs.AssessUnavailable


def scheme_hash(path: str) -> str:
    """The scheme file's content hash (with its manual inputs), read on every call: the cache key
    of everything scored, so an edited scheme shows on the next page view."""
    from assess.scheme import scheme_fingerprint

    return scheme_fingerprint(path)


def scheme(path: str):
    """The loaded scheme (for the what-if sliders): dashboard.runs.loaded_scheme, keyed on the
    file's content hash, which is read on every call (no modification time needed)."""
    return runs.loaded_scheme(path, scheme_hash(path))


def _assessment(
    v: int, year: int, scheme: str, content_hash: str, weights: tuple[tuple[str, float], ...] = ()
):
    """One scoring run per (database version, year, scheme content, what-if weights), shared by
    every page, drill-down and export of that run (dashboard.runs / dashboard.memo: in memory
    for the process, on disk across restarts; never mutated)."""
    return runs.scored(
        open_db(str(db_path()), v), db_path(), v, year, scheme, content_hash, weights
    )


def assessment(v: int, year: int, scheme: str, weights: tuple[tuple[str, float], ...] = ()):
    return _assessment(v, year, scheme, scheme_hash(scheme), weights)


def ranking(
    v: int,
    year: int,
    scheme: str,
    peer_group: str | None,
    weights: tuple[tuple[str, float], ...] = (),
) -> pl.DataFrame:
    """Scored and ranked agencies; `weights` (sorted pairs) is a what-if override."""
    con = open_db(str(db_path()), v)
    return runs.ranked(con, db_path(), v, year, scheme, scheme_hash(scheme), peer_group, weights)


def leader(v: int, year: int, scheme: str) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(summary per peer group, cause of each agency's move, where each figure comes from) of
    `year`'s ranking, all peer groups: queries.leader over the shared runs."""
    con = open_db(str(db_path()), v)
    return runs.leader_frames(con, db_path(), v, year, scheme, scheme_hash(scheme))


def score_detail(
    v: int, year: int, scheme: str, agency_id: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(points per indicator, deductions explained) for one agency and year: as the load stored
    it for 单位画像's first agency, else a filter of the year's cached assessment, never a
    re-score."""
    return _points(v, year, scheme, agency_id, queries.score_detail)


def score_steps(v: int, year: int, scheme: str, agency_id: str) -> pl.DataFrame:
    """How the agency's points add up to 总分 (a filter of the cached assessment)."""
    return _points(v, year, scheme, agency_id, queries.score_steps)


def _points(v: int, year: int, scheme: str, agency_id: str, fn):
    con = open_db(str(db_path()), v)
    return runs.agency_points(con, db_path(), v, year, scheme, scheme_hash(scheme), agency_id, fn)


def file_mtime(path: str) -> int:
    return Path(path).stat().st_mtime_ns


def export_builders(
    v: int,
    year: int,
    scheme: str,
    peer_group: str | None = None,
    weights: tuple[tuple[str, float], ...] = (),
) -> dict:
    """{format: zero-argument callable -> bytes} for st.download_button: nothing is scored or
    built until a click (dashboard.runs.export_builders)."""
    con = open_db(str(db_path()), v)
    return runs.export_builders(
        con, db_path(), v, year, scheme, scheme_hash(scheme), peer_group, weights
    )


@st.cache_data(max_entries=16, show_spinner=False)
def scheme_names(files: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """File stem -> the scheme's own `name` (what people call it); the stem when unreadable."""
    out = {}
    for stem, path in files:
        try:
            out[stem] = scheme(path).name
        except AssessUnavailable:
            out[stem] = f"{stem}（方案文件有误）"
    return out


@st.cache_data(max_entries=16, show_spinner=False)
def flag_rules_text(path: str, mtime_ns: int) -> str:
    """The scheme's red/amber rules in words (assess.flags)."""
    from assess import flags

    try:
        return flags.describe(flags.rules_from_toml(path))
    except GongkaiError as exc:  # SchemeError, FlagRuleError: file, line and fix
        raise AssessUnavailable(str(exc)) from exc
