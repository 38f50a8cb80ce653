"""The only writer of the database: build aside, load reports in batched transactions, swap.

`building_database(db)` copies the current file to `<db>.building`, yields a read-write
connection to the copy, and on success CHECKPOINTs, closes and `os.replace`s the copy over the
database. A dashboard holding the old file read-only keeps reading its (unlinked) inode; a load
that dies or is killed never touches the old file (the stale copy is removed by the next load).
A `<db>.building.lock` (flock) keeps two loads from building the same copy.

Writes: `load_batch` stores a batch of reports (plus not-a-report sources and load errors) with
one INSERT ... SELECT per table from Arrow frames, inside one transaction: the batch is written
whole or not at all. The caller (etl/pipeline.py) replays a failed batch one report per
transaction (`load_report`, which is `load_batch` of one report: one code path writes rows).

Versions: a report is (agency_id, year). New bytes for a known report make version max+1; it
becomes current (the older versions are kept for audit) only when it is at least as complete
as the current one (etl/versions.py); otherwise it is stored, not current, with the finding
`report.worse_version`, until an analyst picks a version (`choose_version`, recorded with its
reason in `version_choices`). The same bytes re-parsed under a new parser version replace their
own version's values and findings in place.
All SQL takes bound parameters; no text from a document is ever formatted into SQL.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

import etl
from etl.deadlines import as_date
from etl.errors import ReportError
from etl.finding_rows import FindingRows
from etl.registry import Agency, Registry
from etl.report import Finding, ParsedReport
from etl.schema import ensure_schema
from etl.validate.cross_report import run_cross_report_checks, store_texts
from etl.validate.cross_year import CARRY_OVER_RULE, CARRY_OVER_SQL, carry_over_finding
from etl.versions import (
    NOT_COMPLETENESS,
    Completeness,
    Shortfall,
    not_adopted_finding,
    shortfall,
    worse_finding,
)

BUILDING = ".building"


@dataclass(frozen=True)
class LoadedReport:
    report_id: int
    version: int
    replaced: bool  # True: same bytes re-parsed, the existing version was rewritten
    current: bool = True  # False: stored, but less complete than the current version
    shortfall: Shortfall | None = None  # why it is not current
    current_version: int | None = None  # the version that stayed current


@contextmanager
def building_database(db_path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a copy of `db_path`, swapped in only if the block succeeds.

    A symlinked `db_path` is resolved first: the copy is swapped in over the target (the link
    stays a link), and two names of one database take the same lock.
    """
    db = Path(os.path.realpath(db_path))
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
            run_cross_report_checks(con)  # the quality check's rules across reports, on the copy
            stamp_build(con)
            con.execute("CHECKPOINT")
        except BaseException:
            con.close()
            _remove(building)
            raise
        con.close()
        os.replace(building, db)
        _remove(_wal(db))  # a WAL of the old file would be replayed into the new one


BUILD_STAMP = "build_stamp"  # meta row: a fresh id for every build swapped in


def stamp_build(con: duckdb.DuckDBPyConnection) -> None:
    """Give this build of the database a new id (meta `build_stamp`). Results derived from the
    rows (assess.stored: the scores kept beside the database) are keyed on it, so whichever
    writer swaps a new file in (a load, a version choice, a ledger import), nothing derived from
    the old rows is read for the new ones; a copy of the file keeps its stamp and its scores."""
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [BUILD_STAMP, uuid.uuid4().hex])


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
            raise ReportError(
                str(db),
                "another load is writing this database right now",
                "wait for it to finish, then run the load again",
                "locked",
            ) from None
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


@dataclass
class StagedReport:
    """A report ready to store: what `load_report` takes, as one item of a batch."""

    report: ParsedReport
    agency: Agency
    findings: list[Finding] = field(default_factory=list)  # extra findings found while loading
    signed: date | None = None
    deadline: date | None = None
    days_late: int | None = None
    source_path: str | None = None
    locations: list[str] | None = None  # value_locations(report), when computed ahead (in a worker)


