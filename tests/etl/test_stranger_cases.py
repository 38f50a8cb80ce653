"""Hostile files the bounded-work limits did not see (issue 23, a stranger's variations).

Each is built here, small on disk, and must be refused in seconds with its own code:
a PDF whose one content stream inflates to gigabytes (pdfium inflated it whole: 3.2 GB, 36 s),
the same bomb hidden as Flate inside Flate, a PNG one pixel wide (within the pixel limit as it
is, 73 billion pixels once scaled to a page), and a zip listing hundreds of thousands of empty
members (zipfile built an object for each before any limit was checked: 28 s, 750 MB).
"""

from __future__ import annotations

import base64
import struct
import time
import zipfile
import zlib
from io import BytesIO

import pytest

from bench.hostile_pdfs import deflate_of_spaces
from etl.errors import ReportError
from etl.extract.pdf_streams import check_pdf_streams
from etl.limits import LIMITS
from etl.parse import parse_file
from tests.conftest import REAL

QUICK = 20  # seconds; each is refused in 1-3 s


def _pdf(content_stream: bytes, filters: str) -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Length %d /Filter %s >>\nstream\n" % (len(content_stream), filters.encode())
        + content_stream
        + b"\nendstream",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    rows = (b"\x00" + b"\x80" * width) * height
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def _refused(path, code: str) -> str:
    started = time.monotonic()
    with pytest.raises(ReportError) as caught:
        parse_file(path)
    assert time.monotonic() - started < QUICK
    assert caught.value.code == code, caught.value
    return str(caught.value)


def test_a_pdf_content_stream_bomb_is_refused_before_pdfium_inflates_it(tmp_path):
    past = LIMITS.pdf_stream_bytes + (16 << 20)
    bomb = tmp_path / "content_bomb.pdf"
    bomb.write_bytes(_pdf(deflate_of_spaces(past, b"BT ET\n"), "/FlateDecode"))
    assert bomb.stat().st_size < 2 << 20  # a small file on disk
    message = _refused(bomb, "inflates_too_far")
    assert "unpacks to more than the limit of 256 MB" in message


def test_flate_inside_flate_is_followed_to_the_inner_stage(tmp_path, monkeypatch):
    import dataclasses

    import etl.extract.pdf_streams as streams

    monkeypatch.setattr(streams, "LIMITS", dataclasses.replace(LIMITS, pdf_stream_bytes=8 << 20))
    inner = deflate_of_spaces(12 << 20)  # 12 MB inside, a few KB outside
    outer = zlib.compress(inner, 9)
    assert len(inner) < (1 << 20)
    with pytest.raises(ReportError) as caught:
        check_pdf_streams("nested.pdf", _pdf(outer, "[/FlateDecode /FlateDecode]"))
    assert caught.value.code == "inflates_too_far"
    # the same inner stream once compressed, under the cap: not refused
    check_pdf_streams("fine.pdf", _pdf(zlib.compress(b"BT ET\n" * 1000), "/FlateDecode"))


def test_the_real_pdf_passes_the_stream_check_quickly():
    data = (REAL / "hongze_2024.pdf").read_bytes()
    started = time.monotonic()
    check_pdf_streams("hongze_2024.pdf", data)  # no refusal
    assert time.monotonic() - started < 2


def test_an_image_one_pixel_wide_is_refused_before_it_is_scaled(tmp_path):
    sliver = tmp_path / "sliver.png"
    sliver.write_bytes(_png(1, 100_000))  # 100,000 pixels: within the frame limit as it is
    message = _refused(sliver, "page_too_large")
    assert "1 x 100,000 pixels" in message
    assert "124,000,000 pixels tall" in message


def test_a_zip_listing_too_many_members_is_refused_before_zipfile_reads_them(tmp_path):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        for n in range(25_000):
            archive.writestr(f"word/media/part{n:06d}.bin", b"")
    many = tmp_path / "many_parts.docx"
    many.write_bytes(buffer.getvalue())
    message = _refused(many, "too_many_parts")
    assert "over the limit of 1,024 KB" in message


def test_one_stream_listed_many_times_in_a_page_is_counted_each_time(tmp_path):
    """pdfium joins a /Contents array into one buffer: 20 x 100 MB took 4.1 GB."""
    stream = deflate_of_spaces(100 << 20, b"BT ET\n")
    repeated = _pdf(stream, "/FlateDecode").replace(
        b"/Contents 3 0 R", b"/Contents [" + b"3 0 R " * 20 + b"]"
    )
    bomb = tmp_path / "repeated_contents.pdf"
    bomb.write_bytes(repeated)
    message = _refused(bomb, "inflates_too_far")
    assert "the joined content of one page unpacks to more than" in message
    # the same array behind an indirect reference (/Contents 9 0 R, 9 0 obj [ ... ])
    indirect = repeated.replace(b"/Contents [", b"/Contents 9 0 R /X [").replace(
        b"trailer", b"9 0 obj [" + b"3 0 R " * 20 + b"] endobj\ntrailer"
    )
    with pytest.raises(ReportError) as caught:
        check_pdf_streams("indirect.pdf", indirect)
    assert caught.value.code == "inflates_too_far"


def test_a_pdf_of_endless_stream_keywords_is_refused_by_count():
    hostile = b"%PDF-1.4\n" + b"stream\n\x78\x9c\x00" * (LIMITS.pdf_streams + 1)
    started = time.monotonic()
    with pytest.raises(ReportError) as caught:
        check_pdf_streams("streams.pdf", hostile)
    assert caught.value.code == "too_many_parts"
    assert time.monotonic() - started < QUICK


@pytest.mark.parametrize(
    "name, stem",
    [
        (
            "整改通知_2025_某局\u202excod.exe",
            "整改通知_2025_某局_xcod.exe",
        ),  # right-to-left override
        ("某\u200b局\u2066x\u2069", "某_局_x"),  # zero-width space, isolates
        ("\u202e\u200d", "_"),  # nothing visible at all
    ],
)
def test_file_names_from_agency_names_carry_no_invisible_format_characters(name, stem):
    from etl.safe_text import portable_name

    assert portable_name(name) == stem


def test_a_flate_bomb_behind_ascii_hex_is_decoded_and_counted(tmp_path):
    bomb = deflate_of_spaces(LIMITS.pdf_stream_bytes + (16 << 20), b"BT ET\n")
    hexed = bomb.hex().upper().encode()
    spaced = b"\n".join(hexed[i : i + 64] for i in range(0, len(hexed), 64)) + b">"
    path = tmp_path / "hex_bomb.pdf"
    path.write_bytes(_pdf(spaced, "[/ASCIIHexDecode /FlateDecode]"))
    _refused(path, "inflates_too_far")


def test_a_flate_bomb_behind_ascii85_is_decoded_and_counted(tmp_path):
    bomb = deflate_of_spaces(LIMITS.pdf_stream_bytes + (16 << 20), b"BT ET\n")
    encoded = base64.a85encode(bomb, wrapcol=72) + b"~>"
    path = tmp_path / "a85_bomb.pdf"
    path.write_bytes(_pdf(encoded, "[/ASCII85Decode /FlateDecode]"))
    _refused(path, "inflates_too_far")
    small = tmp_path / "a85_small.pdf"  # the same wrapping around a harmless stream is read on
    small.write_bytes(
        _pdf(base64.a85encode(zlib.compress(b"BT ET\n")) + b"~>", "[/A85 /FlateDecode]")
    )
    check_pdf_streams(str(small), small.read_bytes())  # no refusal
