"""An analyst's choice of the current version of an agency-year (`gongkai versions --use`).

The version policy (etl/versions.py) never lets a less complete copy become current on its own;
an analyst who knows better picks the version here, with a reason that is kept in
`version_choices`. Written like a load: on the building copy, swapped in when done, and the
carry-over findings across years recomputed for the new current version.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from etl.building_copy import building_database, transaction
from etl.errors import ReportError
from etl.run_findings import check_carry_over


def choose_version(
    db_path: str | Path,
    agency_id: str,
    year: int,
    version: int,
    reason: str,
    chosen_by: str | None = None,
) -> int | None:
    """Make `version` the current version of (agency_id, year), as an analyst decided, and
    record the choice with its reason (version_choices). Returns the version current before.
    Written like a load: on an aside copy, swapped in when done."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ReportError(
            str(db_path),
            "a version choice needs a reason",
            "say why this version is the right one (e.g. the publisher confirmed it)",
            "bad_choice",
        )
    if not Path(db_path).exists():
        raise ReportError(
            str(db_path), "the database does not exist", "load reports first", "not_found"
        )
    with building_database(db_path) as con:
        rows = con.execute(
            "SELECT version, is_current FROM reports WHERE agency_id = ? AND year = ? "
            "ORDER BY version",
            [agency_id, year],
        ).fetchall()
        if version not in {v for v, _ in rows}:
            have = ", ".join(str(v) for v, _ in rows) or "none"
            raise ReportError(
                str(db_path),
                f"{agency_id} {year} has no version {version} (versions: {have})",
                "pick one of the stored versions",
                "bad_choice",
            )
        previous = next((v for v, current in rows if current), None)
        with transaction(con):
            con.execute(
                "UPDATE reports SET is_current = (version = ?) WHERE agency_id = ? AND year = ?",
                [version, agency_id, year],
            )
            con.execute(
                "INSERT INTO version_choices VALUES (?, ?, ?, ?, ?, ?, ?)",
                [agency_id, year, version, previous, reason, chosen_by, datetime.now()],
            )
        check_carry_over(con)
    return previous
