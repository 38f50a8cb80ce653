"""Which findings stand once the analysts' corrections are applied, and which they raise.

A correction replaces a value the report database keeps as printed (the loader is its only
writer). Every check that reads figures is judged again with the corrections applied, by the
loader's own check functions (workflow.corrected_checks): the table arithmetic, the prose
quoting a figure its table contradicts, the checks across years (a correction of last year's
结转下年度 settles this year's carry-over).

- A tracked finding raised on the figures as printed and not on the corrected ones is
  *resolved by the correction*: its workflow state is kept (and shown beside 「修正后已消除」 in
  整改跟踪), but while the correction is in force it is no problem of the report as corrected —
  not in 数据一致性, the 数据存在错误 flag, notices or the bulletin.
- A finding raised only on the corrected figures (the correction breaks a check that held) is
  *raised by the correction*: tracked like any other (待核实, to be triaged; its message and
  state name the correction), and gone when the correction no longer applies.
Withdrawing the correction (or a new version that prints another value, which sets it aside)
undoes both.

The store records them in tracked_findings.resolved_by and .raised_by (the ids of the
corrections involved, 「3,5」; NULL: none). `settle_corrected_findings` recomputes both for the
whole store; it runs after every change of a correction and after every load's re-check, so the
columns never outlive the corrections or the report version they were computed from.
"""

from __future__ import annotations

import json
import sqlite3

from workflow.corrected_checks import (
    Judged,
    agency_reports,
    corrected_values,
    judge,
    scratch_database,
)
from workflow.evidence import finding_evidence
from workflow.findings import finding_key, record
from workflow.states import PENDING, SYSTEM
from workflow.store import now


def judged_corrections(
    store_con: sqlite3.Connection, report_con, agency_id: str | None = None
) -> tuple[dict, dict]:
    """({fkey: ids} of the findings the corrections in force resolve, {fkey: (Judged, ids,
    agency)} of those they raise), from the checks on each corrected agency's reports as
    printed and as corrected (`agency_id`: that agency's only)."""
    fixes: dict[str, list] = {}
    sql, args = "SELECT * FROM corrections WHERE status = 'applied'", []
    if agency_id is not None:
        sql, args = sql + " AND agency_id = ?", [agency_id]
    for row in store_con.execute(sql, args):
        fixes.setdefault(row["agency_id"], []).append(row)
    resolved: dict[str, str] = {}
    raised: dict[str, tuple] = {}
    if not fixes:
        return resolved, raised
    with scratch_database() as mem:
        for code, own in fixes.items():
            agency = agency_reports(report_con, code, own)
            if agency is None:
                continue
            before = judge(mem, agency, agency.values)
            after = judge(mem, agency, corrected_values(agency))
            for key in before.keys() - after.keys():
                resolved[finding_key(code, *key)] = _ids(agency, before[key])
            for key in after.keys() - before.keys():
                judged = after[key]
                raised[finding_key(code, *key)] = (judged, _ids(agency, judged), agency)
    return resolved, raised


def _ids(agency, judged: Judged) -> str:
    """The corrections a finding turns on: those of its year (or last year's, which a cross-year
    check reads) on a cell it names; else every one of those years."""
    near = {
        (y, k): fix["id"]
        for (y, k), fix in agency.applied.items()
        if y in (judged.year, judged.year - 1)
    }
    named = [i for (_, k), i in near.items() if k in judged.finding.cells]
    return ",".join(str(i) for i in sorted(named or near.values()))


def settle_corrected_findings(
    store_con: sqlite3.Connection, report_con, agency_id: str | None = None
) -> int:
    """Bring tracked_findings.resolved_by and .raised_by in line with the corrections in force;
    call inside the caller's write transaction. `agency_id`: only that agency's findings (a
    change of one of its corrections touches no other). Returns how many findings the
    corrections resolve."""
    resolved, raised = judged_corrections(store_con, report_con, agency_id)
    stamp = now()
    sql, args = "SELECT * FROM tracked_findings", []
    if agency_id is not None:
        sql, args = sql + " WHERE agency_id = ?", [agency_id]
    rows = {r["fkey"]: r for r in store_con.execute(sql, args)}
    # only what the loader raised and still raises can be resolved
    resolved = {
        k: ids
        for k, ids in resolved.items()
        if k in rows and rows[k]["present"] and not rows[k]["raised_by"]
    }
    for fkey, row in rows.items():
        if row["resolved_by"] != resolved.get(fkey) and (row["resolved_by"] or fkey in resolved):
            store_con.execute(
                "UPDATE tracked_findings SET resolved_by = ?, updated_at = ? WHERE fkey = ?",
                [resolved.get(fkey), stamp, fkey],
            )
    for fkey, row in rows.items():
        if row["raised_by"] and fkey not in raised:
            _withdraw(store_con, fkey, row["state"])
    for fkey, (judged, ids, agency) in raised.items():
        _raise(store_con, fkey, rows.get(fkey), judged, ids, agency, stamp)
    return len(resolved)


