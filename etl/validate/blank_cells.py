"""A required 表三/表四 cell printed blank is the inspector's table_blank, not broken identities.

The reader reads a blank (or 「/」「—」) cell as 0 and keeps that it was blank (Value.blank).
Read as 0, a blank （七）总计 breaks its row total, its column's outcome sum and the balance: three
identity findings where the inspector writes one problem, 「总计栏空白」. So an identity finding
that fails only because of one blank cell — filling that cell with one non-negative number makes
it hold — is replaced by one `table.blank_cell` finding per cell, naming the figure the table's
own sums call for. Identities that other figures break stay as they are.

Runs after etl.validate.reading_doubts: a blank cell that a number printed near the table fills
(a conversion displaced it, shanghai_kewei's stray 「1」) is already the reader's and is left alone.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from etl.fields import FIELDS
from etl.normalize import as_number
from etl.report import Finding, ParsedReport
from etl.validate.reading_doubts import identity_sides, table_of

STD_IDENTITY_RULES = frozenset({"t3.row_total", "t3.processed_sum", "t3.balance", "t4.total"})


def _needed(report: ParsedReport, f: Finding) -> tuple[str, float] | None:
    """(the one blank cell of the failed identity, the figure that makes it hold), or None."""
    blank = [
        c
        for c in f.cells
        if (v := report.values.get(c)) is not None and v.blank and v.source == "table"
    ]
    if len(blank) != 1 or f.expected is None or f.actual is None:
        return None
    cell = blank[0]
    left, _ = identity_sides(f)  # expected = Σ left, actual = Σ right, the blank counted as its 0
    own = report.values[cell].value
    need = f.actual - f.expected + own if cell in left else f.expected - f.actual + own
    return (cell, need) if need >= 0 and float(need).is_integer() else None


def with_blank_cells(report: ParsedReport, findings: list[Finding]) -> list[Finding]:
    needs: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, f in enumerate(findings):
        if f.rule in STD_IDENTITY_RULES and f.blames_report:
            if got := _needed(report, f):
                needs[got[0]].append((i, got[1]))
    if not needs:
        return findings
    # the prose check already blames the blank cell (text_table.blank_total): one finding is enough
    said = {
        c
        for f in findings
        if f.rule == "text_table.blank_total" and f.blames_report
        for c in f.cells
    }
    replaced: set[int] = set()
    blank_findings = []
    for cell, wanted in sorted(needs.items()):
        figure, _ = Counter(n for _, n in wanted).most_common(1)[0]
        replaced |= {i for i, n in wanted if n == figure}
        if cell in said:
            continue
        table = table_of(cell)
        label = getattr(FIELDS.get(cell), "label", None) or cell
        blank_findings.append(
            Finding(
                "table.blank_cell",
                (cell,),
                figure,
                None,
                f"{'表三' if table == 'T3' else '表四'}「{label}」印为空白"
                f"（「{report.values[cell].raw}」）；按本表勾稽关系该格应为 {as_number(figure)}，"
                "无数据也应填 0",
                place=table,
            )
        )
    return [f for i, f in enumerate(findings) if i not in replaced] + blank_findings
