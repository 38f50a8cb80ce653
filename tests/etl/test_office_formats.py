"""Old binary office files (.doc, .wps, .xls, .et) read through LibreOffice headless.

The files are made by the tests: the real report's tables written as DOCX/XLSX (the same
builders the DOCX/XLSX tests use), converted to the binary formats by LibreOffice, then loaded.
Skipped locally without LibreOffice; with CI=true they fail instead.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from etl.errors import ReportError
from etl.extract import extract_document, sniff_format
from etl.extract.office import INSTALL_HINT, ole_kind, soffice_path
from tests.etl.test_extract_formats import (
    docx_bytes,
    expected_t3,
    expected_t4,
    numeric_rows,
    xlsx_bytes,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def soffice():
    path = soffice_path()
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but LibreOffice is missing: {INSTALL_HINT}")
        pytest.skip(f"LibreOffice not found: {INSTALL_HINT} to run these tests")
    return path


def _to_binary(soffice: str, folder: Path, name: str, data: bytes, target: str) -> Path:
    """Save `data` as `name` and let LibreOffice write it in the old binary format `target`."""
    source = folder / name
    source.write_bytes(data)
    out = folder / "out"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out / f"{source.stem}.{target.split(':')[0]}"


@pytest.fixture(scope="module")
def binaries(soffice, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("office")
    doc = _to_binary(soffice, folder, "report.docx", docx_bytes(), "doc:MS Word 97")
    xls = _to_binary(soffice, folder, "report.xlsx", xlsx_bytes(), "xls:MS Excel 97")
    wps, et = folder / "report.wps", folder / "report.et"
    wps.write_bytes(doc.read_bytes())  # WPS Writer saves Word 97 binaries under .wps
    et.write_bytes(xls.read_bytes())  # and WPS Spreadsheets Excel 97 workbooks under .et
    return {"doc": doc, "wps": wps, "xls": xls, "et": et}


def test_wps_and_et_files_are_routed_by_their_content(binaries):
    """WPS files are the Word/Excel 97 binaries under another name: routed by their main stream
    (each conversion costs seconds, so the read itself is tested once per kind below)."""
    assert ole_kind(binaries["wps"].read_bytes()) == "writer"
    assert ole_kind(binaries["et"].read_bytes()) == "calc"


@pytest.mark.parametrize("kind", ["doc"])
def test_word_binaries_read_like_the_docx(binaries, kind):
    data = binaries[kind].read_bytes()
    assert sniff_format(data) == "ole"
    doc = extract_document(binaries[kind])
    assert doc.format == "docx" and doc.meta["converted_from"] == kind
    assert numeric_rows(doc, table=0) == expected_t3()
    assert numeric_rows(doc, table=1) == expected_t4()


@pytest.mark.parametrize("kind", ["et"])
def test_excel_binaries_read_like_the_xlsx(binaries, kind):
    direct = extract_document("report.xlsx", xlsx_bytes())
    doc = extract_document(binaries[kind])
    assert doc.format == "xlsx" and doc.meta["converted_from"] == kind
    assert numeric_rows(doc) == numeric_rows(direct)
    assert len(numeric_rows(doc)) >= 25


def test_without_libreoffice_one_clear_line(binaries, monkeypatch):
    monkeypatch.setattr("etl.extract.office.soffice_path", lambda: None)
    with pytest.raises(ReportError) as err:
        extract_document(binaries["doc"])
    assert err.value.code == "needs_converter"
    assert INSTALL_HINT in err.value.message and "\n" not in err.value.message


def test_damaged_binary_is_refused_without_converting(tmp_path, monkeypatch):
    monkeypatch.setattr("etl.extract.office.convert", lambda *a: pytest.fail("converted"))
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000))
    with pytest.raises(ReportError) as err:
        extract_document(path)
    assert err.value.code == "old_office"
