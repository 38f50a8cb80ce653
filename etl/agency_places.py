"""Place names inside agency names: which place and which level a printed name shows, so that
a one-character fuzzy match never lands on an agency of another place or level (淮安市人民政府
is not 迁安市人民政府).
"""

from __future__ import annotations

import re

from etl.glyphs import look_alike

# The words that close a place name in an agency's name: the level of its government.
REGION_MARKERS = re.compile(r"自治区|自治州|自治县|省|市|县|区|旗|盟")


def other_place(printed: str, candidate: str, level: str | None) -> str:
    """Why a one-character match names another place or level ('' when it does not).

    The character that differs decides: inside the ending (人民政俯) it is a misread of the same
    agency; inside a place name (淮安市 / 迁安市) it is another place unless the two characters
    look nearly the same (沐阳 / 沭阳, an OCR misread); a region word itself (县 / 区 / 市)
    changes the level. The printed level (省/市/县) must also be the registry's."""
    i = next(n for n, (a, b) in enumerate(zip(printed, candidate)) if a != b)
    if _in_marker(printed, i) or _in_marker(candidate, i):
        return f"行政区划层级不同（“{printed[i]}”与“{candidate[i]}”）"
    in_place = any(
        m.start() > i for m in REGION_MARKERS.finditer(candidate[: _ending_start(candidate)])
    )
    if in_place and not look_alike(printed[i], candidate[i]):
        return f"地名不同（“{_place_at(printed, i)}”与“{_place_at(candidate, i)}”）"
    shown = printed_level(printed)
    if shown and level and shown != level:
        return f"行政级别不同（报告为{shown}级，名录中为{level}级）"
    return ""


def _in_marker(name: str, i: int) -> bool:
    return any(m.start() <= i < m.end() for m in REGION_MARKERS.finditer(name))


def _ending_start(name: str) -> int:
    """Where the agency words after the last place begin (the whole name if none found)."""
    last = None
    for m in REGION_MARKERS.finditer(name):
        last = m
    return last.end() if last else 0


def _place_at(name: str, i: int) -> str:
    """The place name (up to and including its region word) that holds position i."""
    start = 0
    for m in REGION_MARKERS.finditer(name):
        if m.start() > i:
            return name[start : m.end()]
        start = m.end()
    return name


def printed_level(name: str) -> str | None:
    """省, 市 or 县 as the printed name shows it; None where it cannot tell (a bare 上海市 or
    迁安市 may be a province-level, prefecture-level or county-level city)."""
    head = name[: _ending_start(name)]
    markers = [m.group() for m in REGION_MARKERS.finditer(head)]
    if not markers:
        return None
    last = markers[-1]
    if last in ("县", "区", "旗", "自治县"):
        return "县"
    if last in ("省", "自治区"):
        return "省"
    if last == "市" and len(markers) >= 2 and markers[-2] in ("市", "州", "盟", "自治州"):
        return "县"  # a county-level city printed under its prefecture (唐山市迁安市)
    if last in ("州", "盟", "自治州"):
        return "市"
    return None
