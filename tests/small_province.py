"""A small province written by the loader itself, for the query tests (fixture `small_con`,
tests/conftest.py).

Every row goes in through the loader's own functions (etl.schema.ensure_schema,
etl.load_runs.sync_registry/start_run/finish_run, etl.load.load_batch), never through SQL
written here, so the tables are exactly what a load writes. Five agencies, two years, every
figure and finding declared below: the tests compute by hand what each query must return from
these rows, so a parser change cannot fail them. (The end-to-end query tests on the demo
database, built from real and generated reports through the whole ETL, are
tests/queries/test_queries.py and test_leader.py, marked slow.)
"""

from __future__ import annotations

import duckdb

from etl.fields import legacy_key, t3_key, t4_key
from etl.load import LoadError, StagedReport, load_batch
from etl.load_runs import finish_run, start_run, sync_registry
from etl.registry import Agency, Registry
from etl.report import Finding, ParsedReport, Value
from etl.schema import ensure_schema

PROVINCE = "示范省"  # data/office.toml's [office] province: the office's own agencies
COUNTY, DEPARTMENT = "县级政府", "省级部门"

AGENCIES = (
    Agency("GA", "甲县人民政府", (), "县", "government", PROVINCE, COUNTY),
    Agency("GB", "乙县人民政府", (), "县", "government", PROVINCE, COUNTY),
    Agency("DC", "示范省丙厅", (), "省", "department", PROVINCE, DEPARTMENT),
    Agency("DD", "示范省丁厅", (), "省", "department", PROVINCE, DEPARTMENT),  # no 2024 report
    # a reference agency of another province: viewable by its id, never counted
    Agency("XR", "外省戊县人民政府", (), "县", "government", "外省", COUNTY),
)


def std(new, carried_in, processed, granted, partial, review=(0, 0, 0, 0), suit=(0, 0, 0, 0)):
    """表三 totals and 表四 (upheld, corrected, other, pending) of review and direct suits;
    each 表四 total is the sum of its four."""
    values = {
        t3_key("new", "total"): new,
        t3_key("carried_in", "total"): carried_in,
        t3_key("processed", "total"): processed,
        t3_key("granted", "total"): granted,
        t3_key("partial", "total"): partial,
    }
    for group, outcomes in (("review", review), ("suit_direct", suit)):
        for outcome, n in zip(("upheld", "corrected", "other", "pending"), outcomes):
            values[t4_key(group, outcome)] = n
        values[t4_key(group, "total")] = sum(outcomes)
    return values


def legacy(**rows):
    return {legacy_key(name): n for name, n in rows.items()}


ROW_TOTAL = Finding("t3.row_total", ("t3.new.total",), 100, 90, "合计与分项之和不符")
COPIED = Finding("report.copied", (), None, None, "与上年年报雷同")

# (agency, year, template, days_late, values, findings)
REPORTS = (
    ("GA", 2023, "std2021", 0, std(20, 0, 20, 10, 2), ()),
    ("DD", 2023, "std2021", 0, std(8, 0, 8, 4, 0), ()),
    (
        "GA",
        2024,
        "std2021",
        12,
        std(90, 10, 80, 40, 10, review=(2, 1, 0, 0), suit=(0, 2, 0, 1)),
        (ROW_TOTAL, COPIED),
    ),
    ("GB", 2024, "std2021", -3, std(40, 0, 30, 30, 0, review=(0, 0, 1, 0)), ()),
    (
        "DC",
        2024,
        "legacy",
        0,
        legacy(
            requests=10,
            completed=8,
            completed_on_time=6,
            answers=8,
            answer_granted=4,
            answer_partial=2,
        ),
        (),
    ),
    ("XR", 2024, "std2021", 40, std(5, 0, 5, 5, 0), ()),
)
BAD_FILE = LoadError("报告/空文件.pdf", None, "empty", "文件是空的", "请重新下载")


def source_path(agency: str, year: int) -> str:
    return f"报告/{agency}_{year}.txt"


def _staged(agency: Agency, year, template, days_late, values, findings) -> StagedReport:
    path = source_path(agency.code, year)
    report = ParsedReport(
        path=path,
        sha256=f"sha-{agency.code}-{year}",
        format="text",
        template=template,
        agency=agency.name,
        year=year,
        values={k: Value(k, n, raw=f"{n:g}", loc={"table": "表三"}) for k, n in values.items()},
        findings=list(findings),
    )
    return StagedReport(report, agency, days_late=days_late, source_path=path)


def build_small_province(con: duckdb.DuckDBPyConnection) -> None:
    ensure_schema(con)
    sync_registry(con, Registry(AGENCIES))
    by_code = {a.code: a for a in AGENCIES}
    run = start_run(con)
    staged = [_staged(by_code[code], *rest) for code, *rest in REPORTS]
    load_batch(con, staged, errors=[BAD_FILE], run_id=run)
    finish_run(con, run, loaded=len(staged), unchanged=0, failed=1, skipped=0)


def report_id(con, agency: str, year: int) -> int:
    return con.execute(
        "SELECT report_id FROM current_reports WHERE agency_id = ? AND year = ?", [agency, year]
    ).fetchall()[0][0]


def small_province_file(path):
    """The small province written to the database file `path`, its workflow store synced as a
    load leaves it (the CLI tests' database)."""
    from workflow.store import opened, store_path
    from workflow.sync import sync_store

    with duckdb.connect(str(path)) as con:
        build_small_province(con)
        with opened(store_path(path)) as store:
            sync_store(store, con)
    return path
