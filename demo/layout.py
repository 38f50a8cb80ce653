"""A report as format-neutral blocks: title, date line, prose, tables (grids with spans), signature.

Tables are grids of `Cell`s as an HTML author would write them (a cell covered by a rowspan or
colspan is simply not listed); each writer renders the grid its own way. The national templates'
row labels are derived from etl.fields declarations (T3_ROWS, T3_SUBTOTALS, T4_*, T2_*,
LEGACY_ITEMS), never typed twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from etl.fields import (
    STD2019,
    STD2021,
    T2_ITEMS,
    T2_LAYOUT,
    T2_MEASURES,
    T3_COLUMNS,
    T3_ROWS,
    T3_SUBTOTALS,
    T4_GROUPS,
    T4_OUTCOMES,
    t2_key,
    t3_key,
    t4_key,
)

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass
class Cell:
    text: str
    rs: int = 1
    cs: int = 1
    head: bool = False
    key: str | None = None  # canonical key of a value cell


@dataclass
class Table:
    kind: str  # t2 | t3 | t4 | legacy
    ncols: int
    rows: list[list[Cell]]
    caption: str = ""
    # row indices where a split-table writer may start a new piece, with a heading for it
    breaks: dict[int, str] = field(default_factory=dict)
    header_rows: int = 0


@dataclass
class Block:
    kind: str  # title | meta | h | p | table | sign
    text: str = ""
    table: Table | None = None


@dataclass
class Style:
    zero_token: str = "0"  # how a zero in 表三/表四 may be printed: 0, "", "/", "-", "—", "无"
    zero_prob: float = 0.0
    fullwidth: bool = False
    thousands: bool = False
    collapse_other: bool = False  # std2021 report printing （六）其他处理 as one row


class Printer:
    """Formats numbers per style; remembers which keys were printed blank."""

    def __init__(self, style: Style, rng, text_only: bool):
        self.style, self.rng, self.text_only = style, rng, text_only
        self.blank: list[str] = []

    def num(self, x, key: str | None = None, zero_ok: bool = True, signed: bool = False) -> str:
        if x is None:
            return "/"
        if zero_ok and x == 0 and self.style.zero_prob and self.rng.random() < self.style.zero_prob:
            tok = self.style.zero_token
            if tok == "" and self.text_only:
                tok = "/"
            if key:
                self.blank.append(key)
            return tok
        if isinstance(x, float) and not x.is_integer():
            s = f"{x:,}" if self.style.thousands else repr(x)
        else:
            x = int(x)
            s = f"{x:,}" if self.style.thousands and abs(x) >= 1000 else str(x)
            if signed and x > 0:
                s = "+" + s
        return s.translate(FULLWIDTH) if self.style.fullwidth else s


# ------------------------------------------------------------------------ 表三
_T3_PRINT_SUFFIX = {
    "partial": "（区分处理的，只计这一情形，不计其他情形）",
    "other.no_correction": "、行政机关不再处理其政府信息公开申请",
    "other.no_fee": "、行政机关不再处理其政府信息公开申请",
}
_CANON = re.compile(r"^三\((.)\)(\d)?\s*(.*)$")


def t3_printed_label(row: str) -> tuple[str | None, str]:
    """(group label or None, row label) as the national template prints them."""
    label = next(lbl for r, lbl, _ in T3_ROWS if r == row)
    m = _CANON.match(label)
    if not m:
        return None, label
    num, sub, text = m.groups()
    text += _T3_PRINT_SUFFIX.get(row, "")
    if sub:
        group = row.split(".")[0]
        gm = _CANON.match(T3_SUBTOTALS[group])
        return f"（{gm.group(1)}）{gm.group(3)}", f"{sub}.{text}"
    return None, f"（{num}）{text}"


def t3_table(values: dict, template: str, p: Printer, collapse_other: bool) -> Table:
    cols = [c for c, _ in T3_COLUMNS]
    labels = dict(T3_COLUMNS)
    rows = [
        [
            Cell(
                "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3, True
            ),
            Cell("申请人情况", 1, 7, True),
        ],
        [
            Cell(labels["natural"], 2, 1, True),
            Cell("法人或其他组织", 1, 5, True),
            Cell(labels["total"], 2, 1, True),
        ],
        [Cell(labels[c], head=True) for c in cols[1:-1]],
    ]
    plan: list[tuple[str | None, str, str]] = []  # (group, label, row key)
    for r, _, temps in T3_ROWS:
        if template not in temps:
            continue
        if r.startswith("other.") and collapse_other:
            if r == "other.no_correction":
                plan.append((None, "（六）其他处理", "other"))
            continue
        g, lbl = t3_printed_label(r)
        plan.append((g, lbl, r))
        if r == "rejected.confirmation" and template == STD2019:
            plan.append((None, "（六）其他处理", "other"))
    outcome_span = sum(1 for _, _, r in plan if r not in ("new", "carried_in", "carried_out"))
    breaks, seen_groups = {}, set()
    for i, (g, lbl, r) in enumerate(plan):
        row: list[Cell] = []
        if r in ("new", "carried_in", "carried_out"):
            row.append(Cell(lbl, 1, 3, True))
            breaks[len(rows)] = lbl
        else:
            if r == "granted":
                row.append(Cell("三、本年度办理结果", outcome_span, 1, True))
            if g is None:
                row.append(Cell(lbl, 1, 2, True))
                breaks[len(rows)] = lbl
            else:
                if g not in seen_groups:
                    seen_groups.add(g)
                    n = sum(1 for gg, _, _ in plan if gg == g)
                    row.append(Cell(g, n, 1, True))
                    breaks[len(rows)] = g
                row.append(Cell(lbl, head=True))
        for c in cols:
            k = t3_key(r, c)
            row.append(Cell(p.num(values.get(k, 0), k), key=k))
        rows.append(row)
    return Table("t3", 10, rows, "三、收到和处理政府信息公开申请情况", breaks, 3)


# ------------------------------------------------------------------------ 表四
def t4_table(values: dict, p: Printer) -> Table:
    glabels = [lbl.split("·") for _, lbl in T4_GROUPS]
    outs = [lbl for _, lbl in T4_OUTCOMES]
    rows = [
        [Cell(glabels[0][0], 1, 5, True), Cell(glabels[1][0], 1, 10, True)],
        [Cell(o, 2, 1, True) for o in outs]
        + [Cell(glabels[1][1], 1, 5, True), Cell(glabels[2][1], 1, 5, True)],
        [Cell(o, head=True) for o in outs] * 2,
    ]
    vals = []
    for g, _ in T4_GROUPS:
        for o, _ in T4_OUTCOMES:
            k = t4_key(g, o)
            vals.append(Cell(p.num(values.get(k, 0), k), key=k))
    rows.append(vals)
    return Table("t4", 15, rows, "四、政府信息公开行政复议、行政诉讼情况", {}, 3)


# ------------------------------------------------------------------------ 表二
_T2_SECTION = {
    "rules": "（一）",
    "normative": "（一）",
    "licensing": "（五）",
    "other_services": "（五）",
    "penalty": "（六）",
    "coercion": "（六）",
    "fees": "（八）",
    "procurement": "（九）",
}


def _t2_measure_label(template: str, item: str, m: str) -> str:
    if m == "decisions":
        return "本年处理决定数量" if template == STD2021 else T2_MEASURES[m][0]
    if m == "amount_wan":
        return "本年收费金额（单位：万元）" if item == "fees" else "采购总金额（万元）"
    return T2_MEASURES[m][0]


def t2_table(values: dict, template: str, p: Printer, nulls: set[str]) -> Table:
    rows: list[list[Cell]] = []
    breaks = {}
    section = None
    for item, measures in T2_LAYOUT[template].items():
        if _T2_SECTION[item] != section:
            section = _T2_SECTION[item]
            breaks[len(rows)] = f"第二十条第{section}项"
            rows.append([Cell(f"第二十条第{section}项", 1, 4, True)])
            head = [Cell("信息内容", head=True)]
            spans = _spans(len(measures))
            for m, cs in zip(measures, spans):
                head.append(Cell(_t2_measure_label(template, item, m), 1, cs, True))
            rows.append(head)
        label = "行政规范性文件" if item == "normative" and template == STD2021 else T2_ITEMS[item]
        row = [Cell(label, head=True)]
        for m, cs in zip(measures, _spans(len(measures))):
            k = t2_key(item, m)
            x = None if k in nulls else values[k]
            row.append(Cell(p.num(x, None, zero_ok=False, signed=(m == "change")), 1, cs, key=k))
        rows.append(row)
    return Table("t2", 4, rows, "二、主动公开政府信息情况", breaks, 0)


def _spans(n: int) -> list[int]:
    return {1: [3], 2: [1, 2], 3: [1, 1, 1]}[n]


def grid(table: Table) -> list[list[tuple[Cell | None, bool]]]:
    """Expand spans: each slot -> (cell, is_origin). Covered slots point at their origin cell."""
    n = len(table.rows)
    out: list[list] = [[None] * table.ncols for _ in range(n)]
    for ri, row in enumerate(table.rows):
        ci = 0
        for cell in row:
            while ci < table.ncols and out[ri][ci] is not None:
                ci += 1
            for dr in range(cell.rs):
                for dc in range(cell.cs):
                    if ri + dr < n and ci + dc < table.ncols:
                        out[ri + dr][ci + dc] = (cell, dr == 0 and dc == 0)
            ci += cell.cs
    return [[slot if slot is not None else (None, True) for slot in r] for r in out]
