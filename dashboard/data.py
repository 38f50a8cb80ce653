"""The only module that imports both streamlit and duckdb: connection and result caching.

Invariants:
- the database is opened read_only (the loader is the single writer and swaps a rebuilt file in
  with os.replace, so the dashboard keeps serving the old inode until the next rerun sees a new
  file identity and reopens);
- a database is opened by its file's identity (device, inode, size, mtime: `db_version`) and
  ATTACHed to a fresh in-memory DuckDB instance (workflow.reports_db.open_reports, attached=True,
  the one opening every command shares): duckdb.connect(path) would hand back the
  instance DuckDB caches per path in this process, i.e. the old, swapped-out file, so a running
  server would never show a new load;
- one cached connection (keyed on path + identity, max_entries=1), one cursor per query
  (`cursor()` selects the attached database on it), because a cached resource is shared by all
  sessions and threads. No on_release=close: another session may still be reading through a
  cursor of the evicted connection; it closes itself when the last cursor is dropped;
- cached results take only hashable arguments and `db_version`, so a rebuilt database expires
  them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

import queries
from dashboard import runs
from etl.gongkai_error import GongkaiError
from etl.settings import DEFAULT_DATA, ROOT, Settings  # noqa: F401 (ROOT: for the views)

SCHEMES_DIR = DEFAULT_DATA / "schemes"

ALL = "全部"  # the peer-group option meaning "no filter"


def selection() -> tuple[int, int, str | None]:
    """(db_version, year, peer_group or None) as the sidebar in app.py left them."""
    peer = st.session_state.get("peer")
    return db_version(), int(st.session_state["year"]), (None if peer in (None, ALL) else peer)


class NoDatabase(GongkaiError):
    """The database file does not exist yet."""


AssessUnavailable = runs.AssessUnavailable


def db_path() -> Path:
    """GONGKAI_DB or the data folder's gongkai.duckdb (etl.settings), read per call, never at
    import."""
    return Settings.from_env().db_path


def db_version() -> int:
    """The database file's identity (device, inode, size, mtime) and the workflow store's revision
    as one number; raises NoDatabase when there is no file. A swapped-in rebuild always has
    another inode; an analyst's correction bumps the revision (so cached scores expire)."""
    path = db_path()
    try:
        st_ = path.stat()
    except FileNotFoundError as exc:
        raise NoDatabase(str(path)) from exc
    return hash((st_.st_dev, st_.st_ino, st_.st_size, st_.st_mtime_ns, workflow_revision(path))) & (
        (1 << 62) - 1
    )


def workflow_revision(path: Path) -> int:
    from workflow.store import revision, store_path

    return revision(store_path(path))


USE = runs.USE


@st.cache_resource(max_entries=1, show_spinner=False)
def _open(path: str, version: int) -> duckdb.DuckDBPyConnection:
    return connect(path)


def connect(path: str) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory instance with the report database attached read-only and the analysts'
    corrections over it (not cached: _open caches it for the pages)."""
    from workflow.reports_db import open_reports

    def damaged(exc: GongkaiError) -> None:  # pages still show the reports; every page says so
        STORE_PROBLEM[path] = str(exc)

    STORE_PROBLEM.pop(path, None)
    # a new instance, never DuckDB's cached one for `path` (a load replaces the file)
    return open_reports(path, attached=True, on_store_error=damaged)


STORE_PROBLEM: dict[str, str] = {}  # database path -> why its workflow store cannot be read


def store_problem() -> str | None:
    """Why the analysts' corrections are not in the scores now (a damaged workflow store)."""
    return STORE_PROBLEM.get(str(db_path()))


_cursor = runs.cursor_of  # a cursor on the report database


def cursor() -> duckdb.DuckDBPyConnection:
    return _cursor(_open(str(db_path()), db_version()))


def schemes_dir() -> Path:
    """The schemes folder of the data folder: $GONGKAI_DATA/schemes (etl.settings), else
    SCHEMES_DIR (the checkout's; a module attribute so a test can give the page another)."""
    data = Settings.from_env().data_dir
    return SCHEMES_DIR if data == DEFAULT_DATA else data / "schemes"


def schemes() -> dict[str, str]:
    """File stem -> path for files in data/schemes (default.toml first; names via scheme_names)."""
    files = sorted(schemes_dir().glob("*.toml"), key=lambda p: (p.stem != "default", p.stem))
    return {p.stem: str(p) for p in files}


def _q(fn, **params) -> pl.DataFrame:
    cur = cursor()
    try:
        return fn(cur, **params)
    finally:
        cur.close()


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
    return _q(queries.agencies)


def _assess(fn, **params):
    try:
        return _q(fn, **params)
    except GongkaiError as exc:  # assess.scheme.SchemeError names file, line and fix
        raise AssessUnavailable(str(exc)) from exc


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
    return runs.scored(_open(str(db_path()), v), db_path(), v, year, scheme, content_hash, weights)


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
    con = _open(str(db_path()), v)
    return runs.ranked(con, db_path(), v, year, scheme, scheme_hash(scheme), peer_group, weights)


