"""The finding for a value cell that cannot be read: one place for 表三 and 表四.

A cell parse_cell calls malformed gets no value (never a guess) and a finding quoting it. An
Excel formula whose result the workbook does not store (written by a program that does not
calculate) is its own rule, naming the cell: the figure is not wrong, the file is incomplete.
"""

from __future__ import annotations

from etl.normalize import as_printed, count_malformed, uncached_formula
from etl.parse.rows import Token
from etl.report import Finding


def malformed_finding(key: str, tok: Token) -> Finding | None:
    """The reader finding for a value token that is not a plain figure, or None when it is."""
    formula = uncached_formula(tok.raw)
    if formula is not None:
        text, sheet, address = formula
        return Finding(
            "xlsx.formula_uncached",
            (key,),
            None,
            None,
            f"Excel 工作表「{sheet}」的 {address} 单元格是公式 {text}，文件没有保存它的计算结果，"
            "该格未入库（不按 0 计）",
            "warning",
        )
    why = as_printed(tok.cell.malformed, tok.raw) or (
        tok.cell.numeric and count_malformed(tok.raw, tok.cell.value)
    )
    if why:  # kept as printed in the finding; no value (never a guess)
        return Finding("number.malformed", (key,), None, None, why, "warning")
    return None