@dataclass
class LoadError:
    path: str
    sha256: str | None
    code: str
    problem: str
    hint: str | None
    at: datetime = field(default_factory=datetime.now)


def load_report(
    con,
    report: ParsedReport,
    agency: Agency,
    findings: Iterable[Finding] = (),
    *,
    signed: date | None = None,
    deadline: date | None = None,
    days_late: int | None = None,
    source_path: str | None = None,
    parser_version: str = etl.PARSER_VERSION,
) -> LoadedReport:
    """Store `report` for `agency`, atomically, with its findings: `load_batch` of one report.

    `findings` are extra findings found while loading (agency resolution, timing, duplicate
    claims); the report's own findings are stored too, and the source is recorded as loaded
    (under `source_path`, default report.path). On any error nothing is written.
    """
    if report.year is None:
        raise ValueError("load_report needs a report with a year")
    staged = StagedReport(report, agency, list(findings), signed, deadline, days_late, source_path)
    return load_batch(con, [staged], parser_version=parser_version)[0]


# the columns of `reports` a load (re)writes, in _report_row's order
REPORT_COLUMNS = (
    "template",
    "agency_printed",
    "published",
    "signed",
    "deadline",
    "days_late",
    "source_path",
    "sha256",
    "format",
    "parser_version",
    "loaded_at",
    "text_fingerprint",
)
REPORT_TYPES = (
    pa.string(),
    pa.string(),
    pa.date32(),
    pa.date32(),
    pa.date32(),
    pa.int32(),
    pa.string(),
    pa.string(),
    pa.string(),
    pa.string(),
    pa.timestamp("us"),
    pa.string(),
)


def _report_row(
    report: ParsedReport, signed, deadline, days_late, parser_version: str, loaded_at: datetime
) -> list:
    return [
        report.template,
        report.agency,
        as_date(report.published),
        as_date(signed),
        deadline,
        days_late,
        report.path,
        report.sha256,
        report.format,
        parser_version,
        loaded_at,
        report.meta.get("text_fingerprint"),
    ]


def value_locations(report: ParsedReport) -> list[str]:
    """report_values.location of each value, in report.values order (JSON text)."""
    return [json.dumps(v.loc, ensure_ascii=False, sort_keys=True) for v in report.values.values()]


def _value_columns(
    report_id: int, report: ParsedReport, locations: list[str] | None = None
) -> list[list]:
    values = list(report.values.values())
    if locations is None or len(locations) != len(values):
        locations = value_locations(report)
    return [
        [report_id] * len(values),
        [v.key for v in values],
        [None if v.value is None else float(v.value) for v in values],
        [v.raw for v in values],
        [bool(v.blank) for v in values],
        [v.source for v in values],
        locations,
    ]


VALUE_TYPES = (
    pa.int64(),
    pa.string(),
    pa.float64(),
    pa.string(),
    pa.bool_(),
    pa.string(),
    pa.string(),
)


def _float(x) -> float | None:
    return None if x is None else float(x)


