"""What the report prints behind a finding: each cell's label, the text as printed, where it is."""

from __future__ import annotations

import json

from etl.document import line_words, place_text, table_words
from etl.normalize import as_number
from etl.validate.cross_year import CARRY_OVER_RULE, STOCK_ITEMS


def where(location: str | None, *, column: bool = True) -> str:
    """'原文第 6 张表格第 3 行第 7 列，原文第 177 行' from the stored location JSON ('' if none)."""
    if not location:
        return ""
    try:
        loc = json.loads(location)
    except (TypeError, ValueError):
        return ""
    return place_text(loc, column=column)


def _loc(location: str | None) -> dict:
    """The stored location JSON as a dict ({} if none or unreadable)."""
    try:
        loc = json.loads(location) if location else {}
    except (TypeError, ValueError):
        return {}
    return loc if isinstance(loc, dict) else {}


def _line(location: str | None) -> int | None:
    """The 1-based line of the extracted text (as place_text prints it)."""
    line = _loc(location).get("line")
    return line + 1 if isinstance(line, int) and not isinstance(line, bool) else None


def _span(values: list[int]) -> str:
    """The numbers as runs: 「5」, 「32–53」 (every one between quoted), 「55、60、110、115」, 「3–4、9」;
    never a range over numbers that are not quoted."""
    runs: list[list[int]] = []
    for v in sorted(set(values)):
        if runs and v == runs[-1][1] + 1:
            runs[-1][1] = v
        else:
            runs.append([v, v])
    return "、".join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs)


def place_span(items: list[dict]) -> str:
    """Where a finding's cells sit, 1-based: one cell's place as place_text prints it; several
    cells as runs 「原文第 3 张表格第 2–22 行，原文第 34–58 行」 (the stored locations count from 0),
    the lines of cells in several tables one by one 「原文第 55、60、110、115 行」."""
    locs = [i["loc"] for i in items if i.get("loc")]
    if not locs:
        wheres = list(dict.fromkeys(i.get("row_where") for i in items if i.get("row_where")))
        return wheres[0] if len(wheres) == 1 else ""
    if len(locs) == 1 or all(loc == locs[0] for loc in locs):
        return place_text(locs[0], column=False)

    def ints(key: str) -> list[int]:
        return [v for v in (loc.get(key) for loc in locs) if isinstance(v, int) and v >= 0]

    parts = []
    if ints("page"):
        parts.append(f"第 {_span(ints('page'))} 页")
    tables = sorted({t + 1 for t in ints("table")})
    rows = [r + 1 for r in ints("row")]
    if len(tables) == 1:
        parts.append(table_words(tables[0], _span(rows) if rows else None))
    elif tables:
        parts.append(table_words(_span(tables)))
    if ints("line") and len(set(ints("page"))) < 2:  # a PDF counts lines page by page
        parts.append(line_words(_span([n + 1 for n in ints("line")])))
    return "，".join(parts)


def printed(value: float | None, raw: str | None, blank: bool | None) -> str:
    """The cell as the report prints it: its raw text, （空白） for an empty cell."""
    if raw is not None and raw.strip():
        return raw.strip()
    if blank or raw is not None:
        return "（空白）"
    return "（未印）" if value is None else str(as_number(value))


def cell_evidence(cells, values: dict[str, tuple]) -> list[dict]:
    """[{label, printed, where}] for the finding's cells; `values`: key -> (value, raw, blank, loc)."""
    from queries.labels import key_label  # not at the top: queries (polars) adds ~0.3 s to import

    out = []
    for key in cells:
        value, raw, blank, loc = values.get(key, (None, None, None, None))
        out.append(
            {
                "key": key,
                "label": key_label(key),
                "printed": printed(value, raw, blank),
                "where": where(loc),
                "row_where": where(loc, column=False),
                "line": _line(loc),
                "loc": _loc(loc),
            }
        )
    return out


PREVIOUS_YEAR = "上年年报 "  # label prefix of a cell read from last year's report (cross-year)

