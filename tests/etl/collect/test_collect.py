"""gongkai collect against local portals built from the real saved reports, then gongkai load."""

from __future__ import annotations

import hashlib
from datetime import date

import duckdb
import pytest

from etl.collect.manifest import read_findings, read_rows
from etl.fields import NOT_A_REPORT

# slow: every test reads the session's collected world (all sites collected and loaded, twice)
pytestmark = pytest.mark.slow


def rows_by_title(world):
    return {r.title: r for r in read_rows(world.out) if r.role == "page"}


def test_every_report_on_both_layouts_is_found_with_its_portal_date(world):
    pages = rows_by_title(world)
    attachments = [r for r in read_rows(world.out) if r.role == "attachment" and r.file]
    assert len(world.expected) >= 4
    for exp in world.expected:
        page = pages[exp.title]  # the GBK layout's titles decode to the same Chinese text
        assert page.published == exp.date, exp.title
        assert page.status == "200" and page.year == exp.title.split("年")[0][-4:]
        saved = (world.out / page.file).read_bytes()
        assert hashlib.sha256(saved).hexdigest() == page.sha256
        if exp.kind == "attachment":  # saved as found: byte for byte the real PDF
            pdf = next(r for r in attachments if r.article == page.url and r.file.endswith(".pdf"))
            assert pdf.sha256 == hashlib.sha256(exp.source.read_bytes()).hexdigest()
            assert pdf.published == exp.date


def test_pagination_and_a_column_reached_from_the_disclosure_page(world):
    a_pages = [p for p in world.runs["first"][3]["a"] if "/zwgk/nb/index" in p]
    assert a_pages == ["/zwgk/nb/index.html", "/zwgk/nb/index_1.html"]
    b_lists = set(world.runs["first"][3]["b"])
    assert {"/xxgk/index.htm", "/xxgk/nb/list.htm", "/xxgk/nb/list.htm?page=2"} <= b_lists
    assert "/xxgk/zn/" not in b_lists  # the 指南 link is no 年报 column


def test_only_reports_and_their_own_files_are_taken(world):
    titles = {r.title for r in read_rows(world.out)}
    assert not any("通知" in t or "图解" in t for t in titles)
    fetched_a = world.runs["first"][3]["a"]
    assert "/zwgk/nb/202501/W020250120_1.png" in fetched_a  # the article's own image
    assert "/images/logo.png" not in fetched_a  # the site's logo is not the report's


def test_robots_txt_is_respected(world):
    assert not any(p.startswith("/private/") for m, p, s in world.b.requests)
    row = next(r for r in read_rows(world.out) if "/private/" in r.url)
    assert row.file == "" and "robots.txt" in row.error
    assert not any(f.url == row.url for f in read_findings(world.out))  # skipped, not broken


def test_broken_link_is_a_finding_and_the_run_says_so(world):
    code, out, _, _ = world.runs["first"]
    assert code == 1
    broken = [f for f in read_findings(world.out) if f.rule == "portal.broken_link"]
    assert any(f.url.endswith("P020250210_missing.pdf") and "404" in f.message for f in broken)
    assert "Traceback" not in out


def test_a_slow_host_gets_one_clear_line_and_bounded_time(world):
    _, out, took, _ = world.runs["first"]
    lines = [ln for ln in out.splitlines() if world.c.base in ln]
    assert len(lines) == 1 and "秒内没有响应" in lines[0]
    # the trickling host is cut at the deadline although every socket read is quick
    assert any(world.d.base + "/nb/t1.html" in ln and "没有下载完" in ln for ln in out.splitlines())
    trickled = next(r for r in read_rows(world.out) if r.url == world.d.base + "/nb/t1.html")
    assert trickled.file == "" and trickled.sha256 == ""  # half a page is never saved
    assert took < 12  # one try of 1.5 s on each slow host; without deadlines it would be > 30 s


def test_no_report_found_is_a_finding(world):
    none = [f for f in read_findings(world.out) if f.rule == "portal.no_report"]
    assert [f.agency for f in none] == ["宿迁市交通运输局"]
    assert world.c.base not in none[0].message  # an unreachable site is not "no report"


def test_load_takes_the_portal_date_as_publication_date(world):
    _, out = world.loads["first"]
    assert "Traceback" not in out
    con = duckdb.connect(str(world.db), read_only=True)
    try:
        got = {
            r[0]: r[1:]
            for r in con.execute(
                "SELECT source_path, published, signed, deadline, days_late, kind, year, template, "
                "counted_date, date_basis FROM current_reports"
            ).fetchall()
        }
        sources = dict(con.execute("SELECT path, outcome FROM load_sources").fetchall())
        portal = con.execute(
            "SELECT report_id, rule, message FROM findings WHERE rule LIKE 'portal.%' ORDER BY rule"
        ).fetchall()
    finally:
        con.close()
    rows = rows_by_title(world)
    checked = 0
    for exp in world.expected:
        page = rows[exp.title]
        files = [
            r.file
            for r in read_rows(world.out)
            if r.article == page.url and r.file and not r.file.endswith(".png")
        ]
        hit = [got[p] for p in got if any(p.endswith(f) for f in files)]
        if not hit:
            continue  # a report the parser cannot read yet (loaded as failed, not guessed)
        published, _, deadline, days_late, kind, year, _, counted, basis = hit[0]
        assert published == date.fromisoformat(exp.date), exp.title
        assert (counted, basis) == (published, "门户日期"), exp.title  # what days late count from
        # spec §Deadlines: a department by 31 January, a government by 31 March of the next year
        want = (
            date(year + 1, 1, 31)
            if kind == "department" and year >= 2019
            else date(year + 1, 3, 31)
        )
        assert deadline == want and days_late == (published - want).days
        checked += 1
    assert checked >= 4
    # the document's own date stays beside the portal's: 沭阳 signed its report two days earlier
    shuyang = next(v for p, v in got.items() if v[5] == 2025)
    assert shuyang[1] == date(2026, 1, 23) and shuyang[0] == date(2026, 1, 25)
    # the article page around the PDF is no report of its own
    wrapper = next(p for p in sources if p.endswith("t20250120_90.html"))
    assert sources[wrapper] == "not_a_report"
    assert {r[1] for r in portal} == {"portal.broken_link", "portal.no_report"}


