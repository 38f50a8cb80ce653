"""What pdfium inflates to open an owner-password PDF is counted before it does (issue 23, h30a).

Such a file (empty user password: it opens without asking) keeps its catalog and pages in
compressed object streams and its XMP /Metadata as streams that are ciphertext on disk; pdfium
inflates the first whole to open the file and the second whole when it writes the decrypted
copy the other streams are checked on. Both are now deciphered with the file's key and counted
before pdfium opens the file, for every cipher of the standard security handler, and a real
report published "protected" still reads as the unprotected one.
"""

from __future__ import annotations

import dataclasses
import zlib

import pytest

import etl.extract.pdf_streams as streams
from bench.hostile_pdfs import (
    CIPHERS,
    TEXT,
    XMP,
    deflate_of_spaces,
    encrypt_in_place,
    encrypted_metadata_bomb,
    encrypted_object_stream_bomb,
    packed_pdf,
)
from etl.extract.pdf_security import security_of
from etl.limits import LIMITS
from etl.parse import parse_file
from tests.conftest import REAL
from tests.etl.test_stranger_cases import _refused

_CAP = 8 << 20  # the stream limit in these tests (the object stream limit stays 32 MB)
_LINE = "Every page of this protected file is read as written"


@pytest.fixture(autouse=True)
def small_stream_limit(monkeypatch):
    monkeypatch.setattr(streams, "LIMITS", dataclasses.replace(LIMITS, pdf_stream_bytes=_CAP))


@pytest.fixture
def pdfium_never_opens(monkeypatch):
    """The refusal must come before pdfium holds the file (it would inflate the bomb)."""
    import pypdfium2 as pdfium

    def opened(*args, **kwargs):
        raise AssertionError("pdfium opened the file before the check refused it")

    monkeypatch.setattr(pdfium, "PdfDocument", opened)


@pytest.mark.parametrize("cipher", CIPHERS)
def test_an_encrypted_object_stream_bomb_is_refused_before_pdfium(
    tmp_path, cipher, pdfium_never_opens
):
    bomb = tmp_path / f"objstm_{cipher}.pdf"
    bomb.write_bytes(
        encrypted_object_stream_bomb(LIMITS.pdf_object_stream_bytes + (8 << 20), cipher)
    )
    assert bomb.stat().st_size < 64 << 10
    refusal = _refused(bomb, "inflates_too_far")
    assert "one of its object streams (at byte" in refusal
    assert "unpacks to more than the limit of 32 MB" in refusal


@pytest.mark.parametrize("cipher", CIPHERS)
def test_an_encrypted_metadata_bomb_is_refused_before_pdfium(tmp_path, cipher, pdfium_never_opens):
    bomb = tmp_path / f"xmp_{cipher}.pdf"
    bomb.write_bytes(encrypted_metadata_bomb(_CAP + (4 << 20), cipher))
    assert "one of its streams (at byte" in _refused(bomb, "inflates_too_far")


def test_a_flate_bomb_behind_lzw_in_an_encrypted_object_stream_is_refused(
    tmp_path, pdfium_never_opens
):
    from tests.etl.test_hidden_streams import _lzw

    packed = b"1 0 2 0 << /Type /Catalog >>\n"
    lzw = _lzw(deflate_of_spaces(LIMITS.pdf_object_stream_bytes + (4 << 20), packed))
    data = packed_pdf(zlib.compress(TEXT), encrypted=True, cipher="aes-128")
    # the object stream swapped for the LZW-coded bomb, enciphered with the same key
    from bench.hostile_pdfs import Encryptor

    head = data.index(b"5 0 obj\n")
    stream = data.index(b"stream\n", head) + 7
    end = data.index(b"\nendstream", stream)
    body = Encryptor("aes-128").stream(5, lzw)
    dictionary = b"5 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Length %d " % len(body)
    dictionary += b"/Filter [/LZWDecode /FlateDecode] >>\n"
    bomb = tmp_path / "lzw_objstm.pdf"
    bomb.write_bytes(data[:head] + dictionary + b"stream\n" + body + data[end:])
    assert "object streams" in _refused(bomb, "inflates_too_far")


@pytest.mark.parametrize("cipher", CIPHERS)
def test_an_encrypted_file_within_the_limits_is_still_read(tmp_path, cipher):
    fine = tmp_path / f"fine_{cipher}.pdf"
    fine.write_bytes(
        packed_pdf(
            zlib.compress(b"BT /F1 12 Tf 72 720 Td (%s) Tj ET\n" % _LINE.encode()),
            encrypted=True,
            cipher=cipher,
            metadata=zlib.compress(XMP),
        )
    )
    security = security_of(fine.read_bytes())
    assert security is not None and security.aes == cipher.startswith("aes")
    from etl.extract.pdf import extract_pdf

    document = extract_pdf(str(fine), fine.read_bytes(), "0" * 64)
    assert _LINE in document.text


def test_a_real_report_published_protected_reads_as_the_unprotected_one(tmp_path):
    import pypdfium2 as pdfium

    plain = REAL / "hongze_2024.pdf"
    protected = tmp_path / "hongze_2024_protected.pdf"
    protected.write_bytes(encrypt_in_place(plain.read_bytes()))
    pdf = pdfium.PdfDocument(str(protected))
    assert pdfium.raw.FPDF_GetSecurityHandlerRevision(pdf) == 3  # really encrypted (RC4 128)
    pdf.close()
    assert security_of(protected.read_bytes()) is not None
    ours, theirs = parse_file(protected), parse_file(plain)
    assert len(theirs.values) == 186
    assert {k: v.value for k, v in ours.values.items()} == {
        k: v.value for k, v in theirs.values.items()
    }
