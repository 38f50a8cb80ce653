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

# Cells that mean "nothing to report" in 表三/表四 (counted as 0, flagged blank).
BLANK_MARKERS = frozenset({"", "/", "／", "-", "--", "—", "——", "–", "无", "\\", "空", "0/", "×"})

_HAN = re.compile(r"[\u4e00-\u9fff]+")
_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_NUMBER = re.compile(r"^[+\-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[+\-−]?\d+(?:\.\d+)?$")
_UNIT_SUFFIX = re.compile(r"(万元|元|件|条|次|个|人次|人|项|篇|期|家|份)$")

CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "贰": 2, "三": 3,
             "叁": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7,
             "八": 8, "捌": 8, "九": 9, "玖": 9}
CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, "万": 10000}
CN_NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(CN_UNITS)


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
    if len(converted) != len(han_chars):
        return True
    changed = sum(map(operator.ne, han_chars, converted))
    return changed / len(han_chars) > 0.03


def normalize_text(text: str, traditional: bool = False) -> str:
    """NFKC (full-width digits and brackets to ASCII) and, for Traditional documents, t2s."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("−", "-").replace("\u200b", "").replace("\ufeff", "")
    if traditional:
        text = to_simplified(text)
    return text


def squash(text: str) -> str:
    """Remove all white space: labels broken across lines or cells compare equal."""
    return _SPACES.sub("", text)


@dataclass(frozen=True)
class CellValue:
    value: float | None  # None: no number (blank marker or text)
    blank: bool = False  # an explicit blank/"/"/"无" cell, read as 0 in 表三/表四
    malformed: str = ""  # why a number-looking cell could not be read
    numeric: bool = False  # the cell is a number (value is set)


def as_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


@lru_cache(maxsize=65536)
def parse_cell(text: str) -> CellValue:
    """Read one table cell. Accepts '1,234', '１２', '+3', '--253', '0.5', '12件'; blanks -> blank."""
    s = squash(unicodedata.normalize("NFKC", text or ""))
    if s in BLANK_MARKERS:
        return CellValue(None, blank=True)
    s = s.replace("，", ",")
    s = _UNIT_SUFFIX.sub("", s)
    sign = 1
    if s.startswith("--") and s[2:].replace(".", "", 1).isdigit():
        s, sign = s[2:], -1  # "--253" is how some reports print a decrease
    if s.startswith("+"):
        s = s[1:]
    if _NUMBER.match(s):
        v = float(s.replace(",", "")) * sign
        return CellValue(v, numeric=True)
    if re.fullmatch(r"\d+(,\d+)+", s):
        return CellValue(None, malformed=f"'{text}' has separators in the wrong places")
    if re.match(r"^(约|近|超|逾|大约)\d", s) or re.search(r"\d+(余|多|左右|以上)$", s):
        return CellValue(None, malformed=f"'{text}' is an approximate figure")
    if s and all(ch in CN_NUMERAL_CHARS for ch in s):
        v = chinese_to_int(s)
        if v is not None:
            return CellValue(float(v), numeric=True)
    if re.search(r"[余多]$", s) and all(ch in CN_NUMERAL_CHARS for ch in s[:-1]):
        return CellValue(None, malformed=f"'{text}' is an approximate figure")
    return CellValue(None)


def chinese_to_int(s: str) -> int | None:
    """'一' -> 1, '十二' -> 12, '四十' -> 40, '两百零五' -> 205, '一〇五' -> 105."""
    if not s:
        return None
    if all(ch in CN_DIGITS for ch in s):
        if len(s) == 1:
            return CN_DIGITS[s]
        return int("".join(str(CN_DIGITS[ch]) for ch in s))
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            unit = CN_UNITS[ch]
            if unit == 10000:
                section = (section + (digit or 0)) * unit
                total += section
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
        else:
            return None
    return total + section + (digit or 0)


def yuan_to_wan(value: float, unit: str) -> float:
    """Money cells say 元 or 万元; the canonical unit is 万元."""
    return round(value / 10000, 6) if unit == "元" else value