def test_without_the_manifest_the_pdf_has_no_publication_date(world):
    import etl.parse

    pdf = next(r for r in read_rows(world.out) if r.file.endswith(".pdf"))
    report = etl.parse.parse_file(world.out / pdf.file)
    assert report.published is None and report.template != NOT_A_REPORT


def test_a_changed_report_is_fetched_again_and_becomes_a_new_version(world):
    _, out, _, fetched = world.runs["second"]
    assert fetched["a"] == [world.changed_path] and fetched["b"] == []
    row = next(r for r in read_rows(world.out) if r.url.endswith(world.changed_path))
    assert row.previous_sha256 and row.previous_sha256 != row.sha256
    kept = list((world.out / ".superseded").rglob("*.html"))
    assert [hashlib.sha256(k.read_bytes()).hexdigest() for k in kept] == [row.previous_sha256]
    assert "有变化 1" in out
    con = duckdb.connect(str(world.db), read_only=True)
    try:
        versions = con.execute(
            "SELECT version, is_current, sha256, published FROM reports "
            "WHERE year = 2025 ORDER BY version"
        ).fetchall()
    finally:
        con.close()
    assert [(v[0], v[1]) for v in versions] == [(1, False), (2, True)]
    assert versions[1][2] == row.sha256 and versions[1][3] == date(2026, 1, 25)


def test_a_rerun_fetches_nothing_new(world):
    code, out, _, fetched = world.runs["third"]
    assert fetched == {"a": [], "b": [], "c": [], "d": []}  # every answer was a 304 or a 404
    assert out.count("新下载 0，有变化 0") == 2
    failures = [ln for ln in out.splitlines() if "下载失败" in ln]
    assert len(failures) == 1 and "P020250210_missing.pdf" in failures[0]  # still broken: exit 1
    assert code == 1


def test_the_second_load_takes_only_the_changed_report(world):
    _, out = world.loads["second"]
    assert ": loaded 1, " in out, out


def test_loading_the_collected_folder_twice_does_not_double_findings(world, tmp_path):
    from etl.pipeline import run_load

    db = tmp_path / "twice.duckdb"
    for _ in range(2):
        run_load([world.out], db, workers=1)
    con = duckdb.connect(str(db), read_only=True)
    try:
        n = con.execute("SELECT count(*) FROM findings WHERE rule LIKE 'portal.%'").fetchone()[0]
    finally:
        con.close()
    assert n == len(read_findings(world.out))


def test_a_collected_file_named_on_its_own_keeps_its_portal_date(world):
    from etl.discover import discover_sources

    pdf = next(r for r in read_rows(world.out) if r.file.endswith(".pdf"))
    [source] = discover_sources([str(world.out / pdf.file)])
    assert source.portal is not None and source.portal.row.published == pdf.published
    assert not source.portal.wrapper


def test_agencies_missing_from_the_registry_are_mentioned_once_each(world):
    import re

    _, out, _, _ = world.runs["first"]
    warned = [
        re.search("单位“(.+?)”", ln).group(1) for ln in out.splitlines() if ln.startswith("注意：")
    ]
    assert sorted(warned) == [
        "宿迁市",
        "宿迁市交通运输局",
    ]  # 321322-GOV, 350128-GOV, 沭阳县人民政府 are known


def test_the_collector_manifest_given_to_load_means_its_folder(world):
    from etl.discover import discover_sources

    by_manifest = discover_sources([], manifest=world.out / "manifest.csv")
    by_folder = discover_sources([world.out])
    assert [s.origin for s in by_manifest] == [s.origin for s in by_folder]
    assert all(s.portal is not None for s in by_manifest)
    assert not any(s.origin.endswith(".png") for s in by_folder)  # images wait for OCR


def test_bytes_loaded_before_without_the_portal_get_its_date(world, tmp_path):
    import shutil

    from etl.pipeline import run_load

    pdf = next(r for r in read_rows(world.out) if r.file.endswith(".pdf"))
    alone = tmp_path / "downloaded-by-hand.pdf"  # the same bytes, loaded before the collection
    shutil.copyfile(world.out / pdf.file, alone)
    db = tmp_path / "before.duckdb"
    sql = (
        "SELECT published, days_late, date_basis, deadline, counted_date FROM reports "
        "WHERE sha256 = ?"
    )
    run_load([alone], db, workers=1)
    with duckdb.connect(str(db), read_only=True) as con:
        no_date = con.execute(sql, [pdf.sha256]).fetchall()[0][:3]
    assert no_date == (None, None, None)  # no date inside
    run_load([world.out], db, workers=1)
    with duckdb.connect(str(db), read_only=True) as con:
        [(published, late, basis, deadline, counted)] = con.execute(sql, [pdf.sha256]).fetchall()
    assert published == date.fromisoformat(pdf.published) and late == (published - deadline).days
    assert (counted, basis) == (published, "门户日期")
