"""Which version of an agency-year is current: a new one only when it is at least as complete.

A re-download cut short, a PDF whose rotated pages lose most figures, a half-written copy: each
is a "new version" of a report that is already loaded, and each reads fewer values. Such a copy
must not replace the good one silently. So a new version becomes current only when, compared
with the current version, it
- finds every table the current one found (表二/表三/表四, or the legacy 统计表),
- reads at least as many values, and
- raises no error finding of reading (severity "error", not a problem of the report itself)
  the current one did not have.
Otherwise it is stored (for audit and for an analyst to choose), not current, and carries the
finding `report.worse_version`; the current version gets an info finding of the same rule
(pages list the findings of current versions). An analyst's choice (etl/version_choice.py) is
recorded with its reason in `version_choices`.

The writer (etl/load.py) reads the stored versions of a batch's agency-years once
(`stored_versions`), asks a `VersionPlan` where each report goes, then writes the rows; this
module never writes.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyarrow as pa

from etl.arrow_frames import arrow_table, registered
from etl.report import Finding, ParsedReport
from etl.rules import rule_label

WORSE_VERSION = "report.worse_version"
# findings that do not describe the document itself (recomputed across years, or this policy's own)
NOT_COMPLETENESS = frozenset({WORSE_VERSION, "crossyear.carry_over"})
TABLE_NAMES = {"t2": "表二", "t3": "表三", "t4": "表四", "legacy": "统计表"}


@dataclass(frozen=True)
class Completeness:
    tables: frozenset[str]  # key prefixes with at least one value: t2, t3, t4, legacy
    values: int
    # rules of error findings about the copy (reading errors): what the report itself gets
    # wrong is the agency's to answer for, never a reason to keep an older version current
    errors: frozenset[str]

    @classmethod
    def of(cls, report: ParsedReport, extra: Iterable[Finding] = ()) -> Completeness:
        findings = list(report.findings) + list(extra)
        return cls(
            frozenset(k.split(".", 1)[0] for k in report.values),
            len(report.values),
            frozenset(
                f.rule
                for f in findings
                if f.severity == "error" and not f.blames_report and f.rule not in NOT_COMPLETENESS
            ),
        )

    @classmethod
    def from_row(cls, tables: str | None, values: int | None, errors: str | None) -> Completeness:
        """From the SQL aggregate in VERSIONS_SQL ('|'-joined lists)."""
        return cls(
            frozenset(filter(None, (tables or "").split("|"))),
            int(values or 0),
            frozenset(filter(None, (errors or "").split("|"))),
        )


@dataclass(frozen=True)
class Shortfall:
    """Why a new version is less complete than the current one (empty: it is not)."""

    missing_tables: tuple[str, ...] = ()
    values: tuple[int, int] | None = None  # (new, current) when fewer
    new_errors: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.missing_tables or self.values or self.new_errors)

    def chinese(self) -> str:
        parts = []
        if self.missing_tables:
            parts.append("缺少" + "、".join(TABLE_NAMES.get(t, t) for t in self.missing_tables))
        if self.values:
            parts.append(f"只读出 {self.values[0]} 个数值，当前版本有 {self.values[1]} 个")
        if self.new_errors:
            parts.append("新增错误：" + "；".join(rule_label(r) for r in self.new_errors))
        return "；".join(parts)

    def english(self) -> str:
        parts = []
        if self.missing_tables:
            parts.append("no " + ", ".join(TABLE_NAMES.get(t, t) for t in self.missing_tables))
        if self.values:
            parts.append(f"{self.values[0]} values read, the current version has {self.values[1]}")
        if self.new_errors:
            parts.append("new error findings: " + ", ".join(self.new_errors))
        return "; ".join(parts)


def shortfall(new: Completeness, current: Completeness) -> Shortfall:
    missing = current.tables - new.tables
    if "t3" in new.tables:  # the standard tables cover what a legacy 统计表 reading had
        missing -= {"legacy"}
    return Shortfall(
        tuple(sorted(missing)),
        (new.values, current.values) if new.values < current.values else None,
        tuple(sorted(new.errors - current.errors)),
    )


def worse_finding(year: int, version: int, current_version: int, why: Shortfall) -> Finding:
    return Finding(
        "report.worse_version",
        (),
        None,
        None,
        f"这份 {year} 年度报告不如当前采用的第 {current_version} 版完整（{why.chinese()}），"
        f"已另存为第 {version} 版，未采用；第 {current_version} 版仍为当前版本。"
        "如确需改用这一版，请由分析人员选定版本并写明理由",
        "warning",
    )


def not_adopted_finding(version: int, source: str, why: Shortfall) -> Finding:
    """The same news on the current version, which is what pages and exports show."""
    return Finding(
        "report.worse_version",
        (),
        None,
        None,
        f"后来载入的第 {version} 版（{source}）不如本版完整（{why.chinese()}），已保存但未采用，"
        f"本版仍为当前版本；如需改用第 {version} 版，请由分析人员选定版本并写明理由",
        "info",
    )


@dataclass(frozen=True)
class LoadedReport:
    """Where the writer put a report: its row and whether it is the current version."""

    report_id: int
    version: int
    replaced: bool  # True: same bytes re-parsed, the existing version was rewritten
    current: bool = True  # False: stored, but less complete than the current version
    shortfall: Shortfall | None = None  # why it is not current
    current_version: int | None = None  # the version that stayed current


@dataclass
class Placement:
    """The policy's answer for one report of a batch (report_id < 0: a new row, id to come)."""

    loaded: LoadedReport
    findings: list[Finding]  # the report's own, the loader's, and the policy's worse_version
    on_current: tuple[int, Finding] | None = None  # news for the version that stays current