def load_batch(  # noqa: C901 (one transaction's steps in order: version policy, rows, findings, provenance)
    con,
    reports: list[StagedReport],
    not_reports: Iterable[tuple[str, str]] = (),
    errors: Iterable[LoadError] = (),
    *,
    run_id: int | None = None,
    parser_version: str = etl.PARSER_VERSION,
) -> list[LoadedReport]:
    """Store a batch in one transaction: `reports` in order (each the current version of its
    (agency, year), as `load_report` would make it), `not_reports` as (sha256, path) sources
    that yielded no report, and `errors` of the run `run_id`. All or nothing: on any error the
    batch is rolled back and the exception propagates (the caller replays it report by report).
    Same bytes twice in one batch are refused (ValueError); the pipeline never sends them.
    """
    reports, not_reports, errors = list(reports), list(not_reports), list(errors)
    if any(s.report.year is None for s in reports):
        raise ValueError("load_batch needs reports with a year")
    shas = [s.report.sha256 for s in reports] + [sha for sha, _ in not_reports]
    if len(set(shas)) != len(shas):
        raise ValueError("the same bytes twice in one batch")
    now = datetime.now()
    out: list[LoadedReport] = []
    with transaction(con):
        unconfirmed = {s.agency.code: s.agency for s in reports if not s.agency.confirmed}
        if unconfirmed:
            rows = [a.as_row() for a in unconfirmed.values()]
            with _frames(con, _agencies=_table(list(zip(*rows)), AGENCY_TYPES)):
                con.execute("INSERT INTO agencies SELECT * FROM _agencies ON CONFLICT DO NOTHING")
        versions = _versions(con, {(s.agency.code, s.report.year) for s in reports})
        placeholders = iter(range(-1, -len(reports) - 1, -1))  # new report_ids, resolved below
        inserted: dict[int, list] = {}  # report_id -> [agency, year, version, is_current, *row]
        replaced: list[list] = []  # [report_id, *row]
        demoted: list[int] = []  # existing report_ids that stop being current
        value_cols: list[list] = [[] for _ in VALUE_TYPES]
        finding_rows = FindingRows()
        source_rows: list[tuple] = []
        for s in reports:
            key = (s.agency.code, s.report.year)
            have = versions.setdefault(
                key, []
            )  # [report_id, version, sha256, is_current, Completeness]
            row = _report_row(s.report, s.signed, s.deadline, s.days_late, parser_version, now)
            findings = list(s.report.findings) + list(s.findings)
            same = next((v for v in have if v[2] == s.report.sha256), None)
            done: LoadedReport
            if same is not None:  # the same bytes re-parsed: rewritten in place, current or not
                report_id, version = same[0], same[1]
                replaced.append([report_id] + row)
                same[4] = Completeness.of(s.report, s.findings)
                done = LoadedReport(report_id, version, True, bool(same[3]))
            else:
                version = (have[0][1] + 1) if have else 1
                completeness = Completeness.of(s.report, s.findings)
                current = next((v for v in have if v[3]), None)
                why = shortfall(completeness, current[4]) if current is not None else None
                report_id = next(placeholders)
                if why:  # stored for audit and for an analyst to choose; the current one stays
                    findings.append(worse_finding(s.report.year, version, current[1], why))
                    finding_rows.add(
                        current[0],
                        [not_adopted_finding(version, s.source_path or s.report.path, why)],
                    )
                    done = LoadedReport(report_id, version, False, False, why, current[1])
                else:
                    for v in have:
                        if v[3]:
                            v[3] = False
                            if v[0] in inserted:
                                inserted[v[0]][3] = False
                            else:
                                demoted.append(v[0])
                    done = LoadedReport(report_id, version, False, True)
                have.insert(0, [report_id, version, s.report.sha256, done.current, completeness])
                inserted[report_id] = [
                    s.agency.code,
                    s.report.year,
                    version,
                    done.current,
                    report_id,
                ] + row
            for col, part in zip(value_cols, _value_columns(report_id, s.report, s.locations)):
                col.extend(part)
            finding_rows.add(report_id, findings)
            source_rows.append(
                (
                    s.report.sha256,
                    parser_version,
                    s.source_path or s.report.path,
                    report_id,
                    "loaded",
                )
            )
            out.append(done)
        ids = dict(zip(sorted(inserted, reverse=True), _next_ids(con, len(inserted))))  # -1 first

        def real(i):
            return ids.get(i, i) if i is not None and i < 0 else i

        inserted = {ids[k]: r[:4] + [ids[k]] + r[5:] for k, r in inserted.items()}
        value_cols[0] = [real(i) for i in value_cols[0]]
        finding_rows.remap(real)
        source_rows = [r[:3] + (real(r[3]),) + r[4:] for r in source_rows]
        out = [replace(o, report_id=real(o.report_id)) for o in out]
        source_rows += [
            (sha, parser_version, path, None, "not_a_report") for sha, path in not_reports
        ]
        if demoted:
            con.execute(
                "UPDATE reports SET is_current = false WHERE report_id IN "
                "(SELECT unnest(?::BIGINT[]))",
                [demoted],
            )
        if replaced:
            ids = [r[0] for r in replaced]
            con.execute(
                "DELETE FROM report_values WHERE report_id IN (SELECT unnest(?::BIGINT[]))", [ids]
            )
            con.execute(
                "DELETE FROM findings WHERE report_id IN (SELECT unnest(?::BIGINT[]))", [ids]
            )
            with _frames(
                con,
                _replaced=_table(
                    list(zip(*replaced)),
                    (pa.int64(),) + REPORT_TYPES,
                    ("report_id",) + REPORT_COLUMNS,
                ),
            ):
                con.execute(
                    f"UPDATE reports SET {', '.join(f'{c} = f.{c}' for c in REPORT_COLUMNS)} "
                    "FROM _replaced f WHERE reports.report_id = f.report_id"
                )
        columns = ("agency_id", "year", "version", "is_current", "report_id") + REPORT_COLUMNS
        frames = {
            "_values": _table(value_cols, VALUE_TYPES),
            "_sources": _table(list(zip(*source_rows)) or [[]] * 5, SOURCE_TYPES),
        }
        if inserted:
            frames["_reports"] = _table(
                list(zip(*inserted.values())),
                (pa.string(), pa.int32(), pa.int32(), pa.bool_(), pa.int64()) + REPORT_TYPES,
                columns,
            )
        if errors:
            frames["_errors"] = _table(
                [
                    [run_id] * len(errors),
                    [e.path for e in errors],
                    [e.sha256 for e in errors],
                    [e.code for e in errors],
                    [e.problem for e in errors],
                    [e.hint or None for e in errors],
                    [e.at for e in errors],
                ],
                ERROR_TYPES,
            )
        with _frames(con, **frames):
            if inserted:
                con.execute(
                    f"INSERT INTO reports ({', '.join(columns)}) "
                    f"SELECT {', '.join(columns)} FROM _reports"
                )
            con.execute("INSERT INTO report_values SELECT * FROM _values")
            finding_rows.insert(con)
            con.execute("INSERT OR REPLACE INTO load_sources SELECT * FROM _sources")
            if errors:
                con.execute("INSERT INTO load_errors SELECT * FROM _errors")
        store_texts(con, [o.report_id for o in out], [s.report for s in reports])
    return out


