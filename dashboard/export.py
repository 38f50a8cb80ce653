"""Printable assessment sheets: pure builders, frames in, bytes out (no streamlit, no database).

Invariant: the builders never compute a figure. Every number written comes from the frames in
`AssessmentExport`, which `dashboard.export_data.gather` takes from the same query-layer
functions the dashboard pages show, so an export equals the screen for the same selection.
Values are written raw (a rate is in percent, as assess.metrics computes it: 87.5 is shown
"87.5%" by a number *format*), so reading the workbook or CSV back gives the frame's numbers.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import polars as pl

TEXT, INT, DELTA, PERCENT, POINTS, NUMBER, DATE = "text", "int", "delta", "percent", "points", "number", "date"
KINDS = (TEXT, INT, DELTA, PERCENT, POINTS, NUMBER, DATE)

SUMMARY_SHEET, DEDUCTIONS_SHEET, QUALITY_SHEET, SCHEME_SHEET = "汇总", "扣分明细", "数据质量", "方案说明"
HEADER_ROW = 2  # 0: title, 1: subtitle, 2: column headers, 3…: data

XLSX_FORMATS = {INT: "0", DELTA: "+0;-0;0", PERCENT: '0.0"%"', POINTS: "0.00", NUMBER: "#,##0.00", DATE: "yyyy-mm-dd"}


@dataclass(frozen=True)
class Column:
    """One exported column: the frame column `key`, its Chinese header and how to format it."""

    key: str
    header: str
    kind: str = TEXT
    width: float | None = None  # Excel character units; None: from the content
    group: str | None = None  # a header spanning adjacent columns, e.g. 办结率 over 数值 | 得分

    @property
    def full_header(self) -> str:
        return f"{self.group}·{self.header}" if self.group else self.header

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.key!r}: unknown kind {self.kind!r}; use one of {KINDS}")


@dataclass(frozen=True)
class Table:
    """A frame plus the columns (in order) to show from it."""

    frame: pl.DataFrame
    columns: tuple[Column, ...]

    def __post_init__(self) -> None:
        missing = [c.key for c in self.columns if c.key not in self.frame.columns]
        if missing:
            raise ValueError(f"columns {missing} are not in the frame {self.frame.columns}")

    def rows(self) -> list[tuple]:
        return self.frame.select([c.key for c in self.columns]).rows()

    @property
    def headers(self) -> list[str]:
        """One flat header per column (CSV): 'group·header' for grouped columns."""
        return [c.full_header for c in self.columns]

    @property
    def header_rows(self) -> int:
        return 2 if any(c.group for c in self.columns) else 1

    def groups(self) -> list[tuple[str | None, int, int]]:
        """(group or None, first column, last column) runs of adjacent columns in one group."""
        runs: list[tuple[str | None, int, int]] = []
        for i, column in enumerate(self.columns):
            if column.group and runs and runs[-1][0] == column.group and runs[-1][2] == i - 1:
                runs[-1] = (column.group, runs[-1][1], i)
            else:
                runs.append((column.group, i, i))
        return runs


@dataclass(frozen=True)
class AssessmentExport:
    """Everything one assessment export shows, already computed by the query layer."""

    year: int
    scheme_name: str
    summary: Table  # 汇总: one row per agency
    deductions: Table  # 扣分明细: one row per deduction, with reason and source
    quality: Table  # 数据质量: findings per agency
    scheme: Table  # 方案说明: indicators, weights, rules
    about: tuple[tuple[str, str], ...] = ()  # 方案说明 key/value lines: share, policy, db, run…
    peer_group: str | None = None
    agencies: dict[str, Table] = field(default_factory=dict)  # optional sheet per agency

    @property
    def title(self) -> str:
        group = f"（{self.peer_group}）" if self.peer_group else ""
        return f"{self.year}年度政府信息公开工作年度报告考核汇总表{group}"

    @property
    def subtitle(self) -> str:
        return f"考核方案：{self.scheme_name}"


def display(value: object, kind: str) -> str:
    """The text a printed sheet shows for a cell (PDF); None is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    if kind == INT and isinstance(value, (int, float)):
        return f"{int(round(value))}"
    if kind == DELTA and isinstance(value, (int, float)):
        return f"{int(round(value)):+d}" if round(value) else "0"
    if kind == PERCENT and isinstance(value, (int, float)):
        return f"{value:.1f}%"
    if kind == POINTS and isinstance(value, (int, float)):
        return f"{value:.2f}"
    if kind == NUMBER and isinstance(value, (int, float)):
        return f"{value:,.2f}"
    if isinstance(value, (date, datetime)):
        return value.isoformat(sep=" ", timespec="minutes") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


