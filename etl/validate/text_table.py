"""Figures stated in the prose against the tables (std2019/std2021).

The prose's figures are read by structure (etl/validate/prose_figures.py). Each that names one
表三 or 表四 figure is compared with the table:

* text_table.mismatch (text_table_mismatch, T3): a request, outcome or carry-over figure differs
  from 表三. A request count may be the new requests or new + carried-in (an accepted
  convention); "办理申请 N 件" may also be the completed total.
* text_table.scope_note (text_table_mismatch, T3): the figure differs and the sentence is about
  the office itself (本机关, 区政府办) in a government's report whose 表三 covers the region, and
  the report never says so (no 「表中数据为全区汇总」, no region-wide figure that agrees with the
  table). An explained switch is nothing. In a department's report, a sentence about the whole
  region (全县, 各部门) is another quantity than its table: nothing.
* text_table.review_suit (review_suit_inconsistent, T4): a 行政复议 / 行政诉讼 count differs from
  表四's totals.
* text_table.blank_total (table_blank, T3): the prose states a figure whose 表三 row is printed
  blank: the blank cells are the problem (the inspector's table_blank), not the prose. A blank
  总计 beside filled applicant cells may be a displaced cell: the reader's (需人工核对).

A table value the comparison needs that the reader was unsure of (OCR, a glued digit run, a row
with a reader finding) makes the finding the reader's (需人工核对), never the report's.
"""

from __future__ import annotations

import re

from etl.fields import STD_TEMPLATES, T3_ROWS, t3_key, t4_key
from etl.normalize import as_number
from etl.report import Finding, ParsedReport, Value
from etl.validate.glued_totals import no_reading_gives
from etl.validate.prose_figures import (
    Figure,
    figures,
    scope_explained,
    scope_of,
    sentences,
    speaks_for_region,
)
from etl.validate.quality_settings import quality_settings

LABELS = {
    "carried_in": "上年结转",
    "carried_out": "结转下年度",
    "granted": "予以公开",
    "partial": "部分公开",
    "denied": "不予公开",
    "unable": "无法提供",
    "rejected": "不予处理",
    "other": "其他处理",
    "review": "行政复议总计",
    "suits": "行政诉讼总计",
    "requests": "本年新收",
    "handled": "本年新收",
    "processed": "办理结果总计",
}
_T4 = ("review", "suits")
_DISCLOSURE = re.compile(r"信息公开|依申请|公开申请")


def _printed(report: ParsedReport, key: str) -> Value | None:
    v = report.values.get(key)
    return v if v is not None and not v.blank else None


def row_total(report: ParsedReport, row: str) -> tuple[float, list[str]] | None:
    """表三 row total as printed, or the sum of its sub-rows' totals."""
    key = t3_key(row, "total")
    if v := _printed(report, key):
        return v.value, [key]
    keys = [
        t3_key(r, "total")
        for r, _, tpl in T3_ROWS
        if r.startswith(row + ".") and report.template in tpl
    ]
    if key not in report.values and keys and all(_printed(report, k) for k in keys):
        return sum(report.values[k].value for k in keys), keys
    return None


def table_candidates(report: ParsedReport, what: str) -> list[tuple[float, list[str]]]:
    """What the tables say for `what`, every reading the prose may mean."""
    if what == "review":
        key = t4_key("review", "total")
        return [(report.values[key].value, [key])] if _printed(report, key) else []
    if what == "suits":
        keys = [t4_key(g, "total") for g in ("suit_direct", "suit_after_review")]
        if all(_printed(report, k) for k in keys):
            return [(sum(report.values[k].value for k in keys), keys)]
        return []
    if what in ("requests", "handled"):
        new, cin = row_total(report, "new"), row_total(report, "carried_in")
        out = [new] if new else []
        if new and cin:
            out.append((new[0] + cin[0], new[1] + cin[1]))
        if what == "handled" and (done := row_total(report, "processed")):
            out.append(done)
        return out
    got = row_total(report, what)
    return [got] if got else []


