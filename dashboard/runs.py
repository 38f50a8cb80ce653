"""The expensive shared results of the dashboard, computed through a given connection and kept
in dashboard.memo (process-wide, the scoring runs on disk too): a year's scoring run, the
ranking built on it, the 排名总览 summary, and the export files.

No streamlit here: these run in page scripts (through dashboard.data), in st.download_button's
deferred callables on another thread, and in the warm-up at server start, and all three share
one result per key.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

import queries
from assess import stored
from dashboard import kept, memo
from etl.gongkai_error import GongkaiError
from workflow import reports_db

USE = reports_db.USE  # the report database is attached as "gongkai" (workflow/reports_db.py)


class AssessUnavailable(GongkaiError):
    """The chosen scheme file cannot be used (assess.scheme.SchemeError names file, line, fix)."""


def cursor_of(con):
    cur = con.cursor()  # a cursor starts in the in-memory database: select the report database
    cur.execute(USE)
    return cur


def loaded_scheme(path: str, content_hash: str):
    """The scheme file at `path`, loaded once per (path, content hash: data.scheme_hash, read on
    every page view, so an edited file is loaded afresh); a file that cannot be used raises
    AssessUnavailable with its file, line and fix."""

    def load():
        from assess.scheme import load_scheme

        try:
            return load_scheme(path)
        except GongkaiError as exc:  # SchemeError, FlagRuleError: file, line and fix
            raise AssessUnavailable(str(exc)) from exc

    return memo.once(f"scheme-{memo.key_of(path, content_hash)}", load)


def _through(con, fn, **params):
    cur = cursor_of(con)
    try:
        return fn(cur, **params)
    except GongkaiError as exc:  # assess.scheme.SchemeError names file, line and fix
        raise AssessUnavailable(str(exc)) from exc
    finally:
        cur.close()


def inputs(con, db: Path, v: int) -> str:
    """assess.stored.inputs_key of the connection of database version `v` (build, corrections in
    force, province, scorer), once per version: the part of a run's key that pages share."""
    return memo.once(
        f"inputs-{memo.key_of(str(db), v)}", lambda: _through(con, stored.inputs_key, db_path=db)
    )


def scored(con, db: Path, v: int, year: int, scheme: str, content_hash: str, weights=()):
    """The scoring run of `year` (what-if `weights`: sorted pairs): read as `gongkai load` stored
    it (assess.stored) when the key matches, else scored once and kept (on disk unless it is a
    what-if)."""

    def compute():
        loaded = loaded_scheme(scheme, content_hash)
        return _through(
            con, queries.year_assessment, year=year, scheme=loaded, weights=dict(weights) or None
        )

    key = stored.run_key(inputs(con, db, v), year, content_hash, weights)
    return memo.assessment(db, key, compute, disk=not weights)


def both_years(con, db: Path, v, year, scheme, content_hash, weights=()):
    """(the run of `year`, the run of `year` - 1): a ranking's rank_change compares the two."""
    run = scored(con, db, v, year, scheme, content_hash, weights)
    return run, scored(con, db, v, year - 1, scheme, content_hash, weights)


def ranked(con, db: Path, v, year, scheme, content_hash, peer_group=None, weights=()):
    """queries.ranking of `year` (one peer group or all) over the shared runs of both years.

    One peer group is the rows of the all-groups ranking (ranks, flags and the previous year are
    counted within each group; queries.ranking's peer_group only filters), so picking a group in
    the sidebar costs a filter, not a second ranking."""
    if peer_group is not None:
        every = ranked(con, db, v, year, scheme, content_hash, None, weights)
        return every.filter(pl.col("peer_group") == peer_group)

    def compute() -> pl.DataFrame:
        run, prev = both_years(con, db, v, year, scheme, content_hash, weights)
        return _through(
            con,
            queries.ranking,
            year=year,
            scheme=scheme,
            assessment=run,
            prev_assessment=prev,
        )

    def stored_or_compute() -> pl.DataFrame:
        if weights:  # a what-if is never stored
            return compute()
        return kept.read_or(db, ranking_key(inputs(con, db, v), year, content_hash), compute)

    return memo.once(f"rank-{memo.key_of(v, year, content_hash, None, weights)}", stored_or_compute)


