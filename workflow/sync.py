"""The re-check after every load: the report database's `findings` (DuckDB, what the checks raised)
→ the workflow store's `tracked_findings` (SQLite, the rectification case of each).

For each finding of a current report (keyed by agency, year, rule, cells):
- new → 待核实;
- raised again by a new version of the report → marked repeated (a fixed one is reopened);
- no longer raised by a new version of the report → open ones move to 已整改, marked 待复核;
- no longer raised but the report is the same file (a parser change) → only `present` drops:
  the agency did nothing, so nothing is recorded as rectified.
Corrections whose report now yields another value are flagged (workflow.corrections), and what
the corrections in force resolve or raise is judged again (workflow.corrected_findings).
Runs in one write transaction; safe to run any number of times (a second run changes nothing).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from etl.arrow_frames import arrow_table, registered
from workflow.corrected_findings import settle_corrected_findings
from workflow.corrections import recheck_corrections
from workflow.evidence import finding_evidence
from workflow.findings import finding_key, record
from workflow.reports_db import open_reports
from workflow.states import CONFIRMED, OPEN_STATES, PENDING, RECTIFIED, SYSTEM, VERIFIED
from workflow.store import StoreError, now, opened, store_path, writing

# over the report database (DuckDB): its `findings`, not the store's tracked_findings
_FINDINGS_SQL = """
SELECT r.report_id, r.agency_id, r.agency_name, r.peer_group, r.parent_region, r.year, r.sha256,
       f.rule, f.severity, f.cells, f.message, f.place
FROM findings f JOIN current_reports r USING (report_id)
WHERE f.responsibility = 'report'"""
# only the cells the findings quote (their own, and last year's of a cross-year finding): every
# value of every report with a finding held 2 GB of Python tuples at 100,000 reports
_CELLS_SQL = """
SELECT v.report_id, v.key, v.value, v.raw, v.blank, v.location
FROM report_values v SEMI JOIN _quoted q ON q.report_id = v.report_id AND q.key = v.key"""
_PREVIOUS_SQL = "SELECT agency_id, year, report_id FROM current_reports"
# A server path inside a loader message (the other year's file): only its file name is shown.
_PATH = re.compile(r"[^\s，。；：（）()]*[/\\]([^\s/\\，。；：（）()]+\.[A-Za-z0-9]{2,5})")


def _file_names_only(message: str | None) -> str:
    """The loader's message with each server path cut to its file name (no server folder shown)."""
    return _PATH.sub(r"\1", message or "")


def _evidence(rule: str, keys: list[str], rid: int, prev: int | None, cells: dict) -> list[dict]:
    """The cells as printed; a cross-year finding's last-year cells from last year's report."""
    return finding_evidence(rule, keys, cells.get(rid, {}), cells.get(prev) if prev else None)


@dataclass
class SyncSummary:
    new: int = 0
    still_open: int = 0
    repeated: int = 0
    rectified: int = 0
    reopened: int = 0
    corrections_flagged: int = 0

    def line(self) -> str:
        """One line for the load summary; the counts that are zero after the first two are left out."""
        parts = [
            f"整改跟踪：新发现 {self.new} 条",
            f"仍未整改 {self.still_open} 条"
            + (f"（其中新版本仍有 {self.repeated} 条）" if self.repeated else ""),
        ]
        parts += [
            f"{label} {n} 条"
            for label, n in (
                ("新版本已整改待复核", self.rectified),
                ("重新出现", self.reopened),
                ("修正待复核", self.corrections_flagged),
            )
            if n
        ]
        return "，".join(parts)


def _current(report_con) -> tuple[dict, dict]:
    """({fkey: finding}, {(agency_id, year): sha256}) of the current reports."""
    report_of = {(a, y): r for a, y, r in report_con.execute(_PREVIOUS_SQL).fetchall()}
    rows = []
    for row in report_con.execute(_FINDINGS_SQL).fetchall():
        agency, year, cells_json = row[1], row[5], row[9]
        rows.append((row, json.loads(cells_json or "[]"), report_of.get((agency, year - 1))))
    cells = _quoted_cells(report_con, rows)
    found = {}
    for row, keys, prev in rows:
        rid, agency, name, peer, region, year, sha, rule, severity, cells_json, message, place = row
        message = _file_names_only(message)
        evidence = _evidence(rule, keys, rid, prev, cells) or [{"key": "", "printed": message}]
        fkey = finding_key(agency, year, rule, keys)
        found[fkey] = {
            "agency_id": agency,
            "agency_name": name,
            "peer_group": peer,
            "region": region,
            "year": year,
            "rule": rule,
            "cells": json.dumps(sorted(keys), ensure_ascii=False),
            "cells_raw": cells_json,
            "severity": severity,
            "place": place,
            "message": message,
            "evidence": json.dumps(evidence, ensure_ascii=False),
            "report_sha": sha,
        }
    shas = {
        (a, y): s
        for a, y, s in report_con.execute(
            "SELECT agency_id, year, sha256 FROM current_reports"
        ).fetchall()
    }
    return found, shas


def _quoted_cells(report_con, rows: list) -> dict[int, dict]:
    """report_id -> {key: (value, raw, blank, location)} of the cells the findings quote: each
    finding's keys in its report and, for a cross-year rule, in last year's report."""
    quoted = {(row[0], k) for row, keys, _ in rows for k in keys}
    quoted |= {(prev, k) for row, keys, prev in rows if prev is not None for k in keys}
    if not quoted:
        return {}
    ids, keys = zip(*sorted(quoted))
    table = arrow_table([ids, keys], (pa.int64(), pa.string()), ("report_id", "key"))
    with registered(report_con, _quoted=table):
        found = report_con.execute(_CELLS_SQL).fetchall()
    cells: dict[int, dict] = {}
    for rid, key, value, raw, blank, loc in found:
        cells.setdefault(rid, {})[key] = (value, raw, blank, loc)
    return cells