# ---------------------------------------------------------------- CSV


def summary_csv(export: AssessmentExport) -> bytes:
    """The 汇总 table as CSV, UTF-8 with BOM so Excel on Windows reads the Chinese."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(export.summary.headers)
    for row in export.summary.rows():
        writer.writerow(["" if v is None else _csv_value(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")


def _csv_value(value: object) -> object:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return repr(value)  # shortest round-trip text: reading back gives the same float
    return value


# ---------------------------------------------------------------- Excel


def assessment_workbook(export: AssessmentExport, *, per_agency: bool = False) -> bytes:
    """The assessment workbook: 汇总, 扣分明细, 数据质量, 方案说明 (+ one sheet per agency)."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "nan_inf_to_errors": True})
    wb.set_properties({"title": export.title, "subject": export.subtitle, "author": "gongkai"})
    styles = _styles(wb)
    year = f"{export.year}年度"
    _table_sheet(wb, styles, SUMMARY_SHEET, export.summary, export.title, export.subtitle, freeze_cols=2)
    _table_sheet(wb, styles, DEDUCTIONS_SHEET, export.deductions, f"{year}扣分明细", export.subtitle)
    _table_sheet(wb, styles, QUALITY_SHEET, export.quality, f"{year}年报数据质量问题", export.subtitle)
    _scheme_sheet(wb, styles, export)
    if per_agency:
        used = {SUMMARY_SHEET, DEDUCTIONS_SHEET, QUALITY_SHEET, SCHEME_SHEET}
        for name, table in export.agencies.items():
            sheet = sheet_name(name, used)
            used.add(sheet)
            _table_sheet(wb, styles, sheet, table, f"{name} {year}考核明细", export.subtitle)
    wb.close()
    return buf.getvalue()


