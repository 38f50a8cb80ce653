"""The legacy 政府信息公开情况统计表 (reports on 2008–2018); its identities are etl.identities_legacy.

The table reaches us in four shapes, all read by one scanner:

* a real table (HTML/DOCX/XLSX/Markdown): table-row blocks, cells = label | unit | value [| cumulative];
* a one-cell-per-line dump (label, unit and value each on its own line ending in " |");
* a PDF text layer: label, unit and number(s) on one line, separated by spaces;
* crawler text with the whole table flattened into one run: "主动公开文件数条294981916其中:1、…",
  where this year's number and the cumulative one are glued together and the next row's
  item number ("2、") may be glued on as well.

The document is turned into one *stream*: cells joined by "|", blocks by "\\n", white space
dropped except between two digits (kept as "|", so "2949 81916" stays two numbers). Row labels
are found with a synonym list per key (labels differ between provinces), overlapping matches
go to the longest, and the number right after a label (past an optional parenthetical and
unit) is the value. Where the same label serves two rows (其他情形数, 尚未审结, 依法纠错) the
section it sits in (行政复议 / 行政诉讼) decides.

Prose statements (etl.parse.prose) fill keys the table does not carry, and are the only source
when there is no table; they also corroborate how a glued digit run is split.

Here: the report-level assembly (the table's values, where each was printed, the reader's
doubts, prose beside them). The row labels are etl.parse.legacy_labels, the reading of rows
etl.parse.legacy_table, the split of glued runs etl.parse.legacy_glued.
"""

from __future__ import annotations

import re

from etl.document import RawDocument
from etl.fields import FIELDS
from etl.numerals import yuan_to_wan
from etl.parse.legacy_glued import Split, split_runs, splits_of_two
from etl.parse.legacy_labels import MONEY_NAMES, LabelMatch
from etl.parse.legacy_table import (
    Reading,
    Stream,
    build_stream,
    has_table_marker_after,
    line_of,
    read_labels,
)
from etl.report import Finding, ParsedReport, Value


def _table_values(
    doc: RawDocument, prose: dict[str, Value], meta: dict | None = None
) -> tuple[dict[str, Value], list[Finding], dict[str, str]]:
    """The 统计表's values, the reader's findings and the cells it is unsure of (key -> why);
    into `meta`: the 累计 figures, the cells the reader is unsure of, and whether the channels
    are printed as the breakdown of 主动公开 (etl.parse.legacy_layout)."""
    from etl.parse.legacy_layout import channels_are_breakdown

    meta = {} if meta is None else meta
    stream = build_stream(doc)
    text = stream.text
    region = has_table_marker_after(text)
    two_columns = bool(region is not None and re.search(r"累计", text[region : region + 200]))
    findings: list[Finding] = []
    read = read_labels(doc, stream, region, two_columns)
    split = split_runs(read, prose, findings) if two_columns else Split()
    cumulative = {key: r.cumulative for key, _, _, r in read if r.cumulative is not None}
    cumulative.update(split.cumulative)
    if split.unsure:
        meta["reader_unsure"] = sorted(split.unsure)
    glued = {key: r.run for key, _, _, r in read if r.two_cells}
    if glued:  # (本年, 累计) printed as one run: the prose check reads what a run can hold
        meta["legacy_glued_runs"] = glued
    if channels_are_breakdown(text, [(key, m.start, r.end) for key, _, m, r in read]):
        meta["legacy_breakdowns"] = ["legacy.proactive_channels"]
    values: dict[str, Value] = {}
    doubts: dict[str, str] = {}  # key -> why its reading is unsure (etl.validate.reading_doubts)
    for key, target, m, reading in read:
        value = split.this_year.get(key, reading.value)
        if value is None:
            continue
        values[key], doubt = _table_value(
            doc, stream, (key, target, m, reading), value, cumulative, split.unsure
        )
        if doubt:
            doubts[key] = doubt
    return values, findings, doubts


