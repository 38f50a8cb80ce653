"""The 汇总 table as printed, one model for the Word document and the PDF (exports.word,
exports.pdf): which columns are shown (those empty for every unit are left out, and a note
under the table names them), their order, their headers (broken at their natural break point,
two lines at most) and their widths at a font size (exports.column_fit), and the page it is
printed on (Page: paper and font size), decided once here for both.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from exports.column_fit import column_widths, fits, two_line_header
from exports.model import TEXT, Column, Table, display

# Font sizes (pt) tried, the largest at which the table fits wins. Nothing below FLOOR_PT: a
# table printed at 5.5 pt (a province's sheet squeezed onto A4) could not be read once printed;
# a table that does not fit A4 landscape at the floor goes onto A3 landscape, as offices print
# a wide 汇总表.
FLOOR_PT = 7.5
SIZES = (10.5, 9, 8.5, 8, FLOOR_PT)
# Landscape papers (width, height in mm), tried in this order, and the left and right margins
# both documents keep on them, so that they make the same choice for the same table.
PAPERS = (("A4", 297.0, 210.0), ("A3", 420.0, 297.0))
SIDE_MARGIN_MM = 12.0
# What a table gives up, in this order, before a smaller size or a larger paper: first nothing,
# then unit names on one line, then note columns wide enough for a note in NOTE_LINES lines.
_RELAXED = ((False, True), (True, True), (True, False))  # (wrap_names, roomy_notes)


@dataclass(frozen=True)
class Page:
    """The paper the table is printed on (landscape) and its font size there."""

    paper: str  # "A4" or "A3"
    width_mm: float
    height_mm: float
    font_pt: float
    roomy_notes: bool = True  # notes kept to column_fit.NOTE_LINES lines

    @property
    def text_width_mm(self) -> float:
        return self.width_mm - 2 * SIDE_MARGIN_MM


@dataclass(frozen=True)
class PrintedTable:
    columns: tuple[Column, ...]
    sections: tuple[tuple[str | None, tuple[tuple[str, ...], ...]], ...]  # title, display rows
    dropped: tuple[str, ...]  # the names of the columns left out, for the note

    @property
    def headers(self) -> list[str]:
        """Each column's header text, with the line break the page shows."""
        return [two_line_header(c.header) for c in self.columns]

    @property
    def groups(self) -> list[str | None]:
        return [c.group for c in self.columns]

    @property
    def group_headers(self) -> list[str | None]:
        """Each column's group name with its line break (the header row above the columns)."""
        return [two_line_header(g) if g else None for g in self.groups]

    @property
    def header_rows(self) -> int:
        return 2 if any(self.groups) else 1

    def group_runs(self) -> list[tuple[str | None, int, int]]:
        """(group or None, first, last) runs of adjacent columns; a group's name with its line
        break, as the header row above its columns shows it."""
        runs: list[tuple[str | None, int, int]] = []
        for i, group in enumerate(self.groups):
            if group and runs and runs[-1][0] == group and runs[-1][2] == i - 1:
                runs[-1] = (group, runs[-1][1], i)
            else:
                runs.append((group, i, i))
        return [(two_line_header(g) if g else None, a, b) for g, a, b in runs]

    @property
    def numeric(self) -> set[int]:
        return {i for i, c in enumerate(self.columns) if c.kind != TEXT}

    @property
    def rows(self) -> list[tuple[str, ...]]:
        return [r for _, rows in self.sections for r in rows]

    @property
    def note(self) -> str | None:
        return dropped_note(self.dropped)

    def widths(self, page: Page) -> list[float]:
        """Column widths (mm) on `page`, the same for every section (their tables line up)."""
        return column_widths(
            self.headers,
            self.rows,
            width_mm=page.text_width_mm,
            font_pt=page.font_pt,
            groups=self.groups,
            roomy_notes=page.roomy_notes,
        )

    def page(self) -> Page:
        """The paper and font size the table is printed at: the largest of SIZES at which it
        fits A4 landscape with every unit name on one line and its notes on at most
        column_fit.NOTE_LINES lines, else A3 landscape; then the same with names wrapped, then
        with notes narrower. A table too wide for all of that prints on A3 at FLOOR_PT, its
        columns narrowed in proportion, rather than in smaller type."""
        for wrap_names, roomy in _RELAXED:
            for paper, width, height in PAPERS:
                for size in SIZES:
                    if fits(
                        self.headers,
                        self.rows,
                        width_mm=width - 2 * SIDE_MARGIN_MM,
                        font_pt=size,
                        groups=self.groups,
                        wrap_names=wrap_names,
                        roomy_notes=roomy,
                    ):
                        return Page(paper, width, height, size, roomy)
        paper, width, height = PAPERS[-1]
        return Page(paper, width, height, FLOOR_PT, roomy_notes=False)


def printed_table(table: Table) -> PrintedTable:
    """`table` as the Word document and the PDF print it (the workbook's 汇总 sheet shows the
    same columns: without_empty_columns)."""
    shown, dropped = without_empty_columns(table)
    sections = tuple(
        (name, tuple(tuple(display(v, c.kind) for v, c in zip(row, shown.columns)) for row in rows))
        for name, rows in shown.sections()
    )
    return PrintedTable(shown.columns, sections, tuple(dropped))


def dropped_note(dropped) -> str | None:
    """The note under a table naming the columns left out (without_empty_columns), or None."""
    if not dropped:
        return None
    return f"注：{'、'.join(dropped)}各列所有单位均无数据，本表未列出（CSV 文件保留全部列）。"


def without_empty_columns(table: Table) -> tuple[Table, list[str]]:
    """`table` without the columns no row has a value in, and their names for the note under
    the table: a whole group by its name (按时办结率), one column of a group by group·header (总分计算·否决)."""
    if not table.frame.height:  # a table without rows keeps its headers
        return table, []
    empty = {
        c.key
        for c in table.columns
        if not any(display(v, c.kind) for v in table.frame.get_column(c.key).to_list())
    }
    names: list[str] = []
    for group, first, last in table.groups():
        keys = [c.key for c in table.columns[first : last + 1]]
        if group and all(k in empty for k in keys):
            names.append(group)
        else:
            names += [
                table.columns[i].full_header
                for i in range(first, last + 1)
                if keys[i - first] in empty
            ]
    kept = tuple(c for c in table.columns if c.key not in empty)
    return replace(table, columns=kept), names