def sheet_name(name: str, used: set[str]) -> str:
    """A legal, unique Excel sheet name (≤31 characters, none of []:*?/\\)."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'") or "单位"
    candidate, n = clean[:31], 2
    while candidate in used:
        suffix = f"({n})"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    return candidate


def _styles(wb) -> dict:
    base = {"font_name": "Microsoft YaHei", "font_size": 10, "valign": "vcenter"}
    cell = {**base, "border": 1, "border_color": "#999999"}
    styles = {
        "title": wb.add_format({**base, "bold": True, "font_size": 14, "align": "center"}),
        "subtitle": wb.add_format({**base, "font_color": "#444444", "align": "center"}),
        "header": wb.add_format({**cell, "bold": True, "bg_color": "#DCE6F1", "text_wrap": True, "align": "center"}),
        "label": wb.add_format({**cell, "bold": True, "bg_color": "#F2F2F2"}),
        "value": wb.add_format({**cell, "text_wrap": True}),
        TEXT: wb.add_format({**cell, "text_wrap": True}),
    }
    for kind, num_format in XLSX_FORMATS.items():
        styles[kind] = wb.add_format({**cell, "num_format": num_format})
    return styles


def _print_setup(ws, title: str, repeat: tuple[int, int]) -> None:
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)  # one page wide, as many tall as needed
    ws.repeat_rows(*repeat)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.set_header(f"&L&8{_escape_hf(title)}")
    ws.set_footer("&C第 &P 页，共 &N 页&R&8&A")


def _escape_hf(text: str) -> str:
    return text.replace("&", "&&")


def _title_rows(ws, styles: dict, title: str, subtitle: str, ncols: int) -> None:
    ws.set_row(0, 24)
    for row, text, style in ((0, title, "title"), (1, subtitle, "subtitle")):
        if ncols > 1:
            ws.merge_range(row, 0, row, ncols - 1, text, styles[style])
        else:
            ws.write_string(row, 0, text, styles[style])


def _table_sheet(wb, styles, name, table: Table, title, subtitle, *, freeze_cols=0, first_row=HEADER_ROW):
    ws = wb.add_worksheet(name)
    ncols = max(len(table.columns), 1)
    _title_rows(ws, styles, title, subtitle, ncols)
    end = _write_table(ws, styles, table, first_row)
    header_end = first_row + table.header_rows - 1
    ws.freeze_panes(header_end + 1, freeze_cols)
    if table.frame.height:
        ws.autofilter(header_end, 0, end, ncols - 1)
    _print_setup(ws, title, (0, header_end))
    return ws


def _write_table(ws, styles: dict, table: Table, first_row: int) -> int:
    """Header row(s) from `first_row` (two when columns are grouped), data below; last row written."""
    header_style = styles["header"]
    two = table.header_rows == 2
    for group, first, last in table.groups():
        if group is None:
            for c in range(first, last + 1):
                header = table.columns[c].header
                if two:
                    ws.merge_range(first_row, c, first_row + 1, c, header, header_style)
                else:
                    ws.write_string(first_row, c, header, header_style)
        else:
            if last > first:
                ws.merge_range(first_row, first, first_row, last, group, header_style)
            else:
                ws.write_string(first_row, first, group, header_style)
            for c in range(first, last + 1):
                ws.write_string(first_row + 1, c, table.columns[c].header, header_style)
    ws.set_row(first_row, 30)
    for c, column in enumerate(table.columns):
        ws.set_column(c, c, column.width or _width(column, table.frame, two))
    data_row = first_row + table.header_rows
    rows = table.rows()
    for r, values in enumerate(rows, start=data_row):
        for c, (column, value) in enumerate(zip(table.columns, values)):
            _write_cell(ws, r, c, value, styles[column.kind])
    if not rows:
        ws.write_string(data_row, 0, "（无）", styles[TEXT])
        return data_row
    return data_row + len(rows) - 1


def _write_cell(ws, r: int, c: int, value: object, style) -> None:
    if value is None or (isinstance(value, float) and value != value):
        ws.write_blank(r, c, None, style)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, style)
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value, style)
    elif isinstance(value, (date, datetime)):
        ws.write_datetime(r, c, value, style)
    else:
        ws.write_string(r, c, str(value), style)


def text_width(text: str) -> int:
    """Display width in Excel character units: CJK and full-width characters count two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _width(column: Column, frame: pl.DataFrame, grouped: bool = False) -> float:
    shown = [display(v, column.kind) for v in frame.get_column(column.key).head(500).to_list()]
    content = max((text_width(s) for s in shown), default=0)
    header = text_width(column.header) if (column.group or not grouped) else (text_width(column.header) + 1) // 2
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
        ws.write_string(row, 0, label, styles["label"])
        if ncols > 2:
            ws.merge_range(row, 1, row, ncols - 1, str(value), styles["value"])
        else:
            ws.write_string(row, 1, str(value), styles["value"])
        row += 1
    header_row = row + 1 if export.about else row
    _write_table(ws, styles, export.scheme, header_row)
    ws.set_column(0, 0, max(_width(export.scheme.columns[0], export.scheme.frame), 16) if export.scheme.columns else 16)
    header_end = header_row + export.scheme.header_rows - 1
    ws.freeze_panes(header_end + 1, 0)
    _print_setup(ws, title, (header_row, header_end))


# ---------------------------------------------------------------- PDF


class MissingFontError(RuntimeError):
    """No CJK font file was found for the PDF."""


@dataclass(frozen=True)
class FontFile:
    path: Path
    index: int = 0  # face number inside a .ttc/.otc collection


FONT_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
)
FONT_FILES = {"": ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansSC-Regular.otf",
                   "NotoSerifCJK-Regular.ttc", "NotoSansCJK-Regular.otc"),
              "B": ("NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold.otf", "NotoSansSC-Bold.otf",
                    "NotoSerifCJK-Bold.ttc", "NotoSansCJK-Bold.otc")}


