"""The assessment workbook (xlsxwriter): 汇总, 扣分明细, 数据质量, 方案说明, per-agency sheets,
A4 landscape print setup. Frames in, bytes out.

汇总 shows the columns the Word document and the PDF show (those empty for every unit left out,
with their note: exports.printed) and prints on A3 landscape one page wide when that keeps it at
sheet_fit.MIN_SCALE or more, as offices print a wide 汇总表; else across A4 pages."""

from __future__ import annotations

import io
from datetime import date, datetime

import polars as pl

from etl.safe_text import one_line
from exports.model import (
    DEDUCTIONS_SHEET,
    HEADER_ROW,
    QUALITY_SHEET,
    SCHEME_SHEET,
    SUMMARY_SHEET,
    TEXT,
    AssessmentExport,
    Column,
    Table,
    display,
)
from exports.printed import dropped_note, without_empty_columns
from exports.sheet_fit import (
    A3_PAGE_WIDTH,
    A3_PRINTABLE_PX,
    LINE_HEIGHT,
    PAGE_WIDTH,
    PATH,
    fit_widths,
    one_page_wide,
    print_plan,
    text_width,
    wrapped_lines,
)
from exports.xlsx_text import (
    WORKBOOK_OPTIONS,
    print_setup,
    sheet_name,
    styles_of,
    write_text,
)


def assessment_workbook(export: AssessmentExport, *, per_agency: bool = False) -> bytes:
    """The assessment workbook: 汇总, 扣分明细, 数据质量, 方案说明 (+ one sheet per agency)."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, WORKBOOK_OPTIONS)
    wb.set_properties(
        {
            "title": one_line(export.title),
            "subject": one_line(export.subtitle),
            "author": "gongkai",
            "comments": one_line(export.build),  # versions here, not on a signed sheet
        }
    )
    styles = styles_of(wb)
    year = f"{export.year}年度"
    summary, dropped = without_empty_columns(export.summary)
    ws, end, page_cols = _table_sheet(
        wb,
        styles,
        SUMMARY_SHEET,
        summary,
        export.title,
        export.subtitle,
        freeze_cols=2,
        office=export.office.name,
        a3=True,
    )
    note = dropped_note(dropped)
    if note:
        end += 2
        write_text(ws, styles, end, page_cols[0], note, styles["note"], to=(end, page_cols[1] - 1))
        room = sum(_table_widths(summary)[page_cols[0] : page_cols[1]])
        ws.set_row(end, LINE_HEIGHT * wrapped_lines(note, room))  # a merged cell does not grow
    _footer_rows(ws, styles, export, end + 2, page_cols)
    _table_sheet(
        wb,
        styles,
        DEDUCTIONS_SHEET,
        export.deductions,
        f"{year}扣分明细",
        export.subtitle,
        office=export.office.name,
    )
    _table_sheet(
        wb,
        styles,
        QUALITY_SHEET,
        export.quality,
        f"{year}年报数据质量问题",
        export.subtitle,
        office=export.office.name,
    )
    _scheme_sheet(wb, styles, export)
    if per_agency:
        used = {SUMMARY_SHEET, DEDUCTIONS_SHEET, QUALITY_SHEET, SCHEME_SHEET}
        for name, table in export.agencies.items():
            sheet = sheet_name(name, used)
            used.add(sheet)
            _table_sheet(
                wb,
                styles,
                sheet,
                table,
                f"{name} {year}考核明细",
                export.subtitle,
                office=export.office.name,
            )
    wb.close()
    return buf.getvalue()


def _title_rows(ws, styles: dict, title: str, subtitle: str, ncols: int, first: int = 0) -> None:
    """Title and subtitle merged over columns first..ncols-1 (a sheet printed across pages
    starts them after its repeated columns, which would show a clipped piece on every page)."""
    ws.set_row(0, 24)
    for row, text, style in ((0, title, "title"), (1, subtitle, "subtitle")):
        write_text(ws, styles, row, first, text, styles[style], to=(row, max(ncols - 1, first)))


def _table_sheet(
    wb,
    styles,
    name,
    table: Table,
    title,
    subtitle,
    *,
    freeze_cols=0,
    first_row=HEADER_ROW,
    office: str = "",
    a3: bool = False,
):
    """With `a3`, a sheet that would print across A4 pages prints on A3 landscape one page wide
    instead when that is at MIN_SCALE or more."""
    ws = wb.add_worksheet(name)
    ncols = max(len(table.columns), 1)
    widths = _table_widths(table)
    starts = [first for _, first, _ in table.groups()]
    scale, breaks = plan = print_plan(widths, freeze_cols, starts)
    wide = _table_widths(table, A3_PAGE_WIDTH) if a3 and breaks else []
    on_a3 = bool(wide) and one_page_wide(wide, A3_PRINTABLE_PX)
    if on_a3:
        widths = wide
        scale, breaks = plan = None, []
    end = _write_table(ws, styles, table, first_row, widths, _page_runs(breaks, ncols))
    # a sheet printed across pages: the title over the first page, the unit columns and the
    # column headers (not the title) repeated on every page
    # the columns of the first printed page, after the repeated ones
    page_cols = (freeze_cols, breaks[0]) if breaks else (0, ncols)
    _title_rows(ws, styles, title, subtitle, page_cols[1], page_cols[0])
    header_end = first_row + table.header_rows - 1
    ws.freeze_panes(header_end + 1, freeze_cols)
    if table.frame.height and not table.section:  # section headings would be filtered as data
        ws.autofilter(header_end, 0, end, ncols - 1)
    print_setup(ws, title, (first_row if breaks else 0, header_end), office, plan)
    if on_a3:
        ws.set_paper(8)  # A3 (print_setup's A4 otherwise)
    if breaks and freeze_cols:
        ws.repeat_columns(0, freeze_cols - 1)
    return ws, end, page_cols


def _footer_rows(ws, styles, export: AssessmentExport, row: int, cols: tuple[int, int]) -> None:
    """说明, the signature line, the issuing office and date under the 汇总 table, over the
    columns first..end-1 of `cols` (those of the first printed page, after repeated columns)."""
    first, ncols = cols
    last = max(ncols - 1, first + 1)
    for text in export.footer_lines:
        if text:
            right = text in (export.office.name, export.issued_text)
            style = styles["sign_right" if right else ("note_bold" if text == "说明：" else "note")]
            write_text(ws, styles, row, first, text, style, to=(row, last))
            if not right and text != "说明：" and text != export.signature_line:
                ws.set_row(row, 15 * max(1, -(-text_width(text) // max(12 * (ncols - first), 60))))
        row += 1


def _page_runs(breaks: list[int], ncols: int) -> list[tuple[int, int]]:
    """(first, last) columns of each printed page, left to right (one run without breaks)."""
    starts = [0, *breaks]
    return list(zip(starts, [b - 1 for b in breaks] + [ncols - 1]))


def _table_widths(table: Table, page: float = PAGE_WIDTH) -> list[float]:
    """The columns' widths in Excel character units, text capped to fit `page` (sheet_fit)."""
    two = table.header_rows == 2
    return fit_widths(
        [column.width or _width(column, table.frame, two) for column in table.columns],
        [column.kind == TEXT for column in table.columns],
        page,
    )