_INSERT_FINDING = (
    "INSERT INTO tracked_findings (fkey, agency_id, agency_name, peer_group, region, year, "
    "rule, cells, cells_raw, severity, place, message, evidence, state, present, "
    "report_sha, first_seen, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)"
)
_UPDATE_SEEN = (
    "UPDATE tracked_findings SET agency_name = ?, peer_group = ?, region = ?, cells_raw = ?, severity = ?, "
    "place = ?, message = ?, evidence = ?, present = 1, state = ?, report_sha = ?, raised_by = NULL, "
    "repeated = repeated OR ?, versions_seen = versions_seen + ?, "
    "needs_review = CASE WHEN ? THEN 0 ELSE needs_review END, "
    "updated_at = CASE WHEN ? OR present = 0 THEN ? ELSE updated_at END WHERE fkey = ?"
)


def sync_store(store_con, report_con) -> SyncSummary:
    """Bring the store in line with the report database (see the module docstring)."""
    found, shas = _current(report_con)
    out = SyncSummary()
    stamp = now()
    with writing(store_con):
        known = {
            r["fkey"]: r
            for r in store_con.execute(
                "SELECT fkey, agency_id, year, state, present, report_sha, raised_by "
                "FROM tracked_findings"
            ).fetchall()
        }
        for fkey, f in found.items():
            old = known.get(fkey)
            if old is None:
                _add_new(store_con, fkey, f, stamp)
                out.new += 1
            else:
                _update_seen(store_con, fkey, f, old, stamp, out)
        for fkey, old in known.items():
            # one a correction raises is the loader's to drop only when it raises it itself
            if fkey not in found and old["present"] and not old["raised_by"]:
                _mark_gone(
                    store_con, fkey, old, shas.get((old["agency_id"], old["year"])), stamp, out
                )
        out.corrections_flagged = recheck_corrections(store_con, report_con, SYSTEM)
        settle_corrected_findings(store_con, report_con)  # on the new versions' values
    return out


def _add_new(store_con, fkey: str, f: dict, stamp: str) -> None:
    """A finding seen for the first time: 待核实, with its history's first line."""
    columns = ("agency_id", "agency_name", "peer_group", "region", "year", "rule", "cells")
    columns += ("cells_raw", "severity", "place", "message", "evidence")
    args = [fkey, *(f[c] for c in columns), PENDING, f["report_sha"], stamp, stamp]
    store_con.execute(_INSERT_FINDING, args)
    record(store_con, fkey, SYSTEM, None, PENDING, "加载年报时检出")


def _update_seen(store_con, fkey: str, f: dict, old, stamp: str, out: SyncSummary) -> None:
    """A finding seen again: its texts refreshed; in a new version of the report a closed one
    reopens (已确认) and an open one counts as repeated."""
    new_version = old["report_sha"] != f["report_sha"]
    state = old["state"]
    if new_version and state in (RECTIFIED, VERIFIED):
        state = CONFIRMED
        record(store_con, fkey, SYSTEM, old["state"], CONFIRMED, "新版本年报中再次出现该问题")
        out.reopened += 1
    elif state in OPEN_STATES:
        out.still_open += 1
        out.repeated += int(new_version)
    texts = ("agency_name", "peer_group", "region", "cells_raw", "severity", "place", "message")
    args = [*(f[c] for c in texts), f["evidence"], state, f["report_sha"]]
    args += [new_version, int(new_version), new_version, new_version, stamp, fkey]
    store_con.execute(_UPDATE_SEEN, args)


def _mark_gone(store_con, fkey: str, old, sha: str | None, stamp: str, out: SyncSummary) -> None:
    """A finding no longer found: an open one whose report has a new version is 已整改 (to be
    reviewed); otherwise it is only marked absent."""
    if sha is not None and sha != old["report_sha"] and old["state"] in OPEN_STATES:
        store_con.execute(
            "UPDATE tracked_findings SET present = 0, state = ?, needs_review = 1, "
            "report_sha = ?, updated_at = ? WHERE fkey = ?",
            [RECTIFIED, sha, stamp, fkey],
        )
        record(
            store_con, fkey, SYSTEM, old["state"], RECTIFIED, "新版本年报中不再出现该问题（待复核）"
        )
        out.rectified += 1
    else:
        store_con.execute(
            "UPDATE tracked_findings SET present = 0, updated_at = ? WHERE fkey = ?", [stamp, fkey]
        )


def sync_after_load(db_path: str | Path) -> SyncSummary | None:
    """Run the re-check for a report database (None when there is no database)."""
    db = Path(db_path)
    if not db.exists():
        return None
    report_con = open_reports(db, corrections=False)  # the findings as loaded
    try:
        with opened(store_path(db)) as store_con:
            return sync_store(store_con, report_con)
    finally:
        report_con.close()


def recheck(db_path: str | Path) -> str:
    """sync_after_load for the load command: the summary line, or why the store was not updated
    (the load itself already succeeded and is kept either way)."""
    import sqlite3

    try:
        summary = sync_after_load(db_path)
    except StoreError as exc:
        return f"整改跟踪未更新：{exc}。年报已载入"
    except (sqlite3.Error, duckdb.Error, OSError) as exc:
        return (
            f"整改跟踪未更新（{store_path(db_path).name}：{exc}）。年报已载入；"
            "请稍后再运行一次 gongkai load（文件未变时很快），以完成复查"
        )
    return "" if summary is None else summary.line()