def unsure(report: ParsedReport, keys: list[str] | tuple[str, ...]) -> bool:
    """The reader was unsure of one of these cells: OCR, a glued digit run (the raw is not the
    number), or a row a reader finding names."""
    for k in keys:
        v = report.values.get(k)
        if v is None:
            continue
        if v.source != "table":
            return True
        digits = re.sub(r"\D", "", v.raw)
        if not v.blank and digits != str(int(v.value)) and not _one_digit_each(report, v, digits):
            return True
    return named_by_reader_finding(report, keys)


def named_by_reader_finding(report: ParsedReport, keys: list[str] | tuple[str, ...]) -> bool:
    rows = {k.rsplit(".", 1)[0] for k in keys}
    return any(
        not f.blames_report and any(c.rsplit(".", 1)[0] in rows for c in f.cells)
        for f in report.findings
    )


def _one_digit_each(report: ParsedReport, v: Value, digits: str) -> bool:
    """A glued run with as many digits as the cells read from it splits one way only: one digit
    per cell (「110024001510102」, a crawler's 表四 of fifteen cells)."""
    cells = [
        w
        for w in report.values.values()
        if w.raw == v.raw and w.loc.get("offset") == v.loc.get("offset")
    ]
    return len(cells) == len(digits)


def _blank_total(report: ParsedReport, what: tuple[str, ...]) -> str | None:
    for w in what:
        row = {"requests": "new", "handled": "new"}.get(w, w)
        key = t3_key(row, "total")
        if w not in _T4 and (v := report.values.get(key)) is not None and v.blank:
            return key
    return None


def text_table_findings(report: ParsedReport, settings: dict | None = None) -> list[Finding]:
    if report.template not in STD_TEMPLATES or not report.prose:
        return []
    settings = (settings or quality_settings())["text_table"]
    tolerance = float(settings["tolerance"])
    government = speaks_for_region(report, settings)
    sents = sentences(report)
    stated = [f for s in sents for f in figures(s) if f.what and _about_disclosure(f)]
    explained = scope_explained(sents) or _wide_figure_agrees(report, stated, government, settings)
    out: list[Finding] = []
    seen: set[tuple] = set()
    for fig in stated:
        if (fig.what, fig.value) in seen:
            continue
        seen.add((fig.what, fig.value))
        if blank := _blank_total(report, fig.what):
            out.append(_blank_finding(report, fig, blank))
            continue
        candidates = _candidates(report, fig.what)
        if not candidates or any(abs(v - fig.value) <= tolerance for v, _ in candidates):
            continue
        value, keys = candidates[0]
        scope = scope_of(fig.sentence.text, government, settings, fig.end)
        if scope == "wide" or (scope == "local" and (explained or fig.what[0] in _T4)):
            continue  # another quantity than the table's, or a switch the report explains
        read = [k for _, ks in candidates for k in ks]
        reader = "reader" if unsure(report, read) else None
        glued = bool(reader) and not named_by_reader_finding(report, read)
        if glued and no_reading_gives(report, candidates, fig.value):
            # a glued run no split of which gives the prose figure: the report's, without
            # citing the reader's split as printed
            out.append(_mismatch(fig, value, [], scope, None, glued_run=report.values[keys[0]].raw))
            continue
        out.append(_mismatch(fig, value, keys, scope, reader))
    return out


def _about_disclosure(fig: Figure) -> bool:
    """Request and case counts are the tables' only when the sentence is about 政府信息公开 (a
    司法局 counts all its 行政复议; 受理申请 may be 行政许可) or sits in section 三 / 四."""
    if fig.what[0] not in ("requests", "handled", "processed", "review", "suits"):
        return True  # outcome terms and carry-overs name a 表三 row by themselves
    return bool(_DISCLOSURE.search(fig.sentence.text)) or fig.sentence.place in ("S3", "S4")


