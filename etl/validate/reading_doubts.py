"""A failed identity over cells gongkai read with doubt is a reading difficulty, not the report's.

An identity that fails (row total ≠ its parts, 新收 + 结转 ≠ 办结 + 结转, legacy channels ≠
受理总数 …) blames the report only when every cell in it was read without doubt. Otherwise the
finding goes to the analyst (responsibility "reader", 需人工核对) with the doubt named:

- a number printed near the table that no row took and that, put into a cell printed blank,
  makes the identity hold (a conversion displaced the cell: the inspector's 「the stray '1'」);
- a cell the reader noted as unsure while parsing (``ParsedReport.doubts``: split from a glued
  digit run, a row placed by order in a table a conversion broke up, a legacy figure read away
  from its label);
- a cell read by OCR with low confidence;
- a cell of a row, or any cell of a table, the reader already reported trouble with (a row it
  could not place, a row with too few numbers, glued digits it split by relaxed rules).
"""

from __future__ import annotations

import dataclasses

from etl.normalize import as_number
from etl.report import READER, Finding, ParsedReport

LOW_OCR_CONFIDENCE = 80  # etl.extract.ocr.LOW_CONFIDENCE (not imported: extract sits below parse)

# reader findings that make every identity of their table doubtful: rows may be misplaced
_TABLE_WIDE = {
    "t3.unplaced_row": "表三有一行数字未能对应到模板行",
    "t3.missing_row": "表三有一行未读出，相邻各行可能错位",
    "t4.incomplete": "表四数字未读全",
    "t4.extra_numbers": "表四区域读出的数字过多",
    "t4.missing_group": "表四有一组未读出",
    "glued.set_aside": "表中数字连在一起，拆分时已有一处与勾稽关系不符",
    "glued.relaxed": "表中数字连在一起，只能按各行合计拆分",
    "glued.capped": "表中数字连在一起，可能的拆法过多",
    "glued.ambiguous": "表中有连在一起的数字无法确定拆法",
}
# reader findings naming cells of one row: every cell of that row is doubtful
_ROW_WIDE = {
    "t3.short_row": "该行只读出 6 个数",
    "t3.row_width": "该行读出的数字个数不对",
    "number.malformed": "该行有无法识别的数字",
    "ocr.low_confidence": "扫描件该行识别把握不大",
}


def table_of(key: str, template: str | None = None) -> str:
    """T2 / T3 / T4 / LEG: the table a cell key belongs to."""
    head = key.split(".", 1)[0]
    return {"t2": "T2", "t3": "T3", "t4": "T4", "legacy": "LEG"}.get(head, head.upper())


def row_of(key: str) -> str:
    """The row part of a cell key: t3.denied.third_party.natural -> t3.denied.third_party."""
    head = key.split(".", 1)[0]
    if head in ("t3", "t2", "t4"):
        return key.rsplit(".", 1)[0]
    return key


def _finding_table(f: Finding, template: str) -> str | None:
    if f.cells:
        return table_of(f.cells[0])
    if template == "legacy":
        return "LEG"
    return (f.place or "").split(".")[0] or None


def identity_sides(f: Finding) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The two sides of the identity as the producer lists its cells (expected = Σ left,
    actual = Σ right)."""
    if f.rule == "t3.balance":
        return f.cells[:2], f.cells[2:]
    if f.rule.startswith("legacy."):
        return f.cells[1:], f.cells[:1]
    return f.cells[:-1], f.cells[-1:]


def _displaced_cell(report: ParsedReport, f: Finding) -> str | None:
    """A loose number that, put into a blank cell of the identity, makes it hold."""
    if f.expected is None or f.actual is None:
        return None
    left, right = identity_sides(f)
    for table, number, where in report.loose_numbers:
        for side, other_sum, own_sum in (
            (left, f.actual, f.expected),
            (right, f.expected, f.actual),
        ):
            for cell in side:
                v = report.values.get(cell)
                if v is None or not v.blank or table_of(cell) != table:
                    continue
                if abs(own_sum - v.value + number - other_sum) <= 1e-6:
                    return (
                        f"表格旁有一个未归入任何行的数字「{as_number(number)}」（{where}），"
                        f"把它放回印为空白的「{_cell_label(cell)}」后该等式成立，"
                        "应是文档转换时该格错位"
                    )
    return None


def _cell_label(cell: str) -> str:
    from etl.fields import FIELDS

    field = FIELDS.get(cell)
    return getattr(field, "label", None) or cell


def reading_doubt(report: ParsedReport, f: Finding) -> str | None:
    """Why the cells of a failed identity may be misread (Chinese), or None."""
    displaced = _displaced_cell(report, f)
    if displaced:
        return displaced
    for cell in f.cells:
        if cell in report.doubts:
            return report.doubts[cell]
        v = report.values.get(cell)
        conf = v.loc.get("confidence") if v is not None else None
        if isinstance(conf, (int, float)) and conf < LOW_OCR_CONFIDENCE:
            return f"「{v.raw}」是扫描件识别的，可信度仅 {conf:.0f}%"
    rows = {row_of(c) for c in f.cells}
    table = _finding_table(f, report.template)
    for other in report.findings:
        if other.responsibility != READER:
            continue
        if other.rule in _ROW_WIDE and rows & {row_of(c) for c in other.cells}:
            return f"{_ROW_WIDE[other.rule]}：{other.message}"
        if other.rule in _TABLE_WIDE and _finding_table(other, report.template) == table:
            return f"{_TABLE_WIDE[other.rule]}：{other.message}"
    return None


# Findings that judge the figures read: a doubt about reading a cell is a doubt about them. A
# finding on how a row or label is printed (layout, wording) does not rest on the figures.
FIGURE_CATEGORIES = frozenset(
    {
        "table_identity",
        "table_blank",
        "review_suit_inconsistent",
        "text_table_mismatch",
        "prose_figures_inconsistent",
        "crossyear_inconsistent",
    }
)


def with_reading_doubts(report: ParsedReport, findings: list[Finding]) -> list[Finding]:
    """Report findings over doubtful cells become reader findings naming the doubt."""
    out = []
    for f in findings:
        judged = f.blames_report and f.cells and f.category in FIGURE_CATEGORIES
        why = reading_doubt(report, f) if judged else None
        if why:
            f = dataclasses.replace(
                f,
                message=f"{f.message}。但该处读取有疑问，需人工核对：{why}",
                responsibility=READER,
                category=None,
            )
        out.append(f)
    return out
