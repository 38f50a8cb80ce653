"""What the report prints behind a finding: each cell's label, the text as printed, where it is."""

from __future__ import annotations

import json

from etl.document import place_text
from etl.fields import FIELDS
from etl.normalize import as_number


def key_label(key: str) -> str:
    field = FIELDS.get(key)
    return field.label if field else key


def where(location: str | None, *, column: bool = True) -> str:
    """'第 6 张表第 3 行第 7 列，原文第 177 行' from the stored location JSON ('' if none)."""
    if not location:
        return ""
    try:
        loc = json.loads(location)
    except (TypeError, ValueError):
        return ""
    return place_text(loc, column=column)


def _line(location: str | None) -> int | None:
    """The 1-based line of the extracted text (as place_text prints it)."""
    try:
        line = json.loads(location).get("line") if location else None
    except (TypeError, ValueError, AttributeError):
        return None
    return line + 1 if isinstance(line, int) and not isinstance(line, bool) else None


def printed(value: float | None, raw: str | None, blank: bool | None) -> str:
    """The cell as the report prints it: its raw text, （空白） for an empty cell."""
    if raw is not None and raw.strip():
        return raw.strip()
    if blank or raw is not None:
        return "（空白）"
    return "（未印）" if value is None else str(as_number(value))


def cell_evidence(cells, values: dict[str, tuple]) -> list[dict]:
    """[{label, printed, where}] for the finding's cells; `values`: key -> (value, raw, blank, loc)."""
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
            }
        )
    return out


def evidence_lines(items: list[dict]) -> list[str]:
    """Evidence as a notice prints it. Cells of one column (a column sum):
    「总计」列：予以公开 47、部分公开 7、…（原文第 101–177 行); otherwise the cells of one printed
    row on one line: 「四、结转下年度继续办理」自然人 1、…、总计（空白）（第 6 个表格第 3 行，原文第 177 行);
    a finding without cells is its sentence as the loader wrote it."""
    cells = [i for i in items if i.get("key")]
    out = [i.get("printed", "") for i in items if not i.get("key")]
    split = [(i, *i["label"].partition("·")[::2]) for i in cells]
    columns = {col for _, _, col in split}
    rows = {row for _, row, _ in split}
    if len(cells) > 2 and len(columns) == 1 and len(rows) == len(cells):
        lines = sorted(i["line"] for i in cells if i.get("line") is not None)
        span = (
            (
                f"（原文第 {lines[0]}–{lines[-1]} 行）"
                if len(set(lines)) > 1
                else f"（原文第 {lines[0]} 行）"
            )
            if lines
            else ""
        )
        values = "、".join(f"{row} {i['printed']}" for i, row, _ in split)
        return out + [f"「{columns.pop() or '数值'}」列：{values}{span}"]
    grouped: dict[tuple[str, str], list[str]] = {}
    for item, row, col in split:
        grouped.setdefault((row, item.get("row_where", "")), []).append(
            f"{col or '数值'} {item['printed']}"
        )
    return out + [
        f"「{row}」{'、'.join(vals)}" + (f"（{place}）" if place else "")
        for (row, place), vals in grouped.items()
    ]
