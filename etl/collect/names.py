"""File and folder names for collected files that every disk takes: capped in bytes, portable.

A portal decides the names (its URL's last segment, a link's text, the agency in sites.csv), so a
name may be anything: 100 Chinese characters (300 bytes, over ext4's 255-byte limit), `aux.pdf`
(a device on Windows, whatever the extension), `报告.` (Windows drops the dot and two files meet),
`a:b`, a control character, a right-to-left override that makes `fdp.exe` read as `exe.pdf`.
The collected folder is copied to Windows desktops and shared drives, so names are made to hold
there too: Windows-illegal characters replaced, device names prefixed, trailing dots and spaces
dropped, and the whole name cut to `MAX_NAME_BYTES` of UTF-8 on a character boundary.
"""

from __future__ import annotations

import re
import unicodedata

from etl.safe_text import cut_bytes

MAX_NAME_BYTES = 200  # of UTF-8, extension included: ext4/XFS/btrfs allow 255, NTFS 255 UTF-16
# Windows: <>:"/\|?* and the control characters are illegal; \x7f is no better in a name
_ILLEGAL = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')
# CON, PRN, AUX, NUL, COM1-9, LPT1-9 (also with the superscript digits Windows counts), any case,
# with or without an extension (`aux.pdf`, `con.tar.gz` are the device too)
_DEVICE = re.compile(r"(?:con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³])", re.IGNORECASE)


def portable_name(text: str, max_bytes: int = MAX_NAME_BYTES, ext: str = "") -> str:
    """`text` as one path segment that Linux, macOS and Windows all take, `ext` (".pdf",
    already clean) kept whole at the end, the whole at most `max_bytes` bytes of UTF-8."""
    name = unicodedata.normalize("NFC", text or "")
    # format characters (bidi overrides, zero-width joiners) hide what a name really says
    name = "".join("_" if unicodedata.category(ch) == "Cf" else ch for ch in name)
    name = _ILLEGAL.sub("_", name).strip(" ._")  # leading dots would hide it (.pages is ours)
    stem = cut_bytes(name, max(1, max_bytes - len(ext.encode("utf-8")))).rstrip(" .")
    stem = stem or "_"
    if _DEVICE.fullmatch(stem.split(".", 1)[0].rstrip(" ")):
        stem = cut_bytes("_" + stem, max(1, max_bytes - len(ext.encode("utf-8"))))
    return stem + ext
