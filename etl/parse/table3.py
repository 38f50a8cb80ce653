"""表三: the numeric rows between its heading and 表四's, aligned to the template's row order.

Extraction scrambles labels (PDF text layers and OCR'd Markdown print a row's label before,
after or apart from its numbers) but never the order of the numeric rows. So the rows are
aligned to the template's sequence; labels found on a row are evidence that steers the
alignment (and choose between the three-row and one-row （六）其他处理), never the only way
to place a row.

The rows and their labels are etl/parse/table3_rows.py, the alignment etl/parse/table3_align.py;
this module places the aligned rows' cells (split glued runs by the identities) and notes what
could not be placed.
"""

from __future__ import annotations

import re

from etl.document import place_text
from etl.fields import T3_COLUMNS, t3_key
from etl.parse.cell_findings import malformed_finding
from etl.parse.glued import solve
from etl.parse.relations import piece_value
from etl.parse.rows import merge_number_lines
from etl.parse.std_glued import (
    mark_unsure,
    outcome_findings,
    run_of,
    t3_relations,
)
from etl.parse.table3_align import align_rows, candidate_sequences
from etl.parse.table3_rows import ROW_LABELS, DataRow, data_rows
from etl.report import Finding, ParsedReport, Value


def parse_t3(blocks, report: ParsedReport) -> None:
    merged = merge_number_lines(blocks, 7)
    rows = data_rows(merged)
    _note_loose_numbers(merged, rows, report)
    if not rows:
        report.findings.append(
            Finding("t3.empty", (), None, None, "找到表三标题，但其下没有数字行", "error")
        )
        return
    best = None
    keys = {r.key for r in rows if r.key}
    for seq in candidate_sequences(keys):
        s, pairs = align_rows(rows, seq)
        if best is None or s > best[0]:
            best = (s, pairs, seq)
    _, pairs, seq = best
    matched_rows = {i for i, _ in pairs}
    for i, row in enumerate(rows):
        if i not in matched_rows:
            report.findings.append(
                Finding(
                    "t3.unplaced_row",
                    (),
                    None,
                    None,
                    f"表三中的一行「{row.label or row.block.text[:40]}」无法对应到模板行，未采用",
                    "warning",
                )
            )
    placed = {seq[j] for _, j in pairs}
    for j, key in enumerate(seq):
        if key not in placed:
            report.findings.append(
                Finding(
                    "t3.missing_row",
                    (t3_key(key, "total"),),
                    None,
                    None,
                    f"表三缺少「{ROW_LABELS.get(key, key)}」一行",
                    "warning",
                )
            )
    _record_single_other_row(rows, pairs, seq, report)
    staged: dict[str, Value] = {}
    if any(rows[i].glued for i, _ in pairs):
        for (
            i,
            _,
        ) in pairs:  # beside glued rows, a lone number is a glued row whose blank cells vanished
            rows[i].glued = rows[i].glued or (
                len(rows[i].values) == 1 and rows[i].values[0].raw.strip().isdigit()
            )
    glued = [(rows[i], seq[j]) for i, j in pairs if rows[i].glued]
    for i, j in pairs:
        if not rows[i].glued:
            _assign_t3_row(rows[i], seq[j], staged, report)
    if glued:
        _assign_glued(glued, seq, staged, report)
    _note_rows_placed_by_order(rows, pairs, seq, report)
    _drop_blank_party_columns(staged)
    for v in staged.values():
        report.add(v)


def _record_single_other_row(rows: list[DataRow], pairs, seq: list[str], report) -> None:
    """The 2019 layout's single （六）其他处理 row, when its own printed label says so (not an
    alignment guess): etl.validate.structure flags it in a 2021-era report."""
    for i, j in pairs:
        if seq[j] == "other" and rows[i].key == "other":
            report.meta["t3_single_other_row"] = rows[i].block.text[:60]


