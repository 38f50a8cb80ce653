"""The objects packed in a PDF's compressed object streams, for the stream check before pdfium.

Since PDF 1.5 a file may keep its catalog, pages and arrays inside /Type /ObjStm streams: a
header of N pairs (object number, offset from /First), then the objects' text one after the
other. A page's /Contents array packed there is invisible to a scan of the file's bytes, and
pdfium joins the streams it lists into one buffer (the same 100 MB stream listed 20 times took
2.1 GB). etl.extract.pdf_streams inflates each object stream (within
LIMITS.pdf_object_stream_bytes) and hands the text here, so that the arrays and /Contents
entries packed in it are counted as those written in the file are.
"""

from __future__ import annotations

import re

from etl.limits import check_time

OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b")
_FIRST = re.compile(rb"/First\s+(\d+)")
_COUNT = re.compile(rb"/N\s+(\d+)")
_PAIR = re.compile(rb"\s*(\d+)\s+(\d+)")
# an array holds no array: stopping at either bracket keeps the scan linear
_ARRAY = re.compile(rb"\s*\[([^\[\]]{0,100000})\]")


def packed_arrays(dictionary: bytes, text: bytes) -> dict[int, bytes]:
    """Object number -> the inside of its brackets, for each array object packed in the object
    stream whose dictionary is `dictionary` and whose decoded bytes are `text`."""
    first, count = _FIRST.search(dictionary), _COUNT.search(dictionary)
    if first is None or count is None:
        return {}
    start = int(first.group(1))
    header = text[:start]
    offsets: list[tuple[int, int]] = []
    at = 0
    for _ in range(int(count.group(1))):
        pair = _PAIR.match(header, at)
        if pair is None:
            break
        offsets.append((int(pair.group(1)), start + int(pair.group(2))))
        at = pair.end()
        if len(offsets) % 4096 == 0:
            check_time()
    arrays = {}
    for number, offset in offsets:
        array = _ARRAY.match(text, offset)
        if array is not None:
            arrays[number] = array.group(1)
    return arrays
