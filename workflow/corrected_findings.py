"""Which findings still stand once the analysts' corrections are applied.

A correction replaces a value the report database keeps as printed (the loader is its only
writer). The arithmetic checks (the spec's identities, etl.identities, judged by
etl.validate.arithmetic_findings) that involve a corrected cell are judged again on the corrected
values; a tracked finding they no longer raise is *resolved by the correction*: its workflow
state is kept (and shown beside 「修正后已消除」 in 整改跟踪), but while the correction is in
force it is no problem of the report as corrected — not in 数据一致性, the 数据存在错误 flag,
notices or the bulletin. Withdrawing the correction (or a new version that prints another value,
which sets it aside) makes the finding stand again.

The store records it in tracked_findings.resolved_by (the ids of the corrections involved,
「3,5」; NULL: the finding stands). `settle_corrected_findings` recomputes it for the whole store;
it runs after every change of a correction and after every load's re-check, so the column never
outlives the corrections or the report version it was computed from.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from etl.identities_legacy import LEGACY_IDENTITIES
from etl.identities_std import std_identities
from etl.report import ParsedReport, Value
from etl.validate import arithmetic_findings
from workflow.store import now

# The rules the arithmetic checks raise: only their findings can be resolved by a correction.
ARITHMETIC_RULES = frozenset(i.rule for i in std_identities(["new"]) + list(LEGACY_IDENTITIES))

_REPORT_SQL = "SELECT report_id, template FROM current_reports WHERE agency_id = ? AND year = ?"
_VALUES_SQL = "SELECT key, value, raw, blank, source FROM report_values WHERE report_id = ?"


def corrected_report(report_con, agency_id: str, year: int, fixes: Iterable) -> tuple | None:
    """(the current report with the corrections applied as a ParsedReport, {key: correction id}
    of those applied); None without a current report. A correction applies only while the report
    still yields the value it replaced (workflow.corrections), as the scorer applies it."""
    found = report_con.execute(_REPORT_SQL, [agency_id, int(year)]).fetchall()
    if not found:
        return None
    report_id, template = found[0]
    report = ParsedReport(path="", sha256="", format="", template=template, year=int(year))
    for key, value, raw, blank, source in report_con.execute(_VALUES_SQL, [report_id]).fetchall():
        report.add(Value(key, value, raw or "", {}, bool(blank), source))
    applied = {}
    for fix in fixes:
        cell = report.values.get(fix["key"])
        if (cell.value if cell else None) != fix["printed"]:
            continue  # the report now prints another value: the correction is set aside
        source = cell.source if cell else "table"
        report.add(Value(fix["key"], fix["value"], str(fix["value"]), {}, False, source))
        applied[fix["key"]] = fix["id"]
    return report, applied


def still_raised(report: ParsedReport, rules: Iterable[str]) -> set[tuple[str, tuple[str, ...]]]:
    """(rule, sorted cells) of the arithmetic findings the (corrected) report raises. `rules`:
    the rules already raised on it, so that a legacy breakdown identity in force is judged."""
    report.meta["legacy_breakdowns"] = list(rules)
    return {(f.rule, tuple(sorted(f.cells))) for f in arithmetic_findings(report)}


def resolved_findings(store_con: sqlite3.Connection, report_con) -> dict[str, str]:
    """{fkey: ids of the corrections that resolve it} over the corrections in force: the tracked
    findings of the arithmetic checks that involve a corrected cell and that the corrected values
    satisfy. Every other finding still stands."""
    fixes: dict[tuple[str, int], list] = {}
    for row in store_con.execute("SELECT * FROM corrections WHERE status = 'applied'"):
        fixes.setdefault((row["agency_id"], row["year"]), []).append(row)
    out: dict[str, str] = {}
    for (agency_id, year), own in fixes.items():
        tracked = store_con.execute(
            "SELECT fkey, rule, cells FROM tracked_findings "
            "WHERE agency_id = ? AND year = ? AND present = 1",
            [agency_id, year],
        ).fetchall()
        candidates = [t for t in tracked if t["rule"] in ARITHMETIC_RULES]
        corrected = corrected_report(report_con, agency_id, year, own) if candidates else None
        if corrected is None or not corrected[1]:
            continue
        report, applied = corrected
        raised = still_raised(report, {t["rule"] for t in tracked})
        for t in candidates:
            cells = tuple(sorted(json.loads(t["cells"])))
            involved = sorted(applied[c] for c in cells if c in applied)
            if involved and (t["rule"], cells) not in raised:
                out[t["fkey"]] = ",".join(str(i) for i in involved)
    return out


def settle_corrected_findings(store_con: sqlite3.Connection, report_con) -> int:
    """Bring tracked_findings.resolved_by in line with the corrections in force; call inside the
    caller's write transaction. Returns how many findings the corrections resolve."""
    resolved = resolved_findings(store_con, report_con)
    before = dict(
        store_con.execute(
            "SELECT fkey, resolved_by FROM tracked_findings WHERE resolved_by IS NOT NULL"
        ).fetchall()
    )
    stamp = now()
    for fkey in before.keys() - resolved.keys():
        store_con.execute(
            "UPDATE tracked_findings SET resolved_by = NULL, updated_at = ? WHERE fkey = ?",
            [stamp, fkey],
        )
    for fkey, ids in resolved.items():
        if before.get(fkey) != ids:
            store_con.execute(
                "UPDATE tracked_findings SET resolved_by = ?, updated_at = ? WHERE fkey = ?",
                [ids, stamp, fkey],
            )
    return len(resolved)


def release_findings(store_con: sqlite3.Connection, correction_id: int) -> int:
    """The findings a withdrawn correction resolved stand again (without the report database at
    hand; the next settle judges what the other corrections still resolve). Inside the caller's
    write transaction; returns how many."""
    cur = store_con.execute(
        "UPDATE tracked_findings SET resolved_by = NULL, updated_at = ? "
        "WHERE ',' || resolved_by || ',' LIKE ?",
        [now(), f"%,{int(correction_id)},%"],
    )
    return cur.rowcount
