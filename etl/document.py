"""What every extractor hands to the parsers: the document as an ordered list of blocks.

A block is one prose line or one table row. Cells keep the text as printed (`raw`) and a
normalised form (`cells`: NFKC, Simplified characters) that parsers match against; the raw
text and the location go into provenance so an analyst can find the number in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class Location:
    page: int | None = None  # 1-based PDF page
    table: int | None = None  # 0-based table index in the document
    row: int | None = None  # 0-based row within that table
    line: int | None = None  # 0-based line of the extracted text
    offset: int | None = None  # character offset of the block in RawDocument.text

    def as_dict(self) -> dict:
        # field by field, in declaration order: called for every value read (≈150 a report)
        d = {}
        if self.page is not None:
            d["page"] = self.page
        if self.table is not None:
            d["table"] = self.table
        if self.row is not None:
            d["row"] = self.row
        if self.line is not None:
            d["line"] = self.line
        if self.offset is not None:
            d["offset"] = self.offset
        return d


@dataclass(frozen=True)
class Block:
    cells: tuple[str, ...]  # normalised cell texts
    raw: tuple[str, ...]  # cell texts as printed
    loc: Location
    is_table_row: bool = False

    # cached: the parsers and checks ask a block for its text hundreds of times a report, and a
    # frozen block's text never changes (cached_property writes past the frozen __setattr__)
    @cached_property
    def text(self) -> str:
        return " ".join(c for c in self.cells if c)


@dataclass(frozen=True)
class RawDocument:
    path: str
    sha256: str
    format: str  # "text" | "markdown" | "html" | "pdf" | "docx" | "xlsx"
    text: str  # normalised full text, blocks joined by newlines
    blocks: tuple[Block, ...]
    meta: dict = field(
        default_factory=dict
    )  # e.g. {"title": ..., "encoding": ..., "traditional": bool}


def table_words(table, rows=None, col=None) -> str:
    """「原文第 5 张表格第 2 行第 3 列」, 1-based numbers or spans as given: the tables are
    counted through the whole document, so the words say so (not "the 5th table of 表三")."""
    out = f"原文第 {table} 张表格"
    if rows is not None:
        out += f"第 {rows} 行"
    if col is not None:
        out += f"第 {col} 列"
    return out


def line_words(lines) -> str:
    """「原文第 30 行」: the line (or lines) of the extracted text, 1-based."""
    return f"原文第 {lines} 行"


def place_text(loc: dict | None, *, column: bool = True) -> str:
    """Where a value or finding sits, for people, 1-based: 「第 2 页，原文第 3 张表格第 5 行第 2 列，
    原文第 30 行」. Locations are stored as the extractors count (page 1-based, table, row,
    column and line 0-based); this is the one place that turns them into words, for the pages,
    the notices and the sheets alike."""
    if not isinstance(loc, dict):
        return ""

    def n(key: str) -> int | None:
        v = loc.get(key)
        return v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else None

    def one_based(key: str) -> int | None:
        return None if n(key) is None else n(key) + 1

    parts = []
    if n("page"):
        parts.append(f"第 {n('page')} 页")
    if n("table") is not None:
        parts.append(
            table_words(one_based("table"), one_based("row"), one_based("col") if column else None)
        )
    if n("line") is not None:
        parts.append(line_words(one_based("line")))
    return "，".join(parts)
