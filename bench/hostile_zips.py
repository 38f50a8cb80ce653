"""Hostile zip packages (DOCX, XLSX), for bench/hostile_files.py and
tests/gongkai/test_bounded_work.py. Not a test.

Built piece by piece and, where a size must lie, written by hand: a DOCX whose document.xml is
hundreds of MB or whose zip directory claims another size, an XLSX with millions of shared
strings. Small on disk, large once inflated.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _document_xml(paragraphs, filler_mb: int = 0) -> tuple[bytes, int, int]:
    """document.xml's deflate stream, inflated size and CRC: the paragraphs (an iterable), then
    `filler_mb` MB of blanks inside the body; compressed piece by piece, never held whole."""
    deflate = zlib.compressobj(1, zlib.DEFLATED, -15)
    parts, size, crc = [], 0, 0

    def add(chunk: bytes) -> None:
        nonlocal size, crc
        parts.append(deflate.compress(chunk))
        size += len(chunk)
        crc = zlib.crc32(chunk, crc)

    add(f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>'.encode())
    batch = []
    for p in paragraphs:
        batch.append(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>")
        if len(batch) == 10_000:
            add("".join(batch).encode())
            batch = []
    add("".join(batch).encode())
    blank = b" " * (1 << 20)
    for _ in range(filler_mb):
        add(blank)
    add(b"</w:body></w:document>")
    parts.append(deflate.flush())
    return b"".join(parts), size, crc


def docx_bytes(paragraphs, filler_mb: int = 0, declare: int | None = None) -> bytes:
    """A DOCX of `paragraphs` with `filler_mb` MB of blanks in document.xml. With `declare`, the
    zip's local header and central directory claim document.xml inflates to `declare` bytes
    (a bomb whose directory lies)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
    data = buf.getvalue()
    stream, size, crc = _document_xml(paragraphs, filler_mb)
    return _add_deflated(data, "word/document.xml", stream, size, crc, declare)


def _add_deflated(data, name: str, stream: bytes, size: int, crc: int, declare: int | None):
    """The zip `data` with one more deflated member, written by hand so that any size can be
    declared."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    infos = archive.infolist()
    cd_start = min((i.header_offset for i in infos), default=0)
    end = data.rfind(b"PK\x05\x06")
    cd_offset = struct.unpack("<L", data[end + 16 : end + 20])[0]
    body, central = data[cd_start:cd_offset], data[cd_offset:end]
    claimed = size if declare is None else declare
    raw = name.encode()
    local = struct.pack(
        "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(stream), claimed, len(raw), 0
    )
    offset = len(body)
    entry = struct.pack(
        "<4s6H3L5H2L",
        b"PK\x01\x02",
        20,
        20,
        0,
        8,
        0,
        0,
        crc,
        len(stream),
        claimed,
        len(raw),
        0,
        0,
        0,
        0,
        0,
        offset,
    )
    body += local + raw + stream
    central += entry + raw
    count = len(infos) + 1
    eocd = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(central), len(body), 0)
    return body + central + eocd


def xlsx_shared_strings(count: int) -> bytes:
    """A minimal workbook whose sharedStrings.xml holds `count` strings (one cell uses one)."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType'
            '="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName'
            '="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings'
            '.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sharedStrings+xml"/></Types>'
        ),
        "_rels/.rels": ROOT_RELS.replace("word/document.xml", "xl/workbook.xml"),
        "xl/workbook.xml": (
            f'<workbook xmlns="{ns}" xmlns:r="{rel}"><sheets><sheet name="表" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{ns}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'
            "</sheetData></worksheet>"
        ),
    }
    strings = (
        f'<sst xmlns="{ns}" count="{count}" uniqueCount="{count}">'
        + "".join(f"<si><t>{n}</t></si>" for n in range(count))
        + "</sst>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, text in files.items():
            z.writestr(name, text)
        z.writestr("xl/sharedStrings.xml", strings)
    return buf.getvalue()
