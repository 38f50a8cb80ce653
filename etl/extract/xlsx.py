"""Excel .xlsx: every sheet's non-empty rows as table rows, cells as the sheet shows them.

Merged ranges keep their value in the top-left cell only (the others are ""), numbers print
the way Excel shows them ("290", not "290.0"; percent formats as "50%"), and each row keeps the
sheet's full column width so a blank cell stays in its column (blank means 0 in 表三/表四).
"""

from __future__ import annotations

import datetime as dt
import warnings
from io import BytesIO

from etl.document import Location, RawDocument
from etl.errors import ReportError
from etl.extract.build import build_document
from etl.extract.docx import check_zip

FULL_LOAD_LIMIT = 10 * 1024 * 1024  # sheet XML above this is read in openpyxl's read-only mode


def extract_xlsx(path: str, data: bytes, sha256: str) -> RawDocument:
    import openpyxl

    archive = check_zip(path, data, "xlsx")
    names = archive.namelist()
    if not any(n.startswith("xl/") for n in names):
        raise ReportError(path, "is a zip archive without an Excel workbook inside",
                          "check that this is the .xlsx report", "bad_zip")
    sheet_bytes = sum(i.file_size for i in archive.infolist()
                      if i.filename.startswith("xl/worksheets/"))
    # full mode knows merged ranges (their other cells read as None); read-only mode streams and
    # relies on Excel storing merged values only in the top-left cell, which it does
    read_only = sheet_bytes > FULL_LOAD_LIMIT
    rows: list[tuple[list[str], Location, bool]] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(BytesIO(data), read_only=read_only, data_only=True)
            sheets = list(book.worksheets)
            for index, sheet in enumerate(sheets):
                rows.extend(_sheet_rows(sheet, index))
            titles = [s.title for s in sheets]
            if read_only:
                book.close()
    except ReportError:
        raise
    except Exception as exc:  # openpyxl/lxml/zipfile raise many types on malformed workbooks
        raise ReportError(path, f"the Excel file could not be read ({type(exc).__name__}: {exc})",
                          "open it in Excel or WPS and save it again as .xlsx", "bad_xlsx")
    if not rows:
        raise ReportError(path, "the Excel workbook has no filled cells",
                          "check that this is the report's statistics table", "no_text")
    return build_document(path, sha256, "xlsx", rows, {"sheets": titles})


def _sheet_rows(sheet, index: int) -> list[tuple[list[str], Location, bool]]:
    filled: dict[int, dict[int, str]] = {}  # 0-based row -> 0-based column -> text
    for r, c, cell in _cells(sheet):
        text = format_value(getattr(cell, "value", None), getattr(cell, "number_format", ""))
        if text.strip():
            filled.setdefault(r, {})[c] = text
    if not filled:
        return []
    first = min(min(cols) for cols in filled.values())
    last = max(max(cols) for cols in filled.values())
    return [([cols.get(c, "") for c in range(first, last + 1)], Location(table=index, row=r), True)
            for r, cols in sorted(filled.items())]


def _cells(sheet):
    """(row, column, cell) of the cells the file stores, 0-based."""
    stored = getattr(sheet, "_cells", None)  # full mode: only real cells, so a stray far-away
    if stored is not None:                   # cell cannot blow the grid up to millions of blanks
        for (r, c), cell in stored.items():
            yield r - 1, c - 1, cell
        return
    for r, row in enumerate(sheet.iter_rows(min_row=1, min_col=1)):
        for c, cell in enumerate(row):
            if getattr(cell, "value", None) is not None:
                yield r, c, cell


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
