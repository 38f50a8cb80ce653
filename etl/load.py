"""The writer of a load: a batch of reports becomes rows, in one transaction.

`load_batch` stores a batch of reports (plus not-a-report sources and load errors) with one
INSERT ... SELECT per table from Arrow frames, inside one transaction: the batch is written
whole or not at all. The caller (etl/pipeline.py) replays a failed batch one report per
transaction (`load_report`, which is `load_batch` of one report: one code path writes rows).
Where each report goes (a new version, current or not, or its own version rewritten in place)
is the version policy's answer (etl/versions.py); this module only writes what it decided.
The connection is always the building copy's (etl/building_copy.py), never the live file.
All SQL takes bound parameters; no text from a document is ever formatted into SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import pyarrow as pa

import etl
from etl.arrow_frames import arrow_table, registered
from etl.building_copy import transaction
from etl.finding_rows import FindingRows
from etl.registry import Agency
from etl.report import Finding, ParsedReport
from etl.report_rows import (
    AGENCY_TYPES,
    ERROR_TYPES,
    NEW_REPORT_KEY_TYPES,
    NEW_REPORT_KEYS,
    REPORT_COLUMNS,
    REPORT_TYPES,
    SOURCE_TYPES,
    VALUE_TYPES,
    report_row,
    value_columns,
)
from etl.validate.cross_report import store_texts
from etl.versions import LoadedReport, VersionPlan, stored_versions


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


def load_batch(
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
    with transaction(con):
        _add_unconfirmed_agencies(con, reports)
        plan = VersionPlan(stored_versions(con, {(s.agency.code, s.report.year) for s in reports}))
        rows = _batch_rows(plan, reports, now, parser_version)
        rows.resolve(plan, _next_ids(con, len(plan.new)))
        rows.sources += [
            (sha, parser_version, path, None, "not_a_report") for sha, path in not_reports
        ]
        _demote(con, plan.demoted)
        _rewrite_in_place(con, rows.replaced)
        _insert(con, rows, errors, run_id)
        store_texts(con, [o.report_id for o in rows.out], [s.report for s in reports])
    return rows.out


@dataclass
class _BatchRows:
    """A batch's rows; a new version's report_id is a placeholder (< 0) until `resolve`."""

    new: dict[int, list] = field(default_factory=dict)  # id -> REPORT_COLUMNS values
    replaced: list[list] = field(default_factory=list)  # [report_id, *REPORT_COLUMNS values]
    values: list[list] = field(default_factory=lambda: [[] for _ in VALUE_TYPES])
    findings: FindingRows = field(default_factory=FindingRows)
    sources: list[tuple] = field(default_factory=list)  # load_sources rows
    out: list[LoadedReport] = field(default_factory=list)
    inserted: list[list] = field(default_factory=list)  # NEW_REPORT_KEYS + REPORT_COLUMNS rows

    def resolve(self, plan: VersionPlan, real_ids: list[int]) -> None:
        """Placeholder ids → the ids the database gave (-1 gets the first)."""
        ids = dict(zip(sorted(plan.new, reverse=True), real_ids))

        def real(i):
            return ids.get(i, i) if i is not None and i < 0 else i

        self.inserted = [plan.new[k] + [ids[k]] + self.new[k] for k in plan.new]
        self.values[0] = [real(i) for i in self.values[0]]
        self.findings.remap(real)
        self.sources = [r[:3] + (real(r[3]),) + r[4:] for r in self.sources]
        self.out = [replace(o, report_id=real(o.report_id)) for o in self.out]


def _batch_rows(
    plan: VersionPlan, reports: list[StagedReport], now: datetime, parser_version: str
) -> _BatchRows:
    """The rows of every report, in order, where the version policy places each."""
    rows = _BatchRows()
    for s in reports:
        source = s.source_path or s.report.path
        placed = plan.place(s.agency.code, s.report.year, s.report, s.findings, source)
        done = placed.loaded
        row = report_row(s.report, s.signed, s.deadline, s.days_late, parser_version, now)
        if done.replaced:
            rows.replaced.append([done.report_id] + row)
        else:
            rows.new[done.report_id] = row
        if placed.on_current is not None:
            rows.findings.add(placed.on_current[0], [placed.on_current[1]])
        for col, part in zip(rows.values, value_columns(done.report_id, s.report, s.locations)):
            col.extend(part)
        rows.findings.add(done.report_id, placed.findings)
        rows.sources.append((s.report.sha256, parser_version, source, done.report_id, "loaded"))
        rows.out.append(done)
    return rows


def _add_unconfirmed_agencies(con, reports: list[StagedReport]) -> None:
    """Agencies the registry does not list (found in the reports), unless already stored."""
    unconfirmed = {s.agency.code: s.agency for s in reports if not s.agency.confirmed}
    if unconfirmed:
        rows = [a.as_row() for a in unconfirmed.values()]
        with registered(con, _agencies=arrow_table(list(zip(*rows)), AGENCY_TYPES)):
            con.execute("INSERT INTO agencies SELECT * FROM _agencies ON CONFLICT DO NOTHING")


def _demote(con, report_ids: list[int]) -> None:
    if report_ids:
        con.execute(
            "UPDATE reports SET is_current = false WHERE report_id IN (SELECT unnest(?::BIGINT[]))",
            [report_ids],
        )


def _rewrite_in_place(con, replaced: list[list]) -> None:
    """Same bytes re-parsed: the version's values and findings replaced, its row updated."""
    if not replaced:
        return
    ids = [r[0] for r in replaced]
    con.execute("DELETE FROM report_values WHERE report_id IN (SELECT unnest(?::BIGINT[]))", [ids])
    con.execute("DELETE FROM findings WHERE report_id IN (SELECT unnest(?::BIGINT[]))", [ids])
    with registered(
        con,
        _replaced=arrow_table(
            list(zip(*replaced)), (pa.int64(),) + REPORT_TYPES, ("report_id",) + REPORT_COLUMNS
        ),
    ):
        con.execute(
            f"UPDATE reports SET {', '.join(f'{c} = f.{c}' for c in REPORT_COLUMNS)} "
            "FROM _replaced f WHERE reports.report_id = f.report_id"
        )