AGENCY_TYPES = (pa.string(),) * 7 + (pa.bool_(),)
SOURCE_TYPES = (pa.string(), pa.string(), pa.string(), pa.int64(), pa.string())
ERROR_TYPES = (pa.int64(),) + (pa.string(),) * 5 + (pa.timestamp("us"),)


def _table(columns: list, types: tuple, names: tuple[str, ...] | None = None) -> pa.Table:
    names = names or tuple(f"c{i}" for i in range(len(types)))
    if not columns:
        columns = [[] for _ in types]
    return pa.table([pa.array(list(c), type=t) for c, t in zip(columns, types)], names=list(names))


@contextmanager
def _frames(con, **tables: pa.Table) -> Iterator[None]:
    """Register Arrow tables under the given names for the block (never user text in SQL)."""
    for name, table in tables.items():
        con.register(name, table)
    failed = True
    try:
        yield
        failed = False
    finally:
        for name in tables:
            try:
                con.unregister(name)
            except duckdb.Error:  # an aborted transaction refuses it; keep the first error
                if not failed:
                    raise


def _versions(con, pairs: set[tuple[str, int]]) -> dict[tuple[str, int], list[list]]:
    """(agency_id, year) -> [[report_id, version, sha256, is_current, Completeness], ...],
    newest first."""
    out: dict[tuple[str, int], list[list]] = {}
    if not pairs:
        return out
    agency_ids, years = zip(*sorted(pairs))
    with _frames(
        con,
        _pairs=_table([agency_ids, years], (pa.string(), pa.int32()), ("agency_id", "year")),
        _skip=_table([sorted(NOT_COMPLETENESS)], (pa.string(),), ("rule",)),
    ):
        rows = con.execute(VERSIONS_SQL).fetchall()
    for agency_id, year, report_id, version, sha, current, tables, n, errors in rows:
        out.setdefault((agency_id, year), []).append(
            [report_id, version, sha, current, Completeness.from_row(tables, n, errors)]
        )
    return out


