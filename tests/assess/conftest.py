"""A hand-built province for the scoring tests: agencies, reports, values and findings declared
here and written by the loader's own functions (etl.load_runs.sync_registry, etl.load.load_batch).

This is a unit of the scoring, not of the ETL: no file is parsed, so only the declared rows are
in the tables. Every figure below is used in a worked example in test_score.py.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl.fields import legacy_key, t3_key, t4_key
from etl.load import StagedReport, load_batch
from etl.load_runs import sync_registry
from etl.registry import Agency, Registry
from etl.report import Finding, ParsedReport, Value
from etl.schema import ensure_schema

AGENCIES = [  # agency_id, name, peer_group, confirmed
    ("A", "甲局", "G1", True),
    ("B", "乙局", "G1", True),
    ("C", "丙局", "G1", True),
    ("D", "丁局", "G1", True),
    ("E", "戊局", "G1", True),  # in the registry, never reports
    ("F", "己县", "G2", True),
    ("G", "庚县", "G2", True),
    ("H", "辛县", "G2", True),
]


def t3(new=None, carried_in=None, processed=None, carried_out=None, granted=None, partial=None):
    d = {
        "new": new,
        "carried_in": carried_in,
        "processed": processed,
        "carried_out": carried_out,
        "granted": granted,
        "partial": partial,
    }
    return {t3_key(k, "total"): v for k, v in d.items() if v is not None}


def t4(review=(0, 0, 0, 0), direct=(0, 0, 0, 0), after=(0, 0, 0, 0)):
    """(upheld, corrected, other, pending) per group; total = their sum."""
    out = {}
    for group, vals in (("review", review), ("suit_direct", direct), ("suit_after_review", after)):
        for outcome, v in zip(("upheld", "corrected", "other", "pending"), vals):
            out[t4_key(group, outcome)] = v
        out[t4_key(group, "total")] = sum(vals)
    return out


def lg(**kw):
    return {legacy_key(k): v for k, v in kw.items()}


# (agency, year, template, days_late, fingerprint, values, finding rules)
REPORTS = [
    (
        "A",
        2024,
        "std2021",
        -5,
        "fp-a",
        {
            **t3(new=90, carried_in=10, processed=95, carried_out=5, granted=60, partial=10),
            **t4(review=(2, 1, 0, 0), direct=(0, 2, 0, 1)),
        },
        [
            "t3.row_total",
            "crossyear.carry_over",
            "agency.fuzzy_match",
            "t4.missing",
            "report.copied",
        ],
    ),
    (
        "B",
        2024,
        "std2021",
        15,
        "fp-b2",
        {**t3(new=40, carried_in=0, processed=40, carried_out=0, granted=20, partial=0), **t4()},
        [],
    ),
    (
        "C",
        2024,
        "legacy",
        None,
        None,
        lg(requests=3, completed=3, completed_on_time=2, answers=3, answer_granted=3),
        [],
    ),
    (
        "D",
        2024,
        "std2019",
        70,
        None,
        {**t3(new=0, carried_in=0, processed=0, carried_out=0, granted=0, partial=0), **t4()},
        [],
    ),
    (
        "F",
        2024,
        "std2021",
        0,
        None,
        {**t3(new=10, carried_in=0, processed=10, carried_out=0, granted=5, partial=0), **t4()},
        [],
    ),
    (
        "G",
        2024,
        "std2021",
        0,
        None,
        {**t3(new=10, carried_in=0, processed=10, carried_out=0, granted=5, partial=0), **t4()},
        [],
    ),
    (
        "H",
        2024,
        "std2021",
        0,
        None,
        {**t3(new=10, carried_in=0, processed=5, carried_out=5, granted=0, partial=0), **t4()},
        [],
    ),
    ("A", 2023, "std2021", 0, "fp-a", t3(new=10, carried_in=0, processed=5), []),
    ("B", 2023, "std2021", 0, "fp-b1", t3(new=10, carried_in=0, processed=10), []),
]

MANUAL_CSV = """agency_id,year,indicator,value
A,2024,inspection,80
A,2024,innovation,1
B,2024,innovation,3
C,2024,inspection,50
"""

SCHEME = """name = "测试方案"
performance_share = 0.05
min_cases = 5
manual_inputs = "manual.csv"

[[indicators]]
id = "completion"
name = "办结率"
metric = "completion_rate"
kind = "linear"
full = 100
zero = 50
weight = 40
missing = "reweight"

[[indicators]]
id = "disclosure"
name = "公开率"
metric = "disclosure_rate"
kind = "rank"
weight = 20
missing = "peer_median"

[[indicators]]
id = "corrected"
name = "纠错败诉"
metric = "corrected_count"
kind = "deduction"
points = 4
cap = 10
weight = 20
missing = "zero"

[[indicators]]
id = "timeliness"
name = "及时发布"
metric = "days_late"
kind = "deduction"
above = 0
per = 10
points = 5
weight = 10
missing = "zero"

[[indicators]]
id = "inspection"
name = "检查得分"
source = "manual"
kind = "linear"
full = 100
zero = 0
weight = 10
missing = "reweight"

[[indicators]]
id = "innovation"
name = "创新"
source = "manual"
kind = "bonus"
points = 2
cap = 3

[[indicators]]
id = "no_report"
name = "未发布"
kind = "veto"
when = "no_report"
cap = 0

[[indicators]]
id = "very_late"
name = "严重逾期"
metric = "days_late"
kind = "veto"
op = ">"
threshold = 60
cap = 50
"""


def _staged(n, agency: Agency, year, template, late, fingerprint, values, rules) -> StagedReport:
    report = ParsedReport(
        path=f"{agency.code}_{year}.txt",
        sha256=f"sha-{n}",
        format="text",
        template=template,
        agency=agency.name,
        year=year,
        values={k: Value(k, v, raw=f"{v:g}", loc={}) for k, v in values.items()},
        findings=[Finding(rule, (), None, None, "x") for rule in rules],
        meta={"text_fingerprint": fingerprint},
    )
    return StagedReport(report, agency, days_late=late)


def build(con: duckdb.DuckDBPyConnection) -> None:
    ensure_schema(con)
    agencies = {
        code: Agency(code, name, level="市", kind="department", peer_group=group, confirmed=ok)
        for code, name, group, ok in AGENCIES
    }
    sync_registry(con, Registry(tuple(agencies.values())))
    load_batch(
        con,
        [_staged(n, agencies[code], *rest) for n, (code, *rest) in enumerate(REPORTS)],
    )


@pytest.fixture
def con():
    c = duckdb.connect()
    build(c)
    yield c
    c.close()


@pytest.fixture
def scheme_path(tmp_path: Path) -> Path:
    (tmp_path / "manual.csv").write_text(MANUAL_CSV, encoding="utf-8")
    p = tmp_path / "scheme.toml"
    p.write_text(SCHEME, encoding="utf-8")
    return p
