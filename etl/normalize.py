"""Text and number normalisation shared by every extractor and parser.

Reports print numbers as full-width digits, with thousands separators, as "/", "—", "无" or
nothing for zero, and occasionally as Chinese numerals. `parse_cell` turns one cell into a
`CellValue`; anything it cannot read with confidence is `malformed`, never a guess.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from etl.numerals import CN_NUMERAL_CHARS, chinese_to_int

# Cells that mean "nothing to report" in 表三/表四 (counted as 0, flagged blank).
BLANK_MARKERS = frozenset(
    {"", "/", "／", "-", "－", "--", "—", "——", "–", "无", "\\", "空", "0/", "×"}
)
# The same markers as a regex alternative (longest first), for readers that scan running text.
BLANK_PATTERN = "|".join(re.escape(m) for m in sorted(BLANK_MARKERS - {""}, key=len, reverse=True))
# Units printed after a figure or in a label; 万元/人次 before 元/人 so the longer unit wins.
UNITS = ("万元", "人次", "元", "件", "条", "次", "个", "人", "项", "篇", "期", "家", "份")
UNIT_PATTERN = "|".join(UNITS)

# Characters that print as nothing but make two equal names differ (zero-width space/joiners,
# soft hyphen, word joiner, BOM, direction marks and embeddings, Mongolian vowel separator,
# combining grapheme joiner). Declared once: every text path strips them (strip_invisible).
INVISIBLE_CHARS = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d"
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063"
    "\u2064\u2066\u2067\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f"
    "\u3164\ufeff\uffa0"
)
# Of those, the bidirectional controls can change what a reader sees of a number: an override
# before "1234" shows "4321", a mark between digits can move them. Next to a digit they are
# kept (so parse_cell calls the number malformed); everywhere else they are stripped like the rest.
BIDI_REORDER = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
BIDI_MARKS = "\u061c\u200e\u200f"
_INVISIBLE = re.compile(
    f"(?<=\\d)[{BIDI_MARKS}{BIDI_REORDER}]+(?=\\d)"  # any bidi control between two digits
    f"|(?<=\\d)[{BIDI_REORDER}]+|[{BIDI_REORDER}]+(?=\\d)"  # an override touching a digit
    f"|([{INVISIBLE_CHARS}])"
)
_ANY_INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}{BIDI_MARKS}{BIDI_REORDER}]")
# Control characters that are not white space (NUL, BEL, ESC, DEL, C1 controls but NEL ...):
# inside a number they make it malformed, never another number.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ufffd]")
_UNSEEN = re.compile(f"{_CONTROL.pattern[:-1]}{BIDI_MARKS}{BIDI_REORDER}]")
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_SPACES = re.compile(r"[\s\u00a0\u3000]+")
_NUMBER = re.compile(r"^[+\-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[+\-−]?\d+(?:\.\d+)?$")
_UNIT_SUFFIX = re.compile(f"({UNIT_PATTERN})$")
_MONEY_UNITS = ("万元", "元")
_EXPONENT = re.compile(r"^[+\-]?(\d+(\.\d*)?|\.\d+)[eE][+\-]?\d+$")
_NOT_FINITE = re.compile(r"^[+\-]?(inf|infinity|nan)$", re.I)
_FORMULA = re.compile(r"^=[A-Za-z$(]")  # an Excel formula kept as text (=SUM(B2:B4), =B3+C3)
MAX_DIGITS = 12  # no count or amount in an annual report has more digits than this


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def looks_traditional(text: str, sample: int = 4000) -> bool:
    """True when converting to Simplified changes a noticeable share of the Han characters."""
    han_chars = "".join(_HAN.findall(text[:sample]))
    if len(han_chars) < 20:
        return False
    converted = to_simplified(han_chars)
    if converted == han_chars:  # nearly every report: nothing to count, character by character
        return False
    if len(converted) != len(han_chars):
        return True
    changed = sum(map(operator.ne, han_chars, converted))
    return changed / len(han_chars) > 0.03


def strip_invisible(text: str) -> str:
    """Remove INVISIBLE_CHARS (a soft hyphen inside an agency name must not make a new agency),
    except bidirectional controls touching a digit (see BIDI_REORDER)."""
    if not _ANY_INVISIBLE.search(text):  # nearly every text: one character-class scan, ×18
        return text
    return _INVISIBLE.sub(lambda m: "" if m.group(1) else m.group(), text)


def normalize_text(text: str, traditional: bool = False) -> str:
    """NFKC (full-width digits and brackets to ASCII), no invisible characters and, for
    Traditional documents, t2s."""
    text = strip_invisible(unicodedata.normalize("NFKC", text))
    text = text.replace("−", "-")
    if traditional:
        text = to_simplified(text)
    return text


def squash(text: str) -> str:
    """Remove all white space: labels broken across lines or cells compare equal."""
    return _SPACES.sub("", strip_invisible(text))


def _shown(text: str, limit: int = 40) -> str:
    """The cell as printed, cut for a message (a 400-digit cell is named, not pasted); control
    and bidirectional characters are named (<U+0000>), never pasted into a message."""
    text = (text or "").strip()
    text = text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"
    return _UNSEEN.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def as_printed(why: str, raw: str) -> str:
    """A malformed-cell message quoting the cell as printed (parse_cell saw its normalised
    form: full-width digits already ASCII)."""
    if why.startswith("'"):
        end = why.find("' ", 1)
        if end > 0:
            return f"'{_shown(raw)}'{why[end + 1 :]}"
    return why


def count_malformed(text: str, value: float) -> str:
    """Why `value` (read from `text`) cannot be a count, or "" when it can (a whole number)."""
    if float(value).is_integer():
        return ""
    return f"'{_shown(text)}' is a fraction, but this cell is a count (a whole number)"


# The text etl.extract.xlsx keeps for a formula cell whose result the workbook does not store
_UNCACHED_FORMULA = re.compile(r"^(=.*) \[(.+)!([A-Z]{1,3}\d{1,7})\]$", re.S)


def uncached_formula_text(formula: str, sheet: str, address: str) -> str:
    """The kept text, e.g. "=C5+D5 [Sheet1!C7]": parse_cell reads it as a formula (malformed),
    never as 0."""
    return f"{formula} [{sheet}!{address}]"


def uncached_formula(raw: str) -> tuple[str, str, str] | None:
    """(formula, sheet, cell address) of a cell kept by uncached_formula_text, else None."""
    m = _UNCACHED_FORMULA.match((raw or "").strip())
    return (m.group(1), m.group(2), m.group(3)) if m else None


@dataclass(frozen=True)
class CellValue:
    value: float | None  # None: no number (blank marker or text)
    blank: bool = False  # an explicit blank/"/"/"无" cell, read as 0 in 表三/表四
    malformed: str = ""  # why a number-looking cell could not be read
    numeric: bool = False  # the cell is a number (value is set)


def as_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _unseen_in_number(s: str, text: str) -> CellValue | None:
    """A number with a control or bidirectional character among its digits (NUL from a broken
    conversion, an override that shows "290" as "092"): malformed, never another number.
    Zero-width spaces and joiners were stripped before (strip_invisible): they show nothing and
    move nothing, so the number reads as it shows."""
    unseen = _UNSEEN.search(s)
    if unseen is None:
        return None
    bare = parse_cell(_UNSEEN.sub("", s))
    if not (bare.numeric or bare.malformed):
        return None  # text (a label), not a number
    return CellValue(
        None,
        malformed=f"'{_shown(text)}' has an invisible control character "
        f"(U+{ord(unseen.group()):04X}) among its digits, so what it shows is not certain",
    )


def _formula(s: str, text: str) -> CellValue | None:
    """An Excel formula kept as text (its result not stored in the file): no value, never 0."""
    if not (_FORMULA.match(s) or uncached_formula(text)):
        return None
    return CellValue(
        None,
        malformed=f"'{_shown(text)}' is a formula whose result the file "
        "does not store (open it in Excel/WPS and save it again)",
    )


@lru_cache(maxsize=65536)
def parse_cell(text: str) -> CellValue:
    """Read one table cell. Accepts '1,234', '１２', '+3', '--253', '0.5', '12件'; blanks -> blank.

    Not a plain count, so malformed (kept as printed, never a value): exponent form ('1e309'),
    inf/nan, more than MAX_DIGITS digits (a 400-digit or 20-full-width-digit cell), a fraction
    with a count unit ('12.5件'), a control or bidirectional character among the digits, an
    Excel formula without its result. A malformed cell still counts as a cell, so its row never
    shifts.
    """
    s = squash(unicodedata.normalize("NFKC", text or ""))
    if s in BLANK_MARKERS:
        return CellValue(None, blank=True)
    unreadable = _unseen_in_number(s, text) or _formula(s, text)
    if unreadable is not None:
        return unreadable
    s = s.replace("，", ",")
    unit = _UNIT_SUFFIX.search(s)
    s = _UNIT_SUFFIX.sub("", s)
    sign = 1
    if s.startswith("--") and s[2:].replace(".", "", 1).isdigit():
        s, sign = s[2:], -1  # "--253" is how some reports print a decrease
    if s.startswith("+"):
        s = s[1:]
    if _EXPONENT.match(s):
        return CellValue(
            None, malformed=f"'{_shown(text)}' is written in exponent form, not as a count"
        )
    if _NOT_FINITE.match(s):
        return CellValue(None, malformed=f"'{_shown(text)}' is not a number")
    if _NUMBER.match(s):
        whole = s.replace(",", "").lstrip("+-−").split(".")[0]
        if len(whole.lstrip("0")) > MAX_DIGITS:
            return CellValue(
                None,
                malformed=f"'{_shown(text)}' has {len(whole)} digits, more than any "
                f"figure in an annual report ({MAX_DIGITS})",
            )
        v = float(s.replace(",", "")) * sign
        if unit is not None and unit.group() not in _MONEY_UNITS and not v.is_integer():
            return CellValue(
                None, malformed=f"'{_shown(text)}' is a fraction, but a count is a whole number"
            )
        return CellValue(v, numeric=True)
    if re.fullmatch(r"\d+(,\d+)+", s):
        return CellValue(None, malformed=f"'{_shown(text)}' has separators in the wrong places")
    if re.match(r"^(约|近|超|逾|大约)\d", s) or re.search(r"\d+(余|多|左右|以上)$", s):
        return CellValue(None, malformed=f"'{_shown(text)}' is an approximate figure")
    if s and all(ch in CN_NUMERAL_CHARS for ch in s):
        v = chinese_to_int(s)
        if v is not None:
            return CellValue(float(v), numeric=True)
    if re.search(r"[余多]$", s) and all(ch in CN_NUMERAL_CHARS for ch in s[:-1]):
        return CellValue(None, malformed=f"'{_shown(text)}' is an approximate figure")
    return CellValue(None)
