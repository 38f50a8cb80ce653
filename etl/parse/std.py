"""表三/表四/表二 of the national templates (std2019, std2021), from any extracted layout:
find the tables' places in the document, then hand each region to its table module."""

from __future__ import annotations

from etl.document import Block, RawDocument
from etl.parse.flat import unflatten
from etl.parse.rows import find_block, split_block
from etl.parse.table2 import parse_t2
from etl.parse.table3 import parse_t3
from etl.parse.table3_rows import t3_label_key
from etl.parse.table4 import is_t4_heading, parse_t4
from etl.report import Finding, ParsedReport

T3_HEADINGS = ("收到和处理政府信息公开申请情况", "收到和处理政府信息公开申请")
AFTER_T4 = ("存在的主要问题", "其他需要报告的事项", "主要问题及改进")


def _is_new_row(label: str, values) -> bool:
    """The 本年新收 row: its label with numbers, or a short label line (not prose mentioning it)."""
    return t3_label_key(label) == "new" and (bool(values) or len(label) <= 30)


# Block windows (a block is a prose line or a table row). 表三's heading is followed by its column
# headings (at most ~30 blocks when every heading cell is its own line, as in PDF text layers);
# a 本年新收 row further away belongs to prose that merely names the table.
T3_HEADING_TO_FIRST_ROW = 40
# With no heading found, 表三 is taken to start this many blocks above its 本年新收 row, which is
# enough to include its column headings (the 7 party columns, with wrapped lines).
T3_HEADER_BLOCKS = 12
# 表四 is 5 header lines and 15 cells; when no following section heading ends it, this many
# blocks bound it (a cell per line plus wrapped headings).
T4_MAX_BLOCKS = 60


def locate_t3(blocks: tuple[Block, ...]) -> tuple[int | None, int | None]:
    """(heading index, index of the 本年新收 row). A heading in the report's opening paragraph
    (which lists the sections) is skipped: the real one is followed by the 本年新收 row."""
    new_rows = [i for i, b in enumerate(blocks) if "新" in b.text and _is_new_row(*split_block(b))]
    start = 0
    while True:
        i3 = find_block(blocks, T3_HEADINGS, start)
        if i3 is None:
            break
        following = [i for i in new_rows if i3 < i <= i3 + T3_HEADING_TO_FIRST_ROW]
        if following:
            return i3, following[0]
        start = i3 + 1
    if new_rows:
        return max(new_rows[0] - T3_HEADER_BLOCKS, 0), new_rows[0]
    return None, None


def parse_std(doc: RawDocument, report: ParsedReport) -> None:
    blocks = unflatten(doc.blocks)
    i3, i_new = locate_t3(blocks)
    if i3 is None:
        report.findings.append(
            Finding(
                "t3.missing",
                (),
                None,
                None,
                "未找到表三（收到和处理政府信息公开申请情况）",
                "error",
            )
        )
        i4 = next((i for i, b in enumerate(blocks) if is_t4_heading(b)), None)
    else:
        i4 = next((i for i in range(i_new + 1, len(blocks)) if is_t4_heading(blocks[i])), None)
        parse_t3(blocks[i3 : i4 if i4 is not None else len(blocks)], report)
    if i4 is None:
        report.findings.append(
            Finding(
                "t4.missing",
                (),
                None,
                None,
                "未找到表四（政府信息公开行政复议、行政诉讼情况）",
                "error",
            )
        )
    else:
        end = find_block(blocks, AFTER_T4, i4 + 1, max_len=80)
        parse_t4(
            blocks[i4 : end if end is not None else min(len(blocks), i4 + T4_MAX_BLOCKS)], report
        )
    parse_t2(blocks[: i3 if i3 is not None else len(blocks)], report)
