"""The bulletin's 各地区情况 and 未发布 sections (issue 22), fast: a province of declared rows put
in through the loader's own functions (as tests/small_province.py does), no ETL, no CLI.

Each unit counts in its own region: a city's government and departments under the city (市本级),
a county's under the county, provincial units as 省人民政府 / 省直部门; the counties stand under
their city, in the registry's order of codes. An unpublished unit whose report may have been
loaded under a misprinted name (an unconfirmed unit) carries a note to verify before issuing.
"""

from __future__ import annotations

import io

import duckdb
import pytest
from docx import Document

from etl.agency_match import unknown_agency
from etl.load import StagedReport, load_batch
from etl.load_runs import finish_run, start_run, sync_registry
from etl.registry import Agency, Registry
from etl.report import Finding, ParsedReport, Value
from etl.schema import ensure_schema
from exports.bulletin import bulletin_docx
from exports.office import load_office
from tests.small_province import std
from workflow.bulletin_data import bulletin_data
from workflow.store import opened
from workflow.sync import sync_store

P = "示范省"
# code order is the registry's: 岫屏县 (SF311) before 北岚县 (SF312), 云岫市 (SF201) before
# 丹霞市 (SF202), although the names' code points say otherwise (北 < 岫, 丹 < 云)
REGISTRY = (
    Agency("SF000", "示范省人民政府", (), "省", "government", P, "省级政府"),
    Agency("SF101", "示范省教育厅", (), "省", "department", P, "省级部门"),
    Agency("SF102", "示范省应急管理厅", (), "省", "department", P, "省级部门"),
    Agency("SF202", "丹霞市人民政府", (), "市", "government", P, "市级政府"),
    Agency("SF201", "云岫市人民政府", (), "市", "government", P, "市级政府"),
    Agency("SF401", "云岫市教育局", (), "市", "department", "云岫市", "市级部门"),
    Agency("SF312", "北岚县人民政府", (), "县", "government", "云岫市", "县级政府"),
    Agency("SF311", "岫屏县人民政府", (), "县", "government", "云岫市", "县级政府"),
    Agency("SF501", "岫屏县教育局", (), "县", "department", "岫屏县", "县级部门"),
    # parent_region as etl/registry.py describes it: the region above its government (the city)
    Agency("SF502", "北岚县民政局", (), "县", "department", "云岫市", "县级部门"),
)
LATE = {"SF201": 37, "SF311": 10}
UNPUBLISHED = {"SF102", "SF502"}
MISPRINTED = "示范肖应急管理厅"  # 示范省应急管理厅's report, loaded as an unconfirmed unit


def _staged(agency: Agency, days_late: int) -> StagedReport:
    path = f"报告/{agency.code}_2024.txt"
    values = {k: Value(k, n, raw=f"{n:g}", loc={}) for k, n in std(5, 0, 5, 5, 0).items()}
    report = ParsedReport(path, f"sha-{agency.code}", "text", "std2021", agency.name, 2024, values)
    if days_late > 0:  # what the loader's timing check raises (etl/validate/timing.py)
        report.findings.append(Finding("published.late", (), None, float(days_late), "逾期发布"))
    return StagedReport(report, agency, days_late=days_late, source_path=path)


@pytest.fixture(scope="module")
def bulletin(tmp_path_factory):
    con = duckdb.connect()
    ensure_schema(con)
    sync_registry(con, Registry(REGISTRY))
    run = start_run(con)
    staged = [_staged(a, LATE.get(a.code, 0)) for a in REGISTRY if a.code not in UNPUBLISHED]
    staged.append(_staged(unknown_agency(MISPRINTED), 0))
    load_batch(con, staged, run_id=run)
    finish_run(con, run, loaded=len(staged), unchanged=0, failed=0, skipped=0)
    with opened(tmp_path_factory.mktemp("store") / "w.workflow.sqlite") as store:
        sync_store(store, con)
        yield bulletin_data(con, store, 2024, province=P)


def test_each_unit_counts_in_its_own_region_counties_under_their_city(bulletin):
    regional = [
        (label, len(units), sum(u.published for u in units), sum(u.late for u in units))
        for label, units in bulletin.regions()
    ]
    assert regional == [
        ("示范省（省本级）", 3, 2, 0),
        ("　省人民政府", 1, 1, 0),
        ("　省直部门", 2, 1, 0),
        ("云岫市（全市）", 6, 5, 2),
        ("　市本级", 2, 2, 1),  # 云岫市人民政府's lateness is the city's, not the province's
        ("　岫屏县", 2, 2, 1),
        ("　北岚县", 2, 1, 0),  # its 民政局 by its name, though the registry wrote the city
        ("丹霞市", 1, 1, 0),
    ]


def test_the_document_prints_the_regions_and_a_note_beside_a_unit_that_may_have_published(
    bulletin, monkeypatch
):
    monkeypatch.delenv("GONGKAI_OFFICE", raising=False)
    doc = Document(io.BytesIO(bulletin_docx(bulletin, load_office())))
    tables = {"|".join(c.text for c in t.rows[0].cells): t for t in doc.tables}
    regional = [
        [c.text for c in r.cells]
        for r in tables["地区|单位数|已发布|逾期|未整改问题|已整改问题"].rows[1:]
    ]
    # 云岫市人民政府's and 岫屏县人民政府's lateness: two units late, each a 未按时发布 problem
    assert regional[3] == ["云岫市（全市）", "6", "5", "2", "2", "0"]
    assert [r[0] for r in regional] == [label for label, _ in bulletin.regions()]
    unpublished = [
        [c.text for c in r.cells]
        for r in tables["单位|对标组|所属地区|备注（印发前核实）"].rows[1:]
    ]
    assert unpublished == [
        ["北岚县民政局", "县级部门", "北岚县", ""],
        [
            "示范省应急管理厅",
            "省级部门",
            "省直部门",
            "可能已发布：有署名“示范肖应急管理厅”的年度报告，单位名录未能确认其所属单位",
        ],
    ]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "列为未发布的单位中有1家可能已发布年度报告" in text
    assert "U-" not in text + "".join(str(r) for r in unpublished)
