"""What every extractor hands to the parsers: the document as an ordered list of blocks.

A block is one prose line or one table row. Cells keep the text as printed (`raw`) and a
normalised form (`cells`: NFKC, Simplified characters) that parsers match against; the raw
text and the location go into provenance so an analyst can find the number in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    page: int | None = None  # 1-based PDF page
    table: int | None = None  # 0-based table index in the document
    row: int | None = None  # 0-based row within that table
    line: int | None = None  # 0-based line of the extracted text
    offset: int | None = None  # character offset of the block in RawDocument.text

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Block:
    cells: tuple[str, ...]  # normalised cell texts
    raw: tuple[str, ...]  # cell texts as printed
    loc: Location
    is_table_row: bool = False

    @property
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


def place_text(loc: dict | None, *, column: bool = True) -> str:
    """Where a value or finding sits, for people, 1-based: 「第 2 页，第 3 张表第 5 行第 2 列，
    原文第 30 行」. Locations are stored as the extractors count (page 1-based, table, row,
    column and line 0-based); this is the one place that turns them into words, for the pages,
    the notices and the sheets alike."""
    if not isinstance(loc, dict):
        return ""

    def n(key: str) -> int | None:
        v = loc.get(key)
        return v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else None

    parts = []
    if n("page"):
        parts.append(f"第 {n('page')} 页")
    if n("table") is not None:
        cell = f"第 {n('table') + 1} 张表"
        if n("row") is not None:
            cell += f"第 {n('row') + 1} 行"
        if column and n("col") is not None:
            cell += f"第 {n('col') + 1} 列"
        parts.append(cell)
    if n("line") is not None:
        parts.append(f"原文第 {n('line') + 1} 行")
    return "，".join(parts)