# Cross-year rules: the cells a finding compares with last year's report, as (keys read from
# last year's report, whether this year's cell of the same key is quoted too). 上年结转 is held
# against last year's 结转下年度 (that one only from last year's); 表二's 现行有效 against last
# year's 现行有效 (both years' printed, the agency sees what it printed each year).
LAST_YEAR_CELLS: dict[str, tuple[tuple[str, ...], bool]] = {
    CARRY_OVER_RULE: (("t3.carried_out.total",), False),
    "t2.stock_flow": (tuple(f"t2.{item}.in_force" for item in STOCK_ITEMS), True),
}
LAST_YEAR_KEYS = sorted({k for keys, _ in LAST_YEAR_CELLS.values() for k in keys})


def finding_evidence(
    rule: str, keys: list[str], this_year: dict[str, tuple], last_year: dict[str, tuple] | None
) -> list[dict]:
    """cell_evidence of a finding's cells: this year's report's, then (a cross-year rule) the
    cells read from last year's report, labelled 上年年报 (「（未印）」 when there is none)."""
    from_last, both = LAST_YEAR_CELLS.get(rule, ((), True))
    out = cell_evidence([k for k in keys if both or k not in from_last], this_year)
    for item in cell_evidence([k for k in keys if k in from_last], last_year or {}):
        item["label"] = PREVIOUS_YEAR + item["label"]
        out.append(item)
    return out


def _field_text(item: dict) -> str:
    """A single-value field (legacy 统计表) as printed: the printed line when it already names
    the field (「(二)申请办结数 … 4」, table cells joined by | shown as spaces), else 「label」value."""
    shown = item["printed"].replace("|", "　")
    label = item["label"].removeprefix(PREVIOUS_YEAR)
    if label and label in shown.replace(" ", ""):
        return f"「{shown}」"
    return f"「{item['label']}」{shown}"


def _span_note(items: list[dict]) -> str:
    lines = [i["line"] for i in items if i.get("line") is not None]
    return f"（{line_words(_span(lines))}）" if lines else ""


def evidence_lines(items: list[dict], *, places: bool = True) -> list[str]:
    """Evidence as a notice prints it. Cells of one column (a column sum):
    「总计」列：予以公开 47、部分公开 7、…（原文第 101–177 行); otherwise the cells of one printed
    row on one line: 「四、结转下年度继续办理」自然人 1、…、总计（空白）（原文第 6 张表格第 3 行，原文第 177 行);
    single-value fields (legacy 统计表) as their printed lines; a finding without cells is its
    sentence as the loader wrote it. `places=False` leaves out where this report's cells sit (a
    notice says it once per problem); cells of last year's report keep theirs."""
    cells = [i for i in items if i.get("key")]
    out = [i.get("printed", "") for i in items if not i.get("key")]

    def note(text: str, item: dict) -> str:
        keep = places or item["label"].startswith(PREVIOUS_YEAR)
        return f"（{text}）" if text and keep else ""

    fields = [i for i in cells if "·" not in i["label"]]
    if fields:
        out.append(
            "；".join(_field_text(i) for i in fields) + (_span_note(fields) if places else "")
        )
    split = [(i, *i["label"].partition("·")[::2]) for i in cells if "·" in i["label"]]
    columns = {col for _, _, col in split}
    rows = {row for _, row, _ in split}
    if len(split) > 2 and len(columns) == 1 and len(rows) == len(split):
        values = "、".join(f"{row} {i['printed']}" for i, row, _ in split)
        span = _span_note([i for i, _, _ in split]) if places else ""
        return out + [f"「{columns.pop()}」列：{values}{span}"]
    grouped: dict[tuple[str, str], list[tuple[dict, str]]] = {}
    for item, row, col in split:
        grouped.setdefault((row, item.get("row_where", "")), []).append(
            (item, f"{col} {item['printed']}")
        )
    return out + [
        _quoted_row(row) + "、".join(v for _, v in vals) + note(place, vals[0][0])
        for (row, place), vals in grouped.items()
    ]


def _quoted_row(row: str) -> str:
    """「四、结转下年度继续办理」, and 上年年报「四、结转下年度继续办理」 for last year's cell."""
    if row.startswith(PREVIOUS_YEAR):
        return f"{PREVIOUS_YEAR.strip()}「{row.removeprefix(PREVIOUS_YEAR)}」"
    return f"「{row}」"