def _write_table(
    ws, styles: dict, table: Table, first_row: int, widths: list[float], pages=None
) -> int:
    """Header row(s) from `first_row` (two when columns are grouped), data below, a section
    heading band over each page's columns of `pages` (_page_runs); the last row written."""
    header_style = styles["header"]
    two = table.header_rows == 2
    for group, first, last in table.groups():
        if group is None:
            for c in range(first, last + 1):
                header = table.columns[c].header
                to = (first_row + 1, c) if two else None
                write_text(ws, styles, first_row, c, header, header_style, to=to)
        else:
            write_text(ws, styles, first_row, first, group, header_style, to=(first_row, last))
            for c in range(first, last + 1):
                header = table.columns[c].header
                write_text(ws, styles, first_row + 1, c, header, header_style)
    ws.set_row(first_row, 30)
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    data_row = first_row + table.header_rows
    r = data_row
    for title, rows in table.sections():
        if title is not None:  # a peer group's heading row; its ranks start at 1 below it
            _band(ws, styles, r, title, pages or [(0, max(len(table.columns) - 1, 0))])
            r += 1
        for values in rows:
            for c, (column, value) in enumerate(zip(table.columns, values)):
                _write_cell(ws, styles, r, c, value, styles[column.kind])
            lines = max(
                (
                    wrapped_lines(display(v, col.kind), w)
                    for v, col, w in zip(values, table.columns, widths)
                ),
                default=1,
            )
            if lines > 1:  # spreadsheet programs do not grow a row for wrapped text on their own
                ws.set_row(r, LINE_HEIGHT * lines)
            r += 1
    if r == data_row:
        write_text(ws, styles, data_row, 0, "（无）", styles[TEXT])
        return data_row
    return r - 1


def _band(ws, styles: dict, r: int, title: str, pages: list[tuple[int, int]]) -> None:
    """A section heading shaded over the table's columns, one merged piece per printed page: a
    merge across a page break is drawn on the earlier page past its last column, out to the
    margin (LibreOffice). The title sits in the first column, repeated on every page."""
    for n, (first, last) in enumerate(pages):
        write_text(ws, styles, r, first, title if n == 0 else "", styles["section"], to=(r, last))


def _write_cell(ws, styles: dict, r: int, c: int, value: object, style) -> None:
    if value is None or (isinstance(value, float) and value != value):
        ws.write_blank(r, c, None, style)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, style)
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value, style)
    elif isinstance(value, (date, datetime)):
        ws.write_datetime(r, c, value, style)
    else:
        write_text(ws, styles, r, c, PATH.sub(r"\1", str(value)), style)


def _width(column: Column, frame: pl.DataFrame, grouped: bool = False) -> float:
    shown = [display(v, column.kind) for v in frame.get_column(column.key).head(500).to_list()]
    content = max((text_width(s) for s in shown), default=0)
    header = (
        text_width(column.header)
        if (column.group or not grouped)
        else (text_width(column.header) + 1) // 2
    )
    header_need = header if header <= 12 else (header + 1) // 2  # headers wrap onto two lines
    limit = 60 if column.kind == TEXT else 18
    return float(min(max(content, header_need, 6) + 2, limit))


def _scheme_sheet(wb, styles: dict, export: AssessmentExport) -> None:
    ws = wb.add_worksheet(SCHEME_SHEET)
    title = f"{export.scheme_name} 方案说明"
    ncols = max(len(export.scheme.columns), 2)
    _title_rows(ws, styles, title, f"{export.year}年度", ncols)
    row = HEADER_ROW
    for label, value in export.about:
        write_text(ws, styles, row, 0, label, styles["label"])
        write_text(ws, styles, row, 1, value, styles["value"], to=(row, max(ncols - 1, 1)))
        row += 1
    header_row = row + 1 if export.about else row
    _write_table(ws, styles, export.scheme, header_row, _table_widths(export.scheme))
    ws.set_column(
        0,
        0,
        max(_width(export.scheme.columns[0], export.scheme.frame), 16)
        if export.scheme.columns
        else 16,
    )
    header_end = header_row + export.scheme.header_rows - 1
    ws.freeze_panes(header_end + 1, 0)
    print_setup(ws, title, (header_row, header_end), export.office.name)
