"""PDF streams counted while inflating, before pdfium opens the file (etl.limits).

pdfium inflates a stream whole into memory when a page is loaded: a 2 MB PDF whose one content
stream inflates to 2 GB of spaces took 36 s and 3.2 GB. Every `stream` keyword of the file is
therefore tried as a zlib stream (pdfium's FlateDecode) and inflated chunk by chunk, output counted and
dropped, up to LIMITS.pdf_stream_bytes; a stream that is Flate inside Flate (a chain of two
FlateDecode filters) is inflated through each stage and the last stage is counted. Bytes that are
not a deflate stream (a JPEG, an encrypted stream) fail within a few bytes and are skipped.

Not seen here: a deflate stream behind another encoding (ASCIIHex, ASCII85, LZW) or behind
encryption, and one stream listed many times in a page's /Contents array.
"""

from __future__ import annotations

import re
import zlib

from etl.limits import LIMITS, check_time, refuse

_STREAM = re.compile(rb"stream\r?\n")
_CHUNK = 1 << 16  # compressed bytes fed at a time
_OUT = 1 << 20  # most bytes inflated from one feed: memory stays bounded whatever the ratio
_NESTED = 3  # stages of Flate inside Flate followed


def check_pdf_streams(path: str, data: bytes) -> None:
    """Refuse the PDF (code inflates_too_far) when one of its streams inflates past the limit."""
    cap = LIMITS.pdf_stream_bytes
    for match in _STREAM.finditer(data):
        check_time()
        start = match.end()
        if start >= len(data) or data[start] not in (
            0x78,
            0x08,
            0x18,
            0x28,
            0x38,
            0x48,
            0x58,
            0x68,
        ):
            continue  # no zlib header (CMF byte with deflate, any window): not a Flate stream
        if _inflated_size(data, start, cap) > cap:
            raise refuse(
                path,
                "inflates_too_far",
                f"one of its streams (at byte {start:,}) unpacks to more than the limit of "
                f"{cap // 1_048_576} MB (a decompression bomb)",
                "no annual report holds this much; do not open this file, get the report "
                "from the publisher again",
            )


def _inflated_size(data: bytes, start: int, cap: int) -> int:
    """Bytes the stream at `start` inflates to (its innermost Flate stage), stopping past `cap`."""
    stages = [zlib.decompressobj()]
    sizes = [0]
    pos = start
    while pos < len(data) and not stages[0].eof:
        check_time()
        chunk, pos = data[pos : pos + _CHUNK], pos + _CHUNK
        if not _feed(stages, sizes, 0, chunk, cap):
            break
        if sizes[-1] > cap:
            break
    return sizes[-1]


def _feed(stages: list, sizes: list, level: int, chunk: bytes, cap: int) -> bool:
    """Feed `chunk` to stage `level` and what comes out to the next; False when it is no deflate."""
    inflater = stages[level]
    while chunk:
        try:
            out = inflater.decompress(chunk, _OUT)
        except zlib.error:
            return False
        chunk = inflater.unconsumed_tail
        if not out:
            return True
        if level + 1 == len(stages) and sizes[level] == 0 and len(stages) < _NESTED:
            if out[:1] == b"\x78" and _is_zlib(out):  # Flate inside Flate: follow it
                stages.append(zlib.decompressobj())
                sizes.append(0)
        sizes[level] += len(out)
        if level + 1 < len(stages):
            _feed(stages, sizes, level + 1, out, cap)
        if sizes[-1] > cap:
            return True
        if inflater.eof:
            return True
    return True


def _is_zlib(head: bytes) -> bool:
    return len(head) >= 2 and (head[0] * 256 + head[1]) % 31 == 0