def cjk_fonts(dirs: tuple[Path, ...] | None = None) -> dict[str, FontFile]:
    """Regular and bold CJK font files ('' and 'B'); bold falls back to regular.

    Debian's fonts-noto-cjk ships only .ttc collections; fpdf2 (≥2.8) reads them given the face
    number, so the Simplified Chinese face is picked by name rather than assuming an index.
    GONGKAI_CJK_FONT overrides the regular face with any .ttf/.otf/.ttc file.
    """
    override = os.environ.get("GONGKAI_CJK_FONT")
    dirs = FONT_DIRS if dirs is None else dirs
    found: dict[str, FontFile] = {}
    for style, names in FONT_FILES.items():
        for name in names:
            hit = next((d / name for d in dirs if (d / name).is_file()), None)
            if hit:
                found[style] = FontFile(hit, _sc_face(str(hit)))
                break
    if override:
        found[""] = FontFile(Path(override), _sc_face(override))
    if "" not in found:
        raise MissingFontError(
            "no CJK font found for the PDF export (looked for Noto Sans CJK in "
            + ", ".join(str(d) for d in dirs)
            + "). Install the Debian package fonts-noto-cjk (apt-get install fonts-noto-cjk), "
            "or set GONGKAI_CJK_FONT to a .ttf/.otf/.ttc file with Chinese glyphs."
        )
    found.setdefault("B", found[""])
    return found


@lru_cache(maxsize=16)
def _sc_face(path: str) -> int:
    """The face number of the Simplified Chinese face in a collection (0 for a single font)."""
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    from fontTools.ttLib import TTCollection

    with TTCollection(path, lazy=True) as collection:
        names = [f["name"].getDebugName(1) or "" for f in collection.fonts]
    for wanted in (" SC", "SC", "CN"):
        for i, n in enumerate(names):
            if n.endswith(wanted) and "Mono" not in n:
                return i
    return 0


PDF_MARGIN = 10.0  # mm
PDF_SIZES = (9.0, 8.5, 8.0, 7.5, 7.0, 6.5, 6.0, 5.5)  # font sizes tried, largest that fits wins
PDF_PAD = 0.7  # mm of horizontal padding on each side of a cell
PDF_TEXT_MAX = 42.0  # mm: longer text columns wrap
PDF_TEXT_MIN = 6  # characters a text column keeps when the table is too wide


