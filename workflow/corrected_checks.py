"""The loader's own checks run again on an agency's reports as printed and as corrected.

Every check whose inputs are figures a correction can change is judged here by the function the
loader judges it with (no second implementation): a report's own checks (etl.validate
.validate_report: the table arithmetic, the prose quoting a figure its table contradicts, …)
on the report rebuilt from the report database, and the checks across years
(crossyear.carry_over, t2.stock_flow, legacy.cumulative_chain) by their SQL over an in-memory
copy of the agency's current reports and values. The report database is only read.

Both states are rebuilt the same way, so what differs between them is what the corrections
changed: a finding raised as printed and not as corrected is resolved by them; one raised only
as corrected is raised by them. Checks that read no figure (wording, sections …) give the same
findings in both states and cancel out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from etl.report import Finding, ParsedReport, Value
from etl.validate import figure_findings
from etl.validate.cross_report import stock_flow_findings
from etl.validate.cross_year import CARRY_OVER_SQL, carry_over_finding
from etl.validate.legacy_chain import chain_findings

# the agency's current reports of the corrected years and the years beside them (the cross-year
# checks read last year's and next year's)
_REPORTS_SQL = (
    "SELECT * FROM current_reports WHERE agency_id = ? AND year IN (SELECT unnest(?::INTEGER[]))"
)
# the columns of `reports` the cross-year checks read
_REPORT_COLUMNS = {
    "report_id": pa.int64(),
    "agency_id": pa.string(),
    "year": pa.int32(),
    "is_current": pa.bool_(),
    "template": pa.string(),
    "source_path": pa.string(),
}
_VALUES_SQL = (
    "SELECT report_id, key, value, raw, blank, source, location FROM report_values "
    "WHERE report_id IN (SELECT unnest(?::BIGINT[]))"
)
_PROSE_SQL = (
    "SELECT report_id, prose FROM report_texts WHERE report_id IN (SELECT unnest(?::BIGINT[]))"
)
# the rules the loader raised on each report: a legacy breakdown identity is judged only where
# the parser found the breakdown printed (etl.validate.validate_legacy), which is not stored
_RULES_SQL = (
    "SELECT report_id, list(DISTINCT rule) FROM findings "
    "WHERE report_id IN (SELECT unnest(?::BIGINT[])) GROUP BY 1"
)
_VALUE_COLUMNS = ("report_id", "key", "value", "raw", "blank", "source", "location")
_VALUE_TYPES = (pa.int64(), pa.string(), pa.float64(), pa.string(), pa.bool_(), pa.string())


@dataclass(frozen=True)
class Judged:
    """A finding the checks raise on one report of the agency (report-responsibility only: the
    workflow tracks only those)."""

    year: int
    finding: Finding

    @property
    def key(self) -> tuple[int, str, tuple[str, ...]]:
        return self.year, self.finding.rule, tuple(sorted(self.finding.cells))


@dataclass
class AgencyReports:
    """An agency's current reports as the report database holds them, and the corrections that
    apply to them ({(year, key): correction row})."""

    agency_id: str
    reports: list[dict]  # current_reports rows
    values: list[tuple]  # report_values rows (_VALUE_COLUMNS)
    prose: dict[int, str]
    rules: dict[int, list[str]]
    applied: dict[tuple[int, str], dict]

    @property
    def year_of(self) -> dict[int, int]:
        return {r["report_id"]: r["year"] for r in self.reports}


def agency_reports(report_con, agency_id: str, fixes: Iterable) -> AgencyReports | None:
    """The agency's current reports and the corrections in force on them. A correction applies
    only while its report still yields the value it replaced (workflow.corrections), as the
    scorer applies it; None when none applies."""
    fixes = list(fixes)
    years = sorted({int(f["year"]) + d for f in fixes for d in (-1, 0, 1)})
    cur = report_con.execute(_REPORTS_SQL, [agency_id, years])
    names = [d[0] for d in cur.description]
    reports = [dict(zip(names, row)) for row in cur.fetchall()]
    ids = [r["report_id"] for r in reports]
    values = report_con.execute(_VALUES_SQL, [ids]).fetchall()
    rid_of = {r["year"]: r["report_id"] for r in reports}
    printed = {(rid, key): value for rid, key, value, *_ in values}
    applied = {}
    for fix in fixes:
        rid = rid_of.get(fix["year"])
        if rid is not None and printed.get((rid, fix["key"])) == fix["printed"]:
            applied[(fix["year"], fix["key"])] = dict(fix)
    if not applied:
        return None
    prose = dict(report_con.execute(_PROSE_SQL, [ids]).fetchall())
    rules = {rid: list(r) for rid, r in report_con.execute(_RULES_SQL, [ids]).fetchall()}
    return AgencyReports(agency_id, reports, values, prose, rules, applied)


def corrected_values(agency: AgencyReports) -> list[tuple]:
    """The value rows with the corrections applied (a corrected cell is no longer blank; one the
    report did not print is added as a table cell)."""
    year_of = agency.year_of
    fixes = {
        (rid, key): fix
        for rid, year in year_of.items()
        for (y, key), fix in agency.applied.items()
        if y == year
    }
    out = []
    for rid, key, value, raw, blank, source, location in agency.values:
        fix = fixes.pop((rid, key), None)
        if fix is None:
            out.append((rid, key, value, raw, blank, source, location))
        else:
            out.append((rid, key, fix["value"], _n(fix["value"]), False, source, location))
    for (rid, key), fix in fixes.items():
        out.append((rid, key, fix["value"], _n(fix["value"]), False, "table", "{}"))
    return out


def judge(mem, agency: AgencyReports, values: list[tuple]) -> dict[tuple, Judged]:
    """{(year, rule, sorted cells): finding} of the figure-reading checks on `values`, over the
    years a correction touches and the year after each (the cross-year checks read both).
    `mem`: an in-memory DuckDB connection for the cross-year checks (scratch_database)."""
    corrected = {y for y, _ in agency.applied}
    years = corrected | {y + 1 for y in corrected}
    year_of = agency.year_of
    found: list[Judged] = []
    for rid, year in year_of.items():
        if year in corrected:
            found += [Judged(year, f) for f in figure_findings(_report(agency, rid, values))]
    for rid, f in _cross_year(mem, agency.reports, values):
        if year_of.get(rid) in years:
            found.append(Judged(year_of[rid], f))
    return {j.key: j for j in found if j.finding.blames_report}


def _report(agency: AgencyReports, rid: int, values: list[tuple]) -> ParsedReport:
    row = next(r for r in agency.reports if r["report_id"] == rid)
    report = ParsedReport(
        path=row["source_path"] or "",
        sha256=row["sha256"] or "",
        format="",
        template=row["template"],
        agency=row.get("agency_name"),
        year=int(row["year"]),
        prose=tuple((agency.prose.get(rid) or "").split("\n")) if agency.prose.get(rid) else (),
    )
    report.meta["legacy_breakdowns"] = agency.rules.get(rid, [])
    for r, key, value, raw, blank, source, location in values:
        if r == rid:
            loc = json.loads(location) if location else {}
            report.add(Value(key, value, raw or "", loc, bool(blank), source or "table"))
    return report


def scratch_database() -> duckdb.DuckDBPyConnection:
    """An in-memory database for judge's cross-year checks; one serves every agency."""
    return duckdb.connect(":memory:")


def _cross_year(mem, reports: list[dict], values: list[tuple]) -> list[tuple[int, Finding]]:
    """The loader's cross-year checks (etl.run_findings.check_carry_over, etl.validate
    .cross_report) over an in-memory database holding only these reports and values."""
    cols = list(zip(*values)) if values else [[] for _ in _VALUE_COLUMNS]
    table = pa.table(
        {n: pa.array(c, t) for n, c, t in zip(_VALUE_COLUMNS, cols, (*_VALUE_TYPES, pa.string()))}
    )
    rows = pa.table({n: pa.array([r[n] for r in reports], t) for n, t in _REPORT_COLUMNS.items()})
    mem.register("_reports", rows)
    mem.register("_values", table)
    try:
        mem.execute("CREATE OR REPLACE TABLE reports AS SELECT * FROM _reports")
        mem.execute("CREATE OR REPLACE TABLE report_values AS SELECT * FROM _values")
    finally:
        mem.unregister("_reports")
        mem.unregister("_values")
    out = [
        (rid, carry_over_finding(year, carried_in, carried_out, path))
        for rid, year, carried_in, carried_out, path in mem.execute(CARRY_OVER_SQL).fetchall()
    ]
    return out + stock_flow_findings(mem) + chain_findings(mem)


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)
