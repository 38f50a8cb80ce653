"""Cross-year identities: this year's 上年结转 equals last year's 结转下年度 (identity 5 of the spec).

Only the loader writes the database: it runs CARRY_OVER_SQL over the current versions and
stores what carry_over_finding says (etl/run_findings.py check_carry_over).
"""

from __future__ import annotations

from etl.normalize import as_number
from etl.report import Finding

CARRY_OVER_RULE = "crossyear.carry_over"
# 表二's items whose 现行有效 carries over from last year (t2.stock_flow, etl/validate/cross_report.py)
STOCK_ITEMS = ("rules", "normative")

CARRY_OVER_SQL = """
SELECT cur.report_id, cur.year, ci.value, co.value, prev.source_path
FROM reports cur
JOIN reports prev ON prev.agency_id = cur.agency_id AND prev.year = cur.year - 1 AND prev.is_current
JOIN report_values ci ON ci.report_id = cur.report_id AND ci.key = 't3.carried_in.total'
JOIN report_values co ON co.report_id = prev.report_id AND co.key = 't3.carried_out.total'
WHERE cur.is_current AND ci.value <> co.value
ORDER BY cur.report_id
"""


def carry_over_finding(year: int, carried_in: float, carried_out: float, prev_path: str) -> Finding:
    """The finding on the later report, with both figures; last year's report is named by its
    year, not by `prev_path` (pages and notices show no file names; the source tab has it)."""
    return Finding(
        CARRY_OVER_RULE,
        ("t3.carried_in.total", "t3.carried_out.total"),
        carried_out,
        carried_in,
        f"{year} 年报的“上年结转”为 {_n(carried_in)}，但 {year - 1} 年报的“结转下年度”为 "
        f"{_n(carried_out)}（差 {as_number(carried_in - carried_out):+}；对照 {year - 1} 年报）",
        "warning",
    )


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)
