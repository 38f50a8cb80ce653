"""Turn one file's bytes into a RawDocument, choosing the extractor by content, not by name."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import time
import zipfile
from io import BytesIO
from pathlib import Path

from etl.document import RawDocument
from etl.errors import ReportError

MAX_BYTES = 60 * 1024 * 1024  # larger files are refused before reading: no report is this big
_READ_CHUNK = 1 << 20
# A file modified less than this long ago is read only once it has been left alone this long
# (and read again to compare): a file still being written is refused, not stored in part.
SETTLE_NS = 2_000_000_000


def read_file(path: str | Path, origin: str | None = None, max_bytes: int = MAX_BYTES) -> bytes:
    """The file's bytes, read once through one handle that is checked before and after reading.

    Opened non-blocking (a FIFO must not hang the load) and refused unless it is a regular file
    (a FIFO, a device such as /dev/zero behind a symlink, a socket); refused when larger than
    `max_bytes` before anything is read (a sparse 1 GB file is never read); refused when its
    size, mtime or inode change during the read, the bytes read differ from the size the handle
    reported, or (for a file modified in the last SETTLE_NS) it changes while the reader waits
    for it to settle or a second read of the handle gives other bytes: the file is being
    written. What is returned is what gets hashed and parsed, so the stored hash is the hash
    of the bytes the values came from.
    """
    origin = str(path) if origin is None else origin
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _open_error(path, origin, exc) from None
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise ReportError(
                origin,
                f"is not a regular file (it is {_kind(before.st_mode)})",
                "load the report file itself, not a pipe, device or special file",
                "not_regular",
            )
        if before.st_size > max_bytes:
            raise ReportError(
                origin,
                f"the file is too large ({_mb(before.st_size)}, over the {_mb(max_bytes)} limit)",
                "no annual report is this large; check that this is the right file",
                "too_large",
            )
        data = _read_all(fd, before.st_size)
        after = os.fstat(fd)
        age = time.time_ns() - after.st_mtime_ns
        if len(data) == before.st_size and age < SETTLE_NS:
            # written moments ago: a writer may still be at work (a download, a copy, a program
            # appending a line every half second), and what was read is only a part. Wait until
            # the file has been left alone for SETTLE_NS, then look again through the same
            # handle: another size or mtime, or other bytes (mtime moves in clock ticks, so a
            # rewrite inside one tick keeps it), is a file still being written. The bytes
            # returned (hashed, parsed) are the first read.
            time.sleep(min(SETTLE_NS, SETTLE_NS - age) / 1e9)
            again = os.fstat(fd)
            if _identity(again) != _identity(after) or _read_all(fd, before.st_size) != data:
                after = None
    except OSError as exc:
        raise ReportError(
            origin,
            f"cannot read the file ({exc.strerror})",
            "check the path and the file permissions",
            "unreadable",
        ) from None
    finally:
        os.close(fd)
    try:
        now = os.stat(path)
    except OSError:
        now = None
    if (
        len(data) != before.st_size
        or after is None
        or _identity(after) != _identity(before)
        or now is None
        or _identity(now) != _identity(before)
    ):
        raise ReportError(
            origin,
            "the file changed while it was being read",
            "wait until the file is completely written (downloaded, copied), then load it again",
            "changed",
        )
    return data


def _open_error(path: str | Path, origin: str, exc: OSError) -> ReportError:
    """Why the file cannot be opened, naming a link that loops or points nowhere."""
    if exc.errno == errno.ELOOP:
        return ReportError(
            origin,
            "is a symbolic link that loops (it leads back to itself)",
            "remove the link or point it at the report file; the other files were loaded",
            "bad_link",
        )
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return ReportError(
            origin,
            "is a symbolic link to a file that does not exist",
            "remove the link or point it at the report file; the other files were loaded",
            "bad_link",
        )
    return ReportError(
        origin,
        f"cannot read the file ({exc.strerror})",
        "check the path and the file permissions",
        "unreadable",
    )


def _read_all(fd: int, size: int) -> bytes:
    """Up to size + 1 bytes from the start (one more than fstat said shows a growing file)."""
    parts, got = [], 0
    while got <= size:
        chunk = os.pread(fd, min(_READ_CHUNK, size + 1 - got), got)
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def _identity(st: os.stat_result) -> tuple:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
    ):
        if test(mode):
            return name
    return "a special file"


def _mb(n: int) -> str:
    return f"{n / 1_048_576:.0f} MB" if n >= 1_048_576 else f"{n} bytes"


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
    if head.startswith(
        (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
    ) and not name.lower().endswith((".htm", ".html", ".txt", ".md")):
        return "image"  # a scanned page: PNG, JPEG, TIFF (not a page saved under a web/text name)
    lowered = head.lower()
    if (
        b"<html" in lowered
        or b"<!doctype html" in lowered
        or b"<table" in data[:200000].lower()
        or b"<body" in lowered
        or b"<meta" in lowered
    ):
        return "html"
    if name.lower().endswith((".htm", ".html")) and b"<" in head:
        return "html"
    return "text"


def extract_document(path: str | Path, data: bytes | None = None) -> RawDocument:
    """Read `path` (or the given bytes) into a RawDocument; raise ReportError when unusable."""
    path = str(path)
    if data is None:
        data = read_file(path)
    if not data.strip():
        raise ReportError(path, "the file is empty", "download the report again", "empty")
    sha = hashlib.sha256(data).hexdigest()
    if data.startswith(b"PK"):  # before sniff_format reads the zip directory
        from etl.extract.package import check_directory

        check_directory(path, data)
    fmt = sniff_format(data, path)
    suffix = Path(path).suffix.lower()
    if suffix in (".docx", ".xlsx") and fmt not in ("docx", "xlsx", "zip-broken", "zip-other"):
        raise ReportError(
            path,
            f"is named {suffix} but is not a Word/Excel file (not a zip archive)",
            "download it again or save it anew from Word/Excel",
            "bad_zip",
        )
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
        raise ReportError(
            path,
            "looks like a DOCX/XLSX (zip) but the archive is damaged",
            "download the file again or save it anew from Word/Excel",
            "bad_zip",
        )
    if fmt == "zip-other":
        raise ReportError(
            path,
            "is a zip archive that is neither DOCX nor XLSX",
            "unpack it and load the report files inside",
            "bad_zip",
        )
    if fmt == "ole":
        from etl.extract.office import extract_old_office

        return extract_old_office(path, data, sha)
    if fmt == "image":
        from etl.extract.ocr import extract_image

        return extract_image(path, data, sha)
    from etl.extract.text import extract_text

    return extract_text(path, data, sha)