def leader(v: int, year: int, scheme: str) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(summary per peer group, cause of each agency's move, where each figure comes from) of
    `year`'s ranking, all peer groups: queries.leader over the shared runs."""
    con = _open(str(db_path()), v)
    return runs.leader_frames(con, db_path(), v, year, scheme, scheme_hash(scheme))


def watched() -> tuple | None:
    """What the warm-up (dashboard/warmup.py) watches while serving (dashboard/server.py): the database version (a
    load swapped a file in, a correction or a dismissal) and the default scheme's content hash
    (the office edited it); None when there is no database or scheme yet."""
    try:
        found = schemes()
        return (db_version(), scheme_hash(next(iter(found.values())))) if found else None
    except NoDatabase:
        return None


def score_detail(
    v: int, year: int, scheme: str, agency_id: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(points per indicator, deductions explained) for one agency and year: a filter of the
    year's cached assessment, never a re-score."""
    run = assessment(v, year, scheme)
    return _assess(
        queries.score_detail, year=year, scheme=scheme, agency_id=agency_id, assessment=run
    )


def score_steps(v: int, year: int, scheme: str, agency_id: str) -> pl.DataFrame:
    """How the agency's points add up to 总分 (a filter of the cached assessment)."""
    run = assessment(v, year, scheme)
    return _assess(
        queries.score_steps, year=year, scheme=scheme, agency_id=agency_id, assessment=run
    )


@st.cache_data(max_entries=64, show_spinner=False)
def figures(v: int, year: int | None, peer_group: str | None) -> pl.DataFrame:
    return _q(queries.figures, year=year, peer_group=peer_group)


@st.cache_data(max_entries=64, show_spinner=False)
def agency_profile(v: int, agency_id: str) -> pl.DataFrame:
    return _q(queries.agency_profile, agency_id=agency_id)


@st.cache_data(max_entries=64, show_spinner=False)
def agency_values(v: int, agency_id: str, prefix: str | None = None) -> pl.DataFrame:
    return _q(queries.agency_values, agency_id=agency_id, prefix=prefix)


@st.cache_data(max_entries=64, show_spinner=False)
def peer_median(v: int, peer_group: str) -> pl.DataFrame:
    return _q(queries.peer_median, peer_group=peer_group)


@st.cache_data(max_entries=64, show_spinner=False)
def report_keys(v: int, report_id: int) -> pl.DataFrame:
    return _q(queries.report_keys, report_id=report_id)


@st.cache_data(max_entries=256, show_spinner=False)
def value_source(v: int, report_id: int, key: str) -> pl.DataFrame:
    return _q(queries.value_source, report_id=report_id, key=key)


@st.cache_data(max_entries=64, show_spinner=False)
def review_litigation(v: int, year: int, peer_group: str | None, sort: str) -> pl.DataFrame:
    return _q(queries.review_litigation, year=year, peer_group=peer_group, sort=sort)


@st.cache_data(max_entries=32, show_spinner=False)
def review_litigation_trend(v: int, peer_group: str | None) -> pl.DataFrame:
    return _q(queries.review_litigation_trend, peer_group=peer_group)


@st.cache_data(max_entries=64, show_spinner=False)
def findings(
    v: int, year: int | None, agency_id: str | None, peer_group: str | None
) -> pl.DataFrame:
    return _q(queries.findings, year=year, agency_id=agency_id, peer_group=peer_group)


@st.cache_data(max_entries=64, show_spinner=False)
def findings_summary(v: int, year: int | None, peer_group: str | None) -> pl.DataFrame:
    return _q(queries.findings_summary, year=year, peer_group=peer_group)


@st.cache_data(max_entries=64, show_spinner=False)
def findings_by_agency(v: int, year: int | None, peer_group: str | None) -> pl.DataFrame:
    return _q(queries.findings_by_agency, year=year, peer_group=peer_group)


@st.cache_data(max_entries=16, show_spinner=False)
def load_errors(v: int) -> pl.DataFrame:
    return _q(queries.load_errors)


@st.cache_data(max_entries=64, show_spinner=False)
def missing_reports(v: int, year: int, peer_group: str | None) -> pl.DataFrame:
    return _q(queries.missing_reports, year=year, peer_group=peer_group)


@st.cache_data(max_entries=64, show_spinner=False)
def late_reports(v: int, year: int, peer_group: str | None) -> pl.DataFrame:
    return _q(queries.late_reports, year=year, peer_group=peer_group)


@st.cache_data(max_entries=64, show_spinner=False)
def copied_reports(v: int, year: int, peer_group: str | None) -> pl.DataFrame:
    return _q(queries.copied_reports, year=year, peer_group=peer_group)


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
    con = _open(str(db_path()), v)
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


@st.cache_data(max_entries=32, show_spinner=False)
def province_trend(v: int, peer_group: str | None) -> pl.DataFrame:
    return _q(queries.province_trend, peer_group=peer_group)


@st.cache_data(max_entries=64, show_spinner=False)
def compare_agencies(v: int, agency_ids: tuple[str, ...]) -> pl.DataFrame:
    return _q(queries.compare_agencies, agency_ids=list(agency_ids))


@st.cache_data(max_entries=16, show_spinner=False)
def home_agencies(v: int) -> frozenset[str] | None:
    found = _q(queries.home_agencies)
    return None if found is None else frozenset(found)


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
