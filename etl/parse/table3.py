"""表三: the numeric rows between its heading and 表四's, aligned to the template's row order.

Extraction scrambles labels (PDF text layers and OCR'd Markdown print a row's label before,
after or apart from its numbers) but never the order of the numeric rows. So the rows are
aligned to the template's sequence; labels found on a row are evidence that steers the
alignment (and choose between the three-row and one-row （六）其他处理), never the only way
to place a row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

from etl.document import Block, place_text
from etl.fields import T3_COLUMNS, T3_ROWS, T3_SUBTOTALS, t3_key
from etl.parse.cell_findings import malformed_finding
from etl.parse.glued import solve
from etl.parse.relations import piece_value
from etl.parse.rows import Token, clean_label, merge_number_lines, split_block
from etl.parse.std_glued import (
    T3_WIDTH,
    is_glued,
    mark_unsure,
    outcome_findings,
    run_of,
    t3_relations,
)
from etl.report import Finding, ParsedReport, Value

# (row key, phrases) checked in this order; the first phrase found in a label decides.
T3_LABELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("carried_out", ("结转下年度", "结转下一年", "下年度继续办理", "转下年度")),
    ("carried_in", ("上年结转",)),
    ("new", ("本年新收", "新收政府信息公开申请")),
    ("partial", ("部分公开",)),
    ("granted", ("予以公开",)),
    ("denied.state_secret", ("国家秘密",)),
    ("denied.law_forbidden", ("法规禁止", "其他法律行政", "禁止公开")),
    ("denied.security_stability", ("三安全一稳定", "危及")),
    ("denied.third_party", ("第三方",)),
    ("denied.internal_affairs", ("内部事务",)),
    ("denied.process_info", ("过程性",)),
    ("denied.enforcement_file", ("执法案卷",)),
    ("denied.admin_query", ("行政查询",)),
    ("unable.not_held", ("不掌握",)),
    ("unable.needs_creation", ("另行制作", "没有现成")),
    ("unable.unclear", ("仍不明确", "补正后")),
    ("rejected.petition", ("信访", "举报投诉")),
    ("rejected.duplicate", ("重复申请",)),
    ("rejected.publication", ("出版物",)),
    ("rejected.excessive", ("大量反复",)),
    ("rejected.confirmation", ("重新出具", "确认或")),
    ("other.no_correction", ("逾期不补正", "不补正")),
    ("other.no_fee", ("缴纳费用", "收费通知")),
    ("other", ("其他处理",)),
    ("processed", ("总计", "合计")),
    ("denied", ("不予公开",)),
    ("unable", ("无法提供",)),
    ("rejected", ("不予处理",)),
)
_COLUMN_HEADINGS = ("自然人", "法人或其他组织", "申请人情况", "商业企业")
GROUP_ROWS = {
    "denied": tuple(r for r, _, _ in T3_ROWS if r.startswith("denied.")),
    "unable": tuple(r for r, _, _ in T3_ROWS if r.startswith("unable.")),
    "rejected": tuple(r for r, _, _ in T3_ROWS if r.startswith("rejected.")),
    "other": tuple(r for r, _, _ in T3_ROWS if r.startswith("other.")),
}
ROW_LABELS = {r: label for r, label, _ in T3_ROWS} | T3_SUBTOTALS


@dataclass
class DataRow:
    block: Block
    label: str  # squashed label text
    key: str | None  # row key the label names, if any
    values: list[Token]
    glued: bool = False  # cells printed with no separator: split by the table's identities


@lru_cache(maxsize=8192)
def t3_label_key(label: str) -> str | None:
    cleaned = clean_label(label)
    if not cleaned or any(h in cleaned for h in _COLUMN_HEADINGS):
        return None  # the column heading row (自然人 … 总计) names no row
    # A group heading (（六）其他处理, a rowspan cell or a floating PDF label) may be glued to a
    # sub-row label: what is left after removing it decides.
    rest = cleaned.replace("本年度办理结果", "")
    heading = None
    for group, phrase in (
        ("other", "其他处理"),
        ("denied", "不予公开"),
        ("unable", "无法提供"),
        ("rejected", "不予处理"),
    ):
        if phrase in rest:
            heading = group
            rest = rest.replace(phrase, "")
    if rest == "其他":
        return "other.other"
    if not rest:
        return heading
    cleaned = rest
    for key, phrases in T3_LABELS:
        if any(p in cleaned for p in phrases):
            return key
    return None


def _data_rows(blocks) -> list[DataRow]:
    rows: list[DataRow] = []
    for block in blocks:
        label, values = split_block(block)
        key = t3_label_key(label)
        glued = is_glued(values, T3_WIDTH)  # a long glued run is no number parse_cell accepts
        numeric = len(values) if glued else sum(1 for t in values if t.cell.numeric)
        # A row printed all blank is a row of zeros when its label names a row, or when it has
        # no label and prints blank markers ("/", "—", "无"); a heading padded with empty
        # spreadsheet cells is neither.
        marked = sum(1 for t in values if t.raw.strip())
        if (
            numeric >= 3
            or (key and numeric >= 1)
            or (key and len(values) >= 6)
            or (not label and marked >= 6)
        ):
            rows.append(DataRow(block, label, key, values, glued))
    return rows


def _templates() -> list[list[str]]:
    """Candidate row sequences: each subtotal group printed split (rows) or as one subtotal row."""
    out = []
    groups = list(GROUP_ROWS)
    for choice in product((False, True), repeat=len(groups)):
        seq: list[str] = []
        collapsed = dict(zip(groups, choice))
        emitted: set[str] = set()
        for row, _, _ in T3_ROWS:
            group = row.split(".")[0] if "." in row else None
            if group in collapsed and collapsed[group]:
                if group not in emitted:
                    seq.append(group)
                    emitted.add(group)
                continue
            seq.append(row)
        out.append(seq)
    return out


TEMPLATE_SEQUENCES = _templates()


def _candidate_sequences(keys: set[str]) -> list[list[str]]:
    """Drop row sequences the labels rule out (a printed sub-row means the group is split)."""
    out = []
    for seq in TEMPLATE_SEQUENCES:
        ok = True
        for group, subrows in GROUP_ROWS.items():
            collapsed = group in seq
            if collapsed and keys & set(subrows):
                ok = False
            if not collapsed and group in keys:
                ok = False
        if ok:
            out.append(seq)
    return out or TEMPLATE_SEQUENCES


# Scores of the alignment of a report's numeric rows to the template's rows. A row whose label
# names the template row is strong evidence (+3); a row labelled as *another* row must not be
# placed here (-6: worse than skipping it and the template row, -2.5 - 2). An unlabelled row
# costs nothing, so floating labels (PDF text layers, OCR) still align by order. A row with a
# cell count no template row has (not 1 total, 6 parties, 7 with total) is probably not a 表三
# row (-3). Skipping a template row (absent or merged) costs less than skipping a data row
# (-2 vs -2.5): reports omit rows more often than they print stray numeric rows.
MATCH_GAIN = 3.0
OTHER_ROW_PENALTY = -6.0
ODD_WIDTH_PENALTY = -3.0
SKIP_TEMPLATE_ROW = -2.0
SKIP_DATA_ROW = -2.5


def _align(rows: list[DataRow], seq: list[str]) -> tuple[float, list[tuple[int, int]]]:
    """Monotone alignment of data rows to template rows maximising label agreement."""
    n, m = len(rows), len(seq)
    skip_t, skip_d = SKIP_TEMPLATE_ROW, SKIP_DATA_ROW
    neg = float("-inf")
    score = [[neg] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    score[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            s = score[i][j]
            if s == neg:
                continue
            if i < n and j < m:
                key = rows[i].key
                gain = MATCH_GAIN if key == seq[j] else (OTHER_ROW_PENALTY if key else 0.0)
                if len(rows[i].values) not in (1, 6, 7) and not rows[i].glued:
                    gain += ODD_WIDTH_PENALTY
                if s + gain > score[i + 1][j + 1]:
                    score[i + 1][j + 1], back[i + 1][j + 1] = s + gain, (i, j)
            if j < m and s + skip_t > score[i][j + 1]:
                score[i][j + 1], back[i][j + 1] = s + skip_t, (i, j)
            if i < n and s + skip_d > score[i + 1][j]:
                score[i + 1][j], back[i + 1][j] = s + skip_d, (i, j)
    pairs: list[tuple[int, int]] = []
    i, j = n, m
    while (i, j) != (0, 0):
        pi, pj = back[i][j]
        if pi == i - 1 and pj == j - 1:
            pairs.append((pi, pj))
        i, j = pi, pj
    return score[n][m], pairs[::-1]


def parse_t3(blocks, report: ParsedReport) -> None:
    merged = merge_number_lines(blocks, 7)
    rows = _data_rows(merged)
    _note_loose_numbers(merged, rows, report)
    if not rows:
        report.findings.append(
            Finding("t3.empty", (), None, None, "找到表三标题，但其下没有数字行", "error")
        )
        return
    best = None
    keys = {r.key for r in rows if r.key}
    for seq in _candidate_sequences(keys):
        s, pairs = _align(rows, seq)
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
