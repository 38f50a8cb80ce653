"""Import the legal office's 复议/诉讼 ledger (CSV), against which 表四 is checked (t4.ledger_mismatch).

The CSV (UTF-8, with or without BOM; a header row) has five columns, by these names in Chinese or
English:

    单位 agency   the agency's registry code, standard name or an alias in the registry
    年度 year     the report year (e.g. 2024)
    类别 group    行政复议 | 直接起诉 (未经复议直接起诉) | 复议后起诉, or review | suit_direct | suit_after_review
    结果 outcome  维持 | 纠正 | 其他 | 尚未审结 | 总计, or upheld | corrected | other | pending | total
    件数 count    a whole number

An import replaces the ledger rows of the (agency, year) pairs it contains, through the loader's
swap (etl/building_copy.building_database), which then recomputes the cross-report findings. Any bad row
stops the import with one line naming the file, the row and what to fix; nothing is written.
Command line: `gongkai ledger FILE.csv [--db ...]`.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from etl.errors import ReportError

COLUMNS = {
    "agency": ("单位", "agency"),
    "year": ("年度", "year"),
    "group": ("类别", "group"),
    "outcome": ("结果", "outcome"),
    "count": ("件数", "count"),
}
GROUPS = {
    "行政复议": "review",
    "复议": "review",
    "直接起诉": "suit_direct",
    "未经复议直接起诉": "suit_direct",
    "行政诉讼(未经复议直接起诉)": "suit_direct",
    "复议后起诉": "suit_after_review",
    "行政诉讼(复议后起诉)": "suit_after_review",
    "review": "review",
    "suit_direct": "suit_direct",
    "suit_after_review": "suit_after_review",
}
OUTCOMES = {
    "维持": "upheld",
    "结果维持": "upheld",
    "纠正": "corrected",
    "结果纠正": "corrected",
    "其他": "other",
    "其他结果": "other",
    "尚未审结": "pending",
    "未审结": "pending",
    "总计": "total",
    "合计": "total",
    "upheld": "upheld",
    "corrected": "corrected",
    "other": "other",
    "pending": "pending",
    "total": "total",
}


def _bad(path: str, problem: str, hint: str) -> ReportError:
    return ReportError(path, problem, hint, "bad_ledger")


def read_ledger(path: str | Path, agencies: dict[str, str]) -> list[tuple]:
    """Rows (agency_id, year, grp, outcome, count); `agencies` maps code/name/alias -> agency_id."""
    path = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ReportError(
            path,
            f"cannot read the ledger file ({exc.strerror})",
            "check the path and the file permissions",
            "unreadable",
        ) from None
    except UnicodeDecodeError:
        raise _bad(
            path, "the ledger is not UTF-8 text", "save the CSV as UTF-8 and import it again"
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    header = {h.strip(): h for h in (reader.fieldnames or [])}
    names = {}
    for col, options in COLUMNS.items():
        found = next((header[o] for o in options if o in header), None)
        if found is None:
            raise _bad(
                path,
                f"the ledger has no column {options[0]} ({options[1]})",
                "the header must name 单位, 年度, 类别, 结果, 件数 (see etl/validate/ledger.py)",
            )
        names[col] = found
    rows: dict[tuple, float] = {}
    for n, row in enumerate(reader, start=2):
        cell = {c: (row.get(h) or "").strip() for c, h in names.items()}
        if not any(cell.values()):
            continue
        agency_id = agencies.get(cell["agency"])
        if agency_id is None:
            raise _bad(
                path,
                f"row {n}: agency '{cell['agency']}' is not in the registry",
                "use the registry code or standard name, or add the agency to the registry first",
            )
        grp = GROUPS.get(cell["group"].replace("（", "(").replace("）", ")"))
        outcome = OUTCOMES.get(cell["outcome"])
        if grp is None or outcome is None:
            raise _bad(
                path,
                f"row {n}: unknown 类别 '{cell['group']}' or 结果 '{cell['outcome']}'",
                "类别: 行政复议/直接起诉/复议后起诉; 结果: 维持/纠正/其他/尚未审结/总计",
            )
        try:
            year, count = int(cell["year"]), float(cell["count"])
        except ValueError:
            raise _bad(
                path,
                f"row {n}: 年度 '{cell['year']}' or 件数 '{cell['count']}' is not a number",
                "write the year as 2024 and the count as a whole number",
            ) from None
        if count < 0 or not count.is_integer():
            raise _bad(
                path,
                f"row {n}: 件数 {cell['count']} is not a whole number of cases",
                "write the number of cases (0, 1, 2, ...)",
            )
        rows[(agency_id, year, grp, outcome)] = rows.get((agency_id, year, grp, outcome), 0) + count
    if not rows:
        raise _bad(
            path, "the ledger has no rows", "add one row per agency, year, group and outcome"
        )
    return [k + (v,) for k, v in rows.items()]


def agency_lookup(con) -> dict[str, str]:
    out = {}
    for agency_id, name, aliases in con.execute(
        "SELECT agency_id, name, aliases FROM agencies"
    ).fetchall():
        for key in [agency_id, name, *((aliases or "").split("|"))]:
            if key:
                out.setdefault(key.strip(), agency_id)
    return out


def store_ledger(con, rows: list[tuple], source_path: str) -> None:
    """Replace the ledger of the (agency, year) pairs in `rows` (the loader's connection only)."""
    cols = list(zip(*rows))
    table = pa.table(
        {
            "agency_id": pa.array(cols[0], pa.string()),
            "year": pa.array(cols[1], pa.int32()),
            "grp": pa.array(cols[2], pa.string()),
            "outcome": pa.array(cols[3], pa.string()),
            "count": pa.array(cols[4], pa.float64()),
        }
    )
    con.register("_ledger", table)
    try:
        con.begin()
        con.execute(
            "DELETE FROM ledger_cases WHERE EXISTS (SELECT 1 FROM _ledger l "
            "WHERE l.agency_id = ledger_cases.agency_id AND l.year = ledger_cases.year)"
        )
        con.execute(
            "INSERT INTO ledger_cases SELECT agency_id, year, grp, outcome, count, ?, ? FROM _ledger",
            [source_path, datetime.now()],
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    finally:
        con.unregister("_ledger")


def import_ledger(db_path: str | Path, csv_path: str | Path) -> int:
    """Read and store a ledger CSV through the loader's swap; returns the rows imported."""
    from etl.building_copy import building_database  # the loader owns the write path

    if not Path(db_path).exists():
        raise ReportError(
            str(db_path),
            "there is no database to import the ledger into",
            "load the reports first (gongkai load ...), then import the ledger",
            "unreadable",
        )
    with building_database(db_path) as con:
        rows = read_ledger(csv_path, agency_lookup(con))
        store_ledger(con, rows, str(csv_path))
    return len(rows)
