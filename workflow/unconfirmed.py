"""Unpublished units that may have published after all: a report of the year whose printed name
the registry could not match (loaded as an unconfirmed unit, waiting for an analyst) and that is
one character away from the unit's name (示范肖应急管理厅 for 示范省应急管理厅, 琅山县民玫局 for
琅山县民政局). The bulletin says so beside the unit until an analyst maps the report.

One character, and not the loader's stricter test (etl/agency_match.py, which also wants the
same ending and the same place before it loads a report as a unit's): here nothing is merged,
the office is only asked to check.
"""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from etl.agency_match import MIN_FUZZY_LENGTH
from etl.registry import normalize_name
from etl.safe_text import xml_text

_UNCONFIRMED_SQL = """
SELECT coalesce(r.agency_printed, a.name) FROM agencies a
JOIN current_reports r ON r.agency_id = a.agency_id AND r.year = ?
WHERE NOT a.confirmed ORDER BY 1"""
MAX_EDITS = 1


def unconfirmed_names(con, year: int) -> list[str]:
    """The printed names of `year`'s reports loaded as unconfirmed units."""
    return [xml_text(r[0]) for r in con.execute(_UNCONFIRMED_SQL, [year]).fetchall() if r[0]]


def may_be(name: str, printed: list[str]) -> list[str]:
    """The printed names of `printed` that may be `name` misprinted (one character apart)."""
    key = normalize_name(name)
    if len(key) < MIN_FUZZY_LENGTH:  # shorter names are one character from too many others
        return []
    return [
        p
        for p in printed
        if Levenshtein.distance(key, normalize_name(p), score_cutoff=MAX_EDITS) <= MAX_EDITS
    ]


def note_maybe_published(con, year: int, lines) -> None:
    """Set `maybe_published_as` of each unpublished line (a workflow.bulletin_data.AgencyLine)."""
    printed = unconfirmed_names(con, year)
    for line in lines:
        if not line.published:
            line.maybe_published_as = tuple(may_be(line.name, printed))
