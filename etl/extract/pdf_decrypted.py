"""The stream check (etl.extract.pdf_streams) for an encrypted PDF: what pdfium inflates to open
it deciphered before it does, the rest on the decrypted copy pdfium writes.

A PDF encrypted with an owner password only (RC4 or AES, empty user password: it opens without
asking, printing or copying restricted) is common among government reports. Its streams are
ciphertext on disk, so the byte scan before pdfium sees no zlib header and a Flate bomb inside
reached pdfium uncounted. pdfium already holds the key once the file is open: it writes a copy
with the security removed (FPDF_REMOVE_SECURITY), whose streams are decrypted but still
compressed, and that copy is checked with the same limits before any page is loaded.

pdfium writes every stream as it is, except the document's XMP /Metadata, which it re-encodes,
and it writes the objects of compressed object streams unpacked, so a /Contents array packed in
one is counted on the copy. But the object streams themselves (the catalog and pages packed in
them) are inflated whole by pdfium to open the file, and the /Metadata when it writes the copy,
both before that check can run. So those two kinds of stream are deciphered here first, before
pdfium opens the file, with the key of the empty user password (etl.extract.pdf_security) and
counted with the same limits (check_packed_before_open). Where no key can be found (a user
password, another handler, AES without OpenSSL) the memory cap every parse runs under
(etl.parse_worker) is what bounds them, as before.
"""

from __future__ import annotations

import io
import re

from etl.extract.pdf_security import security_of
from etl.extract.pdf_streams import check_deciphered_stream, check_pdf_streams
from etl.limits import LIMITS, check_count, check_time, refuse

_STREAM = re.compile(rb"stream\r?\n")
_OPENED_BY_PDFIUM = re.compile(rb"/Type\s*/(?:ObjStm|Metadata)\b")
_HEADER = re.compile(rb"(\d+)\s+(\d+)\s+obj$")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\d)(?!\s+\d+\s+R)")
_DICT_REACH = 4096


def check_packed_before_open(path: str, data: bytes) -> None:
    """Refuse an encrypted PDF (code inflates_too_far) when one of the streams pdfium inflates
    before any page is read (object streams; the XMP /Metadata) inflates past its limit."""
    security = security_of(data)
    if security is None:
        return
    for count, match in enumerate(_STREAM.finditer(data), 1):
        check_time()
        check_count(path, "too_many_parts", "PDF streams", count, LIMITS.pdf_streams)
        head = data.rfind(b"obj", max(0, match.start() - _DICT_REACH), match.start())
        if head < 0:
            continue
        dictionary = data[head : match.start()]
        header = _HEADER.search(data[max(0, head - 40) : head + 3])
        if header is None or not _OPENED_BY_PDFIUM.search(dictionary):
            continue
        # no more than a stream of its kind may inflate to: stored bytes never shrink by much
        reach = 32 + (
            LIMITS.pdf_object_stream_bytes if b"ObjStm" in dictionary else LIMITS.pdf_stream_bytes
        )
        body = _body(data, match.end(), dictionary)[:reach]
        number, generation = int(header.group(1)), int(header.group(2))
        plain = b"".join(security.pieces(number, generation, body))
        check_deciphered_stream(path, dictionary, plain, match.end())


def _body(data: bytes, start: int, dictionary: bytes) -> bytes:
    """The stream's bytes on disk: /Length of them when it is written out, else up to
    `endstream` (its end-of-line dropped)."""
    length = _LENGTH.search(dictionary)
    if length is not None and start + int(length.group(1)) <= len(data):
        return data[start : start + int(length.group(1))]
    end = data.find(b"endstream", start)
    body = data[start : len(data) if end < 0 else end]
    return body[:-2] if body.endswith(b"\r\n") else body.rstrip(b"\n\r")


def check_decrypted_streams(path: str, pdf) -> None:
    """Refuse the open pypdfium2 document `pdf` when it is encrypted and a stream of its
    decrypted copy inflates past the limit (code inflates_too_far)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    if pdfium_c.FPDF_GetSecurityHandlerRevision(pdf) < 0:
        return  # not encrypted: the file itself was checked
    copy = io.BytesIO()
    try:
        pdf.save(copy, flags=pdfium_c.FPDF_REMOVE_SECURITY)
    except pdfium.PdfiumError:
        raise refuse(
            path,
            "encrypted",
            "is an encrypted PDF whose content cannot be checked before it is read",
            "ask the publisher for an unprotected copy or load the HTML page",
        ) from None
    check_pdf_streams(path, copy.getvalue())
