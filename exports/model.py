"""The export model shared by the builders: columns, tables, value kinds and display rules.

Invariant: the builders never compute a figure. Every number written comes from the frames in
`AssessmentExport`, which `exports.data.gather` takes from the same query-layer
functions the dashboard pages show, so an export equals the screen for the same selection.
Values are written raw (a rate is in percent, as assess.metrics computes it: 87.5 is shown
"87.5%" by a number *format*), so reading the workbook or CSV back gives the frame's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import polars as pl

from etl.safe_text import xml_text
from exports.office import OfficeSettings

TEXT, INT, DELTA, PERCENT, POINTS, NUMBER, DATE = (
    "text",
    "int",
    "delta",
    "percent",
    "points",
    "number",
    "date",
)
KINDS = (TEXT, INT, DELTA, PERCENT, POINTS, NUMBER, DATE)

SUMMARY_SHEET, DEDUCTIONS_SHEET, QUALITY_SHEET, SCHEME_SHEET = (
    "汇总",
    "扣分明细",
    "数据质量",
    "方案说明",
)
HEADER_ROW = 2  # 0: title, 1: subtitle, 2: column headers, 3…: data

XLSX_FORMATS = {
    INT: "#,##0",
    DELTA: "+0;-0;0",
    PERCENT: '0.0"%"',
    POINTS: "0.00",
    NUMBER: "#,##0.00",
    DATE: "yyyy-mm-dd",
}


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
    section: str | None = (
        None  # frame column that splits the rows into titled sections (peer group)
    )

    def __post_init__(self) -> None:
        missing = [
            k
            for k in [c.key for c in self.columns] + ([self.section] if self.section else [])
            if k not in self.frame.columns
        ]
        if missing:
            raise ValueError(f"columns {missing} are not in the frame {self.frame.columns}")

    def rows(self) -> list[tuple]:
        return self.frame.select([c.key for c in self.columns]).rows()

    def sections(self) -> list[tuple[str | None, list[tuple]]]:
        """(section title or None, rows) in order; one untitled section without `section`."""
        if not self.section:
            return [(None, self.rows())]
        out: list[tuple[str | None, list[tuple]]] = []
        keys = self.frame.get_column(self.section).to_list()
        for key, row in zip(keys, self.rows()):
            title = key or "未分组"
            if not out or out[-1][0] != title:
                out.append((title, []))
            out[-1][1].append(row)
        return [(f"{t}（{len(r)} 家）", r) for t, r in out]

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
    about: tuple[tuple[str, str], ...] = ()  # 方案说明 key/value lines: share, policy, run…
    peer_group: str | None = None
    agencies: dict[str, Table] = field(default_factory=dict)  # optional sheet per agency
    performance_share: float = 0.04
    office: OfficeSettings = field(default_factory=OfficeSettings)
    issued: date = field(default_factory=date.today)
    notes: tuple[
        str, ...
    ] = ()  # 说明 under the table: the office's method notes, then the scheme's
    build: str = ""  # program and parser versions: the file's properties, never its pages

    @property
    def title(self) -> str:
        group = f"（{self.peer_group}）" if self.peer_group else ""
        return f"{self.year}年度政府信息公开工作年度报告考核汇总表{group}"

    @property
    def subtitle(self) -> str:
        share = f"{self.performance_share * 100:g}%"
        return (
            f"考核方案：{self.scheme_name}　政务公开占绩效考核 {share}"
            f"（绩效折算分 = 总分 × {self.performance_share:g}）"
        )

    @property
    def issued_text(self) -> str:
        return f"{self.issued.year}年{self.issued.month}月{self.issued.day}日"

    @property
    def signature_line(self) -> str:
        """制表人：____　审核人：____　负责人：____ (a name from office.toml fills its blank)."""
        return "　　".join(
            f"{label}：{name or '________'}" for label, name in self.office.signatures()
        )

    @property
    def footer_lines(self) -> tuple[str, ...]:
        """What follows the table on a filed sheet: notes, signatures, issuing office and date."""
        notes = [f"{n}. {t}" for n, t in enumerate(self.notes, 1)]
        return (
            *(["说明："] + notes if notes else []),
            "",
            self.signature_line,
            "",
            self.office.name,
            self.issued_text,
        )


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
        return (
            value.isoformat(sep=" ", timespec="minutes")
            if isinstance(value, datetime)
            else value.isoformat()
        )
    if isinstance(value, bool):
        return "是" if value else "否"
    return xml_text(value)  # a control character (in a registry name) is no legal document text