def summary_pdf(export: AssessmentExport, *, fonts: dict[str, FontFile] | None = None) -> bytes:
    """The 汇总 table as a landscape A4 PDF, CJK font embedded, header rows repeated on each page.

    The font size is the largest of PDF_SIZES at which the table fits the page width; a table
    too wide even at the smallest size goes onto A3 landscape rather than becoming unreadable.
    """
    from fpdf import FPDF, FontFace
    from fpdf.enums import WrapMode

    fonts = fonts or cjk_fonts()
    table = export.summary
    texts = [[display(v, c.kind) for v, c in zip(row, table.columns)] for row in table.rows()]
    footer_left = f"{export.title}  ·  {export.subtitle}"

    class SheetPDF(FPDF):
        def footer(self) -> None:
            self.set_y(-8)
            self.set_font("cjk", size=7)
            self.set_text_color(90)
            self.cell(0, 4, footer_left, align="L")
            self.set_x(self.l_margin)
            self.cell(0, 4, f"第 {self.page_no()} 页，共 {{nb}} 页", align="R")

    for paper in ("A4", "A3"):
        pdf = SheetPDF(orientation="L", unit="mm", format=paper)
        for style, font in fonts.items():
            pdf.add_font("cjk", style, str(font.path), collection_font_number=font.index)
        pdf.set_margins(PDF_MARGIN, PDF_MARGIN, PDF_MARGIN)
        fit = _fit_columns(pdf, table, texts)
        if fit:
            break
    size, widths = fit or (PDF_SIZES[-1], _squeezed(pdf, table, texts))
    pdf.set_title(export.title)
    pdf.set_creator("gongkai")
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font("cjk", "B", 14)
    pdf.cell(0, 8, export.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", "", 9)
    pdf.cell(0, 6, export.subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("cjk", "", size)
    aligns = tuple("L" if c.kind == TEXT else "R" for c in table.columns)
    heading = FontFace(emphasis="BOLD", fill_color=(220, 230, 241), size_pt=size)
    nheads = table.header_rows
    with pdf.table(col_widths=widths, width=min(sum(widths), pdf.epw), text_align=aligns,
                   wrapmode=WrapMode.CHAR, headings_style=heading, line_height=size * 0.45,
                   num_heading_rows=nheads, repeat_headings=1, padding=(0.8, PDF_PAD),
                   cell_fill_color=(246, 246, 246), cell_fill_mode="ROWS") as t:
        _pdf_headings(t, table)
        for row in texts or [["（无）"] + [""] * (len(table.columns) - 1)]:
            cells = t.row()
            for text in row:
                cells.cell(text)
    return bytes(pdf.output())


def _pdf_headings(t, table: Table) -> None:
    top = t.row()
    for group, first, last in table.groups():
        if group is None:
            for c in range(first, last + 1):
                top.cell(table.columns[c].header, align="C", rowspan=table.header_rows)
        else:
            top.cell(group, align="C", colspan=last - first + 1)
    if table.header_rows == 2:
        sub = t.row()
        for column in table.columns:
            if column.group:
                sub.cell(column.header, align="C")


def _natural_widths(pdf, table: Table, texts: list[list[str]], size: float) -> list[float]:
    """Column widths (mm) at `size`: content on one line, long headers wrapped."""
    pdf.set_font("cjk", "", size)
    pad = 2 * PDF_PAD + 0.6
    char = pdf.get_string_width("国") * 1.1
    widths = []
    for i, column in enumerate(table.columns):
        content = max((pdf.get_string_width(r[i]) for r in texts), default=0.0)
        if column.kind == TEXT:
            content = min(content, PDF_TEXT_MAX)
        header = pdf.get_string_width(column.header) * 1.1  # bold is wider
        lines = 1 if header <= 4 * char else (2 if column.group else 3)
        widths.append(max(content + pad, header / lines + pad, 2 * char + pad))
    for group, first, last in table.groups():  # a group header may wrap onto two lines
        if group:
            need = pdf.get_string_width(group) * 1.1 / 2 + pad
            have = sum(widths[first:last + 1])
            if have < need:
                for c in range(first, last + 1):
                    widths[c] += (need - have) / (last - first + 1)
    return widths


def _fit_columns(pdf, table: Table, texts: list[list[str]]) -> tuple[float, list[float]] | None:
    """The largest font size of PDF_SIZES (and widths) at which the table fits, else None.

    Number columns keep their one-line width; text columns (names, notes) give up width in
    proportion, down to PDF_TEXT_MIN characters, and wrap: long text costs a line, not the font.
    """
    for size in PDF_SIZES:
        widths = _natural_widths(pdf, table, texts, size)
        over = sum(widths) - pdf.epw
        if over <= 0:
            return size, widths
        floor = pdf.get_string_width("国") * 1.1 * PDF_TEXT_MIN + 2 * PDF_PAD + 0.6
        room = [max(w - floor, 0.0) if c.kind == TEXT else 0.0 for w, c in zip(widths, table.columns)]
        if sum(room) >= over:
            return size, [w - over * r / sum(room) for w, r in zip(widths, room)]
    return None


def _squeezed(pdf, table: Table, texts: list[list[str]]) -> list[float]:
    """Widths scaled down to the page, never below two characters (fpdf2 loops on narrower)."""
    widths = _natural_widths(pdf, table, texts, PDF_SIZES[-1])
    floor = pdf.get_string_width("国国") * 1.1 + 2 * PDF_PAD + 0.6
    scale = pdf.epw / sum(widths)
    squeezed = [max(w * scale, floor) for w in widths]
    extra = sum(squeezed) - pdf.epw
    if extra > 0:  # take the overflow from the columns above the floor
        room = [w - floor for w in squeezed]
        total = sum(room) or 1.0
        squeezed = [w - extra * r / total for w, r in zip(squeezed, room)]
    return squeezed
