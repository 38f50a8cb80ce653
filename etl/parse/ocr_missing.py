"""Every figure a scanned table is expected to print is either stored or named by a reader finding.

A scan's reader may miss a figure for many reasons: the row was not found (a seal over its
label, a wrapped label read as two lines), the row gave fewer figures than the table has
columns, or the cell could not be read. Whatever the reason, the analyst must see which cells
of 表二, 表三 and 表四 were not read: `flag_unread_cells` names each one the report's template
expects (etl.fields) that is neither stored nor already named by an `ocr.*` finding, in an
`ocr.cell_missing` reader finding per printed row (or one per table when nothing of it was read).
It never blames the agency: a scan that cannot be read is not the report's fault.
"""

from __future__ import annotations

from etl.fields import FIELDS, STD_TEMPLATES, T3_COLUMNS, T3_SUBTOTALS, keys_for
from etl.report import Finding, ParsedReport

TABLES = {"t2": ("表二", "T2"), "t3": ("表三", "T3"), "t4": ("表四", "T4")}


def expected_keys(report: ParsedReport) -> list[str]:
    """The 表二/三/四 cells the report's template prints. A subtotal row printed instead of its
    rows (三(六)其他处理 on one line, as many reports print it) stands for them."""
    keys = [k for k in keys_for(report.template) if k.split(".")[0] in TABLES]
    for sub in T3_SUBTOTALS:
        whole = [f"t3.{sub}.{col}" for col, _ in T3_COLUMNS]
        if any(k in report.values for k in whole):
            keys = [k for k in keys if not k.startswith(f"t3.{sub}.")] + whole
    return keys


def _row(key: str) -> str:
    return key.rsplit(".", 1)[0]


def _off_the_scan(report: ParsedReport, pages: set) -> set[str]:
    """Rows (and tables) read from a page with a text layer: a cell missing there is the text
    reader's business, not the scan's. A row counts as read from its table's text pages when
    none of its cells were read and every cell of its table that was read came from text."""
    text_rows: set[str] = set()
    scanned_rows: set[str] = set()
    text_tables: set[str] = set()
    scanned_tables: set[str] = set()
    for key, value in report.values.items():
        table = key.split(".")[0]
        if table not in TABLES:
            continue
        on_scan = value.loc.get("page") in pages
        (scanned_rows if on_scan else text_rows).add(_row(key))
        (scanned_tables if on_scan else text_tables).add(table)
    off = text_rows - scanned_rows
    off |= {t for t in text_tables if t not in scanned_tables}
    return off


def flag_unread_cells(report: ParsedReport) -> None:
    """Add an `ocr.cell_missing` reader finding for each expected cell of a scanned table that
    is not stored and that no `ocr.*` finding names yet (module docstring)."""
    pages = set(report.meta.get("ocr_pages", ()))
    if not pages or report.template not in STD_TEMPLATES:
        return
    named = {c for f in report.findings if f.rule.startswith("ocr.") for c in f.cells}
    off = _off_the_scan(report, pages)
    missing: dict[str, dict[str, list[str]]] = {}  # table -> row -> keys
    for key in expected_keys(report):
        table = key.split(".")[0]
        if key in report.values or key in named or _row(key) in off or table in off:
            continue
        missing.setdefault(table, {}).setdefault(_row(key), []).append(key)
    for table, rows in missing.items():
        name, place = TABLES[table]
        read_any = any(k.split(".")[0] == table for k in report.values)
        if not read_any:
            keys = [k for row in rows.values() for k in row]
            message = f"扫描件：{name}未能读出（{len(keys)} 个数字均未入库），请对照原件核对"
            report.findings.append(_finding(tuple(keys), message, place))
            continue
        for row, keys in rows.items():
            if any(_row(k) == row for k in report.values):
                what = "、".join(FIELDS[k].label for k in keys) + " 未能识别"
            else:
                what = (
                    f"{FIELDS[keys[0]].label.rsplit('·', 1)[0]} 整行未能识别（{len(keys)} 个数字）"
                )
            message = f"扫描件：{name} {what}，未入库，请对照原件核对"
            report.findings.append(_finding(tuple(keys), message, place))


def _finding(keys: tuple[str, ...], message: str, place: str) -> Finding:
    return Finding("ocr.cell_missing", keys, None, None, message, place=place)
