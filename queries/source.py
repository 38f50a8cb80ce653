"""The printed text around a number: the report file read again, the block the number came from
and its neighbours (the database keeps each value's location, not the document)."""

from __future__ import annotations

import json
from pathlib import Path


def location(loc: str | None) -> dict:
    """A value's location JSON as a dict ({} when absent or unreadable)."""
    try:
        d = json.loads(loc) if loc else {}
    except (TypeError, ValueError):
        return {}
    return d if isinstance(d, dict) else {}


def resolve(source_path: str | None, root: Path) -> Path | None:
    """The report file on this machine: as stored, or relative to the project root."""
    if not source_path:
        return None
    p = Path(source_path)
    for candidate in (p, root / p):
        if candidate.is_file():
            return candidate
    return None


def _blocks_around(path: Path, offset: int | None, around: int):
    """(blocks, index of the block at `offset`, the indices `around` it on each side), or None
    when the file cannot be read or has no block there."""
    from etl.errors import ReportError
    from etl.extract import extract_document

    if offset is None:
        return None
    try:
        blocks = extract_document(path).blocks
    except (ReportError, OSError, ValueError):
        return None
    at = None
    for i, b in enumerate(blocks):
        if b.loc.offset is not None and b.loc.offset <= offset:
            at = i
    if at is None:
        return None
    return blocks, at, range(max(0, at - around), min(len(blocks), at + around + 1))


def context(path: Path, offset: int | None, around: int = 3) -> list[tuple[str, bool]]:
    """(printed line, is the number's line) for the block at `offset` and `around` on each side.

    Table rows are shown cell by cell with " | " between cells. Empty when the file cannot be
    read or has no block there.
    """
    found = _blocks_around(path, offset, around)
    if found is None:
        return []
    blocks, at, shown = found
    out = []
    for i in shown:
        b = blocks[i]
        cells = [c.strip() for c in (b.raw or b.cells)]
        text = (
            " | ".join(c for c in cells if c) if b.is_table_row else " ".join(c for c in cells if c)
        )
        out.append((text or "（空行）", i == at))
    return out


def marked_context(
    path: Path, loc: dict, around: int = 3
) -> list[tuple[list[tuple[str, bool]], bool]]:
    """The block of a value's location `loc` and `around` blocks each side, cell by cell:
    [(cells as (text, is the value's own cell), is the value's line)]. The value's cell is the
    location's `col` on its line (table rows); a line without a column has no cell marked.
    Empty cells are left out; empty when the file cannot be read or has no block there."""
    found = _blocks_around(path, loc.get("offset"), around)
    if found is None:
        return []
    blocks, at, shown = found
    col = loc.get("col")
    out = []
    for i in shown:
        cells = [c.strip() for c in (blocks[i].raw or blocks[i].cells)]
        marked = [(c, i == at and n == col) for n, c in enumerate(cells) if c]
        out.append((marked or [("（空行）", False)], i == at))
    return out