def _candidates(report: ParsedReport, what: tuple[str, ...]) -> list[tuple[float, list[str]]]:
    parts = [table_candidates(report, w) for w in what]
    if not all(parts):
        return []  # the table does not print this figure: nothing to compare
    if len(parts) == 1:
        return parts[0]
    return [(sum(p[0][0] for p in parts), [k for p in parts for k in p[0][1]])]


def _wide_figure_agrees(
    report: ParsedReport, stated: list[Figure], government: bool, settings: dict
) -> bool:
    """A region-wide request figure in the prose that agrees with 表三 explains an office figure
    beside it (「全区共受理 95 件……区政府办受理 17 件」)."""
    for fig in stated:
        if (
            fig.what[0] in _T4
            or scope_of(fig.sentence.text, government, settings, fig.end) == "local"
        ):
            continue
        if any(abs(v - fig.value) < 1e-9 for v, _ in _candidates(report, fig.what)):
            if any(m in fig.sentence.text[: fig.end] for m in settings["wide_scope"]):
                return True
    return False


def _mismatch(fig: Figure, value: float, keys: list[str], scope, reader, glued_run="") -> Finding:
    label = "+".join(LABELS[w] for w in fig.what)
    table = ("表四" if fig.what[0] in _T4 else "表三") + f"“{label}”为 {as_number(value)}"
    if glued_run:
        table = (
            f"表三“{label}”一行印为连在一起的数字「{glued_run}」，无论怎样拆分，"
            f"总计都不是 {as_number(fig.value)}"
        )
    said = f"正文：「{quote_at(fig.sentence.text, fig.end)}」写 {as_number(fig.value)} 件"
    cells = (tuple(keys), value, fig.value)
    if fig.what[0] in _T4:
        return Finding("text_table.review_suit", *cells, f"{said}；{table}", responsibility=reader)
    if scope == "local":
        return Finding(
            "text_table.scope_note",
            *cells,
            f"{said}（本机关口径）；{table}（全辖区口径），报告未说明两者统计范围不同",
            responsibility=reader,
        )
    return Finding(
        "text_table.mismatch",
        *cells,
        f"{said}；{table}" + ("" if glued_run else f"（差 {as_number(fig.value - value):+}）"),
        responsibility=reader,
    )


def _blank_finding(report: ParsedReport, fig: Figure, key: str) -> Finding:
    lost = _total_maybe_lost(report, key)
    row = key.split(".")[1]
    label = next(lab for r, lab, _ in T3_ROWS if r == row)
    return Finding(
        "text_table.blank_total",
        (key,),
        fig.value,
        None,
        f"正文：「{quote(fig.sentence.text)}」写 {as_number(fig.value)} 件；"
        f"表三“{label}”的总计栏空白（印为「{report.values[key].raw}」）",
        severity="warning" if lost else None,
        responsibility="reader" if lost else None,
    )


def _total_maybe_lost(report: ParsedReport, key: str) -> bool:
    """A blank 总计 beside filled applicant cells may be a cell the conversion displaced (a PDF
    turned into Markdown): when a number no row took is printed near 表三, the blank is the
    reader's doubt; without one it is the report's, as the table check says
    (etl.validate.blank_cells)."""
    row = key.rsplit(".", 1)[0] + "."
    filled = [v for k, v in report.values.items() if k.startswith(row) and not v.blank]
    loose = any(table == "T3" for table, _, _ in report.loose_numbers)
    return (bool(filled) and loose) or unsure(report, [key])


def quote_at(text: str, end: int, limit: int = 90) -> str:
    """The sentence up to the figure, its end kept when the sentence is long (the figure is
    what the reader must find)."""
    if len(re.sub(r"\s+", "", text)) <= limit:
        return quote(text, limit)
    return "…" + quote(text[max(0, end - limit + 10) : end + 10], limit)


def quote(text: str, limit: int = 90) -> str:
    text = re.sub(r"\s+", "", text)
    return text if len(text) <= limit else text[:limit] + "…"
