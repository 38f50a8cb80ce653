"""Decode report bytes: UTF-8 first, then the declared charset, then detection (GBK family)."""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

from etl.errors import ReportError

_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936", "gb_2312", "euc_cn"}


def decode_bytes(path: str, data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding). GB2312/GBK guesses decode as GB18030, their superset."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if not (declared and declared.lower().replace("-", "_") in _GB_FAMILY):
        big5 = _as_big5(data)
        if big5 is not None:
            return big5
    candidates = []
    if declared:
        candidates.append(declared.lower())
    candidates.append("gb18030")
    for enc in candidates:
        enc = "gb18030" if enc.replace("-", "_") in _GB_FAMILY else enc
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if _mostly_text(text):
            return text, enc
    best = from_bytes(data[:200000]).best()
    if best is not None and best.encoding:
        enc = "gb18030" if best.encoding.replace("-", "_") in _GB_FAMILY else best.encoding
        text = data.decode(enc, errors="replace")
        if _mostly_text(text):
            return text, enc
    raise ReportError(
        path,
        "cannot tell the text encoding (not UTF-8, GBK/GB18030 or a detectable one)",
        "open it in a browser or editor and save it as UTF-8",
        "encoding",
    )


def _as_big5(data: bytes) -> tuple[str, str] | None:
    """Big5 (Taiwan/Hong Kong) bytes also decode as GB18030, into nonsense that looks like text.
    Take Big5 when the bytes are strict Big5 (GBK text practically never is) and detection agrees."""
    for enc in ("big5", "cp950"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        sample = data[:200000]
        sample = sample[: sample.rfind(b"\n") + 1] or sample  # never cut a character in two
        best = from_bytes(sample).best()
        if best is not None and best.encoding in ("big5", "cp950", "big5hkscs"):
            return text, enc
        return None
    return None


def _mostly_text(text: str) -> bool:
    if not text:
        return False
    bad = len(re.findall(r"[\x00-\x08\x0e-\x1f\ufffd]", text[:20000]))
    return bad / min(len(text), 20000) < 0.01


BINARY_CONTROL_SHARE = 0.01  # text files have almost no control bytes; images and archives ~10%
_CONTROL = bytes(b for b in range(32) if b < 9 or 13 < b < 32 and b != 27)


def looks_binary(data: bytes) -> bool:
    """Control bytes (other than tab, newlines, form feed, ESC) in more than 1% of the first 8 KiB;
    a UTF-16/UTF-8 byte-order mark means text whatever the zero bytes say."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data.startswith(b"\xef\xbb\xbf"):
        return False
    sample = data[:8192]
    ctrl = len(sample) - len(sample.translate(None, _CONTROL))  # bytes.translate counts in C
    return ctrl / max(len(sample), 1) > BINARY_CONTROL_SHARE
