"""Tables flattened into one long line (portal crawlers save the page body as one line):
cut the table region of such a block back into heading, label and row blocks.

"…申请人情况自然人…其他一、本年新收政府信息公开申请数量801000081二、上年结转…" becomes the
blocks "申请人情况自然人…其他", "一、本年新收政府信息公开申请数量 801000081", "二、上年结转…".
A cut falls before every row numbering (一、 （一） 1.), after every table heading, and after
every digit run; a run's last digit followed by "." or "、" and a label is the next row's
number ("3100000312.没有…" = 310000031, then "2.没有…"). The digits stay glued: splitting
them is the table readers' work (etl.parse.glued).
"""

from __future__ import annotations

import re
from itertools import pairwise

from etl.document import Block, Location

LONG_BLOCK = 150  # a block this long holding a table heading is a flattened page
T4_HEADING = re.compile(r"政府信息公开行政.{0,2}复议.{0,3}行政诉讼(?:情况)?|复议.{0,3}行政诉讼情况")
TABLE_STARTS = re.compile(
    r"主动公开政府信息情况(?=.{0,120}?(?:第二十条|信息内容|本年制发|本年新制作))"
    r"|收到和处理政府信息公开申请(?:情况)?(?=.{0,400}?本年新收)"
    r"|(?:" + T4_HEADING.pattern + r")(?=.{0,200}?(?:结果维持|尚未审结))"
)
TABLE_ENDS = re.compile(r"存在的主要问题|其他需要报告的事项|主要问题及改进")
_HEADINGS = re.compile(TABLE_STARTS.pattern + "|" + T4_HEADING.pattern)
_NUMBERING = re.compile(r"[一二三四五六七八九十]+、|[(（](?:[一二三四五六七八九十]+|\d{1,2})[)）]")
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"  # 517,645 is one number; 5949.088667 too
# std2019 表二 prints 本年增/减 signed ("120+35176" = 120 | +35176…): a sign starts a new number
_RUN = re.compile(_NUMBER + r"(?:(?:[ \t]+|(?=[+-]))[+-]{0,2}" + _NUMBER + r")*")
_ITEM_MARK = re.compile(r"[.．、](?=[^\d\s])")


def unflatten(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """The blocks with every long block that holds the tables cut into rows; others as they are."""
    if not any(
        not b.is_table_row and len(b.text) > LONG_BLOCK and _HEADINGS.search(b.text) for b in blocks
    ):
        return blocks
    out: list[Block] = []
    for block in blocks:
        text = block.text
        start = (
            TABLE_STARTS.search(text) if len(text) > LONG_BLOCK and not block.is_table_row else None
        )
        if start is None:
            out.append(block)
            continue
        end_m = TABLE_ENDS.search(text, start.start())
        end = end_m.start() if end_m else len(text)
        raw = " ".join(block.raw)
        raw = raw if len(raw) == len(text) else text
        pieces = [(0, start.start())] + _cut(text, start.start(), end) + [(end, len(text))]
        for a, b in pieces:
            piece = text[a:b].strip()
            if not piece:
                continue
            lead = len(text[a:b]) - len(text[a:b].lstrip())
            loc = Location(
                block.loc.page,
                block.loc.table,
                block.loc.row,
                block.loc.line,
                (block.loc.offset or 0) + a + lead,
            )
            out.append(Block((_spaced(piece),), (_spaced(raw[a:b].strip()),), loc))
    return tuple(out)


def _spaced(piece: str) -> str:
    """'一、本年新收…数量801000081' -> '一、本年新收…数量 801000081' (label, then the run)."""
    m = re.search(_RUN.pattern + "$", piece)
    if not m:
        return piece
    run = re.sub(r"(?<=\d)(?=[+-])", " ", m.group())
    label = piece[: m.start()]
    return label + (" " if label and not label[-1].isspace() else "") + run


def _cut(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of `text[start:end]`, one per heading, label or row."""
    cuts = {start, end}
    for m in _HEADINGS.finditer(text, start, end):
        cuts.add(m.end())
    for m in _NUMBERING.finditer(text, start, end):
        cuts.add(m.start())
    for m in _RUN.finditer(text, start, end):
        if (
            text[m.start() - 1 : m.start()] in "(（"
            and text[m.end() : m.end() + 1] in ")）"
            and m.end() - m.start() <= 2
        ):
            continue  # "（2）属于…": a row number, not a figure
        run_end = m.end()
        if _ITEM_MARK.match(text, run_end):  # the run's last digit numbers the next row
            run_end -= 1
            cuts.add(run_end)
        if run_end > m.start():
            cuts.add(run_end)
    ordered = sorted(c for c in cuts if start <= c <= end)
    return [(a, b) for a, b in pairwise(ordered) if b > a]
