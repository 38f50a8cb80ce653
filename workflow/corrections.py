"""Analyst corrections: a misread value replaced, with reason and evidence, undoable, kept.

A correction names (agency code, year, key) and remembers the parsed value it replaces
(`printed`). It is applied only while the current report still yields that value: when a new
version prints something else the re-check flags it (status 'flagged', shown as 待复核) and
the scores use the new printed value until an analyst keeps or withdraws the correction.
workflow.overlay hands the applied ones to the scorer; workflow.corrected_findings marks the
findings an applied correction resolves (every change here settles them again).
"""

from __future__ import annotations

import math
import sqlite3

from etl.fields import FIELDS
from workflow.corrected_findings import release_findings, settle_corrected_findings
from workflow.evidence import printed
from workflow.states import WorkflowError
from workflow.store import now, writing

APPLIED, FLAGGED, UNDONE = "applied", "flagged", "undone"
STATUS_LABELS = {
    APPLIED: "已采用",
    FLAGGED: "待复核（新版本所印数值不同，暂不采用）",
    UNDONE: "已撤销",
}


def current_cell(report_con, agency_id: str, year: int, key: str) -> dict | None:
    """The current report's parsed cell: {sha, value, raw, blank} (value None: not printed);
    None when there is no current report for the agency and year."""
    reps = report_con.execute(
        "SELECT report_id, sha256 FROM current_reports WHERE agency_id = ? AND year = ?",
        [agency_id, int(year)],
    ).fetchall()
    if not reps:
        return None
    rep = reps[0]
    cells = report_con.execute(
        "SELECT value, raw, blank FROM report_values WHERE report_id = ? AND key = ?", [rep[0], key]
    ).fetchall()
    value, raw, blank = cells[0] if cells else (None, None, None)
    return {"sha": rep[1], "value": value, "raw": raw, "blank": blank}


def add_correction(
    con: sqlite3.Connection,
    report_con,
    *,
    agency_id: str,
    year: int,
    key: str,
    value: float,
    reason: str,
    evidence: str,
    actor: str,
) -> int:
    """Record a correction over the current report's parsed value; returns its id."""
    from queries.labels import key_label  # not at the top: queries (polars) adds ~0.3 s to import

    if not actor:
        raise WorkflowError("未登录，不能录入修正")
    if key not in FIELDS:
        raise WorkflowError(f"字段“{key}”不是年报中的统计项，请从列表中选择")
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise WorkflowError(f"修正值“{value}”不是数字") from None
    if not math.isfinite(value) or value < 0:
        raise WorkflowError("修正值应为不小于 0 的数字")
    if not (reason or "").strip() or not (evidence or "").strip():
        raise WorkflowError("请填写修正原因和依据（如原文页码、表格行列、原件照片编号）")
    cell = current_cell(report_con, agency_id, year, key)
    if cell is None:
        raise WorkflowError(f"{agency_id} 没有 {year} 年度的年报，无法修正")
    if cell["value"] is not None and cell["value"] == value:
        raise WorkflowError(
            f"年报所印「{key_label(key)}」已是 {printed(value, None, None)}，无需修正"
        )
    with writing(con):
        live = con.execute(
            "SELECT id FROM corrections WHERE agency_id = ? AND year = ? AND key = ? "
            "AND status != ?",
            [agency_id, int(year), key, UNDONE],
        ).fetchone()
        if live:
            raise WorkflowError(f"「{key_label(key)}」已有一条修正（编号 {live[0]}），请先撤销")
        stamp = now()
        cid = con.execute(
            "INSERT INTO corrections (agency_id, year, key, value, printed, printed_raw, report_sha, "
            "reason, evidence, status, created_by, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [
                agency_id,
                int(year),
                key,
                value,
                cell["value"],
                printed(cell["value"], cell["raw"], cell["blank"]),
                cell["sha"],
                reason.strip(),
                evidence.strip(),
                APPLIED,
                actor,
                stamp,
                stamp,
            ],
        ).fetchone()[0]
        _event(con, cid, actor, "录入", reason.strip())
        settle_corrected_findings(con, report_con, agency_id)
    return cid


def undo_correction(
    con: sqlite3.Connection, cid: int, *, actor: str, reason: str, report_con=None
) -> None:
    """Withdraw a correction: the parsed value is used again (the record is kept), and the
    findings it resolved stand again. `report_con`: the report database, to judge what the other
    corrections still resolve (without it that waits for the next change or load)."""

    def settle() -> None:
        if report_con is None:
            release_findings(con, cid)
        else:
            settle_corrected_findings(con, report_con, _row(con, cid)["agency_id"])

    _set_status(con, cid, UNDONE, actor, reason, "撤销", (APPLIED, FLAGGED), then=settle)


