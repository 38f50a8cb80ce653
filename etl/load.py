"""The only writer of the database: build aside, load each report in its own transaction, swap.

`building_database(db)` copies the current file to `<db>.building`, yields a read-write
connection to the copy, and on success CHECKPOINTs, closes and `os.replace`s the copy over the
database. A dashboard holding the old file read-only keeps reading its (unlinked) inode; a load
that dies or is killed never touches the old file (the stale copy is removed by the next load).
A `<db>.building.lock` (flock) keeps two loads from building the same copy.

Versions: a report is (agency_id, year). New bytes for a known report make version max+1 and
the older versions stop being current (kept for audit). The same bytes re-parsed under a new
parser version replace their own version's values and findings in place.
All SQL takes bound parameters; no text from a document is ever formatted into SQL.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

import etl
from etl.deadlines import as_date
from etl.errors import ReportError
from etl.registry import Agency, Registry
from etl.report import Finding, ParsedReport
from etl.schema import ensure_schema

BUILDING = ".building"
CARRY_OVER_RULE = "crossyear.carry_over"


@dataclass(frozen=True)
class LoadedReport:
    report_id: int
    version: int
    replaced: bool  # True: same bytes re-parsed, the existing version was rewritten


@contextmanager
def building_database(db_path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a copy of `db_path`, swapped in only if the block succeeds."""
    db = Path(db_path)
    db.parent.mkdir(parents=True, exist_ok=True)
    building = db.with_name(db.name + BUILDING)
    with _exclusive(db):
        _remove(building)
        if db.exists():
            shutil.copyfile(db, building)
            if _wal(db).exists():
                shutil.copyfile(_wal(db), _wal(building))
        con = duckdb.connect(str(building))
        try:
            ensure_schema(con)
            yield con
            con.execute("CHECKPOINT")
        except BaseException:
            con.close()
            _remove(building)
            raise
        con.close()
        os.replace(building, db)
        _remove(_wal(db))  # a WAL of the old file would be replayed into the new one


def _wal(p: Path) -> Path:
    return p.with_name(p.name + ".wal")


def _remove(p: Path) -> None:
    for f in (p, _wal(p)):
        f.unlink(missing_ok=True)


