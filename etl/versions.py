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
(pages list the findings of current versions). An analyst's choice (load.choose_version) is recorded with its
reason in `version_choices`.

Pure functions; etl/load.py applies them while writing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

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
        """From the SQL aggregate in load.VERSIONS_SQL ('|'-joined lists)."""
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
