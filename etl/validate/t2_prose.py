"""Prose figures of 表二 (std2021: 规章 / 行政规范性文件 本年制发、本年废止、现行有效) against the
table (category text_table_mismatch, place T2).

「清理并集中发布现行有效行政规范性文件393件」 names the table's own quantity in the table's own
words (现行有效, 制发, 废止 + 规章 / 规范性文件), so a different figure in 表二 contradicts it.

Where a crawler glued the row's digits into one run (「行政规范性文件77132470」) and the reader
could not decide the split, the cell is not in the values. The run's order still decides a lot:
本年制发 is its first cell, 现行有效 its last, 本年废止 in between. A prose figure whose digits
cannot stand at that place in the run (393 is no ending of 77132470) differs from the table
however it is split: the report's. One that can is left to the analyst (the reader already
reported the ambiguous split). A figure read from the table with a doubt goes through
reading_doubts like every prose/table comparison.
"""

from __future__ import annotations

import re

from etl.fields import STD2021
from etl.normalize import as_number
from etl.report import Finding, ParsedReport

_DOCUMENT = r"(?P<doc>行政规范性文件|规范性文件|规章)"
_COUNT = r"(?:的)?(?:共计|共|合计|总数为|为|有)?\s*(?P<n>\d+)\s*(?:件|部|个)"
_STATEMENTS = (
    ("in_force", re.compile(rf"现行有效(?:的)?{_DOCUMENT}{_COUNT}")),
    ("issued", re.compile(rf"(?:本年度?|全年|年内)(?:新)?制发(?:的)?{_DOCUMENT}{_COUNT}")),
    ("repealed", re.compile(rf"(?:本年度?|全年|年内)废止(?:的)?{_DOCUMENT}{_COUNT}")),
)
_COLUMN = {"in_force": "现行有效", "issued": "本年制发", "repealed": "本年废止"}
_ROW_NAME = {"rules": "规章", "normative": "行政规范性文件"}


def t2_prose_findings(report: ParsedReport) -> list[Finding]:
    if report.template != STD2021 or not report.prose:
        return []
    out: list[Finding] = []
    seen: set[str] = set()
    for line in report.prose:
        for column, pattern in _STATEMENTS:
            for m in pattern.finditer(line):
                row = "rules" if m.group("doc") == "规章" else "normative"
                key = f"t2.{row}.{column}"
                if key in seen or _about_another_year(line, m, report.year):
                    continue
                finding = _compare(report, key, int(m.group("n")), _quote(line, m))
                if finding is not None:
                    seen.add(key)
                    out.append(finding)
    return out


def _about_another_year(line: str, m: re.Match, year: int | None) -> bool:
    """「截至2022年底，现行有效…」: another year's figure, not this table's."""
    head = line[max(0, m.start() - 30) : m.start()]
    clause = re.split(r"[。；;]", head)[-1]
    return any(int(y) != year for y in re.findall(r"(\d{4})\s*年", clause))


def _quote(line: str, m: re.Match) -> str:
    """The statement from the start of its clause (at most 16 characters before the figure's
    words)."""
    head = line[max(0, m.start() - 16) : m.start()]
    cut = max(head.rfind(p) for p in "，,。；;：:")
    return (head[cut + 1 :] if cut >= 0 else head) + m.group(0)


def _compare(report: ParsedReport, key: str, stated: int, quote: str) -> Finding | None:
    row, column = key.split(".")[1:]
    label = f"表二{_ROW_NAME[row]}“{_COLUMN[column]}”"
    value = report.values.get(key)
    if value is not None:
        if value.source != "table" or value.value == stated:
            return None
        return Finding(
            "text_table.t2_mismatch",
            (key,),
            float(stated),
            value.value,
            f"正文「{quote}」，{label}为 {as_number(value.value)}",
        )
    run = _glued_run(report, row)
    if run is None or _can_stand(run, str(stated), column):
        return None
    return Finding(
        "text_table.t2_mismatch",
        (),
        float(stated),
        None,
        f"正文「{quote}」，而{label}所在行印为连在一起的数字「{run}」，"
        f"无论如何拆分，{_COLUMN[column]}都不可能是 {stated}",
        place="T2",
    )


def _glued_run(report: ParsedReport, row: str) -> str | None:
    """The row's digits as printed in one run (a sibling cell's raw), when the reader split it."""
    for column in _COLUMN:
        v = report.values.get(f"t2.{row}.{column}")
        if v is not None and v.source == "table":
            digits = re.sub(r"\D", "", v.raw)
            if len(digits) > len(str(int(v.value))) and digits.isdigit():
                return digits
    return None


def _can_stand(run: str, figure: str, column: str) -> bool:
    """Whether `figure` can be the cell at `column`'s place in a glued run of the row's three
    cells (first 本年制发, then 本年废止, last 现行有效)."""
    if column == "issued":
        return run.startswith(figure) and len(run) - len(figure) >= 2
    if column == "in_force":
        return run.endswith(figure) and len(run) - len(figure) >= 2
    return figure in run[1:-1]