def _table_value(
    doc: RawDocument,
    stream: Stream,
    label_read: tuple[str, str, LabelMatch, Reading],
    value: float,
    cumulative: dict[str, float],
    unsure: set[str],
) -> tuple[Value, str | None]:
    """One row's Value (money in 万元, where it was printed, its 累计 figure) and, when the
    reading is unsure, why (etl.validate.reading_doubts)."""
    key, target, m, reading = label_read
    text = stream.text
    unit = reading.unit
    if target in MONEY_NAMES:
        label = text[m.start : reading.start]
        if unit is None:
            unit = "元" if re.search(r"[(（]元[)）]", label) else "万元"
        value = yuan_to_wan(value, unit)
    bi, ci = stream.owner[m.start]
    nbi, nci = stream.owner[min(reading.start, len(stream.owner) - 1)]
    block = doc.blocks[nbi]
    loc = block.loc.as_dict()
    if block.loc.offset is not None:
        loc["offset"] = block.loc.offset + nci
    if key in cumulative and not reading.blank and target not in MONEY_NAMES:
        loc["cumulative"] = cumulative[key]  # the row's 累计 figure, for the year chain
        if key in unsure:
            loc["unsure"] = True  # split without meeting every identity
    raw_label = line_of(doc.blocks[bi])
    raw = (
        text[m.start : reading.end]
        if bi == nbi
        else f"{raw_label} … {text[reading.start : reading.end]}"
    )
    if reading.run:
        raw = text[m.start : reading.end]
    doubt = None
    if reading.run and splits_of_two(reading.run) > 1:  # "00" can only be 0 | 0
        doubt = f"统计表「{FIELDS[key].label}」的数字与其他数字连在一起印刷（“{reading.run}”），是拆开读的"
    elif bi != nbi and not block.is_table_row and _text_between(doc, bi, nbi):
        doubt = (
            f"统计表「{FIELDS[key].label}」的数字不在其行名所在的行，是按位置对应的"
            f"（“{raw_label[:20]} … {text[reading.start : reading.end]}”）"
        )
    value = Value(
        key, float(value), raw.replace("\n", " | "), loc, blank=reading.blank, source="table"
    )
    return value, doubt


_FILLER = re.compile(r"[|\s:：]|条|件|个|人|次|项|万元|元")


def _text_between(doc: RawDocument, first: int, last: int) -> bool:
    """Something other than separators and units printed between a label and its number: the
    number was paired with the label by position across other text."""
    return any(_FILLER.sub("", doc.blocks[i].text) for i in range(first + 1, last))


MIN_TABLE_ROWS = 3  # fewer label-number pairs than this is not a 统计表


def parse_legacy(doc: RawDocument, report: ParsedReport) -> None:
    """Read the legacy 统计表 (any of its shapes) and prose statements into `report`."""
    from etl.parse.prose import prose_values

    prose = prose_values(doc)
    meta: dict = {}
    table, findings, doubts = _table_values(doc, prose, meta)
    if len(table) < MIN_TABLE_ROWS:
        table, findings, doubts, meta = {}, [], {}, {}
    report.meta.update(meta)
    glued = meta.get("legacy_glued_runs") or {}
    stated = {k: v for k, v in prose.items() if (k in table or k in glued) and v.source == "prose"}
    if stated:  # what the prose states beside the table's figure (or a run the reader could
        # not split): compared in etl.validate.legacy_prose
        report.meta["legacy_prose"] = {
            k: {"value": v.value, "raw": v.raw} for k, v in stated.items()
        }
    for v in table.values():
        report.add(v)
        if v.key in doubts:
            report.doubt(v.key, doubts[v.key])
    for key, v in prose.items():
        if key not in report.values:
            report.add(v)
    report.findings.extend(findings)
    report.meta.setdefault("legacy_table_rows", len(table))