@contextmanager
def _exclusive(db: Path) -> Iterator[None]:
    lock_path = db.with_name(db.name + BUILDING + ".lock")  # gitignored with the copy
    with open(lock_path, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReportError(str(db), "another load is writing this database right now",
                              "wait for it to finish, then run the load again", "locked") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.begin()
    try:
        yield
    except BaseException:
        con.rollback()
        raise
    con.commit()


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
                 confirmed = excluded.confirmed""", [list(c) for c in columns])


def known_source(con, sha256: str, parser_version: str = etl.PARSER_VERSION) -> tuple[str, str] | None:
    """(outcome, path) if these bytes were already handled under this parser version."""
    row = con.execute("SELECT outcome, path FROM load_sources WHERE sha256 = ? AND parser_version = ?",
                      [sha256, parser_version]).fetchone()
    return (row[0], row[1]) if row else None


def sources_seen(con, parser_version: str = etl.PARSER_VERSION) -> dict[str, tuple[str, str]]:
    """sha256 -> (outcome, path) for every source handled under this parser version."""
    rows = con.execute("SELECT sha256, outcome, path FROM load_sources WHERE parser_version = ?",
                       [parser_version]).fetchall()
    return {sha: (outcome, path) for sha, outcome, path in rows}


def record_source(con, sha256: str, path: str, report_id: int | None, outcome: str,
                  parser_version: str = etl.PARSER_VERSION) -> None:
    con.execute("INSERT OR REPLACE INTO load_sources VALUES (?, ?, ?, ?, ?)",
                [sha256, parser_version, path, report_id, outcome])


def record_error(con, run_id: int, path: str, sha256: str | None, code: str, problem: str,
                 hint: str | None) -> None:
    con.execute("INSERT INTO load_errors VALUES (?, ?, ?, ?, ?, ?, ?)",
                [run_id, path, sha256, code, problem, hint or None, datetime.now()])


def start_run(con, parser_version: str = etl.PARSER_VERSION) -> int:
    return con.execute("INSERT INTO load_runs (started_at, parser_version) VALUES (?, ?) "
                       "RETURNING run_id", [datetime.now(), parser_version]).fetchone()[0]


def finish_run(con, run_id: int, loaded: int, unchanged: int, failed: int, skipped: int) -> None:
    con.execute("UPDATE load_runs SET finished_at = ?, loaded = ?, unchanged = ?, failed = ?, "
                "skipped = ? WHERE run_id = ?",
                [datetime.now(), loaded, unchanged, failed, skipped, run_id])


def load_report(con, report: ParsedReport, agency: Agency, findings: Iterable[Finding] = (), *,
                signed: date | None = None, deadline: date | None = None,
                days_late: int | None = None, source_path: str | None = None,
                parser_version: str = etl.PARSER_VERSION) -> LoadedReport:
    """Store `report` for `agency` as its current version, atomically, with its findings.

    `findings` are extra findings found while loading (agency resolution, timing, duplicate
    claims); the report's own findings are stored too, and the source is recorded as loaded
    (under `source_path`, default report.path). On any error nothing is written.
    """
    if report.year is None:
        raise ValueError("load_report needs a report with a year")
    with transaction(con):
        if not agency.confirmed:
            con.execute("INSERT INTO agencies VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                        agency.as_row())
        versions = con.execute(
            "SELECT report_id, version, sha256, is_current FROM reports "
            "WHERE agency_id = ? AND year = ? ORDER BY version DESC",
            [agency.code, report.year]).fetchall()
        same = next((r for r in versions if r[2] == report.sha256 and r[3]), None)
        row = [report.template, report.agency, as_date(report.published), as_date(signed), deadline, days_late,
               report.path, report.sha256, report.format, parser_version, datetime.now(),
               report.meta.get("text_fingerprint")]
        if same is not None:
            report_id, version = same[0], same[1]
            con.execute("DELETE FROM report_values WHERE report_id = ?", [report_id])
            con.execute("DELETE FROM findings WHERE report_id = ?", [report_id])
            con.execute(
                """UPDATE reports SET template = ?, agency_printed = ?, published = ?, signed = ?,
                     deadline = ?, days_late = ?, source_path = ?, sha256 = ?, format = ?,
                     parser_version = ?, loaded_at = ?, text_fingerprint = ?
                   WHERE report_id = ?""", row + [report_id])
        else:
            version = (versions[0][1] + 1) if versions else 1
            if versions:
                con.execute("UPDATE reports SET is_current = false "
                            "WHERE agency_id = ? AND year = ?", [agency.code, report.year])
            report_id = con.execute(
                """INSERT INTO reports (agency_id, year, version, is_current, template,
                     agency_printed, published, signed, deadline, days_late, source_path, sha256,
                     format, parser_version, loaded_at, text_fingerprint)
                   VALUES (?, ?, ?, true, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING report_id""",
                [agency.code, report.year, version] + row).fetchone()[0]
        _insert_values(con, report_id, report)
        _insert_findings(con, report_id, list(report.findings) + list(findings))
        record_source(con, report.sha256, source_path or report.path, report_id, "loaded",
                      parser_version)
    return LoadedReport(report_id, version, same is not None)


def _insert_values(con, report_id: int, report: ParsedReport) -> None:
    values = list(report.values.values())
    if not values:
        return
    con.execute(
        "INSERT INTO report_values SELECT ?, unnest(?::TEXT[]), unnest(?::DOUBLE[]), "
        "unnest(?::TEXT[]), unnest(?::BOOLEAN[]), unnest(?::TEXT[]), unnest(?::TEXT[])",
        [report_id, [v.key for v in values], [float(v.value) for v in values],
         [v.raw for v in values], [bool(v.blank) for v in values], [v.source for v in values],
         [json.dumps(v.loc, ensure_ascii=False, sort_keys=True) for v in values]])


def _insert_findings(con, report_id: int | None, findings: list[Finding]) -> None:
    if not findings:
        return
    con.execute(
        "INSERT INTO findings SELECT ?, unnest(?::TEXT[]), unnest(?::TEXT[]), unnest(?::TEXT[]), "
        "unnest(?::DOUBLE[]), unnest(?::DOUBLE[]), unnest(?::TEXT[])",
        [report_id, [f.rule for f in findings], [f.severity for f in findings],
         [json.dumps(list(f.cells), ensure_ascii=False) for f in findings],
         [_float(f.expected) for f in findings], [_float(f.actual) for f in findings],
         [f.message for f in findings]])


def _float(x) -> float | None:
    return None if x is None else float(x)


CARRY_OVER_SQL = """
SELECT cur.report_id, cur.year, ci.value, co.value, prev.source_path
FROM reports cur
JOIN reports prev ON prev.agency_id = cur.agency_id AND prev.year = cur.year - 1 AND prev.is_current
JOIN report_values ci ON ci.report_id = cur.report_id AND ci.key = 't3.carried_in.total'
JOIN report_values co ON co.report_id = prev.report_id AND co.key = 't3.carried_out.total'
WHERE cur.is_current AND ci.value <> co.value
ORDER BY cur.report_id
"""


def check_carry_over(con) -> int:
    """Identity 5 across years, recomputed from scratch over current versions; returns the count.

    The finding sits on the later report; earlier carry-over findings are replaced, so re-runs
    never duplicate them and a corrected report clears its finding.
    """
    with transaction(con):
        con.execute("DELETE FROM findings WHERE rule = ?", [CARRY_OVER_RULE])
        rows = con.execute(CARRY_OVER_SQL).fetchall()
        for report_id, year, carried_in, carried_out, prev_path in rows:
            _insert_findings(con, report_id, [Finding(
                CARRY_OVER_RULE, ("t3.carried_in.total", "t3.carried_out.total"),
                carried_out, carried_in,
                f"上年结转 in the {year} report is {_n(carried_in)}, but 结转下年度 in the "
                f"{year - 1} report is {_n(carried_out)} (difference {_n(carried_in - carried_out)}; "
                f"{year - 1} report: {prev_path})", "warning")])
    return len(rows)


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)
