"""Findings rewritten whole after the batches of a load (and after a version choice), because
they depend on more than one report or on what only the collector saw: the collector's portal
findings and the carry-over identity across years. Each is replaced, never appended, so a
re-run never doubles them and a corrected report clears its finding.
"""

from __future__ import annotations

from etl.building_copy import transaction
from etl.finding_rows import FindingRows
from etl.report import Finding
from etl.validate.cross_year import CARRY_OVER_RULE, CARRY_OVER_SQL, carry_over_finding


def record_portal_findings(con, found: list[tuple[Finding, set[str]]]) -> None:
    """Findings only the collector saw (etl/collect): each goes on the current report loaded
    from its article's files (matched by sha256), else on no report. Recording the same finding
    again replaces it, so loading a collected folder twice never doubles them."""
    if not found:
        return
    rows = FindingRows()
    with transaction(con):
        for finding, shas in found:
            con.execute(
                "DELETE FROM findings WHERE rule = ? AND message = ?",
                [finding.rule, finding.message],
            )
            current = (
                con.execute(
                    "SELECT min(report_id) FROM reports WHERE is_current AND sha256 IN "
                    "(SELECT unnest(?::TEXT[]))",
                    [sorted(shas)],
                ).fetchall()
                if shas
                else []
            )
            rows.add(current[0][0] if current else None, [finding])
        rows.insert(con)


def check_carry_over(con) -> int:
    """Identity 5 across years, recomputed from scratch over current versions; returns the count.

    The finding sits on the later report; earlier carry-over findings are replaced, so re-runs
    never duplicate them and a corrected report clears its finding.
    """
    with transaction(con):
        con.execute("DELETE FROM findings WHERE rule = ?", [CARRY_OVER_RULE])
        rows = con.execute(CARRY_OVER_SQL).fetchall()
        found = FindingRows()
        for report_id, year, carried_in, carried_out, prev_path in rows:
            found.add(report_id, [carry_over_finding(year, carried_in, carried_out, prev_path)])
        found.insert(con)
    return len(rows)
