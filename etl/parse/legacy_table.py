"""Reading the legacy 统计表's rows (etl.parse.legacy): the document as one stream, the number
after each row label (past an optional parenthetical and unit), and the section (行政复议 /
行政诉讼) that decides a label serving two rows."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import repeat

from etl.document import RawDocument
from etl.fields import FIELDS, legacy_key
from etl.normalize import BLANK_PATTERN, UNIT_PATTERN, parse_cell
from etl.parse.legacy_labels import SECTION_OF_TOTAL, LabelMatch, label_matches

# Where the table starts in a long block (crawler text): the last such marker with rows after it.
_TABLE_MARKER = re.compile(r"统计表|统计指标|指标名称|计量单位")
# Between a label and its number: a parenthetical note, separators, a unit (maybe bracketed).
_AFTER_LABEL = re.compile(
    r"(?:[(\[][^()\[\]|\n]{0,60}[)\]])?[|\n:]*(?:[(]?(?P<unit>" + UNIT_PATTERN + r")[)]?)?[|\n]*"
)
_RUN = re.compile(r"\d[\d,]*(?:\.\d+)?")
_BLANK = re.compile(f"(?:{BLANK_PATTERN})(?=[|\\n]|$)")
_ITEM_BEFORE = re.compile(r"(\d{1,2})[、.．]$")
_CUMULATIVE_CELL = re.compile(r"(\d+)(?=[|\n]|$)")
_SHORT_BLOCK = 80  # a prose-looking block longer than this is only read after a table marker


_NON_SPACE = re.compile(r"\S+")


@dataclass
class Stream:
    text: str
    owner: list[
        tuple[int, int]
    ]  # per stream char: (block index, char index in the block's doc line)
    block_starts: list[int]


def line_of(block) -> str:
    """The block's line exactly as build_document wrote it into RawDocument.text."""
    return " | ".join(block.cells) if block.is_table_row else block.text


def build_stream(doc: RawDocument) -> Stream:
    """The document with white space removed, except that a space between two digits becomes
    '|' (so '3528 0' stays two numbers); `owner` maps each stream char back to its block."""
    parts: list[str] = []
    owner: list[tuple[int, int]] = []
    starts: list[int] = []
    length = 0
    for bi, block in enumerate(doc.blocks):
        starts.append(length)
        line = line_of(block)
        prev_digit = False
        for m in _NON_SPACE.finditer(line):
            token, s = m.group(), m.start()
            if prev_digit and token[0].isdigit():
                parts.append("|")
                owner.append((bi, s - 1))
                length += 1
            parts.append(token)
            owner.extend(zip(repeat(bi), range(s, s + len(token))))  # (block, char): in C
            length += len(token)
            prev_digit = token[-1].isdigit()
        parts.append("\n")
        owner.append((bi, len(line)))
        length += 1
    return Stream("".join(parts), owner, starts)


@dataclass
class Reading:
    value: float
    unit: str | None
    blank: bool
    start: int  # stream position of the number
    end: int
    run: str = ""  # the glued digit run, when the row was flattened
    two_cells: bool = False  # the run holds this year's figure and the cumulative one
    cumulative: float | None = None  # the 累计 figure printed in its own cell


def _strip_item_number(run: str, label_start: int, text: str, follows: str) -> str:
    """'2949819162、' -> '294981916': the next row's item number glued to the run."""
    if follows not in "、.．" or len(run) < 2:
        return run
    before = _ITEM_BEFORE.search(text[max(0, label_start - 8) : label_start].rstrip(":"))
    if before:
        nxt = str(int(before.group(1)) + 1)
        if run.endswith(nxt) and len(run) > len(nxt):
            return run[: -len(nxt)]
    return run[:-1]


def _read_value(
    text: str, m: LabelMatch, two_columns: bool, glued_to_label=lambda pos: False
) -> Reading | None:
    pos = m.end
    after = _AFTER_LABEL.match(text, pos)
    unit = after.group("unit") if after else None
    pos = after.end() if after else pos
    blank = _BLANK.match(text, pos)
    if blank:
        return Reading(0.0, unit, True, pos, blank.end())
    run_m = _RUN.match(text, pos)
    if not run_m:
        return None
    run = run_m.group(0)
    end = run_m.end()
    follows = text[end] if end < len(text) else "\n"
    line_end_glued = (
        follows == "\n" and two_columns and run.isdigit() and len(run) > 1 and glued_to_label(pos)
    )
    if (
        follows in "|\n" and not line_end_glued
    ):  # the table's last row at the end of a flattened line is glued too
        cell = parse_cell(run)
        if cell.value is None:
            return None
        cumulative = None
        if two_columns and follows == "|":  # "2949|81916": the next cell is the cumulative
            nxt = _CUMULATIVE_CELL.match(text, end + 1)
            cumulative = float(nxt.group(1)) if nxt else None
        return Reading(cell.value, unit, False, pos, end, cumulative=cumulative)
    # glued to the following text: a flattened table
    if not run.isdigit():
        cell = parse_cell(run)
        return Reading(cell.value, unit, False, pos, end) if cell.value is not None else None
    run = _strip_item_number(run, m.start, text, follows)
    if not two_columns:
        return Reading(float(int(run)), unit, False, pos, pos + len(run), run)
    # this year's figure and the cumulative one glued: split later, all rows together
    return Reading(float(int(run)), unit, False, pos, pos + len(run), run, two_cells=len(run) > 1)


def has_table_marker_after(text: str) -> int | None:
    """Stream position from which long blocks are read as a table (None: no marker)."""
    marks = [m.start() for m in _TABLE_MARKER.finditer(text)]
    return marks[-1] if marks else None


def read_labels(
    doc: RawDocument, stream: Stream, region: int | None, two_columns: bool
) -> list[tuple[str, str, LabelMatch, Reading]]:
    """(key, target, label match, reading) of each row label of the 统计表 with a number after
    it, in text order; the first label of a key wins (one case per document layout)."""
    text = stream.text
    region_block = bisect_right(stream.block_starts, region) - 1 if region is not None else None

    def accepted(pos: int) -> bool:
        """Table rows and short non-sentence lines anywhere; in a long or sentence-like block
        (crawler text) only what follows the table marker inside that same block."""
        bi = bisect_right(stream.block_starts, pos) - 1
        block = doc.blocks[bi]
        if block.is_table_row:
            return True
        if len(block.text) <= _SHORT_BLOCK and "。" not in block.text:
            return True
        return bi == region_block and pos >= region

    def glued_to_label(pos: int) -> bool:
        """The number at stream position `pos` follows its label or unit with no space, as printed."""
        bi, ci = stream.owner[pos]
        line = line_of(doc.blocks[bi])
        return 0 < ci <= len(line) and not line[ci - 1].isspace() and line[ci - 1] != "|"

    section: str | None = None
    read: list[tuple[str, str, LabelMatch, Reading]] = []
    keys: set[str] = set()
    for m in label_matches(text):
        if not accepted(m.start):
            continue
        target = m.target
        if target is None:
            continue
        if target.startswith("@"):
            section = target[1:]
            continue
        if target in SECTION_OF_TOTAL:
            section = SECTION_OF_TOTAL[target]
        if target.startswith("~"):
            if section is None:
                continue
            target = f"{section}_{target[1:]}"
        key = legacy_key(target)
        if key in keys or key not in FIELDS:
            continue
        reading = _read_value(text, m, two_columns, glued_to_label)
        if reading is None:
            continue
        read.append((key, target, m, reading))
        keys.add(key)
    return read