def _insert(con, rows: _BatchRows, errors: list[LoadError], run_id: int | None) -> None:
    """INSERT the new versions, every value, finding and source of the batch, and its errors."""
    columns = NEW_REPORT_KEYS + REPORT_COLUMNS
    frames = {
        "_values": arrow_table(rows.values, VALUE_TYPES),
        "_sources": arrow_table(list(zip(*rows.sources)) or [[]] * 5, SOURCE_TYPES),
    }
    if rows.inserted:
        frames["_reports"] = arrow_table(
            list(zip(*rows.inserted)), NEW_REPORT_KEY_TYPES + REPORT_TYPES, columns
        )
    if errors:
        frames["_errors"] = arrow_table(_error_columns(errors, run_id), ERROR_TYPES)
    with registered(con, **frames):
        if rows.inserted:
            con.execute(
                f"INSERT INTO reports ({', '.join(columns)}) "
                f"SELECT {', '.join(columns)} FROM _reports"
            )
        con.execute("INSERT INTO report_values SELECT * FROM _values")
        rows.findings.insert(con)
        con.execute("INSERT OR REPLACE INTO load_sources SELECT * FROM _sources")
        if errors:
            con.execute("INSERT INTO load_errors SELECT * FROM _errors")


def _error_columns(errors: list[LoadError], run_id: int | None) -> list[list]:
    return [
        [run_id] * len(errors),
        [e.path for e in errors],
        [e.sha256 for e in errors],
        [e.code for e in errors],
        [e.problem for e in errors],
        [e.hint or None for e in errors],
        [e.at for e in errors],
    ]


def _next_ids(con, n: int) -> list[int]:
    if n == 0:
        return []
    return sorted(
        r[0] for r in con.execute("SELECT nextval('report_id_seq') FROM range(?)", [n]).fetchall()
    )
