"""What the report prints behind a finding: each cell's label, the text as printed, where it is."""

from __future__ import annotations

import json

from etl.fields import FIELDS
from etl.normalize import as_number

_PLACES = (("page", "第 {} 页"), ("table", "第 {} 个表格"), ("row", "第 {} 行"), ("col", "第 {} 列"))


def key_label(key: str) -> str:
    field = FIELDS.get(key)
    return field.label if field else key


def where(location: str | None) -> str:
    """'第 2 页，第 6 个表格，第 3 行，第 7 列（原文第 177 行）' from the stored location JSON."""
    if not location:
        return ""
    try:
        loc = json.loads(location)
    except (TypeError, ValueError):
        return ""
    if not isinstance(loc, dict):
        return ""
    parts = [text.format(loc[k]) for k, text in _PLACES if loc.get(k) is not None]
    line = f"（原文第 {loc['line']} 行）" if loc.get("line") is not None else ""
    return "，".join(parts) + line


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
        out.append({"key": key, "label": key_label(key), "printed": printed(value, raw, blank),
                    "where": where(loc)})
    return out


def evidence_text(item: dict) -> str:
    """One line of evidence for a notice: 「label」印为 X（where）."""
    if not item.get("key"):
        return item.get("printed", "")
    at = f"（{item['where']}）" if item.get("where") else ""
    return f"「{item['label']}」印为 {item['printed']}{at}"
