"""The 汇总 table as printed, one model for the Word document and the PDF (exports.word,
exports.pdf): which columns are shown (those empty for every unit are left out, and a note
under the table names them), their order, their headers (broken at their natural break point,
two lines at most) and their widths at a font size (exports.column_fit), and the largest font
size at which the table fits the page with every unit name on one line.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from exports.column_fit import column_widths, fits, two_line_header
from exports.model import TEXT, Column, Table, display

# Font sizes (pt) tried, the largest at which the table fits wins: a province's sheet with every
# indicator and unit names of a dozen characters on one line needs the small ones on A4.
SIZES = (10.5, 9, 8.5, 8, 7.5, 7, 6.5, 6, 5.5)


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
        if not self.dropped:
            return None
        names = "、".join(self.dropped)
        return f"注：{names}各列所有单位均无数据，本表未列出（Excel 工作簿保留全部列）。"

    def widths(self, width_mm: float, font_pt: float) -> list[float]:
        """Column widths (mm) at `font_pt`, the same for every section (their tables line up)."""
        return column_widths(
            self.headers, self.rows, width_mm=width_mm, font_pt=font_pt, groups=self.groups
        )

    def font_size(self, width_mm: float) -> float | None:
        """The largest of SIZES at which the table fits `width_mm` with every unit name on one
        line, else the largest at which it fits with names wrapped (column_fit.fits), or None."""
        for wrap_names in (False, True):
            for size in SIZES:
                if fits(
                    self.headers,
                    self.rows,
                    width_mm=width_mm,
                    font_pt=size,
                    groups=self.groups,
                    wrap_names=wrap_names,
                ):
                    return size
        return None


def printed_table(table: Table) -> PrintedTable:
    """`table` as the Word document and the PDF print it."""
    shown, dropped = without_empty_columns(table)
    sections = tuple(
        (name, tuple(tuple(display(v, c.kind) for v, c in zip(row, shown.columns)) for row in rows))
        for name, rows in shown.sections()
    )
    return PrintedTable(shown.columns, sections, tuple(dropped))


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