def keep_correction(
    con: sqlite3.Connection, report_con, cid: int, *, actor: str, reason: str
) -> None:
    """A flagged correction still holds for the new version: re-base it on the new printed value."""
    row = _row(con, cid)
    cell = current_cell(report_con, row["agency_id"], row["year"], row["key"])
    if cell is None:
        raise WorkflowError("该年度年报已不在数据库中，无法复核")
    with writing(con):
        con.execute(
            "UPDATE corrections SET printed = ?, printed_raw = ?, report_sha = ?, "
            "new_printed = NULL, status = ?, updated_at = ? WHERE id = ? AND status = ?",
            [
                cell["value"],
                printed(cell["value"], cell["raw"], cell["blank"]),
                cell["sha"],
                APPLIED,
                now(),
                cid,
                FLAGGED,
            ],
        )
        _event(con, cid, actor, "复核后继续采用", _required(reason))
        settle_corrected_findings(con, report_con, row["agency_id"])


def _required(reason: str) -> str:
    if not (reason or "").strip():
        raise WorkflowError("请填写原因（将记入处理记录）")
    return reason.strip()


def _row(con, cid: int) -> sqlite3.Row:
    row = con.execute("SELECT * FROM corrections WHERE id = ?", [int(cid)]).fetchone()
    if row is None:
        raise WorkflowError(f"没有编号为 {cid} 的修正")
    return row


def _set_status(
    con, cid: int, status: str, actor: str, reason: str, action: str, allowed, then=None
) -> None:
    """`then`: what else to do inside the same write transaction."""
    if not actor:
        raise WorkflowError("未登录，不能操作")
    reason = _required(reason)
    with writing(con):
        row = _row(con, cid)
        if row["status"] not in allowed:
            raise WorkflowError(f"这条修正现为“{STATUS_LABELS[row['status']]}”，不能{action}")
        con.execute(
            "UPDATE corrections SET status = ?, updated_at = ? WHERE id = ?",
            [status, now(), int(cid)],
        )
        _event(con, cid, actor, action, reason)
        if then is not None:
            then()


def _event(con, cid: int, actor: str, action: str, reason: str) -> None:
    con.execute(
        "INSERT INTO correction_events (correction_id, at, actor, action, reason) "
        "VALUES (?, ?, ?, ?, ?)",
        [int(cid), now(), actor, action, reason],
    )


def list_corrections(
    con: sqlite3.Connection,
    *,
    year: int | None = None,
    agency_id: str | None = None,
    live_only: bool = False,
) -> list[dict]:
    from queries.labels import key_label  # not at the top: queries (polars) adds ~0.3 s to import

    sql, args = "SELECT * FROM corrections WHERE 1 = 1", []
    if year is not None:
        sql, args = sql + " AND year = ?", args + [int(year)]
    if agency_id is not None:
        sql, args = sql + " AND agency_id = ?", args + [agency_id]
    if live_only:
        sql, args = sql + " AND status != ?", args + [UNDONE]
    rows = con.execute(sql + " ORDER BY id", args).fetchall()
    return [
        dict(r, label=key_label(r["key"]), status_label=STATUS_LABELS[r["status"]]) for r in rows
    ]


def correction_history(con: sqlite3.Connection, cid: int) -> list[dict]:
    rows = con.execute(
        "SELECT at, actor, action, reason FROM correction_events "
        "WHERE correction_id = ? ORDER BY id",
        [int(cid)],
    ).fetchall()
    return [dict(r) for r in rows]


def recheck_corrections(con: sqlite3.Connection, report_con, actor: str) -> int:
    """Flag applied corrections whose report now yields another value; returns how many."""
    flagged = 0
    for row in con.execute("SELECT * FROM corrections WHERE status = ?", [APPLIED]).fetchall():
        cell = current_cell(report_con, row["agency_id"], row["year"], row["key"])
        if cell is None or cell["value"] == row["printed"]:
            continue
        shown = printed(cell["value"], cell["raw"], cell["blank"])
        con.execute(
            "UPDATE corrections SET status = ?, new_printed = ?, updated_at = ? WHERE id = ?",
            [FLAGGED, cell["value"], now(), row["id"]],
        )
        _event(
            con,
            row["id"],
            actor,
            "标记待复核",
            f"新版本年报印为 {shown}（修正时为 {row['printed_raw']}），修正暂不采用",
        )
        flagged += 1
    return flagged
