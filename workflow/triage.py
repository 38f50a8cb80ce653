"""Bulk triage: pick findings by year, rule, agency and peer group, then confirm or dismiss them
together (workflow.findings.move_many), each move recorded as a single move is.

Used by `gongkai findings` and the 整改跟踪 page; both keep to the office's province
(etl.scope): reference agencies' findings are never triaged as the office's problems.
"""

from __future__ import annotations

import sqlite3

from workflow.findings import RESOLVED_LABEL, list_findings, move_many, stands
from workflow.states import CONFIRMED, DISMISSED, PENDING

# What each bulk action moves: 确认 / 误报 act on the triage queue (待核实); 误报 also takes back
# an earlier confirmation that has not been notified yet (已确认), as a single move may.
ACTIONS = {CONFIRMED: (PENDING,), DISMISSED: (PENDING, CONFIRMED)}


def pick(
    con: sqlite3.Connection,
    year: int,
    *,
    rule: str | None = None,
    agency: str | None = None,
    peer_group: str | None = None,
    states=None,
    agency_ids=None,
) -> list[dict]:
    """Findings of `year` matching every filter given. `rule`: rule id or its Chinese label;
    `agency`: agency code or name; `agency_ids`: the office's own agencies (None = all)."""
    home = None if agency_ids is None else set(agency_ids)
    out = []
    for f in list_findings(con, year=year, states=states):
        if home is not None and f["agency_id"] not in home:
            continue
        if rule and rule not in (f["rule"], f["rule_label"]):
            continue
        if agency and agency not in (f["agency_id"], f["agency_name"]):
            continue
        if peer_group and (f["peer_group"] or "未分组") != peer_group:
            continue
        out.append(f)
    return out


def apply(
    con: sqlite3.Connection, found: list[dict], target: str, actor: str, reason: str | None
) -> tuple[list[str], list[tuple[str, str]]]:
    """Move the findings of `found` that the action applies to (ACTIONS) to `target`, each
    checked against the state it was listed in. (moved fkeys, [(fkey, why skipped)])."""

    # a finding a correction in force resolves is no problem of the report as corrected: there is
    # nothing to confirm (it can still be dismissed, and stands again if the correction goes)
    def settled(f: dict) -> bool:
        return target == CONFIRMED and bool(f["present"]) and not stands(f)

    resolved = [f for f in found if settled(f)]
    found = [f for f in found if not settled(f)]  # one pass: no list membership per finding
    eligible = [f for f in found if f["state"] in ACTIONS[target]]
    moved, skipped = move_many(
        con,
        [f["fkey"] for f in eligible],
        target,
        actor,
        reason,
        expected={f["fkey"]: f["state"] for f in eligible},
    )
    skipped += [
        (f["fkey"], f"状态为“{f['state']}”，不能{_VERB[target]}")
        for f in found
        if f["state"] not in ACTIONS[target]
    ]
    skipped += [(f["fkey"], f"{RESOLVED_LABEL}，无需确认") for f in resolved]
    return moved, skipped


_VERB = {CONFIRMED: "确认", DISMISSED: "标记误报"}
