"""表三/表四/表二 of the national templates (std2019, std2021), from any extracted layout.

Extraction scrambles labels (PDF text layers and OCR'd Markdown print a row's label before,
after or apart from its numbers) but never the order of the numeric rows. So 表三 is read as
the sequence of numeric rows between its heading and 表四's, aligned to the template's row
order; labels found on a row are evidence that steers the alignment (and choose between the
three-row and one-row （六）其他处理), never the only way to place a row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

from etl.document import Block, RawDocument
from etl.fields import (STD2019, T2_ITEMS as T2_ITEM_NAMES, T2_LAYOUT, T3_COLUMNS, T3_ROWS, T3_SUBTOTALS, T4_GROUPS, T4_OUTCOMES, t2_key, t3_key,
                        t4_key)
from etl.normalize import CellValue, parse_cell, squash, yuan_to_wan
from etl.report import Finding, ParsedReport, Value

T3_HEADINGS = ("收到和处理政府信息公开申请情况", "收到和处理政府信息公开申请")
AFTER_T4 = ("存在的主要问题", "其他需要报告的事项", "主要问题及改进")

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
GROUP_ROWS = {
    "denied": tuple(r for r, _, _ in T3_ROWS if r.startswith("denied.")),
    "unable": tuple(r for r, _, _ in T3_ROWS if r.startswith("unable.")),
    "rejected": tuple(r for r, _, _ in T3_ROWS if r.startswith("rejected.")),
    "other": tuple(r for r, _, _ in T3_ROWS if r.startswith("other.")),
}
ROW_LABELS = {r: label for r, label, _ in T3_ROWS} | T3_SUBTOTALS
T4_GROUP_LABELS = (("suit_after_review", ("复议后起诉",)), ("suit_direct", ("未经复议", "直接起诉")),
                   ("review", ("行政复议",)))
T2_ITEM_LABELS = {
    "rules": ("规章",),
    "normative": ("规范性文件", "行政规范性文件"),
    "licensing": ("行政许可",),
    "other_services": ("其他对外管理服务事项",),
    "penalty": ("行政处罚",),
    "coercion": ("行政强制",),
    "fees": ("行政事业性收费",),
    "procurement": ("政府集中采购",),
}
_NUMBERING = re.compile(r"[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|(?<![\d.])\d{1,2}[.．、](?!\d)")
_PUNCT = re.compile(r"[\s“”\"'‘’,，。;；:：、()（）\[\]【】#*|-]")


@dataclass(frozen=True)
class Token:
    cell: CellValue
    raw: str
    col: int | None  # index of the cell in a table row; None for text tokens


@dataclass
class DataRow:
    block: Block
    label: str  # squashed label text
    key: str | None  # row key the label names, if any
    values: list[Token]

    @property
    def numeric(self) -> int:
        return sum(1 for t in self.values if t.cell.numeric)


def clean_label(text: str) -> str:
    return _PUNCT.sub("", _NUMBERING.sub("", squash(text)))


@lru_cache(maxsize=8192)
def split_block(block: Block) -> tuple[str, tuple[Token, ...]]:
    label, values = _split_block(block)
    return label, tuple(values)


def _split_block(block: Block) -> tuple[str, list[Token]]:
    """A block as (label text, trailing value tokens). Table rows split by cell, text by spaces."""
    if block.is_table_row:
        label_parts: list[str] = []
        values: list[Token] = []
        for i, (cell, raw) in enumerate(zip(block.cells, block.raw)):
            cv = parse_cell(cell)
            if cv.numeric or cv.malformed:
                values.append(Token(cv, raw, i))
            elif cv.blank:
                if label_parts or values:
                    values.append(Token(cv, raw, i))
            else:
                if values and label_parts:
                    # a label after numbers: trailing text (e.g. a note column); keep numbers as they are
                    label_parts.append(cell)
                    continue
                label_parts.append(cell)
        return squash("".join(label_parts)), values
    tokens = block.text.split()
    raw_tokens = " ".join(block.raw).split()
    if len(raw_tokens) != len(tokens):
        raw_tokens = tokens  # normalisation merged or split tokens: fall back to normalised text
    values = []
    while tokens:
        cv = parse_cell(tokens[-1])
        if cv.numeric or cv.blank or cv.malformed:
            tokens.pop()
            values.insert(0, Token(cv, raw_tokens[len(tokens)], None))
        else:
            break
    return squash("".join(tokens)), values


@lru_cache(maxsize=8192)
def t3_label_key(label: str) -> str | None:
    cleaned = clean_label(label)
    if not cleaned:
        return None
    # A group heading (（六）其他处理, a rowspan cell or a floating PDF label) may be glued to a
    # sub-row label: what is left after removing it decides.
    rest = cleaned.replace("本年度办理结果", "")
    heading = None
    for group, phrase in (("other", "其他处理"), ("denied", "不予公开"), ("unable", "无法提供"),
                          ("rejected", "不予处理")):
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


def _find(blocks: tuple[Block, ...], phrases: tuple[str, ...], start: int = 0, max_len: int = 60) -> int | None:
    for i in range(start, len(blocks)):
        sq = squash(blocks[i].text)
        if len(sq) <= max_len and any(p in sq for p in phrases):
            return i
    return None


def _is_t4_heading(block: Block) -> bool:
    sq = squash(block.text)
    return len(sq) <= 60 and "行政复议" in sq and "行政诉讼" in sq


def _locate_t3(blocks: tuple[Block, ...]) -> tuple[int | None, int | None]:
    """(heading index, index of the 本年新收 row). A heading in the report's opening paragraph
    (which lists the sections) is skipped: the real one is followed by the 本年新收 row."""
    new_rows = [i for i, b in enumerate(blocks) if t3_label_key(split_block(b)[0]) == "new"
                and (split_block(b)[1] or len(split_block(b)[0]) <= 30)]  # a label line, not prose
    start = 0
    while True:
        i3 = _find(blocks, T3_HEADINGS, start)
        if i3 is None:
            break
        following = [i for i in new_rows if i3 < i <= i3 + 40]
        if following:
            return i3, following[0]
        start = i3 + 1
    if new_rows:
        return max(new_rows[0] - 12, 0), new_rows[0]
    return None, None


def parse_std(doc: RawDocument, report: ParsedReport) -> None:
    blocks = doc.blocks
    i3, i_new = _locate_t3(blocks)
    if i3 is None:
        report.findings.append(Finding("t3.missing", (), None, None,
                                       "未找到表三（收到和处理政府信息公开申请情况）", "error"))
        i4 = next((i for i, b in enumerate(blocks) if _is_t4_heading(b)), None)
    else:
        i4 = next((i for i in range(i_new + 1, len(blocks)) if _is_t4_heading(blocks[i])), None)
        _parse_t3(blocks[i3:i4 if i4 is not None else len(blocks)], report)
    if i4 is None:
        report.findings.append(Finding("t4.missing", (), None, None,
                                       "未找到表四（政府信息公开行政复议、行政诉讼情况）", "error"))
    else:
        end = _find(blocks, AFTER_T4, i4 + 1, max_len=80)
        _parse_t4(blocks[i4:end if end is not None else min(len(blocks), i4 + 60)], report)
    _parse_t2(blocks[: i3 if i3 is not None else len(blocks)], report)


# ---- 表三 -----------------------------------------------------------------------------------

def _data_rows(blocks) -> list[DataRow]:
    rows: list[DataRow] = []
    for block in blocks:
        label, values = split_block(block)
        key = t3_label_key(label)
        numeric = sum(1 for t in values if t.cell.numeric)
        # A row printed all blank is a row of zeros when its label names a row, or when it has
        # no label and prints blank markers ("/", "—", "无"); a heading padded with empty
        # spreadsheet cells is neither.
        marked = sum(1 for t in values if t.raw.strip())
        if numeric >= 3 or (key and numeric >= 1) or (key and len(values) >= 6) or (not label and marked >= 6):
            rows.append(DataRow(block, label, key, values))
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


def _align(rows: list[DataRow], seq: list[str]) -> tuple[float, list[tuple[int, int]]]:
    """Monotone alignment of data rows to template rows maximising label agreement."""
    n, m = len(rows), len(seq)
    skip_t, skip_d = -2.0, -2.5
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
                gain = 3.0 if key == seq[j] else (-6.0 if key else 0.0)
                if len(rows[i].values) not in (1, 6, 7):
                    gain -= 3.0
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


def _merge_number_lines(blocks, width: int) -> list[Block]:
    """Some PDF text layers print every cell on a line of its own: runs of lines that hold one
    number each are regrouped into rows of `width` cells (7 for 表三, 15 for 表四)."""
    out: list[Block] = []
    run: list[Block] = []

    def flush():
        if len(run) >= width:
            for i in range(0, len(run) - len(run) % width, width):
                chunk = run[i:i + width]
                out.append(Block((" ".join(b.text for b in chunk),), (" ".join(" ".join(b.raw) for b in chunk),),
                                 chunk[0].loc))
            out.extend(run[len(run) - len(run) % width:])
        else:
            out.extend(run)
        run.clear()

    for block in blocks:
        label, values = split_block(block)
        if not block.is_table_row and not label and len(values) == 1:
            run.append(block)
            continue
        flush()
        out.append(block)
    flush()
    return out


def _parse_t3(blocks, report: ParsedReport) -> None:
    rows = _data_rows(_merge_number_lines(blocks, 7))
    if not rows:
        report.findings.append(Finding("t3.empty", (), None, None, "找到表三标题，但其下没有数字行", "error"))
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
            report.findings.append(Finding("t3.unplaced_row", (), None, None,
                                           f"表三中的一行「{row.label or row.block.text[:40]}」无法对应到模板行，未采用", "warning"))
    placed = {seq[j] for _, j in pairs}
    for j, key in enumerate(seq):
        if key not in placed:
            report.findings.append(Finding("t3.missing_row", (t3_key(key, "total"),), None, None,
                                           f"表三缺少「{ROW_LABELS.get(key, key)}」一行", "warning"))
    staged: dict[str, Value] = {}
    for i, j in pairs:
        _assign_t3_row(rows[i], seq[j], staged, report)
    _drop_blank_party_columns(staged)
    for v in staged.values():
        report.add(v)


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
        if report is not None:
            report.findings.append(Finding("t3.short_row", (t3_key(key, "total"),), 7, 6,
                                           f"表三「{ROW_LABELS.get(key, key)}」只有 6 个数，总计列视为未填", "info"))
    elif len(values) == 1:
        targets = ["total"]
    else:
        report.findings.append(Finding("t3.row_width", (t3_key(key, "total"),), 7, len(values),
                                       f"表三「{ROW_LABELS.get(key, key)}」有 {len(values)} 个数（应为 7 个），该行未采用", "warning"))
        return
    for col, tok in zip(targets, values):
        k = t3_key(key, col)
        loc = dict(row.block.loc.as_dict())
        if tok.col is not None:
            loc["col"] = tok.col
        if tok.cell.malformed:
            report.findings.append(Finding("number.malformed", (k,), None, None, tok.cell.malformed, "warning"))
            continue
        value = tok.cell.value if tok.cell.numeric else 0.0
        staged[k] = Value(k, value, tok.raw, loc, blank=not tok.cell.numeric)


def _drop_blank_party_columns(staged: dict[str, Value]) -> None:
    """Reports that fill only 总计 leave the party columns blank: those are absent, not 0."""
    party = [v for k, v in staged.items() if not k.endswith(".total")]
    if party and all(v.blank for v in party):
        for v in party:
            del staged[v.key]


# ---- 表四 -----------------------------------------------------------------------------------

def _value_tokens(block: Block) -> tuple[Token, ...]:
    """Every value-like cell of a row, leading blanks included (表四 rows carry no label)."""
    if not block.is_table_row:
        return split_block(block)[1]
    out = []
    for i, (cell, raw) in enumerate(zip(block.cells, block.raw)):
        cv = parse_cell(cell)
        if cv.numeric or cv.blank or cv.malformed:
            out.append(Token(cv, raw, i))
    return tuple(out)


def _parse_t4(blocks, report: ParsedReport) -> None:
    rows: list[tuple[tuple[Token, ...], Block, str | None]] = []
    group_hint: str | None = None
    for block in _merge_number_lines(blocks[1:], 15):
        label, _ = split_block(block)
        values = _value_tokens(block)
        cleaned = clean_label(label)
        row_group = next((g for g, phrases in T4_GROUP_LABELS if any(p in cleaned for p in phrases)), None)
        if row_group and not values:
            group_hint = row_group
            continue
        numeric = sum(1 for t in values if t.cell.numeric)
        all_blank_ok = len(values) >= 5 and len(values) % 5 == 0 and (not cleaned or row_group)
        if numeric >= 3 or all_blank_ok:  # a header row (labels, empty corners) is never data
            rows.append((values, block, row_group or group_hint))
    order = [g for g, _ in T4_GROUPS]
    placed: dict[str, list[tuple[Token, Block]]] = {}
    flat = [(t, b) for values, b, _ in rows for t in values]
    if len(flat) >= 15:
        if len(flat) > 15:
            report.findings.append(Finding("t4.extra_numbers", (), 15, len(flat),
                                           f"表四区域有 {len(flat)} 个数，取前 15 个", "warning"))
        for gi, group in enumerate(order):
            placed[group] = flat[gi * 5:(gi + 1) * 5]
    elif all(len(v) == 5 and g for v, _, g in rows) and len({g for _, _, g in rows}) == len(rows):
        placed = {g: [(t, b) for t in v] for v, b, g in rows}  # separate tables, one per group
    if not placed:
        report.findings.append(Finding("t4.incomplete", (), 15, len(flat),
                                       f"表四只读到 {len(flat)} 个数（应为 15 个），表四未入库", "warning"))
        return
    for group in order:
        if group not in placed:
            report.findings.append(Finding("t4.missing_group", (t4_key(group, "total"),), None, None,
                                           f"表四缺少「{dict(T4_GROUPS)[group]}」", "warning"))
            continue
        for (outcome, _), (tok, block) in zip(T4_OUTCOMES, placed[group]):
            k = t4_key(group, outcome)
            loc = dict(block.loc.as_dict())
            if tok.col is not None:
                loc["col"] = tok.col
            if tok.cell.malformed:
                report.findings.append(Finding("number.malformed", (k,), None, None, tok.cell.malformed, "warning"))
                continue
            report.add(Value(k, tok.cell.value if tok.cell.numeric else 0.0, tok.raw, loc,
                             blank=not tok.cell.numeric))


# ---- 表二 -----------------------------------------------------------------------------------

def _parse_t2(blocks, report: ParsedReport) -> None:
    layout = T2_LAYOUT[report.template]
    unit_hint = "万元"
    for idx, block in enumerate(blocks):
        label, values = split_block(block)
        sq = squash(block.text)
        if "单位" in sq or "金额" in sq:
            if "万元" in sq:
                unit_hint = "万元"
            elif "元" in sq:
                unit_hint = "元"
        cleaned = clean_label(label)
        item = next((it for it, names in T2_ITEM_LABELS.items() if cleaned in names), None)
        if item is None or item not in layout or not values:
            continue
        measures = layout[item]
        if len(values) != len(measures):
            report.findings.append(Finding("t2.row_width", (), len(measures), len(values),
                                           f"表二「{T2_ITEM_NAMES[item]}」有 {len(values)} 个数（应为 {len(measures)} 个）",
                                           "warning"))
            if len(values) < len(measures):
                continue
            values = values[: len(measures)]
        for measure, tok in zip(measures, values):
            k = t2_key(item, measure)
            if not tok.cell.numeric:
                continue  # "/" or blank in 表二 means not applicable: NULL, never 0
            value = tok.cell.value
            if measure == "amount_wan":
                value = yuan_to_wan(value, unit_hint)
            loc = dict(block.loc.as_dict())
            if tok.col is not None:
                loc["col"] = tok.col
            if measure == "amount_wan":
                loc["unit"] = unit_hint
            report.add(Value(k, value, tok.raw, loc))
    if report.template == STD2019 and not any(k.startswith("t2.") for k in report.values):
        report.findings.append(Finding("t2.missing", (), None, None, "未找到表二", "info"))
