"""The assessment workbook (xlsxwriter): 汇总, 扣分明细, 数据质量, 方案说明, per-agency sheets,
A4 landscape print setup. Frames in, bytes out."""

from __future__ import annotations

import io
from datetime import date, datetime

import polars as pl

from etl.safe_text import formula_like, one_line, xml_text
from exports.model import (
    DEDUCTIONS_SHEET,
    HEADER_ROW,
    QUALITY_SHEET,
    SCHEME_SHEET,
    SUMMARY_SHEET,
    TEXT,
    XLSX_FORMATS,
    AssessmentExport,
    Column,
    Table,
    display,
)
from exports.sheet_fit import LINE_HEIGHT, PATH, fit_widths, text_width, wrapped_lines

# Text is only ever written as text: no string becomes a formula or a hyperlink by its first
# characters (agency names, peer groups and report cells come from outside; etl.safe_text).
WORKBOOK_OPTIONS = {
    "in_memory": True,
    "nan_inf_to_errors": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
}
SHEET_NAME_UNITS = 31  # Excel's limit, in UTF-16 code units
QUOTED = "quoted"


def assessment_workbook(export: AssessmentExport, *, per_agency: bool = False) -> bytes:
    """The assessment workbook: 汇总, 扣分明细, 数据质量, 方案说明 (+ one sheet per agency)."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, WORKBOOK_OPTIONS)
    wb.set_properties(
        {"title": one_line(export.title), "subject": one_line(export.subtitle), "author": "gongkai"}
    )
    styles = _styles(wb)
    year = f"{export.year}年度"
    ws, end = _table_sheet(
        wb,
        styles,
        SUMMARY_SHEET,
        export.summary,
        export.title,
        export.subtitle,
        freeze_cols=2,
        office=export.office.name,
    )
    _footer_rows(ws, styles, export, end + 2, len(export.summary.columns))
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


def sheet_name(name: str, used: set[str]) -> str:
    """A legal, unique Excel sheet name: at most 31 UTF-16 units (Excel counts a character
    outside the BMP, such as a rare 𠀀 in a name, as two), none of []:*?/\\ or control
    characters, no apostrophe at either end, not the reserved 「History」, unique ignoring case."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in one_line(name)).strip()
    clean = clean.strip("'").strip() or "单位"
    if clean.lower() == "history":
        clean += "_"
    taken = {u.lower() for u in used}
    candidate, n = _fit(clean, SHEET_NAME_UNITS), 2
    while candidate.lower() in taken:
        suffix = f"({n})"
        candidate, n = _fit(clean, SHEET_NAME_UNITS - len(suffix)) + suffix, n + 1
    return candidate


def _fit(text: str, units: int) -> str:
    """The longest start of `text` of at most `units` UTF-16 units, no apostrophe at its end."""
    out, n = [], 0
    for ch in text:
        n += 2 if ord(ch) > 0xFFFF else 1
        if n > units:
            break
        out.append(ch)
    return "".join(out).rstrip("'").rstrip() or "单位"


def _styles(wb) -> dict:
    """Formats by name, and under QUOTED the same formats with Excel's quote prefix (the cell
    stays text when someone edits it), for text that would otherwise read as a formula."""
    base = {"font_name": "Microsoft YaHei", "font_size": 10, "valign": "vcenter"}
    cell = {**base, "border": 1, "border_color": "#999999"}
    props = {
        "title": {**base, "bold": True, "font_size": 14, "align": "center"},
        "subtitle": {**base, "font_color": "#444444", "align": "center"},
        "header": {
            **cell,
            "bold": True,
            "bg_color": "#DCE6F1",
            "text_wrap": True,
            "align": "center",
        },
        "label": {**cell, "bold": True, "bg_color": "#F2F2F2"},
        "value": {**cell, "text_wrap": True},
        TEXT: {**cell, "text_wrap": True},
        "section": {**cell, "bold": True, "bg_color": "#EEF3F8"},
        "note": {**base, "text_wrap": True, "valign": "top"},
        "note_bold": {**base, "bold": True},
        "sign_right": {**base, "align": "right"},
    }
    for kind, num_format in XLSX_FORMATS.items():
        props[kind] = {**cell, "num_format": num_format}
    styles: dict = {name: wb.add_format(p) for name, p in props.items()}
    styles[QUOTED] = {
        id(styles[name]): wb.add_format({**p, "quote_prefix": True}) for name, p in props.items()
    }
    return styles


