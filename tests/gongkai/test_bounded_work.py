"""Bounded work per file (etl/limits.py): each hostile family is refused quickly with its own
code, the reports loaded before it are untouched, and real reports still read right.

The hostile files are built here (the builders of bench/hostile_files.py and
bench/hostile_zips.py), each just past its limit: a maximum-size PDF page, a real report padded
with blank pages, TIFFs with too many or too large frames, a DOCX whose zip directory lies about
its sizes, a DOCX with a document.xml past the XML limit, a workbook with too many shared
strings, a text report with too many lines, a web page with too many tags.
"""

from __future__ import annotations

import dataclasses
import http.server
import signal
import threading
import time
from pathlib import Path

import pytest

import etl.limits
import etl.parse
from bench.hostile_files import (
    html_with_paragraphs,
    max_size_page_pdf,
    multi_frame_tiff,
    pdf_with_blank_pages,
    text_with_lines,
)
from bench.hostile_zips import docx_bytes, xlsx_shared_strings
from etl import parse_pool, pipeline, stuck_workers
from etl.errors import ERROR_CODES, ReportError
from etl.limits import LIMITS
from etl.parse import parse_file
from tests.conftest import REAL, load_truth
from tests.gongkai.conftest import copy_db, query
from tests.gongkai.test_bad_inputs import baseline_snapshot

QUICK = 20  # seconds: every hostile file is refused well within this (1-3 s measured)

