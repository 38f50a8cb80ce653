"""Bad moments and bad settings (issue 14): a file rewritten while it is read, a server that
drips bytes, `--db` through a symlink, scheme values TOML allows but no scheme means, Excel
formulas without stored results, a sparse workbook, an XLSX refusal that used to span lines.
Every input is built here; the CLI runs as a user runs it.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import os
import re
import threading
import time

import pytest

import etl.parse
from etl import building_copy
from etl.download import download
from etl.errors import ReportError
from etl.extract import read_file
from etl.fields import t3_key
from tests.conftest import ROOT
from tests.etl.test_load import small_report
from tests.gongkai.conftest import copy_db, gongkai, query, shuyang_workbook

# ------------------------------------------------------------------ a file rewritten during the read


@pytest.mark.slow  # a subprocess, a load or a server's deadline: seconds
def test_a_file_rewritten_while_it_is_read_is_refused_never_read_half_written(tmp_path):
    size = 48 << 20  # under the 60 MB limit; reading it spans several clock ticks
    versions = [os.urandom(size), os.urandom(size)]
    path = tmp_path / "report.pdf"
    path.write_bytes(versions[0])
    stop = threading.Event()

    def rewrite():  # overwrite in place with the other version, 1 MB at a time, again and again
        n = 0
        with open(path, "r+b", buffering=0) as fh:
            while not stop.is_set():
                n += 1
                data = versions[n % 2]
                for at in range(0, size, 1 << 20):
                    os.pwrite(fh.fileno(), data[at : at + (1 << 20)], at)

    writer = threading.Thread(target=rewrite)
    writer.start()
    whole = {hashlib.sha256(v).digest() for v in versions}
    outcomes = []
    try:
        for _ in range(6):
            try:
                data = read_file(path, "report.pdf")
            except ReportError as err:
                outcomes.append(err)
                continue
            outcomes.append(hashlib.sha256(data).digest() in whole)
    finally:
        stop.set()
        writer.join()
    refused = [o for o in outcomes if isinstance(o, ReportError)]
    assert refused, outcomes
    assert all(o is True for o in outcomes if not isinstance(o, ReportError))  # never half a file
    err = refused[0]
    assert err.code == "changed" and err.message == (
        "report.pdf: the file changed while it was being read. wait until the file is completely "
        "written (downloaded, copied), then load it again"
    )


# ------------------------------------------------------------------ a server that drips bytes


class _Drip(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 -- the http.server API
        drip = b"HTTP/1.0 200 OK\r\nX-Slow: " + b"x" * 20 if "headers" in self.path else b""
        try:
            for byte in drip:  # the headers themselves, one byte at a time
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.1)
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(100000):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass

    def log_message(self, *args):
        pass


@pytest.mark.slow  # a subprocess, a load or a server's deadline: seconds
@pytest.mark.parametrize("what", ["body", "headers"])
def test_a_dripping_server_is_given_up_on_at_the_overall_deadline(tmp_path, what):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Drip)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/{what}/report.pdf"
    try:
        started = time.monotonic()
        source = download(url, tmp_path, timeout=5, deadline=1.5)
        took = time.monotonic() - started
    finally:
        server.shutdown()
        server.server_close()
    assert source.path is None and source.error.code == "download_failed"
    assert source.error.message == (
        f"{url}: the download did not finish within 1.5 s (the server sends too slowly). try again "
        "later, or download the file in a browser and load it from disk"
    )
    assert took < 4  # each byte came within the socket timeout; the deadline still held


# ------------------------------------------------------------------ --db through a symlink


@pytest.mark.slow  # a subprocess, a load or a server's deadline: seconds
def test_db_given_as_a_symlink_writes_through_and_shares_the_lock(baseline_db, tmp_path):
    real = copy_db(baseline_db, tmp_path / "real")
    link = tmp_path / "link.duckdb"
    link.symlink_to(real)
    report = tmp_path / "in" / "r.txt"
    report.parent.mkdir()
    report.write_text(small_report("示例县人民政府", 2016, 0, 0), encoding="utf-8")
    with building_copy.exclusive(real):  # another load holds the real file
        blocked = gongkai("load", report, "--db", link)
    assert blocked.returncode == 1 and "Traceback" not in blocked.stderr
    assert blocked.stderr.strip().endswith(
        f"{real}: another load is writing this database right now. wait for it to finish, then "
        "run the load again"
    ), blocked.stderr
    result = gongkai("load", report, "--db", link)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert query(real, "SELECT count(*) FROM reports WHERE source_path = ?", [str(report)]) == [
        (1,)
    ]
    assert sorted(p.name for p in real.parent.iterdir()) == ["g.duckdb", "g.duckdb.building.lock"]


# ------------------------------------------------------------------ scheme values TOML allows


@pytest.mark.parametrize(
    "old,new,message",
    [
        ("weight = 15", "weight = nan", "`weight` = nan 不是有限的数"),
        ("full = 95", "full = inf", "`full` = inf 不是有限的数"),
    ],
)
@pytest.mark.slow  # a subprocess, a load or a server's deadline: seconds
def test_scheme_nan_and_inf_are_refused_with_the_line(baseline_db, tmp_path, old, new, message):
    text = (ROOT / "data" / "schemes" / "default.toml").read_text(encoding="utf-8")
    assert old in text
    lines = text.splitlines()
    line = next(i for i, s in enumerate(lines, 1) if s.startswith(old))
    scheme = tmp_path / "bad.toml"
    scheme.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = gongkai("score", "--year", "2024", "--scheme", scheme, "--db", baseline_db)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert f"{scheme}:{line}: {message}. 请写普通的数字" in result.stderr, result.stderr


# ------------------------------------------------------------------ Excel


def _shuyang_workbook(year: int, formula_cell: str | None = None, sparse: bool = False) -> bytes:
    """shuyang as a workbook (tests/gongkai/conftest.py), perhaps with a huge used range."""
    data = shuyang_workbook(year, formula_cell)[0]
    return _sparse(data) if sparse else data


def _sparse(xlsx: bytes) -> bytes:
    """The workbook claiming a huge used range and merging A400:Z150000 (full-mode openpyxl
    makes 3.9 million cell objects of that), written into the sheet XML directly."""
    import zipfile

    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', data
                )
                data = data.replace(
                    b"</sheetData>",
                    b'</sheetData><mergeCells count="1">'
                    b'<mergeCell ref="A400:Z150000"/></mergeCells>',
                    1,
                )
                assert b"A400:Z150000" in data and b"XFD1048576" in data
            dst.writestr(info, data)
    return out.getvalue()


def test_a_formula_without_a_stored_result_is_a_finding_not_a_zero(tmp_path):
    plain = etl.parse.parse_file("plain.xlsx", _shuyang_workbook(2013))
    got = etl.parse.parse_file("formula.xlsx", _shuyang_workbook(2013, "予以公开"))
    key = t3_key("granted", "natural")
    assert plain.values[key].value == 290 and key not in got.values
    [finding] = [f for f in got.findings if f.rule == "xlsx.formula_uncached"]
    assert finding.cells == (key,) and finding.responsibility == "reader"
    assert re.fullmatch(
        r"Excel 工作表「Sheet」的 B(\d+) 单元格是公式 =C\1\+D\1，文件没有保存它的计算结果，"
        r"该格未入库（不按 0 计）",
        finding.message,
    ), finding.message
    assert not [f for f in got.findings if f.rule == "number.malformed"]
    assert got.values[t3_key("granted", "commercial")].value == 1  # the row did not shift
    assert {k: v.value for k, v in got.values.items() if k != key} == {
        k: v.value for k, v in plain.values.items() if k != key
    }


def test_a_sparse_workbook_is_read_in_bounded_time(tmp_path):
    data = _shuyang_workbook(2012, sparse=True)
    assert len(data) < 1_000_000
    started = time.monotonic()
    got = etl.parse.parse_file("sparse.xlsx", data)
    took = time.monotonic() - started
    plain = etl.parse.parse_file("plain.xlsx", _shuyang_workbook(2012))
    assert {k: v.value for k, v in got.values.items()} == {
        k: v.value for k, v in plain.values.items()
    }
    assert took < 20, took  # a hang guard, not a benchmark: it takes well under a second


@pytest.mark.slow  # a subprocess, a load or a server's deadline: seconds
def test_an_unreadable_workbook_is_refused_on_one_line(tmp_path):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook>\n<sheets>\n<broken\n")
    path = tmp_path / "broken.xlsx"
    path.write_bytes(buf.getvalue())
    result = gongkai("parse", path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"error: {path}: the Excel file could not be read ("
    ), lines
    assert lines[0].endswith("open it in Excel or WPS and save it again as .xlsx")


# ------------------------------------------------------------------ a URL that redirects inward


def test_a_typed_url_is_not_followed_into_another_internal_address(tmp_path):
    """The office typed 127.0.0.1 (its own portal, say); the page redirects to another loopback
    address. The typed host is taken as given, the redirect target is not asked at all."""
    asked = []

    class _Inner(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 -- http.server's name
            asked.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"secret")

        def log_message(self, *args):
            pass

    inner = http.server.ThreadingHTTPServer(("127.0.0.2", 0), _Inner)
    target = f"http://127.0.0.2:{inner.server_address[1]}/admin/report.txt"

    class _Outer(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(302)
            self.send_header("Location", target)
            self.end_headers()

        def log_message(self, *args):
            pass

    outer = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Outer)
    for server in (inner, outer):
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        source = download(
            f"http://127.0.0.1:{outer.server_address[1]}/r.txt", tmp_path, timeout=5, deadline=5
        )
    finally:
        for server in (inner, outer):
            server.shutdown()
            server.server_close()
    assert asked == []
    assert source.path is None and source.error.code == "download_failed"
    assert (
        "redirected to an address not followed: 127.0.0.2 指向本机回环地址" in source.error.message
    )
