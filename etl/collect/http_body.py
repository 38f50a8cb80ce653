"""The body of a response read in small pieces against the request's deadline and size cap
(for etl.collect.http): the socket timeout set to the time left before each piece, so a host
that trickles bytes is cut off at the deadline, and the bytes counted as they come (a
Content-Length over the cap is refused before any is read).
"""

from __future__ import annotations

import time

import requests
import urllib3.exceptions

_PIECE = 64 * 1024


class TooSlow(Exception):
    pass


class TooBig(Exception):
    pass


def read_body(resp: requests.Response, deadline: float, max_bytes: int) -> bytes:
    declared = resp.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooBig
    raw = resp.raw
    sock = getattr(getattr(raw, "connection", None), "sock", None)
    chunks, size = [], 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TooSlow
        if sock is not None:
            try:
                sock.settimeout(left)
            except OSError:
                sock = None
        try:
            piece = raw.read1(_PIECE, decode_content=True)
        except (TimeoutError, urllib3.exceptions.TimeoutError):
            raise TooSlow from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:  # reset, bad gzip, cut short
            if "timed out" in str(exc).lower():  # a time-out wrapped in a ProtocolError
                raise TooSlow from None
            raise requests.ConnectionError(f"连接中断：{exc}") from None
        if not piece:  # end of the body
            break
        size += len(piece)
        if size > max_bytes:
            raise TooBig
        chunks.append(piece)
    return b"".join(chunks)