HOSTILE = {  # name -> (builder, the refusal's code)
    "max_size_page.pdf": (max_size_page_pdf, "page_too_large"),
    "report_plus_blank_pages.pdf": (
        lambda: pdf_with_blank_pages(LIMITS.pages),
        "too_many_pages",
    ),
    "many_frames.tif": (
        lambda: multi_frame_tiff(LIMITS.scanned_pages + 1, 400, 560),
        "too_many_frames",
    ),
    "huge_frame.tif": (lambda: multi_frame_tiff(1, 9000, 9000), "page_too_large"),
    "lying_directory.docx": (
        lambda: docx_bytes(["政府信息公开工作年度报告"], filler_mb=300, declare=4096),
        "inflates_too_far",
    ),
    "huge_document_xml.docx": (
        lambda: docx_bytes(f"第{n}段" for n in range(LIMITS.xml_bytes // 36)),
        "xml_too_large",
    ),
    "shared_strings.xlsx": (
        lambda: xlsx_shared_strings(LIMITS.shared_strings + 1),
        "too_many_cells",
    ),
    "many_lines.txt": (lambda: text_with_lines(LIMITS.lines), "too_many_lines"),
    "many_tags.html": (lambda: html_with_paragraphs(LIMITS.html_tags // 2), "too_many_tags"),
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name, (build, _) in HOSTILE.items():
        (folder / name).write_bytes(build())
    return folder


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_is_refused_quickly_with_its_code(hostile, name):
    path = hostile / name
    started = time.monotonic()
    with pytest.raises(ReportError) as err:
        parse_file(path)
    seconds = time.monotonic() - started
    assert err.value.code == HOSTILE[name][1], err.value.message
    assert err.value.code in ERROR_CODES
    assert err.value.message.startswith(str(path) + ": ") and "\n" not in err.value.message
    assert "limit" in err.value.problem or "declares" in err.value.problem
    assert seconds < QUICK, seconds


@pytest.mark.slow  # a load of real reports, OCR or a stopped worker: seconds
def test_a_load_refuses_each_and_leaves_the_earlier_reports_untouched(
    hostile, baseline_db, tmp_path
):
    db = copy_db(baseline_db, tmp_path / "db")
    before = baseline_snapshot(db)
    summary = pipeline.run_load([hostile], db)
    assert not summary.loaded and len(summary.failed) == len(HOSTILE)
    stored = dict(
        query(db, "SELECT path, code FROM load_errors WHERE run_id = ?", [summary.run_id])
    )
    assert stored == {str(hostile / name): code for name, (_, code) in HOSTILE.items()}
    after = baseline_snapshot(db)
    assert after["reports"] == before["reports"]
    assert after["values"] == before["values"]
    assert after["findings"] == before["findings"]


def _values(path_or_report) -> dict:
    report = path_or_report
    return {k: v.value for k, v in report.values.items()}


@pytest.mark.slow  # a load of real reports, OCR or a stopped worker: seconds
def test_the_real_pdf_reads_the_same_figures_and_blank_pages_cost_no_ocr(tmp_path):
    truth = load_truth(REAL / "hongze_2024.pdf.truth.json")["values"]
    alone = parse_file(REAL / "hongze_2024.pdf")
    assert {k: alone.values[k].value for k in truth} == truth
    padded = tmp_path / "hongze_padded.pdf"  # blank pages under the limit: skipped, not OCR'd
    padded.write_bytes(pdf_with_blank_pages(LIMITS.pages - 10))
    started = time.monotonic()
    assert _values(parse_file(padded)) == _values(alone)
    assert time.monotonic() - started < QUICK


@pytest.mark.parametrize("name", ["pingtan_2015.txt", "shanghai_kewei_2024.md"])
def test_real_text_reports_read_the_same_figures(name):
    truth = load_truth(REAL / f"{name}.truth.json")["values"]
    report = parse_file(REAL / name)
    assert {k: report.values[k].value for k in truth if k in report.values} == {
        k: v for k, v in truth.items() if k in report.values
    }
    assert len(report.values) >= len(truth) * 0.9


@pytest.mark.slow  # a load of real reports, OCR or a stopped worker: seconds
def test_a_reader_past_the_time_limit_is_stopped_with_too_slow(tmp_path, monkeypatch):
    monkeypatch.setattr(etl.limits, "LIMITS", dataclasses.replace(LIMITS, seconds=1.0))

    def endless(path, data, sha256):
        while True:  # a reader stuck in a Python loop
            pass

    monkeypatch.setattr("etl.extract.text.extract_text", endless)
    path = tmp_path / "slow.txt"
    path.write_text("政府信息公开工作年度报告\n", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(ReportError) as err:
        parse_file(path)
    assert err.value.code == "too_slow" and "limit of 1 s for this file" in err.value.problem
    assert time.monotonic() - started < QUICK
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # the alarm is disarmed


@pytest.mark.slow  # a load of real reports, OCR or a stopped worker: seconds
def test_a_worker_stuck_in_library_code_is_stopped_and_the_batch_goes_on(
    baseline_db, tmp_path, monkeypatch
):
    """A parse that ignores the alarm (SIGALRM blocked, as inside a C call that never returns)
    is stopped by the worker's watchdog; only its file is refused, the others load."""
    monkeypatch.setattr(etl.limits, "LIMITS", dataclasses.replace(LIMITS, seconds=3.0))
    monkeypatch.setattr(stuck_workers, "HARD_STOP_AFTER", 1.0)  # the watchdog stops it after 4 s
    monkeypatch.setattr(parse_pool, "MIN_PARALLEL", 2)
    from etl.extract import text

    real_extract = text.extract_text

    def extract(path, data, sha256):
        if path.endswith("stuck.txt"):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(60)
        return real_extract(path, data, sha256)

    monkeypatch.setattr(text, "extract_text", extract)
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("pingtan_2015.txt", "shuyang_2025.md"):
        (folder / name).write_bytes((REAL / name).read_bytes())
    (folder / "stuck.txt").write_text("政府信息公开工作年度报告\n", encoding="utf-8")
    db = copy_db(baseline_db, tmp_path / "db")
    started = time.monotonic()
    summary = pipeline.run_load([folder], db, parser_version="bounded-test", workers=2)
    assert time.monotonic() - started < 40
    assert sorted(Path(p).name for p in summary.loaded) == ["pingtan_2015.txt", "shuyang_2025.md"]
    assert query(db, "SELECT code FROM load_errors WHERE run_id = ?", [summary.run_id]) == [
        ("too_slow",)
    ]


# --- LibreOffice converts without network and without macros --------------------------------


@pytest.fixture
def listener():
    """An HTTP server on 127.0.0.1 (random port) that records every request it gets."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the http.server API)
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", requests
    server.shutdown()
    server.server_close()


@pytest.mark.slow  # a load of real reports, OCR or a stopped worker: seconds
def test_converting_a_document_that_links_a_picture_fetches_nothing(listener, monkeypatch):
    from etl.extract import office

    if office.soffice_path() is None:
        pytest.skip("LibreOffice is not installed")
    url, requests = listener
    # a DOCX (LibreOffice reads it as it reads .doc) showing a picture linked by URL
    data = _linking_docx(url)
    assert office.no_network_prefix() is not None, "unshare -n / -rn does not work here"
    office.convert("linked.doc", data, "docx")
    assert requests == []
    # without the isolation and the profile settings, LibreOffice does fetch it: the document
    # really tests them
    monkeypatch.setattr(office, "no_network_prefix", lambda: ())
    monkeypatch.setattr(
        office,
        "profile_settings",
        lambda: '<?xml version="1.0"?><oor:items xmlns:oor="http://openoffice.org/2001/registry"/>',
    )
    office.convert("linked.doc", data, "docx")
    assert requests and set(requests) == {"/linked.png"}


def test_the_conversion_profile_disables_macros_and_links():
    from etl.extract.office import profile_settings

    settings = profile_settings()
    for needed in (
        '"MacroSecurityLevel" oor:op="fuse"><value>3<',
        '"DisableMacrosExecution" oor:op="fuse"><value>true<',
        '"BlockUntrustedRefererLinks" oor:op="fuse"><value>true<',
        'Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>0<',
        'Office.Calc/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>1<',
    ):
        assert needed in settings


def _linking_docx(url: str) -> bytes:
    import io
    import zipfile

    ns = (
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
    )
    picture = (
        '<w:drawing><wp:inline><wp:extent cx="914400" cy="914400"/><wp:docPr id="1" name="p"/>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic><pic:nvPicPr><pic:cNvPr id="1" name="p"/><pic:cNvPicPr/></pic:nvPicPr>'
        '<pic:blipFill><a:blip r:link="rIdImg"/><a:stretch><a:fillRect/></a:stretch>'
        '</pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/>'
        '</a:xfrm><a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic>'
        "</wp:inline></w:drawing>"
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document {ns}><w:body>'
        "<w:p><w:r><w:t>政府信息公开工作年度报告</w:t></w:r></w:p>"
        f"<w:p><w:r>{picture}</w:r></w:p></w:body></w:document>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rIdImg" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
        f'Target="{url}/linked.png" TargetMode="External"/></Relationships>'
    )
    from bench.hostile_zips import CONTENT_TYPES, ROOT_RELS

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("word/document.xml", document)
        z.writestr("word/_rels/document.xml.rels", rels)
    return buf.getvalue()


def test_every_limit_code_has_a_chinese_reason():
    import re

    from tests.conftest import ROOT

    codes = set()
    for path in (ROOT / "etl").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'(?:refuse|check_count)\(\s*\w+,\s*"([a-z_]+)"', text))
    assert {"too_many_pages", "page_too_large", "too_many_frames", "inflates_too_far"} <= codes
    assert sorted((codes | {"too_slow"}) - set(ERROR_CODES)) == []


@pytest.mark.slow  # a load of real reports, OCR or a stopped worker: seconds
def test_ocr_pages_extend_the_time_limit_and_the_alarm_follows():
    from etl.limits import check_time, extend_time, time_limit

    started = time.monotonic()
    with pytest.raises(ReportError) as err:
        with time_limit("scan.pdf", 1.0):
            extend_time(1.0)  # as OCR does per scanned page
            while time.monotonic() - started < 1.5:  # past the first limit: still reading
                check_time()
            while True:
                time.sleep(0.05)
    assert err.value.code == "too_slow" and "limit of 2 s" in err.value.problem
    assert 1.9 < time.monotonic() - started < QUICK
