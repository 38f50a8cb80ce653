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