VERSIONS_SQL = """
SELECT r.agency_id, r.year, r.report_id, r.version, r.sha256, r.is_current,
       (SELECT string_agg(DISTINCT split_part(v.key, '.', 1), '|') FROM report_values v
         WHERE v.report_id = r.report_id),
       (SELECT count(*) FROM report_values v WHERE v.report_id = r.report_id),
       (SELECT string_agg(DISTINCT f.rule, '|') FROM findings f
         WHERE f.report_id = r.report_id AND f.severity = 'error'
           AND f.responsibility <> 'report' AND f.rule NOT IN (SELECT rule FROM _skip))
FROM reports r JOIN _pairs p USING (agency_id, year)
ORDER BY r.agency_id, r.year, r.version DESC
"""


def _next_ids(con, n: int) -> list[int]:
    if n == 0:
        return []
    return sorted(
        r[0] for r in con.execute("SELECT nextval('report_id_seq') FROM range(?)", [n]).fetchall()
    )


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


def set_portal_dates(con, dates: dict[str, str]) -> None:
    """The portal's 发布时间 (etl/collect) as the publication date of reports with these bytes,
    days late recomputed: also for bytes loaded before, without the portal's date."""
    if not dates:
        return
    shas, days = zip(*sorted(dates.items()))
    with (
        transaction(con),
        _frames(
            con,
            _dates=_table(
                [list(shas), [as_date(d) for d in days]],
                (pa.string(), pa.date32()),
                ("sha256", "published"),
            ),
        ),
    ):
        con.execute(
            "UPDATE reports SET published = d.published, "
            "days_late = CASE WHEN reports.deadline IS NULL THEN NULL "
            "ELSE date_diff('day', reports.deadline, d.published) END "
            "FROM _dates d WHERE reports.sha256 = d.sha256 "
            "AND reports.published IS DISTINCT FROM d.published"
        )


def record_portal_findings(con, found: list[tuple[Finding, set[str]]]) -> None:
    """Findings only the collector saw (etl/collect): each goes on the current report loaded
    from its article's files (matched by sha256), else on no report. Recording the same finding
    again replaces it, so loading a collected folder twice never doubles them."""
    if not found:
        return
    rows = FindingRows()
    with transaction(con):
        for finding, shas in found:
            con.execute(
                "DELETE FROM findings WHERE rule = ? AND message = ?",
                [finding.rule, finding.message],
            )
            current = (
                con.execute(
                    "SELECT min(report_id) FROM reports WHERE is_current AND sha256 IN "
                    "(SELECT unnest(?::TEXT[]))",
                    [sorted(shas)],
                ).fetchall()
                if shas
                else []
            )
            rows.add(current[0][0] if current else None, [finding])
        rows.insert(con)


def check_carry_over(con) -> int:
    """Identity 5 across years, recomputed from scratch over current versions; returns the count.

    The finding sits on the later report; earlier carry-over findings are replaced, so re-runs
    never duplicate them and a corrected report clears its finding.
    """
    with transaction(con):
        con.execute("DELETE FROM findings WHERE rule = ?", [CARRY_OVER_RULE])
        rows = con.execute(CARRY_OVER_SQL).fetchall()
        found = FindingRows()
        for report_id, year, carried_in, carried_out, prev_path in rows:
            found.add(report_id, [carry_over_finding(year, carried_in, carried_out, prev_path)])
        found.insert(con)
    return len(rows)
