"""A block read as a table row: its label and its value cells, whatever the layout.

Table rows split by cell; text lines (PDF text layers, plain text) split by white space, the
trailing numbers and blank markers being the values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from etl.document import Block
from etl.normalize import CellValue, parse_cell, squash

_NUMBERING = re.compile(
    r"[一二三四五六七八九十]+、|[(（](?:[一二三四五六七八九十]+|\d{1,2})[)）]|(?<![\d.])\d{1,2}[.．、](?!\d)"
)
_PUNCT = re.compile(r"[\s“”\"'‘’,，。;；:：、()（）\[\]【】#*|-]")


@dataclass(frozen=True)
class Token:
    cell: CellValue
    raw: str
    col: int | None  # index of the cell in a table row; None for text tokens


def clean_label(text: str) -> str:
    return _PUNCT.sub("", _NUMBERING.sub("", squash(text)))


@lru_cache(maxsize=8192)
def split_block(block: Block) -> tuple[str, tuple[Token, ...]]:
    label, values = _split_block(block)
    return label, tuple(values)


def _split_block(block: Block) -> tuple[str, list[Token]]:
    """A block as (label text, trailing value tokens). Table rows split by cell, text by spaces."""
    if block.is_table_row:
        label_parts: list[str] = []
        values: list[Token] = []
        for i, (cell, raw) in enumerate(zip(block.cells, block.raw)):
            cv = parse_cell(cell)
            if cv.numeric or cv.malformed:
                values.append(Token(cv, raw, i))
            elif cv.blank:
                if label_parts or values:
                    values.append(Token(cv, raw, i))
            else:
                if values and label_parts:
                    # a label after numbers: trailing text (e.g. a note column); keep numbers as they are
                    label_parts.append(cell)
                    continue
                label_parts.append(cell)
        return squash("".join(label_parts)), values
    tokens = block.text.split()
    raw_tokens = " ".join(block.raw).split()
    if len(raw_tokens) != len(tokens):
        raw_tokens = tokens  # normalisation merged or split tokens: fall back to normalised text
    values = []
    while tokens:
        cv = parse_cell(tokens[-1])
        if cv.numeric or cv.blank or cv.malformed:
            tokens.pop()
            values.insert(0, Token(cv, raw_tokens[len(tokens)], None))
        else:
            break
    return squash("".join(tokens)), values


def find_block(
    blocks: tuple[Block, ...], phrases: tuple[str, ...], start: int = 0, max_len: int = 60
) -> int | None:
    for i in range(start, len(blocks)):
        sq = squash(blocks[i].text)
        if len(sq) <= max_len and any(p in sq for p in phrases):
            return i
    return None


def merge_number_lines(blocks, width: int) -> list[Block]:
    """Some PDF text layers print every cell on a line of its own: runs of lines that hold one
    number each are regrouped into rows of `width` cells (7 for 表三, 15 for 表四)."""
    out: list[Block] = []
    run: list[Block] = []

    def flush():
        if len(run) >= width:
            for i in range(0, len(run) - len(run) % width, width):
                chunk = run[i : i + width]
                out.append(
                    Block(
                        (" ".join(b.text for b in chunk),),
                        (" ".join(" ".join(b.raw) for b in chunk),),
                        chunk[0].loc,
                    )
                )
            out.extend(run[len(run) - len(run) % width :])
        else:
            out.extend(run)
        run.clear()

    for block in blocks:
        label, values = split_block(block)
        if not block.is_table_row and not label and len(values) == 1:
            run.append(block)
            continue
        flush()
        out.append(block)
    flush()
    return out


def value_tokens(block: Block) -> tuple[Token, ...]:
    """Every value-like cell of a row, leading blanks included (表四 rows carry no label)."""
    if not block.is_table_row:
        return split_block(block)[1]
    out = []
    for i, (cell, raw) in enumerate(zip(block.cells, block.raw)):
        cv = parse_cell(cell)
        if cv.numeric or cv.blank or cv.malformed:
            out.append(Token(cv, raw, i))
    return tuple(out)