def _assign_t3_row(row: DataRow, key: str, staged: dict[str, Value], report: ParsedReport) -> None:
    values = list(row.values)
    cols = [c for c, _ in T3_COLUMNS]
    while len(values) > 7 and not values[-1].cell.numeric and not values[-1].cell.malformed:
        values.pop()  # an empty spare column at the right edge of a Markdown/HTML table
    if len(values) > 7:
        values = values[-7:]
    if len(values) == 7:
        targets = cols
    elif len(values) == 6:
        targets = cols[:6]  # a blank total lost in extraction
        report.findings.append(
            Finding(
                "t3.short_row",
                (t3_key(key, "total"),),
                7,
                6,
                f"表三「{ROW_LABELS.get(key, key)}」只有 6 个数，总计列视为未填",
                "info",
            )
        )
    elif len(values) == 1:
        targets = ["total"]
    else:
        report.findings.append(
            Finding(
                "t3.row_width",
                (t3_key(key, "total"),),
                7,
                len(values),
                f"表三「{ROW_LABELS.get(key, key)}」有 {len(values)} 个数（应为 7 个），该行未采用",
                "warning",
            )
        )
        return
    for col, tok in zip(targets, values):
        k = t3_key(key, col)
        loc = dict(row.block.loc.as_dict())
        if tok.col is not None:
            loc["col"] = tok.col
        finding = malformed_finding(k, tok)
        if finding is not None:  # no value (never a guess)
            report.findings.append(finding)
            continue
        value = tok.cell.value if tok.cell.numeric else 0.0
        staged[k] = Value(k, value, tok.raw, loc, blank=not tok.cell.numeric)


def _assign_glued(
    glued: list[tuple[DataRow, str]], seq: list[str], staged: dict[str, Value], report: ParsedReport
) -> None:
    """Rows printed as digit runs, split together by identities 1–3 (etl.parse.glued)."""
    runs = [run_of(key, row.values, [t3_key(key, c) for c, _ in T3_COLUMNS]) for row, key in glued]
    outcome = solve(
        runs,
        t3_relations(seq),
        {k: v.value for k, v in staged.items()},
        row_of=lambda cell: cell.split(".", 1)[1].rsplit(".", 1)[0],
    )
    for (row, _), run in zip(glued, runs):
        for cell in run.cells:
            if cell in outcome.pieces:
                staged[cell] = Value(
                    cell,
                    piece_value(outcome.pieces[cell]),
                    " ".join(run.tokens),
                    dict(row.block.loc.as_dict()),
                )
    report.findings.extend(outcome_findings(outcome, runs, "表三", lambda r: ROW_LABELS.get(r, r)))
    mark_unsure(report, outcome, runs)
    for (_, key), run in zip(glued, runs):
        for cell in run.cells:
            report.doubt(
                cell,
                f"表三「{ROW_LABELS.get(key, key)}」的数字连在一起印刷（“{' '.join(run.tokens)}”），"
                "是按勾稽关系拆开的",
            )


# A table broken into this many Markdown/HTML fragments was re-flowed by a PDF conversion: its
# rows without a label of their own are placed by order only.
REFLOWED_FRAGMENTS = 3
_BARE_NUMBER = re.compile(r"^\d{1,6}$")


def _note_loose_numbers(blocks, rows: list[DataRow], report: ParsedReport) -> None:
    """A bare number between 表三's rows that no row took: a cell a conversion displaced
    (shanghai_kewei's 结转下年度 总计 printed on a line of its own)."""
    taken = {id(r.block) for r in rows}
    for block in blocks:
        text = block.text.strip()
        if id(block) not in taken and _BARE_NUMBER.match(text):
            report.loose_numbers.append(("T3", float(text), place_text(block.loc.as_dict())))


def _note_rows_placed_by_order(rows, pairs, seq, report: ParsedReport) -> None:
    fragments = {r.block.loc.table for r in rows if r.block.is_table_row}
    if len(fragments) < REFLOWED_FRAGMENTS:
        return
    for i, j in pairs:
        if rows[i].key is None:
            label = ROW_LABELS.get(seq[j], seq[j])
            for col, _ in T3_COLUMNS:
                report.doubt(
                    t3_key(seq[j], col),
                    f"表三在文档转换中被拆散，一行没有行名的数字按顺序对应为「{label}」",
                )


def _drop_blank_party_columns(staged: dict[str, Value]) -> None:
    """Reports that fill only 总计 leave the party columns blank: those are absent, not 0."""
    party = [v for k, v in staged.items() if not k.endswith(".total")]
    if party and all(v.blank for v in party):
        for v in party:
            del staged[v.key]
