"""PDF streams counted while inflating, before pdfium opens the file (etl.limits).

pdfium inflates a stream whole into memory when a page is loaded: a 2 MB PDF whose one content
stream inflates to 2 GB of spaces took 36 s and 3.2 GB. Every `stream` keyword of the file is
therefore tried as a zlib stream (pdfium's FlateDecode) and inflated chunk by chunk, output counted and
dropped, up to LIMITS.pdf_stream_bytes; a stream that is Flate inside Flate (a chain of two
FlateDecode filters) is inflated through each stage and the last stage is counted. Bytes that are
not a deflate stream (a JPEG, an encrypted stream) fail within a few bytes and are skipped.

pdfium also joins the streams of a page's /Contents array into one buffer, so the same 100 MB
stream listed 20 times took 4.1 GB: the sizes of the streams a /Contents array lists (written in
the page, or as an array object it points to) are added up, each time it is listed, against the
same limit.

An ASCIIHex stream is decoded first (a Flate bomb behind /ASCIIHexDecode), and so is a stream whose
dictionary names /ASCII85Decode; a stream whose dictionary names /LZWDecode is decoded by
etl.extract.pdf_lzw chunk by chunk, its output counted (LZW alone expands up to ~2,700:1) and fed
to the Flate stages when it is a zlib stream. An encrypted PDF's streams are checked on the
decrypted copy pdfium writes (etl.extract.pdf_decrypted).

A compressed object stream (/Type /ObjStm: the pages and arrays of a PDF 1.5 file packed out of
sight) is inflated, within the smaller LIMITS.pdf_object_stream_bytes, and the /Contents arrays
packed in it are counted as above (etl.extract.pdf_objstm).
"""

from __future__ import annotations

import base64
import re
import zlib

from etl.extract.pdf_lzw import lzw_chunks
from etl.extract.pdf_objstm import OBJECT_STREAM, packed_arrays
from etl.limits import LIMITS, check_count, check_time, refuse

_STREAM = re.compile(rb"stream\r?\n")
_CHUNK = 1 << 16  # compressed bytes fed at a time
_OUT = 1 << 20  # most bytes inflated from one feed: memory stays bounded whatever the ratio
_NESTED = 3  # stages of Flate inside Flate followed
_ZLIB_FIRST_BYTES = frozenset((0x08, 0x18, 0x28, 0x38, 0x48, 0x58, 0x68, 0x78))
_HEX_START = re.compile(rb"\s*[0-7][0-9A-Fa-f]\s*[0-9A-Fa-f]")  # a zlib header in hex
_SPACE = re.compile(rb"\s+")
_A85 = re.compile(rb"/(?:ASCII85Decode|A85)\b")
_LZW = re.compile(rb"/LZWDecode\b")
_EARLY_CHANGE_OFF = re.compile(rb"/EarlyChange\s+0\b")
_DICT_REACH = 4096  # bytes before `stream` searched for the object header
_OBJ = re.compile(rb"(\d+)\s+\d+\s+obj$")
_ARRAY_OBJ = re.compile(rb"(\d+)\s+\d+\s+obj\s*\[([^\[\]]{0,100000})\]")
_CONTENTS = re.compile(rb"/Contents\s*(?:\[([^\[\]]{0,100000})\]|(\d+)\s+\d+\s+R)")
# an array holds no array: stopping at either bracket keeps the scan linear
_REF = re.compile(rb"(\d+)\s+\d+\s+R")


def check_pdf_streams(path: str, data: bytes) -> None:
    """Refuse the PDF (code inflates_too_far) when one of its streams inflates past the limit."""
    cap = LIMITS.pdf_stream_bytes
    sizes: dict[int, int] = {}  # object number -> bytes its stream inflates to
    packed: list[tuple[bytes, bytes]] = []  # (dictionary, decoded text) of each object stream
    for count, match in enumerate(_STREAM.finditer(data), 1):
        check_time()
        check_count(path, "too_many_parts", "PDF streams", count, LIMITS.pdf_streams)
        start = match.end()
        if _names(data, match.start(), OBJECT_STREAM):
            packed.append(_object_stream(path, data, match.start(), start))
            continue
        size = _decoded_size(data, match.start(), start, cap)
        if size is None:
            continue
        if size > cap:
            raise _bomb(path, f"one of its streams (at byte {start:,})", cap)
        number = _object_number(data, match.start())
        if number is not None:
            sizes[number] = size
    if sizes:
        _check_contents_arrays(path, data, sizes, cap, packed)


