"""What the pages read, in one namespace: `from dashboard import data`, then data.<name>.

The pieces live beside it, split along their seams: dashboard/db.py (the database's identity,
the one cached connection and its invariants), dashboard/cached.py (the cached queries),
dashboard/scores.py (the scheme, the scoring runs, ranking, summary and export builders through
dashboard.runs). Here: the sidebar's selection and the schemes folder (SCHEMES_DIR is a module
attribute a test can point elsewhere).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import runs
from dashboard.cached import (  # noqa: F401 (the pages' namespace)
    agencies,
    agency_profile,
    agency_values,
    compare_agencies,
    copied_reports,
    default_year,
    figures,
    finding_tally,
    findings,
    findings_by_agency,
    findings_summary,
    home_agencies,
    late_reports,
    load_errors,
    marked_context,
    missing_reports,
    own_agencies,
    peer_groups,
    peer_median,
    province_trend,
    publication_dates,
    quality_check_summary,
    repeated_reports,
    report_keys,
    review_litigation,
    review_litigation_trend,
    timeliness_by_kind,
    value_source,
    years,
)
from dashboard.db import (  # noqa: F401 (the pages' namespace)
    STORE_PROBLEM,
    NoDatabase,
    connect,
    cursor,
    db_path,
    db_version,
    store_problem,
    workflow_revision,
)
from dashboard.scores import (  # noqa: F401 (the pages' namespace)
    AssessUnavailable,
    assessment,
    export_builders,
    file_mtime,
    flag_rules_text,
    leader,
    ranking,
    scheme,
    scheme_hash,
    scheme_names,
    score_detail,
    score_steps,
)
from etl.settings import DEFAULT_DATA, ROOT, Settings  # noqa: F401 (ROOT: for the views)

SCHEMES_DIR = DEFAULT_DATA / "schemes"

ALL = "全部"  # the peer-group option meaning "no filter"

USE = runs.USE


def selection() -> tuple[int, int, str | None]:
    """(db_version, year, peer_group or None) as the sidebar in app.py left them."""
    peer = st.session_state.get("peer")
    return db_version(), int(st.session_state["year"]), (None if peer in (None, ALL) else peer)


def schemes_dir() -> Path:
    """The schemes folder of the data folder: $GONGKAI_DATA/schemes (etl.settings), else
    SCHEMES_DIR (the checkout's; a module attribute so a test can give the page another)."""
    data = Settings.from_env().data_dir
    return SCHEMES_DIR if data == DEFAULT_DATA else data / "schemes"


def schemes() -> dict[str, str]:
    """File stem -> path for files in data/schemes (default.toml first; names via scheme_names)."""
    files = sorted(schemes_dir().glob("*.toml"), key=lambda p: (p.stem != "default", p.stem))
    return {p.stem: str(p) for p in files}


def watched() -> tuple | None:
    """What the warm-up (dashboard/warmup.py) watches while serving (dashboard/server.py): the database version (a
    load swapped a file in, a correction or a dismissal) and the default scheme's content hash
    (the office edited it); None when there is no database or scheme yet."""
    try:
        found = schemes()
        return (db_version(), scheme_hash(next(iter(found.values())))) if found else None
    except NoDatabase:
        return None
