"""Assemble a RawDocument from extracted cells: normalisation and provenance in one place."""

from __future__ import annotations

import re

from etl.document import Block, Location, RawDocument
from etl.limits import LIMITS, check_count
from etl.normalize import looks_traditional, normalize_text

# Line breaks other than "\n" (\v, \f, \r, file/group/record separators, NEL, U+2028/2029) are
# white space inside a block; inside a table cell "\n" is too: a cell is one line of its row.
_BREAKS_IN_LINE = re.compile("[\x0b\x0c\r\x1c\x1d\x1e\x85\u2028\u2029]")
_BREAKS_IN_CELL = re.compile("[\n\x0b\x0c\r\x1c\x1d\x1e\x85\u2028\u2029]")


def build_document(
    path: str,
    sha256: str,
    fmt: str,
    rows: list[tuple[list[str], Location, bool]],
    meta: dict | None = None,
) -> RawDocument:
    """`rows` holds (raw cell texts, location, is_table_row) in reading order. Refused past
    etl.limits' lines and characters, whatever the format they were read from."""
    check_count(path, "too_many_lines", "lines of text", len(rows), LIMITS.lines)
    chars = sum(len(c) for cells, _, _ in rows for c in cells if c)
    check_count(path, "too_many_characters", "characters of text", chars, LIMITS.characters)
    sample = "\n".join(" ".join(cells) for cells, _, _ in rows[:400])
    traditional = looks_traditional(sample)
    blocks: list[Block] = []
    parts: list[str] = []
    offset = 0
    for raw_cells, loc, is_row in rows:
        breaks = _BREAKS_IN_CELL if is_row else _BREAKS_IN_LINE
        raw = tuple(breaks.sub(" ", c) if c else "" for c in raw_cells)
        cells = tuple(normalize_text(c, traditional).strip() for c in raw)
        if not is_row and not any(cells):
            continue
        loc = Location(loc.page, loc.table, loc.row, loc.line, offset)
        block = Block(cells, raw, loc, is_row)
        blocks.append(block)
        line = " | ".join(cells) if is_row else block.text
        parts.append(line)
        offset += len(line) + 1
    meta = dict(meta or {})
    meta["traditional"] = traditional
    return RawDocument(path, sha256, fmt, "\n".join(parts), tuple(blocks), meta)