def check_deciphered_stream(path: str, dictionary: bytes, body: bytes, at: int) -> None:
    """Refuse the PDF when a stream given apart from the file (deciphered: etl.extract.
    pdf_decrypted) inflates past the limit its kind of stream has; `dictionary` is its object's
    text from `obj` to `stream`, `at` where its bytes start in the file (for the message)."""
    whole = dictionary + b"stream\n" + body
    start = len(dictionary) + 7
    if _names(whole, len(dictionary), OBJECT_STREAM):
        _object_stream(path, whole, len(dictionary), start, at)
        return
    size = _decoded_size(whole, len(dictionary), start, LIMITS.pdf_stream_bytes)
    if size is not None and size > LIMITS.pdf_stream_bytes:
        raise _bomb(path, f"one of its streams (at byte {at:,})", LIMITS.pdf_stream_bytes)


def _decoded_size(data: bytes, stream_at: int, start: int, cap: int, sink=None) -> int | None:
    """Bytes the stream starting at `start` decodes to, stopping past `cap` (with `sink`, the
    decoded bytes are kept there); None when it is neither a Flate nor an LZW stream."""
    body, at = data, start
    if _HEX_START.match(data, start):  # ASCIIHex in front of Flate: decoded first
        body, at = _unhex(data, start), 0
    elif _names(data, stream_at, _A85):  # ASCII85 in front of Flate: decoded first
        body, at = _un85(data, start), 0
    if _names(data, stream_at, _LZW):  # LZW alone, or in front of Flate
        early = 0 if _names(data, stream_at, _EARLY_CHANGE_OFF) else 1
        return _lzw_size(body, at, early, cap, sink)
    if at >= len(body) or body[at] not in _ZLIB_FIRST_BYTES:
        return None  # no zlib header (CMF byte with deflate, any window): not a Flate stream
    return _inflated_size(_chunks(body, at), cap, sink)


def _object_stream(
    path: str, data: bytes, stream_at: int, start: int, at: int | None = None
) -> tuple[bytes, bytes]:
    """The dictionary and the decoded text of the object stream starting at `start`, refused
    past LIMITS.pdf_object_stream_bytes (pdfium inflates it whole and parses its objects);
    `at`: where it starts in the file, when `data` is not the file."""
    cap = LIMITS.pdf_object_stream_bytes
    head = data.rfind(b"obj", max(0, stream_at - _DICT_REACH), stream_at)
    dictionary = data[max(0, head) : stream_at]
    text: list[bytes] = []
    size = _decoded_size(data, stream_at, start, cap, text)
    if not size:  # stored as it is (an object stream may be unfiltered)
        end = data.find(b"endstream", start)
        text = [data[start : len(data) if end < 0 else end][: cap + 1]]
        size = len(text[0])
    if size > cap:
        raise _bomb(
            path, f"one of its object streams (at byte {start if at is None else at:,})", cap
        )
    return dictionary, b"".join(text)


def _unhex(data: bytes, start: int) -> bytes:
    """The bytes of an ASCIIHex stream starting at `start` (see _encoded)."""
    digits = _encoded(data, start, b">")
    try:
        return bytes.fromhex((digits + b"0" if len(digits) % 2 else digits).decode("ascii"))
    except ValueError:
        return b""


def _encoded(data: bytes, start: int, closer: bytes) -> bytes:
    """The text of an ASCII-encoded stream starting at `start`, white space removed: up to its
    `closer` or the next `stream` keyword (an `endstream`), so no byte of the file is decoded
    twice."""
    end = data.find(b"stream", start)
    end = len(data) if end < 0 else end
    close = data.find(closer, start, end)
    return _SPACE.sub(b"", data[start : end if close < 0 else close])


