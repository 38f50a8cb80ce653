"""表三's numeric rows and what their labels name: the phrases of each row, the groups and
their sub-rows, and the rows of a block list that carry 表三 numbers (etl/parse/table3.py places
them).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from etl.document import Block
from etl.fields import T3_ROWS, T3_SUBTOTALS
from etl.parse.rows import Token, clean_label, split_block
from etl.parse.std_glued import T3_WIDTH, is_glued

# (row key, phrases) checked in this order; the first phrase found in a label decides.
T3_LABELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("carried_out", ("结转下年度", "结转下一年", "下年度继续办理", "转下年度")),
    ("carried_in", ("上年结转",)),
    ("new", ("本年新收", "新收政府信息公开申请")),
    ("partial", ("部分公开",)),
    ("granted", ("予以公开",)),
    ("denied.state_secret", ("国家秘密",)),
    ("denied.law_forbidden", ("法规禁止", "其他法律行政", "禁止公开")),
    ("denied.security_stability", ("三安全一稳定", "危及")),
    ("denied.third_party", ("第三方",)),
    ("denied.internal_affairs", ("内部事务",)),
    ("denied.process_info", ("过程性",)),
    ("denied.enforcement_file", ("执法案卷",)),
    ("denied.admin_query", ("行政查询",)),
    ("unable.not_held", ("不掌握",)),
    ("unable.needs_creation", ("另行制作", "没有现成")),
    ("unable.unclear", ("仍不明确", "补正后")),
    ("rejected.petition", ("信访", "举报投诉")),
    ("rejected.duplicate", ("重复申请",)),
    ("rejected.publication", ("出版物",)),
    ("rejected.excessive", ("大量反复",)),
    ("rejected.confirmation", ("重新出具", "确认或")),
    ("other.no_correction", ("逾期不补正", "不补正")),
    ("other.no_fee", ("缴纳费用", "收费通知")),
    ("other", ("其他处理",)),
    ("processed", ("总计", "合计")),
    ("denied", ("不予公开",)),
    ("unable", ("无法提供",)),
    ("rejected", ("不予处理",)),
)
_COLUMN_HEADINGS = ("自然人", "法人或其他组织", "申请人情况", "商业企业")
GROUP_ROWS = {
    "denied": tuple(r for r, _, _ in T3_ROWS if r.startswith("denied.")),
    "unable": tuple(r for r, _, _ in T3_ROWS if r.startswith("unable.")),
    "rejected": tuple(r for r, _, _ in T3_ROWS if r.startswith("rejected.")),
    "other": tuple(r for r, _, _ in T3_ROWS if r.startswith("other.")),
}
ROW_LABELS = {r: label for r, label, _ in T3_ROWS} | T3_SUBTOTALS


@dataclass
class DataRow:
    block: Block
    label: str  # squashed label text
    key: str | None  # row key the label names, if any
    values: list[Token]
    glued: bool = False  # cells printed with no separator: split by the table's identities


@lru_cache(maxsize=8192)
def t3_label_key(label: str) -> str | None:
    cleaned = clean_label(label)
    if not cleaned or any(h in cleaned for h in _COLUMN_HEADINGS):
        return None  # the column heading row (自然人 … 总计) names no row
    # A group heading (（六）其他处理, a rowspan cell or a floating PDF label) may be glued to a
    # sub-row label: what is left after removing it decides.
    rest = cleaned.replace("本年度办理结果", "")
    heading = None
    for group, phrase in (
        ("other", "其他处理"),
        ("denied", "不予公开"),
        ("unable", "无法提供"),
        ("rejected", "不予处理"),
    ):
        if phrase in rest:
            heading = group
            rest = rest.replace(phrase, "")
    if rest == "其他":
        return "other.other"
    if not rest:
        return heading
    cleaned = rest
    for key, phrases in T3_LABELS:
        if any(p in cleaned for p in phrases):
            return key
    return None


def data_rows(blocks) -> list[DataRow]:
    rows: list[DataRow] = []
    for block in blocks:
        label, values = split_block(block)
        key = t3_label_key(label)
        glued = is_glued(values, T3_WIDTH)  # a long glued run is no number parse_cell accepts
        numeric = len(values) if glued else sum(1 for t in values if t.cell.numeric)
        # A row printed all blank is a row of zeros when its label names a row, or when it has
        # no label and prints blank markers ("/", "—", "无"); a heading padded with empty
        # spreadsheet cells is neither.
        marked = sum(1 for t in values if t.raw.strip())
        if (
            numeric >= 3
            or (key and numeric >= 1)
            or (key and len(values) >= 6)
            or (not label and marked >= 6)
        ):
            rows.append(DataRow(block, label, key, values, glued))
    return rows
