"""What a rectification notice lists: confirmed problems per agency, with evidence, remedy and
deadline; and the record that a notice went out (已确认 → 已通知).

Categories and remedies come from the rule catalogue (etl/rules.py).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta

from etl.rules import category_label, rule, rule_label
from workflow.evidence import evidence_lines
from workflow.findings import confirmed_problems, record
from workflow.states import CONFIRMED, NOTIFIED
from workflow.store import now, writing


def category(rule_id: str) -> str:
    """The problem type as the inspection notice names it (the rule catalogue's category)."""
    return category_label(rule(rule_id).category)


def remedy(rule_id: str) -> str:
    """What the agency must do (the rule catalogue's remedy)."""
    return rule(rule_id).remedy


@dataclass(frozen=True)
class NoticeItem:
    fkey: str
    rule: str
    rule_label: str
    category: str
    message: str
    evidence: tuple[str, ...]
    remedy: str
    repeated: bool


@dataclass(frozen=True)
class Notice:
    agency_id: str
    agency_name: str
    peer_group: str
    year: int
    issued: date
    deadline: date
    items: tuple[NoticeItem, ...] = field(default=())

    @property
    def file_stem(self) -> str:
        name = "".join("_" if ch in '\\/:*?"<>| ' else ch for ch in self.agency_name)
        return f"整改通知_{self.year}_{name}_{self.agency_id}"


def notice_batch(
    con: sqlite3.Connection,
    year: int,
    *,
    peer_group: str | None = None,
    agency_id: str | None = None,
    issued: date | None = None,
    deadline: date | None = None,
    deadline_days: int = 30,
) -> list[Notice]:
    """One notice per agency with confirmed problems in `year` (optionally one group/agency)."""
    issued = issued or date.today()
    deadline = deadline or issued + timedelta(days=deadline_days)
    by_agency: dict[str, list[dict]] = {}
    for f in confirmed_problems(con, year):
        if peer_group is not None and (f["peer_group"] or "未分组") != peer_group:
            continue
        if agency_id is not None and f["agency_id"] != agency_id:
            continue
        by_agency.setdefault(f["agency_id"], []).append(f)
    out = []
    for aid, found in sorted(by_agency.items()):
        items = tuple(
            NoticeItem(
                f["fkey"],
                f["rule"],
                rule_label(f["rule"]),
                category(f["rule"]),
                f["message"] or "",
                tuple(evidence_lines(f["evidence"])),
                remedy(f["rule"]),
                bool(f["repeated"]),
            )
            for f in found
        )
        first = found[0]
        out.append(
            Notice(
                aid,
                first["agency_name"] or aid,
                first["peer_group"] or "未分组",
                year,
                issued,
                deadline,
                items,
            )
        )
    return out


def mark_notified(con: sqlite3.Connection, notice: Notice, actor: str, files: list[str]) -> int:
    """Record the notice and move its 已确认 items to 已通知 (deadline set); returns how many moved."""
    moved = 0
    with writing(con):
        for item in notice.items:
            row = con.execute("SELECT state FROM findings WHERE fkey = ?", [item.fkey]).fetchone()
            if row is None or row["state"] not in (CONFIRMED, NOTIFIED):
                continue
            con.execute(
                "UPDATE findings SET state = ?, deadline = ?, updated_at = ? WHERE fkey = ?",
                [NOTIFIED, notice.deadline.isoformat(), now(), item.fkey],
            )
            why = f"已发整改通知，整改期限 {notice.deadline.isoformat()}"
            record(con, item.fkey, actor, row["state"], NOTIFIED, why)
            moved += row["state"] == CONFIRMED
        con.execute(
            "INSERT INTO notices (agency_id, year, issued_at, issued_by, deadline, items, files) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                notice.agency_id,
                notice.year,
                now(),
                actor,
                notice.deadline.isoformat(),
                len(notice.items),
                "；".join(files),
            ],
        )
    return moved
