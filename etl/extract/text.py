"""Plain text and Markdown: pipe tables become table rows, every other line a prose block."""

from __future__ import annotations

import re

from etl.document import Location, RawDocument
from etl.errors import ReportError
from etl.extract.build import build_document
from etl.extract.encoding import decode_bytes, looks_binary
from etl.limits import LIMITS, check_count

_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
# What ends a line of a text file. str.splitlines() also breaks at \v, \f, \x1c-\x1e, \x85,
# U+2028, U+2029 and a lone \r: inside a table cell those would cut a row in two and move its
# figures into another row. They are white space within the line (build_document turns them
# into spaces); a lone \r ends lines only in a file that has no \n at all (classic Mac text).
_LINE_END = re.compile(r"\r?\n")


def text_lines(text: str) -> list[str]:
    """The file's lines, split only where a line really ends (see _LINE_END)."""
    if "\n" not in text and "\r" in text:
        return text.split("\r")
    return _LINE_END.split(text)


def extract_text(path: str, data: bytes, sha256: str) -> RawDocument:
    text, encoding = decode_bytes(path, data)
    if looks_binary(data) or "\ufffd" * 4 in text[:4000]:
        raise ReportError(
            path, "is not text (binary content)", "check that the file is a report", "binary"
        )
    # refused before any line is split (2 million lines took over a minute to read)
    check_count(path, "too_many_characters", "characters", len(text), LIMITS.characters)
    check_count(
        path, "too_many_lines", "lines", max(text.count("\n"), text.count("\r")) + 1, LIMITS.lines
    )
    rows: list[tuple[list[str], Location, bool]] = []
    table = -1
    row_in_table = 0
    in_table = False
    for n, line in enumerate(text_lines(text)):
        stripped = line.strip()
        if stripped.startswith("|") and stripped.count("|") >= 2:
            if _SEPARATOR.match(stripped):
                continue
            if not in_table:
                table += 1
                row_in_table = 0
                in_table = True
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            rows.append((cells, Location(table=table, row=row_in_table, line=n), True))
            row_in_table += 1
            continue
        in_table = False
        separator = "|" if "|" in stripped else ("\t" if stripped.count("\t") >= 3 else None)
        if separator:
            # cell-per-line dumps ("3528 |", "|||"), "key | value" header lines, and rows written
            # as "label | 1 | 0 | …" or tab-separated: 4+ cells keep their (blank) cells as a table row
            cells = [c.strip() for c in stripped.split(separator)]
            while cells and cells[-1] == "":
                cells.pop()
            if cells:
                rows.append((cells, Location(line=n), len(cells) >= 4))
            continue
        rows.append(([stripped], Location(line=n), False))
    fmt = "markdown" if path.lower().endswith((".md", ".markdown")) else "text"
    return build_document(path, sha256, fmt, rows, {"encoding": encoding})
