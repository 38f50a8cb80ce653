"""The year a report covers (its title, its 统计期限, else the year it names most) and its dates:
when it was made public (a 发布日期 line near the top) and when it was signed (under the
signature or the title), as ISO dates; a date that does not exist is none."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from etl import clock
from etl.document import RawDocument
from etl.normalize import squash
from etl.numerals import chinese_to_int

_DATE_ISO = re.compile(r"(20\d{2}|19\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_DATE_RUN = re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)")
_DATE_CN = re.compile(
    r"([二〇○零一三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
PUBLISHED_LABELS = (
    "发布日期",
    "发布时间",
    "公开日期",
    "发文日期",
    "发布于",
    "生成日期",
    "成文日期",
    "信息时间",
    "时间",
)


def report_year(title: str, full: str) -> int | None:
    this_year = clock.today().year
    sq = squash(title)
    m = re.search(r"(20\d{2}|19\d{2})年(度)?", sq)
    if m and 2000 <= int(m.group(1)) <= this_year:
        return int(m.group(1))
    m = re.search(r"统计(?:期限|时限|周期|时间|区间)?[自从为是:：]*(20\d{2})年1月1日", full)
    if m:
        return int(m.group(1))
    m = re.search(r"([二〇○零一三四五六七八九]{4})年", sq)
    if m:
        y = int("".join(str(chinese_to_int(ch)) for ch in m.group(1)))
        if 2000 <= y <= this_year:
            return y
    years = Counter(
        int(y)
        for y in re.findall(r"(20\d{2})年(?!\d{1,2}月\d{1,2}日)", full)
        if 2000 <= int(y) <= this_year
    )
    if years:
        top = years.most_common(2)
        return top[0][0]
    return None


def parse_date(text: str) -> str | None:
    sq = squash(text)
    m = _DATE_ISO.search(sq)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _DATE_RUN.search(sq)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _DATE_CN.search(sq)
    if m:
        y = int("".join(str(chinese_to_int(ch)) for ch in m.group(1)))
        return _iso(y, chinese_to_int(m.group(2)) or 0, chinese_to_int(m.group(3)) or 0)
    return None


def _iso(y: int, mo: int, d: int) -> str | None:
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


def published_date(doc: RawDocument) -> str | None:
    for block in doc.blocks[:40]:
        cells = [squash(c) for c in block.cells]
        text = squash(block.text)
        for label in PUBLISHED_LABELS:
            if label not in text or (label == "时间" and not text.startswith("时间")):
                continue
            if len(cells) > 1:
                for i, c in enumerate(cells[:-1]):
                    if c.startswith(label):
                        d = parse_date(cells[i + 1])
                        if d:
                            return d
            after = text.split(label, 1)[1]
            d = parse_date(after[:30])
            if d:
                return d
    return None


def signed_date(doc: RawDocument) -> str | None:
    for block in reversed(doc.blocks[-8:]):
        sq = squash(block.text)
        if len(sq) <= 24:
            d = parse_date(sq)
            if d:
                return d
    for block in doc.blocks[:6]:  # "(2026年1月23日)" under the title
        sq = squash(block.text).strip("()（）")
        if len(sq) <= 14:
            d = parse_date(sq)
            if d:
                return d
    return None