# one stored version: [report_id, version, sha256, is_current, Completeness]
StoredVersion = list


@dataclass
class VersionPlan:
    """The version policy applied to a batch in order, before any row is written.

    New versions get placeholder ids -1, -2, ...; the writer asks the database for real ids once
    it knows how many. A later report of the batch can demote an earlier one's new version."""

    stored: dict[tuple[str, int], list[StoredVersion]]  # stored_versions(), newest first
    new: dict[int, list] = field(default_factory=dict)  # id -> [agency, year, version, current]
    demoted: list[int] = field(default_factory=list)  # stored report_ids no longer current
    _placeholders: Iterator[int] = field(
        init=False, repr=False, default_factory=lambda: itertools.count(-1, -1)
    )

    def place(
        self, agency_id: str, year: int, report: ParsedReport, extra: list[Finding], source: str
    ) -> Placement:
        """Where `report` goes: its own version rewritten (same bytes), or a new version, current
        only when at least as complete as the current one (`extra`: the loader's findings)."""
        have = self.stored.setdefault((agency_id, year), [])
        findings = list(report.findings) + list(extra)
        completeness = Completeness.of(report, extra)
        same = next((v for v in have if v[2] == report.sha256), None)
        if same is not None:  # the same bytes re-parsed: rewritten in place, current or not
            same[4] = completeness
            return Placement(LoadedReport(same[0], same[1], True, bool(same[3])), findings)
        version = (have[0][1] + 1) if have else 1
        current = next((v for v in have if v[3]), None)
        why = shortfall(completeness, current[4]) if current is not None else None
        report_id = next(self._placeholders)
        if why:  # stored for audit and for an analyst to choose; the current one stays
            findings.append(worse_finding(year, version, current[1], why))
            news = (current[0], not_adopted_finding(version, source, why))
            placed = Placement(
                LoadedReport(report_id, version, False, False, why, current[1]), findings, news
            )
        else:
            self._demote(have)
            placed = Placement(LoadedReport(report_id, version, False, True), findings)
        have.insert(0, [report_id, version, report.sha256, placed.loaded.current, completeness])
        self.new[report_id] = [agency_id, year, version, placed.loaded.current]
        return placed

    def _demote(self, have: list[StoredVersion]) -> None:
        for v in have:
            if v[3]:
                v[3] = False
                if v[0] in self.new:  # a new version of this batch
                    self.new[v[0]][3] = False
                else:
                    self.demoted.append(v[0])


def stored_versions(con, pairs: set[tuple[str, int]]) -> dict[tuple[str, int], list[StoredVersion]]:
    """(agency_id, year) -> [[report_id, version, sha256, is_current, Completeness], ...],
    newest first.

    In two steps, so a batch whose agency-years are new (the usual load: a new year, a new
    region) reads no report_values at all, and one that replaces reports reads only the row
    groups of their ids: the one-query form's correlated counts scanned every stored value per
    batch of the load (2 s a batch at 100,000 reports, half the writer's time at 150,000)."""
    out: dict[tuple[str, int], list[StoredVersion]] = {}
    if not pairs:
        return out
    agency_ids, years = zip(*sorted(pairs))
    with registered(
        con,
        _pairs=arrow_table([agency_ids, years], (pa.string(), pa.int32()), ("agency_id", "year")),
    ):
        found = con.execute(VERSIONS_SQL).fetchall()
    if not found:
        return out
    ids = sorted(row[2] for row in found)
    with registered(
        con,
        _ids=arrow_table([ids], (pa.int64(),), ("report_id",)),
        _skip=arrow_table([sorted(NOT_COMPLETENESS)], (pa.string(),), ("rule",)),
    ):
        bounds = {"lo": ids[0], "hi": ids[-1]}
        values = {r[0]: r[1:] for r in con.execute(COMPLETENESS_SQL, bounds).fetchall()}
        errors = dict(con.execute(ERRORS_SQL, bounds).fetchall())
    for agency_id, year, report_id, version, sha, current in found:
        tables, n = values.get(report_id, (None, 0))
        out.setdefault((agency_id, year), []).append(
            [
                report_id,
                version,
                sha,
                current,
                Completeness.from_row(tables, n, errors.get(report_id)),
            ]
        )
    return out


VERSIONS_SQL = """
SELECT r.agency_id, r.year, r.report_id, r.version, r.sha256, r.is_current
FROM reports r JOIN _pairs p USING (agency_id, year)
ORDER BY r.agency_id, r.year, r.version DESC
"""
# the id range lets DuckDB skip the row groups (zone maps) that hold none of the ids
COMPLETENESS_SQL = """
SELECT v.report_id, string_agg(DISTINCT split_part(v.key, '.', 1), '|'), count(*)
FROM report_values v SEMI JOIN _ids USING (report_id)
WHERE v.report_id BETWEEN $lo AND $hi
GROUP BY v.report_id
"""
ERRORS_SQL = """
SELECT f.report_id, string_agg(DISTINCT f.rule, '|')
FROM findings f SEMI JOIN _ids USING (report_id)
WHERE f.report_id BETWEEN $lo AND $hi AND f.severity = 'error'
  AND f.responsibility <> 'report' AND f.rule NOT IN (SELECT rule FROM _skip)
GROUP BY f.report_id
"""
