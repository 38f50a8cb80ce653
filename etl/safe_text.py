"""Text the office opens: spreadsheet cells that cannot become formulas, document text that
is legal XML, file names that fit the file system.

Every CSV and XLSX the product writes (exports, the collector's manifest.csv and findings.csv)
takes its text cells through here, because the text comes from outside: agency names from the
registry, portal titles, sites.csv names, the cells a report prints. A cell that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return (also after leading spaces, and the full-width or
small forms that NFKC folds to those) is a formula to Excel and LibreOffice: `=HYPERLINK(…)` in
an agency name would become a live link, `@SUM(…)` a call. OWASP's remedy for CSV is a leading
single quote, which Excel shows as text and hides; an XLSX cell is written with the string type
(and Excel's quote-prefix flag) instead, see exports/xlsx_text.py. A number stays a number: "-2.5"
is not escaped, "-2+3" is.

Lowest package (etl) so that etl/collect can use it as well as exports.
"""

from __future__ import annotations

import re
import unicodedata

FORMULA_STARTS = frozenset("=+-@")
RAW_STARTS = ("\t", "\r")  # a cell starting with these is read as a formula after trimming
QUOTE = "'"
_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")
# Characters XML 1.0 forbids (python-docx and lxml refuse them; a PDF shows them as boxes):
# C0 controls other than tab and newline, lone surrogates, U+FFFE/U+FFFF. A CR becomes a newline.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def formula_like(text: str) -> bool:
    """Would a spreadsheet read this text cell as a formula (or a DDE call)?"""
    if not text:
        return False
    if text.startswith(RAW_STARTS):
        return True
    stripped = text.lstrip()
    if not stripped:
        return False
    folded = unicodedata.normalize("NFKC", stripped).strip()
    if folded[:1] not in FORMULA_STARTS or folded in ("-", "+"):  # a lone dash is a blank mark
        return False
    return not _NUMBER.fullmatch(folded)


def csv_cell(value: object) -> object:
    """A CSV cell that a spreadsheet shows as written: formula-like text gets a leading quote.

    Reversible (see `csv_cell_read`): text that starts with quotes followed by something
    formula-like gets one more quote, so reading strips exactly the one added."""
    if not isinstance(value, str):
        return value
    if formula_like(value) or (value.startswith(QUOTE) and formula_like(value.lstrip(QUOTE))):
        return QUOTE + value
    return value


def csv_cell_read(value: str) -> str:
    """The text `csv_cell` was given (for the product's own CSV files read back)."""
    if value.startswith(QUOTE) and formula_like(value.lstrip(QUOTE)):
        return value[1:]
    return value


def xml_text(text: object) -> str:
    """Text a DOCX/XLSX/PDF can hold: CR LF and CR as newlines, other control characters gone."""
    s = "" if text is None else str(text)
    if not _XML_ILLEGAL.search(s) and "\r" not in s:
        return s
    return _XML_ILLEGAL.sub("", s.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(text: object) -> str:
    """Text for a single-line place (a sheet name, a file name): every control character gone.

    Not etl.errors.one_line_message, which joins a message's lines and keeps its tabs."""
    return _CONTROL.sub("", xml_text(text).replace("\n", " ").replace("\t", " "))


FILE_NAME_BYTES = 120  # of UTF-8: ext4/NTFS/zip allow 255; the suffix and a code still fit
# Windows forbids <>:"/\\|?* and the control characters; white space is folded too, so that a
# name passes whole through a shell, an e-mail client and a zip file
_NAME_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f\s]+')
# CON, PRN, AUX, NUL, COM1-9, LPT1-9 (also with the superscript digits Windows counts), any case,
# with or without an extension (`aux.pdf`, `con.tar.gz` are the device too)
_DEVICE = re.compile(r"(?:con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³])", re.IGNORECASE)


def portable_name(text: str, max_bytes: int = FILE_NAME_BYTES, ext: str = "") -> str:
    """`text` as one path segment that Linux, macOS and Windows all take, `ext` (".pdf",
    already clean) kept whole at the end, the whole at most `max_bytes` bytes of UTF-8.

    The one file-name rule of the product: the collector's saved files (a portal decides their
    names), notices, exports and downloads (named after agencies from the registry). So:
    invisible format characters (right-to-left overrides, zero-width joiners) become `_` (an
    agency named `某局\u202excod.exe` must not give a file a file manager shows as `…exe.docx`);
    Windows-illegal characters, controls and white space become `_`; leading and trailing dots
    go (`报告.` would meet `报告` on Windows, `.x` hides the file); a device name is prefixed;
    the name is cut on a character boundary (100 Chinese characters are over ext4's 255 bytes)."""
    name = unicodedata.normalize("NFC", text or "")
    name = "".join("_" if unicodedata.category(ch) == "Cf" else ch for ch in name)
    name = _NAME_UNSAFE.sub("_", name).strip(" ._")
    room = max(1, max_bytes - len(ext.encode("utf-8")))
    stem = cut_bytes(name, room).rstrip(" .") or "_"
    if _DEVICE.fullmatch(stem.split(".", 1)[0]):
        stem = cut_bytes("_" + stem, room)
    return stem + ext


def cut_bytes(text: str, limit: int) -> str:
    """`text` cut to at most `limit` bytes of UTF-8 without splitting a character."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")