def _names(data: bytes, stream_at: int, pattern: re.Pattern) -> bool:
    """The dictionary of the stream starting at `stream_at` holds `pattern` (a filter's name,
    searched back to its object's `obj` only, never into the object before)."""
    lo = max(0, stream_at - _DICT_REACH)
    head = data.rfind(b"obj", lo, stream_at)
    return bool(pattern.search(data, lo if head < 0 else head, stream_at))


def _un85(data: bytes, start: int) -> bytes:
    """The bytes of an ASCII85 stream starting at `start` (see _encoded)."""
    try:
        return base64.a85decode(_encoded(data, start, b"~>"))
    except ValueError:
        return b""


def _bomb(path: str, what: str, cap: int):
    return refuse(
        path,
        "inflates_too_far",
        f"{what} unpacks to more than the limit of {cap // 1_048_576} MB (a decompression bomb)",
        "no annual report holds this much; do not open this file, get the report "
        "from the publisher again",
    )


def _object_number(data: bytes, stream_at: int) -> int | None:
    """The number of the object whose stream starts at `stream_at` (its `N G obj` header)."""
    keyword = data.rfind(b"obj", max(0, stream_at - _DICT_REACH), stream_at)
    header = _OBJ.search(data[max(0, keyword - 40) : keyword + 3]) if keyword >= 0 else None
    return int(header.group(1)) if header else None


def _check_contents_arrays(
    path: str, data: bytes, sizes: dict[int, int], cap: int, packed: list[tuple[bytes, bytes]]
) -> None:
    """A page's content streams as pdfium joins them: each listed stream counted every time.
    Pages and arrays packed in object streams (`packed`) count as those written in the file."""
    arrays = {int(m.group(1)): m.group(2) for m in _ARRAY_OBJ.finditer(data)}
    for dictionary, text in packed:
        arrays.update(packed_arrays(dictionary, text))
    for source in (data, *(text for _, text in packed)):
        for match in _CONTENTS.finditer(source):
            check_time()
            listed = match.group(1)
            if listed is None:  # /Contents N G R: a stream, or an array object
                listed = arrays.get(int(match.group(2)), b"")
            total = sum(sizes.get(int(ref), 0) for ref in _REF.findall(listed))
            if total > cap:
                raise _bomb(path, "the joined content of one page", cap)


def _chunks(data: bytes, start: int):
    """The bytes of `data` from `start`, _CHUNK at a time (a memoryview slice copies nothing:
    most tries fail in a few bytes)."""
    view = memoryview(data)
    for pos in range(start, len(data), _CHUNK):
        yield view[pos : pos + _CHUNK]


def _lzw_size(data: bytes, start: int, early: int, cap: int, sink=None) -> int:
    """Bytes an LZW stream decodes to, or, when what it decodes to is a zlib stream, what that
    inflates to (each stopping past `cap`; with `sink`, the bytes are kept there)."""
    decoded = lzw_chunks(data, start, early, cap)
    first = next(decoded, b"")
    if first[:1] and first[0] in _ZLIB_FIRST_BYTES and _is_zlib(first):
        return _inflated_size(_chained(first, decoded), cap, sink)
    size = 0
    for chunk in _chained(first, decoded):
        check_time()
        size += len(chunk)
        if sink is not None:
            sink.append(chunk)
    return size


def _chained(first: bytes, rest):
    yield first
    yield from rest


def _inflated_size(chunks, cap: int, sink: list[bytes] | None = None) -> int:
    """Bytes a zlib stream given as `chunks` inflates to (its innermost Flate stage), stopping
    past `cap`; with `sink`, what the innermost stage gives is kept there too."""
    stages = [zlib.decompressobj()]
    sizes = [0]
    for chunk in chunks:
        check_time()
        if stages[0].eof or not _feed(stages, sizes, 0, chunk, cap, sink):
            break
        if sizes[-1] > cap:
            break
    return sizes[-1]


def _feed(stages: list, sizes: list, level: int, chunk: bytes, cap: int, sink=None) -> bool:
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
            _feed(stages, sizes, level + 1, out, cap, sink)
        elif sink is not None:
            sink.append(out)
        if sizes[-1] > cap:
            return True
        if inflater.eof:
            return True
    return True


def _is_zlib(head: bytes) -> bool:
    return len(head) >= 2 and (head[0] * 256 + head[1]) % 31 == 0
