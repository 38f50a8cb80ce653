"""PDF pages packed in compressed object streams (issue 23, fifth round).

A PDF 1.5 file may keep its catalog, pages and arrays inside an /ObjStm stream, so a page's
/Contents array listing one big stream many times (pdfium joins them: 20 x 100 MB took 2.1 GB)
was invisible to the byte scan before pdfium; in an encrypted file the object stream itself is
ciphertext that pdfium inflates whole to open the document (2 GB: 2.1 GB and a crash). Each is
built here by bench/hostile_pdfs.py, small on disk; the stream limits are lowered through the
declared limits object so that the bombs are built and counted in a second.
"""

from __future__ import annotations

import dataclasses
import time
import zlib

import pytest

from bench.hostile_pdfs import (
    TEXT,
    deflate_of_spaces,
    encrypted_object_stream_bomb,
    packed_array_bomb,
    packed_contents_bomb,
    packed_pdf,
)
from etl.errors import ReportError
from etl.extract.pdf_streams import check_pdf_streams
from etl.limits import LIMITS
from etl.parse_worker import parse_alone
from tests.etl.test_stranger_cases import _refused

_STREAM_CAP = 8 << 20  # the joined content limit in these tests
_PACKED_CAP = 4 << 20  # the object stream limit in these tests
_LISTED = 4 << 20  # one content stream: listed 4 times it is 16 MB joined, past the cap


@pytest.fixture(autouse=True)
def small_limits(monkeypatch):
    import etl.extract.pdf_streams as streams

    smaller = dataclasses.replace(
        LIMITS, pdf_stream_bytes=_STREAM_CAP, pdf_object_stream_bytes=_PACKED_CAP
    )
    monkeypatch.setattr(streams, "LIMITS", smaller)


def _pdfium_text(data: bytes) -> str:
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(data)[0].get_textpage().get_text_range()


def test_a_contents_array_in_a_packed_page_is_counted_each_time(tmp_path):
    bomb = tmp_path / "packed_contents.pdf"
    bomb.write_bytes(packed_contents_bomb(_LISTED, 4))
    assert bomb.stat().st_size < 64 << 10
    assert b"/Contents" not in bomb.read_bytes()  # only in the object stream
    message = _refused(bomb, "inflates_too_far")
    assert "the joined content of one page unpacks to more than the limit of 8 MB" in message


def test_a_packed_array_object_listed_as_contents_is_counted(tmp_path):
    bomb = tmp_path / "packed_array.pdf"
    bomb.write_bytes(packed_array_bomb(_LISTED, 4))
    assert "the joined content of one page" in _refused(bomb, "inflates_too_far")


@pytest.mark.parametrize("build", [packed_contents_bomb, packed_array_bomb])
def test_a_packed_page_within_the_limits_is_still_read(build):
    fine = build(_LISTED, 1)  # listed once: 4 MB joined
    check_pdf_streams("fine.pdf", fine)  # no refusal
    assert _pdfium_text(fine) == "Hello"  # and pdfium finds the page where we did


def test_a_packed_array_in_an_encrypted_pdf_is_counted_on_the_decrypted_copy(tmp_path):
    listed = b"[" + b"3 0 R " * 4 + b"]"
    data = packed_pdf(deflate_of_spaces(_LISTED, TEXT), b"6 0 R", array=listed, encrypted=True)
    check_pdf_streams("ciphertext.pdf", data)  # the byte scan sees ciphertext only
    bomb = tmp_path / "encrypted_packed_array.pdf"
    bomb.write_bytes(data)
    assert "the joined content of one page" in _refused(bomb, "inflates_too_far")


def test_an_object_stream_past_its_limit_is_refused_before_pdfium(tmp_path):
    bomb = tmp_path / "object_stream_bomb.pdf"
    bomb.write_bytes(packed_pdf(zlib.compress(TEXT), padding=2 * _PACKED_CAP))
    message = _refused(bomb, "inflates_too_far")
    assert "one of its object streams (at byte" in message
    assert "unpacks to more than the limit of 4 MB" in message
    within = packed_pdf(zlib.compress(TEXT), padding=_PACKED_CAP // 2)
    check_pdf_streams("within.pdf", within)  # no refusal
    assert _pdfium_text(within) == "Hello"


def test_an_encrypted_object_stream_bomb_is_stopped_by_the_memory_cap(tmp_path, monkeypatch):
    """Ciphertext until pdfium opens the file, and pdfium inflates it whole to open it. Its key
    is found and it is refused before pdfium (tests/etl/test_encrypted_streams.py); where no key
    can be found (another handler, AES without OpenSSL) the reader's memory cap
    (etl.parse_worker) is what stops it: the forked worker inherits the patch."""
    import etl.extract.pdf_decrypted

    monkeypatch.setattr(etl.extract.pdf_decrypted, "security_of", lambda data: None)
    bomb = tmp_path / "encrypted_object_stream.pdf"
    bomb.write_bytes(encrypted_object_stream_bomb(LIMITS.lone_worker_memory_bytes + (400 << 20)))
    assert bomb.stat().st_size < 2 << 20
    started = time.monotonic()
    with pytest.raises(ReportError) as caught:
        parse_alone(str(bomb))
    assert caught.value.code == "too_much_memory", caught.value
    assert time.monotonic() - started < 30  # ~2 s
