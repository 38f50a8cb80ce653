"""DOCX/XLSX packages (zip archives) opened only after every member has been inflated once,
through a counting stream, within etl.limits.

The zip directory's declared sizes are never trusted: each member's deflate stream is inflated
from its local header, chunk by chunk, and counted as it comes out; inflation stops the moment
a member passes the size its directory declares (a lie), LIMITS.member_bytes (or, for an XML
part, LIMITS.xml_bytes), or the package passes LIMITS.inflated_bytes, so a bomb stops within
a megabyte of the cap whatever its directory says. python-docx and openpyxl then read the
members through zipfile, which stops at the declared sizes checked here.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from io import BytesIO

from etl.errors import ReportError
from etl.limits import LIMITS, check_time, refuse

_CHUNK = 1 << 16  # compressed bytes fed to the inflater at a time
_OUT = 1 << 20  # most bytes inflated from one feed (bounded memory, even for a 1000:1 stream)
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # signature ... name length, extra length
_XML_SUFFIXES = (".xml", ".rels", ".vml")
MAX_RATIO = 100  # declared inflated / compressed, checked once the content passes RATIO_FLOOR
RATIO_FLOOR = 10 * 1024 * 1024  # small Word XML legitimately compresses 50x or more


def check_directory(path: str, data: bytes) -> None:
    """Refuse a zip whose central directory is past LIMITS.zip_directory_bytes, before zipfile
    reads it (it makes one object per member, from exactly the directory size the end record
    declares, also for zip64). A zip without an end record is left to zipfile to call damaged."""
    try:
        end = zipfile._EndRecData(BytesIO(data))  # noqa: SLF001 - the record zipfile itself uses
    except (OSError, struct.error, ValueError):
        return
    if end is not None and end[zipfile._ECD_SIZE] > LIMITS.zip_directory_bytes:  # noqa: SLF001
        raise refuse(
            path,
            "too_many_parts",
            f"its zip directory lists {end[zipfile._ECD_SIZE] // 1024:,} KB of parts "  # noqa: SLF001
            f"(over the limit of {LIMITS.zip_directory_bytes // 1024:,} KB; a Word or Excel "
            "report lists a few KB)",
        )


def open_package(path: str, data: bytes, kind: str) -> zipfile.ZipFile:
    """The OOXML zip, once it is known to inflate within the limits; refuse it otherwise."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _damaged(path, kind, exc)
    _check_declared(path, data, infos)
    total = 0
    for info in infos:
        cap = LIMITS.xml_bytes if info.filename.lower().endswith(_XML_SUFFIXES) else None
        size = _inflated_size(path, data, info, LIMITS.inflated_bytes - total, cap)
        if size != info.file_size:
            raise _damaged(
                path,
                kind,
                f"{info.filename} inflates to {size:,} bytes, not the {info.file_size:,} "
                "its directory declares",
            )
        total += size
    return archive


def _check_declared(path: str, data: bytes, infos) -> None:
    """An honest bomb is refused at once, by the sizes its directory declares (a lying one is
    caught while inflating)."""
    total = sum(i.file_size for i in infos)
    packed = max(sum(i.compress_size for i in infos), 1)
    if total > LIMITS.inflated_bytes or (total > RATIO_FLOOR and total / packed > MAX_RATIO):
        raise ReportError(
            path,
            f"unpacks to {total // 1_048_576} MB from {len(data) // 1024} KB "
            f"(ratio {total // packed}:1), which looks like a zip bomb",
            "no annual report is this large; do not open this file, get the report "
            "from the publisher again",
            "zip_bomb",
        )


def _inflated_size(path: str, data: bytes, info: zipfile.ZipInfo, room: int, cap: int | None):
    """The member's real inflated size, counted while inflating; refused past the limits."""
    member_cap = min(LIMITS.member_bytes, cap or LIMITS.member_bytes)
    start = _data_start(path, data, info)
    if info.compress_type == zipfile.ZIP_STORED:
        size = info.compress_size  # stored: what is there is what comes out
        _check_inflated(path, info, size, room, member_cap, cap)
        return size
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return _inflated_by_zipfile(path, data, info, room, member_cap, cap)
    inflater = zlib.decompressobj(-15)
    size, pos = 0, start
    while not inflater.eof:
        check_time()
        if inflater.unconsumed_tail:
            chunk = inflater.unconsumed_tail
        elif pos < len(data):
            chunk, pos = data[pos : pos + _CHUNK], pos + _CHUNK
        else:
            break  # the stream is cut short: zipfile reports it when the member is read
        try:
            size += len(inflater.decompress(chunk, _OUT))
        except zlib.error:
            break  # damaged: the same (reading it fails with a CRC or inflate error)
        _check_inflated(path, info, size, room, member_cap, cap)
    return size


def _inflated_by_zipfile(path, data, info, room, member_cap, cap) -> int:
    """Members compressed otherwise (bzip2, lzma: not used by Office) read through zipfile,
    which stops at the declared size; counted the same way."""
    size = 0
    with zipfile.ZipFile(BytesIO(data)).open(info) as member:
        while chunk := member.read(_OUT):
            check_time()
            size += len(chunk)
            _check_inflated(path, info, size, room, member_cap, cap)
    return size


def _check_inflated(path, info, size: int, room: int, member_cap: int, cap: int | None) -> None:
    if size > info.file_size:  # the directory lies: stop here, a bomb may follow
        raise refuse(
            path,
            "inflates_too_far",
            f"its part {info.filename} inflates past the {info.file_size:,} bytes its zip "
            "directory declares (a zip bomb hiding its size)",
            "do not open this file; get the report from the publisher again",
        )
    if size > room:
        raise refuse(
            path,
            "inflates_too_far",
            f"unpacks to more than the limit of {_mb(LIMITS.inflated_bytes)} per file (a zip bomb)",
            "no annual report is this large; do not open this file, get the report "
            "from the publisher again",
        )
    if size > member_cap:
        if cap is not None and member_cap == cap:
            raise refuse(
                path,
                "xml_too_large",
                f"its part {info.filename} holds more than the limit of {_mb(cap)} of XML",
            )
        raise refuse(
            path,
            "inflates_too_far",
            f"its part {info.filename} unpacks to more than the limit of {_mb(member_cap)} "
            "(a zip bomb)",
            "no annual report is this large; do not open this file, get the report "
            "from the publisher again",
        )


def _data_start(path: str, data: bytes, info: zipfile.ZipInfo) -> int:
    """Where the member's compressed bytes begin: after its local header (whose name and extra
    field lengths may differ from the directory's)."""
    offset = info.header_offset
    header = data[offset : offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise ReportError(
            path,
            f"the zip archive is damaged (the local header of {info.filename} is missing)",
            "download it again or save it anew from Word/Excel",
            "bad_zip",
        )
    fields = _LOCAL_HEADER.unpack(header)
    return offset + _LOCAL_HEADER.size + fields[-2] + fields[-1]


def _damaged(path: str, kind: str, exc) -> ReportError:
    return ReportError(
        path,
        f"is not a valid {kind} file: the zip archive is damaged or it is not a zip at all ({exc})",
        f"download it again or re-save it from the office program as .{kind}",
        "bad_zip",
    )


def _mb(n: int) -> str:
    return f"{n // 1_048_576} MB"
