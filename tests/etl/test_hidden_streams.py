"""Flate bombs the byte scan before pdfium could not see (issue 23, fourth round).

A bomb behind /LZWDecode (the zlib bytes LZW-coded) and one inside a PDF encrypted with an
owner password only (opens without asking; its streams are ciphertext on disk) both reached
pdfium uncounted. Each is built here, small on disk, and must be refused in seconds.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from io import BytesIO

import pytest
from PIL import Image

from bench.hostile_pdfs import PASSWORD_PAD, deflate_of_spaces, rc4
from etl.extract.pdf_lzw import lzw_chunks
from etl.extract.pdf_streams import check_pdf_streams
from etl.limits import LIMITS
from tests.etl.test_stranger_cases import _pdf, _refused

_CAP = 8 << 20  # the stream limit in these tests: bombs built and counted in a second
_PAST = _CAP + (4 << 20)
_TEXT = b"BT /F1 24 Tf 72 720 Td (Hello) Tj ET\n"
_FONT = b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"


def _lzw(data: bytes) -> bytes:
    """`data` LZW-coded by libtiff (TIFF's LZW is PDF's with EarlyChange 1): one strip of a
    one-row greyscale image, cut out of the TIFF."""
    image = Image.frombytes("L", (len(data), 1), data)
    buffer = BytesIO()
    image.save(buffer, "TIFF", compression="tiff_lzw")
    with Image.open(BytesIO(buffer.getvalue())) as tiff:
        (offset,), (length,) = tiff.tag_v2[273], tiff.tag_v2[279]
    return buffer.getvalue()[offset : offset + length]


def _xref(body: bytes, trailer: bytes = b"") -> bytes:
    """`body` (a header and objects numbered from 1) with its cross-reference table."""
    count = body.count(b" 0 obj\n")
    offsets = [body.index(b"\n%d 0 obj\n" % n) + 1 for n in range(1, count + 1)]
    return (
        body
        + b"xref\n0 %d\n0000000000 65535 f \n" % (count + 1)
        + b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        + b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n"
        % (count + 1, trailer, len(body))
    )


def _page(stream: bytes, filters: str) -> bytes:
    """_pdf's one page, with a font to draw text, before its cross-reference table."""
    plain = _pdf(stream, filters).replace(b"/Contents 3 0 R", b"/Contents 3 0 R " + _FONT)
    return plain.partition(b"xref\n")[0]


@pytest.fixture(autouse=True)
def small_stream_limit(monkeypatch):
    import dataclasses

    import etl.extract.pdf_streams as streams

    monkeypatch.setattr(streams, "LIMITS", dataclasses.replace(LIMITS, pdf_stream_bytes=_CAP))


def test_the_lzw_decoder_gives_back_what_libtiff_coded():
    data = (b"BT ET\n" * 5000) + bytes(range(256)) * 40
    assert b"".join(lzw_chunks(_lzw(data), 0, 1, 1 << 30)) == data


def test_a_flate_bomb_behind_lzw_is_decoded_and_counted(tmp_path):
    bomb = tmp_path / "lzw_bomb.pdf"
    bomb.write_bytes(_pdf(_lzw(deflate_of_spaces(_PAST, b"BT ET\n")), "[/LZWDecode /FlateDecode]"))
    assert bomb.stat().st_size < 64 << 10
    assert "unpacks to more than the limit of 8 MB" in _refused(bomb, "inflates_too_far")


def test_an_lzw_page_within_the_limits_is_still_read(tmp_path):
    fine = tmp_path / "lzw_fine.pdf"
    fine.write_bytes(_xref(_page(_lzw(zlib.compress(_TEXT)), "[/LZWDecode /FlateDecode]")))
    check_pdf_streams(str(fine), fine.read_bytes())  # no refusal
    import pypdfium2 as pdfium  # and pdfium reads the same bytes as the text we coded

    assert pdfium.PdfDocument(str(fine))[0].get_textpage().get_text_range() == "Hello"


# --- an owner-password PDF (RC4, revision 2: the empty user password opens it) ---------------


def _encrypted(stream: bytes, filters: str) -> bytes:
    """_pdf's one-page file encrypted as ISO 32000-1 7.6.3 (algorithms 2-4, 40-bit RC4) with an
    owner password and an empty user password."""
    file_id = b"0123456789abcdef"
    permissions = -3904  # printing and copying refused
    owner = rc4(hashlib.md5(b"owner-secret"[:32] + PASSWORD_PAD[:20]).digest()[:5], PASSWORD_PAD)
    key = hashlib.md5(PASSWORD_PAD + owner + struct.pack("<i", permissions) + file_id).digest()[:5]
    user = rc4(key, PASSWORD_PAD)
    object_key = hashlib.md5(key + struct.pack("<I", 3)[:3] + b"\x00\x00").digest()[:10]
    plain = _page(stream, filters)
    start = plain.index(b"stream\n") + 7
    cipher = plain[:start] + rc4(object_key, stream) + plain[start + len(stream) :]
    encrypt = b"5 0 obj\n<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>\nendobj\n" % (
        owner.hex().encode(),
        user.hex().encode(),
        permissions,
    )
    identity = file_id.hex().encode()
    return _xref(cipher + encrypt, b"/Encrypt 5 0 R /ID [<%s> <%s>] " % (identity, identity))


def test_a_flate_bomb_inside_an_owner_password_pdf_is_refused(tmp_path):
    bomb = tmp_path / "encrypted_bomb.pdf"
    bomb.write_bytes(_encrypted(deflate_of_spaces(_PAST, b"BT ET\n"), "/FlateDecode"))
    check_pdf_streams(str(bomb), bomb.read_bytes())  # ciphertext: the byte scan sees nothing
    assert "unpacks to more than the limit of 8 MB" in _refused(bomb, "inflates_too_far")


def test_an_owner_password_pdf_within_the_limits_is_still_read(tmp_path):
    import pypdfium2 as pdfium

    fine = tmp_path / "encrypted_fine.pdf"
    fine.write_bytes(_encrypted(zlib.compress(_TEXT), "/FlateDecode"))
    pdf = pdfium.PdfDocument(str(fine))
    assert pdfium.raw.FPDF_GetSecurityHandlerRevision(pdf) == 2  # really encrypted
    assert pdf[0].get_textpage().get_text_range() == "Hello"
    from etl.extract.pdf_decrypted import check_decrypted_streams

    check_decrypted_streams(str(fine), pdf)  # no refusal