def ranking_key(inputs_key: str, year: int, content_hash: str) -> str:
    """dashboard.kept's key of `ranked` (all peer groups, no what-if)."""
    return kept.key(inputs_key, "ranking", (int(year), content_hash))


def leader_key(inputs_key: str, year: int, content_hash: str) -> str:
    return kept.key(inputs_key, "leader", (int(year), content_hash))


def leader_frames(con, db: Path, v, year, scheme, content_hash):
    """(summary per peer group, causes of moves, where each figure comes from): queries.leader."""

    def compute():
        run, prev = both_years(con, db, v, year, scheme, content_hash)
        ranking = ranked(con, db, v, year, scheme, content_hash)
        causes = queries.move_causes(ranking, run, prev)
        loaded = loaded_scheme(scheme, content_hash)
        focus = _through(
            con,
            queries.focus_cells,
            ranked=ranking,
            assessment=run,
            scheme=loaded,
            causes=causes,
        )
        return queries.peer_summary(ranking, causes), causes, focus

    def stored_or_compute():
        return kept.read_or(db, leader_key(inputs(con, db, v), year, content_hash), compute)

    return memo.once(f"leader-{memo.key_of(v, year, content_hash)}", stored_or_compute)


def agency_points(con, db: Path, v, year, scheme, content_hash, agency_id, fn):
    """queries.score_detail or queries.score_steps (`fn`) of one agency: as the load's step
    stored it (dashboard.default_views: the ranking's first agency), else a filter of the
    year's run."""

    def compute():
        run = scored(con, db, v, year, scheme, content_hash)
        return _through(con, fn, year=year, scheme=scheme, agency_id=agency_id, assessment=run)

    # not kept in dashboard.memo: a click on each agency would push the runs and rankings out
    k = points_key(inputs(con, db, v), fn, year, content_hash, agency_id)
    return kept.read_or(db, k, compute)


def points_key(inputs_key: str, fn, year: int, content_hash: str, agency_id: str) -> str:
    return kept.key(inputs_key, fn.__name__, (int(year), content_hash, agency_id))


def query(con, db: Path, v: int, fn, **params):
    """queries.`fn`(**params) as the load's step stored it (dashboard.default_views: the
    pages' default views), else run on a cursor of `con`."""

    def compute():
        cur = cursor_of(con)
        try:
            return fn(cur, **params)
        finally:
            cur.close()

    return kept.read_or(db, kept.query_key(inputs(con, db, v), fn, params), compute)


def export_builders(con, db: Path, v, year, scheme, content_hash, peer_group=None, weights=()):
    """{format: zero-argument callable -> bytes}. Nothing is scored or built until one is
    called (a click); the frames and each file are then kept, so a second click on the same
    selection, by anyone, is served at once."""
    selection = (v, year, content_hash, peer_group, weights)

    def gather():
        import dataclasses

        from exports import data as export_data
        from queries.ranking import scheme_with_weights

        run, prev = both_years(con, db, v, year, scheme, content_hash, weights)
        loaded = loaded_scheme(scheme, content_hash)
        if weights:  # the what-if variant, under its own name
            loaded = dataclasses.replace(
                scheme_with_weights(loaded, dict(weights)), name=f"{loaded.name}（假设分析）"
            )
        return _through(
            con,
            export_data.gather,
            year=year,
            scheme=loaded,
            peer_group=peer_group,
            assessment=run,
            prev_assessment=prev,
        )

    from exports.formats import FORMATS

    def make(fmt):
        def build() -> bytes:
            def file() -> bytes:
                frames = memo.once(f"export-{memo.key_of(*selection)}", gather)
                return fmt.build(frames)

            return memo.once(f"file-{fmt.suffix}-{memo.key_of(*selection)}", file)

        return build

    return {fmt.suffix: make(fmt) for fmt in FORMATS}
