"""What the report prints behind a finding: each cell's label, the text as printed, where it is;
for a notice, each cell as 项目 / 报告所列数值 / 位置 and an identity's two sides summed."""

from __future__ import annotations

import json
import re
from functools import cache

from etl.document import line_words, place_text
from etl.fields import T3_ROWS, T3_SUBTOTALS
from etl.identities_legacy import LEGACY_IDENTITIES
from etl.identities_std import std_identities
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


def printed(value: float | None, raw: str | None, blank: bool | None) -> str:
    """The cell as the report prints it: its raw text, （空白） for an empty cell."""
    if raw is not None and raw.strip():
        return raw.strip()
    if blank or raw is not None:
        return "（空白）"
    return "（未印）" if value is None else str(as_number(value))


def cell_evidence(cells, values: dict[str, tuple]) -> list[dict]:
    """[{label, printed, value, where}] for the finding's cells; `values`: key -> (value, raw,
    blank, loc); `value` is the number as read (a blank cell reads as 0), None if not printed."""
    from queries.labels import key_label  # not at the top: queries (polars) adds ~0.3 s to import

    out = []
    for key in cells:
        value, raw, blank, loc = values.get(key, (None, None, None, None))
        out.append(
            {
                "key": key,
                "label": key_label(key),
                "printed": printed(value, raw, blank),
                "value": None if value is None else as_number(value),
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


# ---- a notice's cells, each with its place; an identity's two sides, summed --------------------


def item_name(label: str) -> str:
    """项目 as the national template words it: 「一、本年新收政府信息公开申请数量（总计栏）」,
    「行政复议（结果维持栏）」, a 统计表 field as it is; last year's cell 「上年年报：…」."""
    last = label.startswith(PREVIOUS_YEAR)
    row, dot, col = label.removeprefix(PREVIOUS_YEAR).rpartition("·")
    name = f"{row}（{col}栏）" if dot else col
    return f"{PREVIOUS_YEAR.strip()}：{name}" if last else name


def cell_place(item: dict) -> str:
    """位置 of one cell, 1-based, in the words the pages use: 「第 2 页，原文第 3 张表格第 5 行」;
    the line of the extracted text only for a cell outside a table (a sentence, a PDF line),
    since the agency finds a table cell by its table and row. Last year's: 「上年年报…」."""
    loc = item.get("loc") or {}
    if isinstance(loc.get("table"), int):
        loc = {k: v for k, v in loc.items() if k != "line"}
    where = place_text(loc, column=False)
    if where and item.get("label", "").startswith(PREVIOUS_YEAR):
        return PREVIOUS_YEAR.strip() + where
    return where


_LAST_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\D*$")


_NO_DIGIT = re.compile(r"^[^\d０-９]*$")


def _shown(item: dict) -> str:
    """报告所列数值: the cell as printed; the number alone when the printed text is the whole
    line of a 统计表 (「(二)申请办结数 … 4」). A cell printed without a number (-, /, 无, —,
    blank) that was read as 0 says so: the sums and the message count a 0 the agency never
    printed, and it must see where that 0 comes from."""
    text = item.get("printed", "")
    if item.get("value") == 0 and _NO_DIGIT.match(text):
        return f"{text.strip('（）') or '空白'}（按 0 计）"
    label = item.get("label", "").removeprefix(PREVIOUS_YEAR)
    if not label or label not in text.replace(" ", ""):
        return text
    if item.get("value") is not None:
        return str(item["value"])
    last = _LAST_NUMBER.search(text)  # a store synced before `value` was kept
    return last[1] if last else text


def cell_rows(items: list[dict]) -> list[tuple[str, str, str]]:
    """(项目, 报告所列数值, 位置) per cell of a finding, in the finding's order."""
    return [(item_name(i["label"]), _shown(i), cell_place(i)) for i in items if i.get("key")]


@cache
def _identities() -> tuple:
    rows = [r for r, _, _ in T3_ROWS] + list(T3_SUBTOTALS)
    return tuple(std_identities(rows)) + LEGACY_IDENTITIES


def identity_sides(rule_id: str, keys: list[str]) -> tuple[list[str], list[str]] | None:
    """(the total side as printed, the side it should equal) of an identity finding's cells, as
    etl.identities_std/legacy declare it (t3.balance: 办理总计 + 结转下年度 against 新收 +
    上年结转); None for a finding that is not an identity's."""
    have = set(keys)
    for identity in _identities():
        total = set(identity.total)
        if identity.rule != rule_id or not total < have:
            continue
        parts = set(identity.optional)
        for p in identity.parts:
            parts |= {p} if isinstance(p, str) else {p.subtotal, *p.rows}
        if have - total <= parts:
            return [k for k in keys if k in total], [k for k in keys if k not in total]
    return None


def _number(item: dict) -> float | None:
    value = item.get("value")
    if value is not None or "value" in item:
        return value
    text = _shown(item)  # a store synced before `value` was kept
    if text == "（空白）":
        return 0
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _sum(name: str, values: list) -> str:
    """「新收 + 上年结转 = 23 + 0 = 23」; one cell 「总计列 = 23」."""
    total = as_number(round(sum(values), 6))  # 0.1 + 0.2 prints 0.3
    terms = "" if len(values) == 1 else " + ".join(map(str, values)) + " = "
    return f"{name} = {terms}{total}"


def sum_lines(rule_id: str, label: str, items: list[dict]) -> list[tuple[str, str]]:
    """(label, text) lines under an identity finding's cells: the total as printed, what the
    other side makes, the signed difference (as the loader's message signs it: printed − should
    be). `label`: the rule's (「表三：新收 + 上年结转 ≠ 办理总计 + 结转下年度」) names the sides."""
    by_key = {i["key"]: i for i in items if i.get("key")}
    sides = identity_sides(rule_id, list(by_key))
    if sides is None:
        return []
    numbers = [[_number(by_key[k]) for k in side] for side in sides]
    if any(v is None for side in numbers for v in side):
        return []
    numbers = [[as_number(v) for v in side] for side in numbers]
    should, _, total = label.partition("：")[2].partition("≠")
    names = [total.strip() or "合计", should.strip() or "各分项之和"]
    diff = as_number(round(sum(numbers[0]) - sum(numbers[1]), 6))
    more = "多" if diff > 0 else "少"
    return [
        ("报告所列", _sum(names[0], numbers[0])),
        ("按所列数值计算", _sum(names[1], numbers[1])),
        ("差", f"{diff:+}（报告所列比计算结果{more} {abs(diff)}）"),
    ]
