"""Turn one file's bytes into a RawDocument, choosing the extractor by content, not by name."""

from __future__ import annotations

import hashlib
import zipfile
from io import BytesIO
from pathlib import Path

from etl.document import RawDocument
from etl.errors import ReportError

MAX_BYTES = 60 * 1024 * 1024  # larger files are refused before reading: no report is this big


def sniff_format(data: bytes, name: str = "") -> str:
    head = data[:2048]
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return "zip-broken"
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        return "zip-other"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"  # legacy .doc/.wps/.xls/.et
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")) \
            and not name.lower().endswith((".htm", ".html", ".txt", ".md")):
        return "image"  # a scanned page: PNG, JPEG, TIFF (not a page saved under a web/text name)
    lowered = head.lower()
    if b"<html" in lowered or b"<!doctype html" in lowered or b"<table" in data[:200000].lower() \
            or b"<body" in lowered or b"<meta" in lowered:
        return "html"
    if name.lower().endswith((".htm", ".html")) and b"<" in head:
        return "html"
    return "text"


def extract_document(path: str | Path, data: bytes | None = None) -> RawDocument:
    """Read `path` (or the given bytes) into a RawDocument; raise ReportError when unusable."""
    path = str(path)
    if data is None:
        p = Path(path)
        try:
            size = p.stat().st_size
        except OSError as exc:
            raise ReportError(path, f"cannot read the file ({exc.strerror})", "check the path", "unreadable")
        if size > MAX_BYTES:
            raise ReportError(path, f"file is {size // 1_048_576} MB, over the {MAX_BYTES // 1_048_576} MB limit",
                              "no annual report is this large; check that this is the right file", "too_large")
        data = p.read_bytes()
    if not data.strip():
        raise ReportError(path, "the file is empty", "download the report again", "empty")
    sha = hashlib.sha256(data).hexdigest()
    fmt = sniff_format(data, path)
    suffix = Path(path).suffix.lower()
    if suffix in (".docx", ".xlsx") and fmt not in ("docx", "xlsx", "zip-broken", "zip-other"):
        raise ReportError(path, f"is named {suffix} but is not a Word/Excel file (not a zip archive)",
                          "download it again or save it anew from Word/Excel", "bad_zip")
    if fmt == "pdf":
        from etl.extract.pdf import extract_pdf
        return extract_pdf(path, data, sha)
    if fmt == "docx":
        from etl.extract.docx import extract_docx
        return extract_docx(path, data, sha)
    if fmt == "xlsx":
        from etl.extract.xlsx import extract_xlsx
        return extract_xlsx(path, data, sha)
    if fmt == "html":
        from etl.extract.html import extract_html
        return extract_html(path, data, sha)
    if fmt == "zip-broken":
        raise ReportError(path, "looks like a DOCX/XLSX (zip) but the archive is damaged",
                          "download the file again or save it anew from Word/Excel", "bad_zip")
    if fmt == "zip-other":
        raise ReportError(path, "is a zip archive that is neither DOCX nor XLSX",
                          "unpack it and load the report files inside", "bad_zip")
    if fmt == "ole":
        from etl.extract.office import extract_old_office
        return extract_old_office(path, data, sha)
    if fmt == "image":
        from etl.extract.ocr import extract_image
        return extract_image(path, data, sha)
    from etl.extract.text import extract_text
    return extract_text(path, data, sha)
