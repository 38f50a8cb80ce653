"""The record of each load run and each source it handled (load_runs, load_sources,
load_errors), and the registry's agencies. `load_sources` is what makes a second load of the
same bytes under the same parser version a no-op: the pipeline asks `sources_seen` before
parsing anything. Rows only, inside the caller's connection to the building copy.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

import etl
from etl.building_copy import transaction
from etl.registry import Registry


def sync_registry(con: duckdb.DuckDBPyConnection, registry: Registry) -> None:
    """Write every registry entry to `agencies` (registry edits win over earlier loads)."""
    if not registry.agencies:
        return
    columns = list(zip(*(a.as_row() for a in registry.agencies)))
    with transaction(con):
        con.execute(
            """INSERT INTO agencies SELECT unnest(?::TEXT[]), unnest(?::TEXT[]), unnest(?::TEXT[]),
                 unnest(?::TEXT[]), unnest(?::TEXT[]), unnest(?::TEXT[]), unnest(?::TEXT[]),
                 unnest(?::BOOLEAN[])
               ON CONFLICT (agency_id) DO UPDATE SET name = excluded.name,
                 aliases = excluded.aliases, level = excluded.level, kind = excluded.kind,
                 parent_region = excluded.parent_region, peer_group = excluded.peer_group,
                 confirmed = excluded.confirmed""",
            [list(c) for c in columns],
        )


def known_source(
    con, sha256: str, parser_version: str = etl.PARSER_VERSION
) -> tuple[str, str] | None:
    """(outcome, path) if these bytes were already handled under this parser version."""
    row = con.execute(
        "SELECT outcome, path FROM load_sources WHERE sha256 = ? AND parser_version = ?",
        [sha256, parser_version],
    ).fetchone()
    return (row[0], row[1]) if row else None


def sources_seen(con, parser_version: str = etl.PARSER_VERSION) -> dict[str, tuple[str, str]]:
    """sha256 -> (outcome, path) for every source handled under this parser version."""
    rows = con.execute(
        "SELECT sha256, outcome, path FROM load_sources WHERE parser_version = ?", [parser_version]
    ).fetchall()
    return {sha: (outcome, path) for sha, outcome, path in rows}


def record_source(
    con,
    sha256: str,
    path: str,
    report_id: int | None,
    outcome: str,
    parser_version: str = etl.PARSER_VERSION,
) -> None:
    con.execute(
        "INSERT OR REPLACE INTO load_sources VALUES (?, ?, ?, ?, ?)",
        [sha256, parser_version, path, report_id, outcome],
    )


def record_error(
    con, run_id: int, path: str, sha256: str | None, code: str, problem: str, hint: str | None
) -> None:
    con.execute(
        "INSERT INTO load_errors VALUES (?, ?, ?, ?, ?, ?, ?)",
        [run_id, path, sha256, code, problem, hint or None, datetime.now()],
    )


def start_run(con, parser_version: str = etl.PARSER_VERSION) -> int:
    return con.execute(
        "INSERT INTO load_runs (started_at, parser_version) VALUES (?, ?) RETURNING run_id",
        [datetime.now(), parser_version],
    ).fetchone()[0]


def finish_run(con, run_id: int, loaded: int, unchanged: int, failed: int, skipped: int) -> None:
    con.execute(
        "UPDATE load_runs SET finished_at = ?, loaded = ?, unchanged = ?, failed = ?, "
        "skipped = ? WHERE run_id = ?",
        [datetime.now(), loaded, unchanged, failed, skipped, run_id],
    )
