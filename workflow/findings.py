"""Findings in the workflow (the store's `tracked_findings` and `finding_events`): stable keys,
state moves with who/when/why, listing and history."""

from __future__ import annotations

import json
import sqlite3

from etl.rules import rule_label
from workflow.states import (
    CONFIRMED,
    CONFIRMED_STATES,
    DISMISSED,
    TRANSITIONS,
    WorkflowError,
    check_move,
)
from workflow.store import now, writing

RESOLVED_LABEL = "修正后已消除"  # a correction in force satisfies the check (corrected_findings)
RAISED_LABEL = "修正后出现"  # a correction in force breaks a check that held (corrected_findings)

DEFAULT_REASONS = {CONFIRMED: "核实属实"}


def finding_key(agency_id: str, year: int, rule: str, cells) -> str:
    """Agency code, year, rule and the cells involved: what identifies a problem across loads."""
    return f"{agency_id}|{int(year)}|{rule}|{','.join(sorted(cells))}"


def move(
    con: sqlite3.Connection,
    fkey: str,
    target: str,
    actor: str,
    reason: str,
    *,
    expected: str | None = None,
    deadline: str | None = None,
) -> str:
    """Move one finding to `target`; returns the state it left.

    `expected`: the state the user saw; if someone else moved the finding meanwhile the move is
    refused instead of overwriting their decision. Dismissing (误报) needs a reason: it takes the
    problem out of scores, notices and the bulletin. Any other move without one is recorded with
    a default (e.g. 核实属实 for 已确认).
    """
    text = checked_reason(actor, target, reason)
    with writing(con):
        current = _move_one(con, fkey, target, actor, text, expected, deadline)
    return current


def checked_reason(actor: str, target: str, reason: str | None) -> str:
    """The reason to record, or WorkflowError (not signed in; 误报 without a reason)."""
    if not actor:
        raise WorkflowError("未登录，不能更改状态")
    text = (reason or "").strip()
    if not text and target == DISMISSED:
        raise WorkflowError("标记误报须填写原因（将记入处理记录）")
    return text or DEFAULT_REASONS.get(target, "未填写原因")


def _move_one(con, fkey, target, actor, reason, expected=None, deadline=None) -> str:
    row = con.execute("SELECT state FROM tracked_findings WHERE fkey = ?", [fkey]).fetchone()
    if row is None:
        raise WorkflowError(f"没有这条问题：{fkey}")
    current = row["state"]
    if expected is not None and current != expected:
        raise WorkflowError(f"这条问题已被他人改为“{current}”，请刷新后再操作")
    check_move(current, target)
    con.execute(
        "UPDATE tracked_findings SET state = ?, needs_review = 0, updated_at = ?, "
        "deadline = coalesce(?, deadline) WHERE fkey = ?",
        [target, now(), deadline, fkey],
    )
    record(con, fkey, actor, current, target, reason)
    return current


def move_many(
    con: sqlite3.Connection, fkeys, target: str, actor: str, reason: str | None, *, expected=None
) -> tuple[list[str], list[tuple[str, str]]]:
    """Move several findings to `target` in one transaction, each recorded as a single move is.

    `expected`: {fkey: state the user saw}. A finding that cannot make the move (another state,
    moved meanwhile) is skipped, not an error: returns (moved fkeys, [(fkey, why skipped)]).
    """
    text = checked_reason(actor, target, reason)
    moved, skipped = [], []
    with writing(con):
        for fkey in dict.fromkeys(fkeys):
            try:
                _move_one(con, fkey, target, actor, text, (expected or {}).get(fkey))
            except WorkflowError as exc:
                skipped.append((fkey, str(exc)))
            else:
                moved.append(fkey)
    return moved, skipped


def record(
    con: sqlite3.Connection, fkey: str, actor: str, source: str | None, target: str, reason: str
) -> None:
    con.execute(
        "INSERT INTO finding_events (fkey, at, actor, from_state, to_state, reason) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [fkey, now(), actor, source, target, reason],
    )


def _where(year, agency_id, states, agency_ids=None) -> tuple[str, list]:
    sql, args = [], []
    if year is not None:
        sql.append("year = ?")
        args.append(int(year))
    if agency_id is not None:
        sql.append("agency_id = ?")
        args.append(agency_id)
    if states:
        sql.append(f"state IN ({','.join('?' * len(states))})")
        args += list(states)
    if agency_ids is not None:
        sql.append(f"agency_id IN ({','.join('?' * len(agency_ids))})")
        args += list(agency_ids)
    return (" WHERE " + " AND ".join(sql)) if sql else "", args


def list_findings(
    con: sqlite3.Connection,
    *,
    year: int | None = None,
    agency_id: str | None = None,
    states=None,
    agency_ids=None,
) -> list[dict]:
    """Findings with their state, newest problems first within an agency; evidence decoded."""
    where, args = _where(year, agency_id, states, agency_ids)
    rows = con.execute(
        # rowid: the finding's 编号, the same on the page and in `gongkai findings --id` (a row
        # is updated in place across reloads, so the number keeps naming it)
        f"SELECT rowid AS number, * FROM tracked_findings{where} "
        "ORDER BY year DESC, agency_id, rule, cells",
        args,
    ).fetchall()
    out = []
    for r in rows:
        d = dict(r)
        d["cells"] = json.loads(d["cells"])
        d["evidence"] = json.loads(d["evidence"] or "[]")
        d["rule_label"] = rule_label(d["rule"])
        d["moves"] = list(TRANSITIONS.get(d["state"], ()))
        out.append(d)
    return out


def confirmed_problems(con: sqlite3.Connection, year: int, agency_ids=None) -> list[dict]:
    """Problems the office stands behind (已确认 / 已通知) that the latest load still raises and
    that still stand with the analysts' corrections (workflow.corrected_findings)."""
    return [
        f
        for f in list_findings(con, year=year, states=CONFIRMED_STATES, agency_ids=agency_ids)
        if stands(f)
    ]


def stands(f: dict) -> bool:
    """A tracked finding (a row of list_findings or the store) is a problem of the report as
    loaded and corrected: the latest load raises it and no correction in force resolves it."""
    return bool(f["present"]) and not f.get("resolved_by")


def state_text(f: dict) -> str:
    """The state as 整改跟踪 shows it: 「已确认（修正后已消除，修正编号 3）」 for one a correction
    resolves, 「待核实（修正后出现，修正编号 3）」 for one it raises, 「已整改（待复核）」 for one
    the re-check moved."""
    for column, label in (("resolved_by", RESOLVED_LABEL), ("raised_by", RAISED_LABEL)):
        if f.get(column) and f["present"]:  # (none in a read-only store from before)
            return f"{f['state']}（{label}，修正编号 {f[column].replace(',', '、')}）"
    return f["state"] + ("（待复核）" if f["needs_review"] else "")


def history(con: sqlite3.Connection, fkey: str) -> list[dict]:
    """Every change of one finding, oldest first: at, actor, from_state, to_state, reason."""
    rows = con.execute(
        "SELECT at, actor, from_state, to_state, reason FROM finding_events "
        "WHERE fkey = ? ORDER BY id",
        [fkey],
    ).fetchall()
    return [dict(r) for r in rows]


def get(con: sqlite3.Connection, fkey: str) -> dict | None:
    row = con.execute("SELECT * FROM tracked_findings WHERE fkey = ?", [fkey]).fetchone()
    if row is None:
        return None
    d = dict(row)
    d["cells"] = json.loads(d["cells"])
    d["evidence"] = json.loads(d["evidence"] or "[]")
    return d