def _raise(store_con, fkey: str, row, judged: Judged, ids: str, agency, stamp: str) -> None:
    """Track a finding the corrected values raise (or bring its texts up to date)."""
    if row is not None and row["present"] and not row["raised_by"]:
        return  # the loader raises it as printed: the report's own finding
    f = judged.finding
    report = next(r for r in agency.reports if r["year"] == judged.year)
    # the loader's words: the correction says the original prints these figures, so the
    # message holds for the agency too; 整改跟踪 names the correction (findings.state_text)
    message = f.message
    evidence = json.dumps(_evidence(agency, judged), ensure_ascii=False)
    if row is not None:  # a finding no longer raised (present 0), raised again by a correction
        store_con.execute(
            "UPDATE tracked_findings SET raised_by = ?, present = 1, message = ?, evidence = ?, "
            "updated_at = CASE WHEN raised_by IS ? THEN updated_at ELSE ? END WHERE fkey = ?",
            [ids, message, evidence, ids, stamp, fkey],
        )
        return
    store_con.execute(
        "INSERT INTO tracked_findings (fkey, agency_id, agency_name, peer_group, region, year, "
        "rule, cells, cells_raw, severity, place, message, evidence, state, present, "
        "report_sha, raised_by, first_seen, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)",
        [
            fkey,
            agency.agency_id,
            report["agency_name"],
            report["peer_group"],
            report["parent_region"],
            judged.year,
            f.rule,
            json.dumps(sorted(f.cells), ensure_ascii=False),
            json.dumps(list(f.cells), ensure_ascii=False),
            f.severity,
            f.place,
            message,
            evidence,
            PENDING,
            report["sha256"],
            ids,
            stamp,
            stamp,
        ],
    )
    record(store_con, fkey, SYSTEM, None, PENDING, f"录入修正（编号 {ids}）后检出")


def _evidence(agency, judged: Judged) -> list[dict]:
    """The finding's cells with the corrections applied: this year's, and last year's for a
    cross-year check."""
    cells: dict[int, dict] = {}
    for rid, key, value, raw, blank, _source, loc in corrected_values(agency):
        cells.setdefault(agency.year_of[rid], {})[key] = (value, raw, blank, loc)
    f = judged.finding
    return finding_evidence(
        f.rule, list(f.cells), cells.get(judged.year, {}), cells.get(judged.year - 1)
    )


def _withdraw(store_con, fkey: str, state: str) -> None:
    """A finding a correction raised, now that it no longer applies: gone, unless someone
    already acted on it (its history is kept, as for a finding a reload no longer raises)."""
    acted = store_con.execute(
        "SELECT count(*) FROM finding_events WHERE fkey = ? AND actor != ?", [fkey, SYSTEM]
    ).fetchone()[0]
    if state == PENDING and not acted:
        store_con.execute("DELETE FROM finding_events WHERE fkey = ?", [fkey])
        store_con.execute("DELETE FROM tracked_findings WHERE fkey = ?", [fkey])
    else:
        store_con.execute(
            "UPDATE tracked_findings SET raised_by = NULL, present = 0, updated_at = ? "
            "WHERE fkey = ?",
            [now(), fkey],
        )


def release_findings(store_con: sqlite3.Connection, correction_id: int) -> int:
    """What a withdrawn correction did is undone (without the report database at hand; the next
    settle judges what the other corrections still do): the findings it resolved stand again,
    those it raised go. Inside the caller's write transaction; returns how many it resolved."""
    like = f"%,{int(correction_id)},%"
    for row in store_con.execute(
        "SELECT fkey, state FROM tracked_findings WHERE ',' || raised_by || ',' LIKE ?", [like]
    ).fetchall():
        _withdraw(store_con, row["fkey"], row["state"])
    cur = store_con.execute(
        "UPDATE tracked_findings SET resolved_by = NULL, updated_at = ? "
        "WHERE ',' || resolved_by || ',' LIKE ?",
        [now(), like],
    )
    return cur.rowcount
