"""The LZW decoder of PDF streams (/LZWDecode), bounded, for the stream check before pdfium.

pdfium decodes an LZW stream whole into memory, then hands it to the next filter: a Flate bomb
behind /LZWDecode (the zlib bytes LZW-coded) was not counted by etl.extract.pdf_streams, and LZW
alone expands up to ~2,700:1 (a 12-bit code stands for up to 4,096 bytes). This decoder gives
its output in chunks of about a megabyte and stops once it has given more than `cap` bytes, so
memory stays bounded whatever the ratio. PDF's variant (ISO 32000-1, 7.4.4): codes of 9 to 12
bits, most significant bit first, 256 clears the table, 257 ends the data, and with EarlyChange 1
(the default) the code width grows one code early.
"""

from __future__ import annotations

from collections.abc import Iterator

from etl.limits import check_time

_CLEAR, _END, _FIRST_FREE, _MAX_CODES = 256, 257, 258, 4096
_OUT = 1 << 20  # bytes gathered before a chunk is given


def lzw_chunks(data: bytes, start: int, early: int, cap: int) -> Iterator[bytes]:
    """Chunks of the decoded LZW stream at data[start:], until its end code, a code that is not
    in the table (not LZW, or damaged), the end of `data`, or more than `cap` bytes given."""
    table = [bytes((n,)) for n in range(256)] + [b"", b""]
    width, accumulator, bits = 9, 0, 0
    previous: bytes | None = None
    out = bytearray()
    given = 0
    for index in range(start, len(data)):
        accumulator = (accumulator << 8) | data[index]
        bits += 8
        if bits < width:
            continue
        bits -= width
        code = accumulator >> bits
        accumulator &= (1 << bits) - 1
        if code == _CLEAR:
            del table[_FIRST_FREE:]
            width, previous = 9, None
            continue
        if code == _END:
            break
        if code < len(table):
            entry = table[code]
            if previous is not None and len(table) < _MAX_CODES:
                table.append(previous + entry[:1])
        elif code == len(table) and previous is not None and len(table) < _MAX_CODES:
            entry = previous + previous[:1]  # the code being defined (the KwKwK case)
            table.append(entry)
        else:
            break
        previous = entry
        out += entry
        if len(table) + early >= 1 << width and width < 12:
            width += 1
        if len(out) >= _OUT:
            check_time()
            given += len(out)
            yield bytes(out)
            out.clear()
            if given > cap:
                return
    if out:
        yield bytes(out)
