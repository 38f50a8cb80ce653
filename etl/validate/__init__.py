"""The spec's identities as findings. Printed numbers are never changed here.

Each finding names the identity, the cells involved, what the identity expects and what
the report prints. Identities are checked only when every cell involved is present.
"""

from __future__ import annotations

from etl.fields import (
    STD_TEMPLATES,
    T3_COLUMNS,
    T3_PARTY_COLUMNS,
    T3_ROWS,
    T4_GROUPS,
    t3_key,
    t4_key,
)
from etl.normalize import as_number
from etl.parse.table3 import GROUP_ROWS
from etl.report import Finding, ParsedReport

ROW_LABELS = {r: label for r, label, _ in T3_ROWS}
COL_LABELS = dict(T3_COLUMNS)
GROUP_LABELS = dict(T4_GROUPS)
OUTCOME_PARTS = ("granted", "partial", "denied", "unable", "rejected", "other")


def validate_report(report: ParsedReport) -> list[Finding]:
    """The report's findings; those over cells read with doubt are the reader's, not the report's."""
    from etl.validate.reading_doubts import with_reading_doubts

    return with_reading_doubts(report, _identities(report) + quality_findings(report))


def quality_findings(report: ParsedReport) -> list[Finding]:
    """The annual quality check's in-report rules (sections, template, prose vs tables)."""
    from etl.validate.overview import overview_findings
    from etl.validate.prose_checks import prose_check_findings
    from etl.validate.sections import blank_table_findings, section_findings, template_findings
    from etl.validate.structure import renumbered_findings, table3_layout_findings
    from etl.validate.substance import substance_findings
    from etl.validate.text_table import text_table_findings
    from etl.validate.wording import wording_findings

    return (
        template_findings(report)
        + renumbered_findings(report)
        + table3_layout_findings(report)
        + section_findings(report)
        + overview_findings(report)
        + substance_findings(report)
        + blank_table_findings(report)
        + text_table_findings(report)
        + prose_check_findings(report)
        + wording_findings(report)
    )


def _identities(report: ParsedReport) -> list[Finding]:
    if report.template in STD_TEMPLATES:
        return validate_std(report)
    if report.template == "legacy":
        try:
            from etl.parse.legacy import validate_legacy
        except ImportError:
            return []
        return validate_legacy(report)
    return []


def _get(report: ParsedReport, key: str) -> float | None:
    v = report.values.get(key)
    return None if v is None else v.value


def _part(report: ParsedReport, part: str, col: str) -> tuple[float | None, list[str]]:
    """An outcome part of 表三 for one column: a row, or a subtotal as printed or summed."""
    if part in GROUP_ROWS:
        sub = _get(report, t3_key(part, col))
        if sub is not None:
            return sub, [t3_key(part, col)]
        keys = [t3_key(r, col) for r in GROUP_ROWS[part]]
        if not all(k in report.values for k in keys):
            return None, keys
        return sum(report.values[k].value for k in keys), keys
    k = t3_key(part, col)
    return _get(report, k), [k]


def _sum_check(
    report: ParsedReport, rule: str, parts: list[str], total: str, what: str
) -> Finding | None:
    """total = sum(parts), checked only when every cell is printed."""
    if total not in report.values or not all(p in report.values for p in parts):
        return None
    s = sum(report.values[p].value for p in parts)
    if abs(s - report.values[total].value) <= 1e-6:
        return None
    return _finding(rule, parts + [total], s, report.values[total].value, what)


def _finding(rule, cells, expected, actual, what) -> Finding:
    diff = as_number(actual - expected)
    return Finding(
        rule,
        tuple(cells),
        expected,
        actual,
        f"{what}：应为 {as_number(expected)}，报告印为 {as_number(actual)}（差 {diff:+}）",
    )


def validate_std(report: ParsedReport) -> list[Finding]:
    out: list[Finding] = []
    cols = [c for c, _ in T3_COLUMNS]
    rows_seen = sorted(
        {k.split(".", 1)[1].rsplit(".", 1)[0] for k in report.values if k.startswith("t3.")}
    )
    # 1. each row: total = sum of the six applicant columns
    for row in rows_seen:
        out.append(
            _sum_check(
                report,
                "t3.row_total",
                [t3_key(row, c) for c in T3_PARTY_COLUMNS],
                t3_key(row, "total"),
                f"表三「{ROW_LABELS.get(row, row)}」：总计 ≠ 各类申请人之和",
            )
        )
    for col in cols:
        # 2. processed = sum of outcomes
        processed = _get(report, t3_key("processed", col))
        if processed is not None:
            total, cells, complete = 0.0, [], True
            for part in OUTCOME_PARTS:
                v, keys = _part(report, part, col)
                if v is None:
                    complete = False
                    break
                total += v
                cells += keys
            if complete and abs(total - processed) > 1e-6:
                out.append(
                    _finding(
                        "t3.processed_sum",
                        cells + [t3_key("processed", col)],
                        total,
                        processed,
                        f"表三「{COL_LABELS[col]}」列：（七）总计 ≠ 各办理结果之和",
                    )
                )
        # 3. new + carried_in = processed + carried_out
        keys = [t3_key(r, col) for r in ("new", "carried_in", "processed", "carried_out")]
        if all(k in report.values for k in keys):
            new, cin, proc, cout = (report.values[k].value for k in keys)
            if abs((new + cin) - (proc + cout)) > 1e-6:
                out.append(
                    _finding(
                        "t3.balance",
                        keys,
                        new + cin,
                        proc + cout,
                        f"表三「{COL_LABELS[col]}」列：本年新收 + 上年结转 ≠ 办理总计 + 结转下年度",
                    )
                )
    # 4. 表四 totals
    for group, _ in T4_GROUPS:
        out.append(
            _sum_check(
                report,
                "t4.total",
                [t4_key(group, o) for o in ("upheld", "corrected", "other", "pending")],
                t4_key(group, "total"),
                f"表四「{GROUP_LABELS[group]}」：总计 ≠ 维持 + 纠正 + 其他 + 尚未审结",
            )
        )
    return [f for f in out if f is not None]
