"""Excel .xlsx: every sheet's non-empty rows as table rows, cells as the sheet shows them.

Merged ranges keep their value in the top-left cell only (the others are ""), numbers print
the way Excel shows them ("290", not "290.0"; percent formats as "50%"), and each row keeps the
sheet's full column width so a blank cell stays in its column (blank means 0 in 表三/表四).

Bounded: always openpyxl's read-only (streaming) mode, which never expands merged ranges or
styled empty areas into cell objects (a 94 KB workbook merging A1:Z100000 took 34 s and 3.4 GB
in full mode), and at most MAX_ROWS x MAX_COLS cells per sheet; sheets holding more than
MAX_SHEET_XML of XML are refused. Before openpyxl sees the workbook, the package has inflated
within etl.limits (etl/extract/package.py, which also makes the declared sizes true), and
workbooks holding more shared strings or cells than etl.limits allows are refused (openpyxl
reads every shared string into a list before the first cell). A formula whose result the file does not store (saved by a
program that does not calculate) is kept as its formula text, which parse_cell reads as
malformed: a finding, never a blank that would count as 0.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from io import BytesIO

from etl.document import Location, RawDocument
from etl.errors import ReportError
from etl.extract.build import build_document
from etl.extract.package import open_package
from etl.limits import LIMITS, check_count
from etl.normalize import uncached_formula_text

MAX_ROWS = 5000  # a report's statistics tables fill a few hundred rows at most
MAX_COLS = 100
MAX_SHEET_XML = 40 * 1024 * 1024
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s>/]")
_UNCACHED_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/](?:(?!</(?:\w+:)?c>).)*?</(?:\w+:)?c>", re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]")  # a stored result (an empty <v></v> is none)


def extract_xlsx(path: str, data: bytes, sha256: str) -> RawDocument:
    archive = open_package(path, data, "xlsx")
    names = archive.namelist()
    if not any(n.startswith("xl/") for n in names):
        raise ReportError(
            path,
            "is a zip archive without an Excel workbook inside",
            "check that this is the .xlsx report",
            "bad_zip",
        )
    sheets_xml = [i for i in archive.infolist() if i.filename.startswith("xl/worksheets/")]
    sheet_bytes = sum(i.file_size for i in sheets_xml)  # true sizes: open_package checked them
    if sheet_bytes > MAX_SHEET_XML:
        raise ReportError(
            path,
            f"the worksheets hold {sheet_bytes // 1_048_576} MB of cell data, "
            "far more than any report's tables",
            "check that this is the report's statistics workbook; save only those sheets",
            "too_large",
        )
    strings = [i for i in archive.infolist() if i.filename.lower().endswith("sharedstrings.xml")]
    check_count(
        path,
        "too_many_cells",
        "shared strings",
        sum(_count(_SHARED_STRING, archive.read(i)) for i in strings),
        LIMITS.shared_strings,
    )
    sheets_data = [archive.read(i) for i in sheets_xml]
    check_count(
        path,
        "too_many_cells",
        "cells",
        sum(_count(_CELL, x) for x in sheets_data),
        LIMITS.cells,
    )
    formulas = any(_has_uncached_formula(x) for x in sheets_data)
    del sheets_data
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sheets, titles = _read_sheets(data, data_only=True)
            if formulas:  # the formula text of cells whose result is not stored
                shown_sheets = _read_sheets(data, data_only=False)[0]
                for filled, shown, title in zip(sheets, shown_sheets, titles):
                    _keep_uncached(filled, shown, title)
    except ReportError:
        raise
    except Exception as exc:  # noqa: BLE001 -- a third-party reader on hostile bytes: whatever it raises means a malformed file, refused as one (1,200 mutations each of a real file raised nine kinds: an open list)
        raise ReportError(
            path,
            f"the Excel file could not be read ({type(exc).__name__}: {exc})",
            "open it in Excel or WPS and save it again as .xlsx",
            "bad_xlsx",
        )
    rows: list[tuple[list[str], Location, bool]] = []
    for index, filled in enumerate(sheets):
        rows.extend(_sheet_rows(filled, index))
    if not rows:
        raise ReportError(
            path,
            "the Excel workbook has no filled cells",
            "check that this is the report's statistics table",
            "no_text",
        )
    return build_document(path, sha256, "xlsx", rows, {"sheets": titles})


def _count(pattern: re.Pattern, xml: bytes) -> int:
    return sum(1 for _ in pattern.finditer(xml))


def _keep_uncached(filled: dict, shown: dict, title: str) -> None:
    """Cells holding a formula but no stored result keep the formula and their address
    ("=C5+D5 [Sheet1!C7]"): read as no value, with an xlsx.formula_uncached finding naming the
    cell (etl.parse.cell_findings), never as a blank that would count as 0."""
    from openpyxl.utils import get_column_letter

    for r, cols in shown.items():
        for c, text in cols.items():
            if text.startswith("=") and c not in filled.get(r, {}):
                address = f"{get_column_letter(c + 1)}{r + 1}"
                filled.setdefault(r, {})[c] = uncached_formula_text(text, title, address)


def _has_uncached_formula(xml: bytes) -> bool:
    """A cell with a formula (<f>) but no stored result (<v>)."""
    if b"<f" not in xml and b":f" not in xml:
        return False
    return any(not _VALUE.search(m.group()) for m in _UNCACHED_FORMULA.finditer(xml))


def _read_sheets(data: bytes, data_only: bool) -> tuple[list[dict[int, dict[int, str]]], list[str]]:
    """Per sheet: 0-based row -> 0-based column -> text of the filled cells (capped)."""
    import openpyxl

    book = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=data_only)
    try:
        out = []
        for sheet in book.worksheets:
            filled: dict[int, dict[int, str]] = {}
            for r, row in enumerate(
                sheet.iter_rows(min_row=1, max_row=MAX_ROWS, min_col=1, max_col=MAX_COLS)
            ):
                for c, cell in enumerate(row):
                    value = getattr(cell, "value", None)
                    if value is None:
                        continue
                    text = format_value(value, getattr(cell, "number_format", ""))
                    if text.strip():
                        filled.setdefault(r, {})[c] = text
            out.append(filled)
        return out, [s.title for s in book.worksheets]
    finally:
        book.close()


def _sheet_rows(
    filled: dict[int, dict[int, str]], index: int
) -> list[tuple[list[str], Location, bool]]:
    if not filled:
        return []
    first = min(min(cols) for cols in filled.values())
    last = max(max(cols) for cols in filled.values())
    return [
        ([cols.get(c, "") for c in range(first, last + 1)], Location(table=index, row=r), True)
        for r, cols in sorted(filled.items())
    ]


def format_value(value, number_format: str = "") -> str:
    """A cell value as Excel displays it, for the common cases."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)) and "%" in (number_format or ""):
        return format(value * 100, ".15g") + "%"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)