def write_text(ws, styles: dict, r: int, c: int, text: object, style, *, to=None) -> None:
    """Text written as a string cell, merged over r..to[0], c..to[1] when `to` is given: never
    a formula or a link, whatever it starts with (xlsxwriter's merge_range and write() would
    make one of 「=HYPERLINK(…)」 or 「http://…」)."""
    text = xml_text(text)
    if formula_like(text):
        style = styles[QUOTED].get(id(style), style)
    if to is not None and (to[0], to[1]) != (r, c):
        ws.merge_range(r, c, to[0], to[1], "", style)
    ws.write_string(r, c, text, style)


def _print_setup(ws, title: str, repeat: tuple[int, int], office: str = "") -> None:
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)  # one page wide, as many tall as needed
    ws.repeat_rows(*repeat)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.set_header(header_footer(left=title, right=office, size=8))
    ws.set_footer('&C第 &P 页，共 &N 页&R&8&"-,Regular"&A')  # &A: the sheet's name


def hf_text(text: str, size: int | None = None) -> str:
    """Text for an Excel page header/footer section: '&' doubled (Excel reads &x as a code), and
    after a font size code a font code, so a leading digit ("2025年度…") is not read as part of
    the size (&82025 would be size 82025 and lose the year)."""
    escaped = one_line(text).replace("&", "&&")
    return (f'&{size}&"-,Regular"' if size else "") + escaped


def header_footer(
    *, left: str = "", center: str = "", right: str = "", size: int | None = None
) -> str:
    """A header/footer string with &L / &C / &R sections of plain text (empty ones left out)."""
    return "".join(
        code + hf_text(text, size)
        for code, text in (("&L", left), ("&C", center), ("&R", right))
        if text
    )


def _title_rows(ws, styles: dict, title: str, subtitle: str, ncols: int) -> None:
    ws.set_row(0, 24)
    for row, text, style in ((0, title, "title"), (1, subtitle, "subtitle")):
        write_text(ws, styles, row, 0, text, styles[style], to=(row, ncols - 1))


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
):
    ws = wb.add_worksheet(name)
    ncols = max(len(table.columns), 1)
    _title_rows(ws, styles, title, subtitle, ncols)
    end = _write_table(ws, styles, table, first_row)
    header_end = first_row + table.header_rows - 1
    ws.freeze_panes(header_end + 1, freeze_cols)
    if table.frame.height and not table.section:  # section headings would be filtered as data
        ws.autofilter(header_end, 0, end, ncols - 1)
    _print_setup(ws, title, (0, header_end), office)
    return ws, end


def _footer_rows(ws, styles, export: AssessmentExport, row: int, ncols: int) -> None:
    """说明, the signature line, the issuing office and date under the 汇总 table."""
    last = max(ncols - 1, 1)
    for text in export.footer_lines:
        if text:
            right = text in (export.office.name, export.issued_text)
            style = styles["sign_right" if right else ("note_bold" if text == "说明：" else "note")]
            write_text(ws, styles, row, 0, text, style, to=(row, last))
            if not right and text != "说明：" and text != export.signature_line:
                ws.set_row(row, 15 * max(1, -(-text_width(text) // max(12 * ncols, 60))))
        row += 1


def _write_table(ws, styles: dict, table: Table, first_row: int) -> int:
    """Header row(s) from `first_row` (two when columns are grouped), data below; last row written."""
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
    widths = fit_widths(
        [column.width or _width(column, table.frame, two) for column in table.columns],
        [column.kind == TEXT for column in table.columns],
    )
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    data_row = first_row + table.header_rows
    r = data_row
    for title, rows in table.sections():
        if title is not None:  # a peer group's heading row; its ranks start at 1 below it
            last = max(len(table.columns) - 1, 0)
            write_text(ws, styles, r, 0, title, styles["section"], to=(r, last))
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
    _write_table(ws, styles, export.scheme, header_row)
    ws.set_column(
        0,
        0,
        max(_width(export.scheme.columns[0], export.scheme.frame), 16)
        if export.scheme.columns
        else 16,
    )
    header_end = header_row + export.scheme.header_rows - 1
    ws.freeze_panes(header_end + 1, 0)
    _print_setup(ws, title, (header_row, header_end), export.office.name)
