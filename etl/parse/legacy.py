"""The legacy 政府信息公开情况统计表 (reports on 2008–2018); its identities are etl.identities.

The table reaches us in four shapes, all read by one scanner:

* a real table (HTML/DOCX/XLSX/Markdown): table-row blocks, cells = label | unit | value [| cumulative];
* a one-cell-per-line dump (label, unit and value each on its own line ending in " |");
* a PDF text layer: label, unit and number(s) on one line, separated by spaces;
* crawler text with the whole table flattened into one run: "主动公开文件数条294981916其中:1、…",
  where this year's number and the cumulative one are glued together and the next row's
  item number ("2、") may be glued on as well.

The document is turned into one *stream*: cells joined by "|", blocks by "\\n", white space
dropped except between two digits (kept as "|", so "2949 81916" stays two numbers). Row labels
are found with a synonym list per key (labels differ between provinces), overlapping matches
go to the longest, and the number right after a label (past an optional parenthetical and
unit) is the value. Where the same label serves two rows (其他情形数, 尚未审结, 依法纠错) the
section it sits in (行政复议 / 行政诉讼) decides.

Prose statements (etl.parse.prose) fill keys the table does not carry, and are the only source
when there is no table; they also corroborate how a glued digit run is split.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace

from etl.document import RawDocument
from etl.fields import FIELDS, LEGACY_ITEMS, legacy_key
from etl.normalize import BLANK_PATTERN, UNIT_PATTERN, parse_cell, yuan_to_wan
from etl.report import Finding, ParsedReport, Value

LEGACY_NAMES = tuple(name for name, _, _ in LEGACY_ITEMS)
MONEY_NAMES = frozenset(name for name, _, unit in LEGACY_ITEMS if unit == "万元")

# Targets other than a legacy name: None = a known row that is not stored (it only stops a
# shorter synonym from matching inside it); "@review"/"@suit" = a section header;
# "~upheld" etc. = an outcome row whose key depends on the section.
_SECTION_OF_TOTAL = {"review_total": "review", "suit_total": "suit"}

# (target, regex on the squashed stream). Order does not matter: the longest match wins.
SYNONYMS: tuple[tuple[str | None, str], ...] = (
    # 一、主动公开
    ("proactive_total", r"主动公开(?:政府)?(?:信息|文件)(?:总)?数(?:量)?"),
    ("normative_published", r"主动公开(?:的)?规范性文件(?:总)?数"),
    ("normative_issued", r"制发(?:的)?规范性文件(?:总)?数"),
    # 2011–2012 tables print the channel rows without 数: "网站公开", "政府公报公开"
    ("by_gazette", r"(?:政府)?公报公开(?:政府)?(?:信息)?(?:数)?"),
    ("by_website", r"(?:政府)?网站公开(?:政府)?(?:信息)?(?:数)?"),
    ("by_weibo", r"政务微博公开(?:政府)?(?:信息)?数"),
    ("by_wechat", r"政务微信公开(?:政府)?(?:信息)?数"),
    ("by_other", r"其他(?:方式|途径|渠道)公开(?:政府)?(?:信息)?数"),
    # 二、回应解读
    ("responses_hotspots", r"回应(?:公众|社会)关注热点(?:或|和|及)?(?:重大)?舆情(?:总)?数"),
    ("press_conferences", r"(?:参加或)?举办(?:的)?新闻发布会(?:总)?次数"),
    ("interviews", r"(?:政府网站)?在线访谈(?:总)?次数"),
    ("interpretations", r"政策解读稿件(?:发布)?数"),
    (None, r"主要负责同志参加[^|\n]{0,20}?次数"),
    (None, r"(?:微博微信|其他方式)回应事件数"),
    # 三、依申请公开
    ("requests", r"收到(?:的)?(?:政府信息公开)?申请(?:总)?数"),
    ("requests", r"受理(?:的)?(?:依申请公开|政府信息公开)(?:信息|申请)?(?:总)?数(?:量)?"),
    ("requests", r"依申请公开(?:信息|申请)?(?:总)?数(?:量)?"),
    ("requests_in_person", r"当面(?:提出)?申请数"),
    ("requests_fax", r"传真申请数"),
    ("requests_online", r"(?:网络|网上|互联网|电子邮件)申请数"),
    ("requests_letter", r"信函申请数"),
    (None, r"信函、?(?:和|及|或)?传真申请数"),
    (None, r"其他(?:形式|方式)申请数"),
    ("completed", r"(?:申请)?办结(?:总)?数"),
    ("completed_on_time", r"按(?:时|期)办结数"),
    ("completed_late", r"延期办结数"),
    ("answers", r"(?:对)?申请(?:的)?答复(?:总)?数"),
    ("answer_already_public", r"(?:属于)?已主动公开(?:范围)?(?:的)?数"),
    ("answer_granted", r"(?:同意|予以)公开(?:答复)?数"),
    ("answer_partial", r"(?:同意)?部分公开(?:答复)?数"),
    ("answer_denied", r"(?:不同意|不予|否决)公开(?:答复)?数"),  # 否决公开答复数 (2011–2012)
    ("answer_denied.state_secret", r"涉及国家秘密(?:数)?"),
    ("answer_denied.commercial_secret", r"涉及商业秘密(?:数)?"),
    ("answer_denied.privacy", r"涉及个人隐私(?:数)?"),
    ("answer_denied.security_stability", r"危及国家安全[^|\n]{0,20}?社会稳定(?:数)?"),
    ("answer_denied.not_gov_info", r"不是[《<]?条例[》>]?所指(?:的)?政府信息(?:数)?"),
    ("answer_denied.other_law", r"法律(?:、)?法规规定的其他情形(?:数)?"),
    ("answer_not_this_agency", r"不属于本(?:行政)?机关(?:公开|职责)?(?:范围)?(?:的)?数"),
    ("answer_not_exist", r"(?:申请)?信息不存在(?:的)?数"),
    ("answer_needs_change", r"告知(?:申请人)?作出更改(?:、)?补充(?:的)?数"),
    ("answer_other_channel", r"告知(?:申请人)?通过其他途径办理(?:的)?数"),
    (None, r"其他类型答复数"),
    # 四、行政复议 / 五、行政诉讼
    ("review_total", r"行政复议(?:案件)?(?:总)?数(?:量)?"),
    ("suit_total", r"行政诉讼(?:案件)?(?:总)?数(?:量)?"),
    ("@review", r"行政复议"),
    ("@suit", r"行政诉讼"),
    (None, r"接受行政诉讼、?举报数"),
    ("~upheld", r"维持具体行政行为(?:或者?驳回原告诉讼请求)?(?:的)?数"),
    ("~upheld", r"驳回原告诉讼请求(?:的)?数"),
    ("~corrected", r"(?:被)?依法纠错(?:的)?数"),
    ("~other", r"其他情形(?:的)?数"),
    ("~pending", r"(?:尚)?未审结(?:的)?(?:案件)?数(?:量)?"),
    # 六、七
    ("complaints", r"(?:举报投诉|投诉举报)(?:总)?数(?:量)?"),
    ("fees_wan", r"依申请公开(?:政府)?信息收取的费用"),
    ("fees_wan", r"(?:政府信息公开)?收费(?:及|和)?减免金额"),
    ("fees_wan", r"收取(?:的)?费用(?:总额|金额|数)?"),
    # 八、机构建设和保障经费
    ("units", r"(?:政府信息公开工作)?专门机构数"),
    ("reading_points", r"(?:设置)?(?:政府信息公开)?查阅(?:点|场所)数"),
    ("staff", r"从事政府信息公开工作(?:的)?人(?:员)?数(?:员)?"),
    ("staff_fulltime", r"专职人员数"),
    ("staff_parttime", r"兼职人员数"),
    ("budget_wan", r"(?:政府信息公开)?专项经费"),
    # 九、会议和培训
    ("meetings", r"召开(?:政府信息公开)?工作会议(?:或专题会议)?(?:次)?数"),
    ("trainings", r"举办(?:各类)?培训班(?:次)?数"),
    ("trainees", r"接受培训(?:人员|人)(?:次)?数"),
)
_COMPILED = tuple((target, re.compile(rx)) for target, rx in SYNONYMS)

# Where the table starts in a long block (crawler text): the last such marker with rows after it.
_TABLE_MARKER = re.compile(r"统计表|统计指标|指标名称|计量单位")
# Between a label and its number: a parenthetical note, separators, a unit (maybe bracketed).
_AFTER_LABEL = re.compile(
    r"(?:[(\[][^()\[\]|\n]{0,60}[)\]])?[|\n:]*(?:[(]?(?P<unit>" + UNIT_PATTERN + r")[)]?)?[|\n]*"
)
_RUN = re.compile(r"\d[\d,]*(?:\.\d+)?")
_BLANK = re.compile(f"(?:{BLANK_PATTERN})(?=[|\\n]|$)")
_ITEM_BEFORE = re.compile(r"(\d{1,2})[、.．]$")
_CUMULATIVE_CELL = re.compile(r"(\d+)(?=[|\n]|$)")
_SHORT_BLOCK = 80  # a prose-looking block longer than this is only read after a table marker


_NON_SPACE = re.compile(r"\S+")


@dataclass
class _Stream:
    text: str
    owner: list[
        tuple[int, int]
    ]  # per stream char: (block index, char index in the block's doc line)
    block_starts: list[int]


def _line_of(block) -> str:
    """The block's line exactly as build_document wrote it into RawDocument.text."""
    return " | ".join(block.cells) if block.is_table_row else block.text


def _build_stream(doc: RawDocument) -> _Stream:
    """The document with white space removed, except that a space between two digits becomes
    '|' (so '3528 0' stays two numbers); `owner` maps each stream char back to its block."""
    parts: list[str] = []
    owner: list[tuple[int, int]] = []
    starts: list[int] = []
    length = 0
    for bi, block in enumerate(doc.blocks):
        starts.append(length)
        line = _line_of(block)
        prev_digit = False
        for m in _NON_SPACE.finditer(line):
            token, s = m.group(), m.start()
            if prev_digit and token[0].isdigit():
                parts.append("|")
                owner.append((bi, s - 1))
                length += 1
            parts.append(token)
            owner.extend((bi, s + k) for k in range(len(token)))
            length += len(token)
            prev_digit = token[-1].isdigit()
        parts.append("\n")
        owner.append((bi, len(line)))
        length += 1
    return _Stream("".join(parts), owner, starts)


@dataclass
class _Match:
    start: int
    end: int
    target: str | None


def _label_matches(text: str) -> list[_Match]:
    found = [
        _Match(m.start(), m.end(), target) for target, rx in _COMPILED for m in rx.finditer(text)
    ]
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[_Match] = []
    last_end = -1
    for m in found:
        if m.start >= last_end:
            kept.append(m)
            last_end = m.end
    return kept


@dataclass
class _Reading:
    value: float
    unit: str | None
    blank: bool
    start: int  # stream position of the number
    end: int
    run: str = ""  # the glued digit run, when the row was flattened
    two_cells: bool = False  # the run holds this year's figure and the cumulative one
    cumulative: float | None = None  # the 累计 figure printed in its own cell


def _strip_item_number(run: str, label_start: int, text: str, follows: str) -> str:
    """'2949819162、' -> '294981916': the next row's item number glued to the run."""
    if follows not in "、.．" or len(run) < 2:
        return run
    before = _ITEM_BEFORE.search(text[max(0, label_start - 8) : label_start].rstrip(":"))
    if before:
        nxt = str(int(before.group(1)) + 1)
        if run.endswith(nxt) and len(run) > len(nxt):
            return run[: -len(nxt)]
    return run[:-1]


def _read_value(
    text: str, m: _Match, two_columns: bool, glued_to_label=lambda pos: False
) -> _Reading | None:
    pos = m.end
    after = _AFTER_LABEL.match(text, pos)
    unit = after.group("unit") if after else None
    pos = after.end() if after else pos
    blank = _BLANK.match(text, pos)
    if blank:
        return _Reading(0.0, unit, True, pos, blank.end())
    run_m = _RUN.match(text, pos)
    if not run_m:
        return None
    run = run_m.group(0)
    end = run_m.end()
    follows = text[end] if end < len(text) else "\n"
    line_end_glued = (
        follows == "\n" and two_columns and run.isdigit() and len(run) > 1 and glued_to_label(pos)
    )
    if (
        follows in "|\n" and not line_end_glued
    ):  # the table's last row at the end of a flattened line is glued too
        cell = parse_cell(run)
        if cell.value is None:
            return None
        cumulative = None
        if two_columns and follows == "|":  # "2949|81916": the next cell is the cumulative
            nxt = _CUMULATIVE_CELL.match(text, end + 1)
            cumulative = float(nxt.group(1)) if nxt else None
        return _Reading(cell.value, unit, False, pos, end, cumulative=cumulative)
    # glued to the following text: a flattened table
    if not run.isdigit():
        cell = parse_cell(run)
        return _Reading(cell.value, unit, False, pos, end) if cell.value is not None else None
    run = _strip_item_number(run, m.start, text, follows)
    if not two_columns:
        return _Reading(float(int(run)), unit, False, pos, pos + len(run), run)
    # this year's figure and the cumulative one glued: split later, all rows together
    return _Reading(float(int(run)), unit, False, pos, pos + len(run), run, two_cells=len(run) > 1)


def _has_table_marker_after(text: str) -> int | None:
    """Stream position from which long blocks are read as a table (None: no marker)."""
    marks = [m.start() for m in _TABLE_MARKER.finditer(text)]
    return marks[-1] if marks else None


def _table_values(
    doc: RawDocument, prose: dict[str, Value], meta: dict | None = None
) -> tuple[dict[str, Value], list[Finding], dict[str, str]]:
    """The 统计表's values, the reader's findings and the cells it is unsure of (key -> why);
    into `meta`: the 累计 figures, the cells the reader is unsure of, and whether the channels
    are printed as the breakdown of 主动公开 (etl.parse.legacy_layout)."""
    from etl.parse.legacy_layout import channels_are_breakdown

    meta = {} if meta is None else meta
    stream = _build_stream(doc)
    text = stream.text
    region = _has_table_marker_after(text)
    two_columns = bool(region is not None and re.search(r"累计", text[region : region + 200]))
    findings: list[Finding] = []
    read = _read_labels(doc, stream, region, two_columns)
    split = _split_runs(read, prose, findings) if two_columns else _Split()
    cumulative = {key: r.cumulative for key, _, _, r in read if r.cumulative is not None}
    cumulative.update(split.cumulative)
    if split.unsure:
        meta["reader_unsure"] = sorted(split.unsure)
    glued = {key: r.run for key, _, _, r in read if r.two_cells}
    if glued:  # (本年, 累计) printed as one run: the prose check reads what a run can hold
        meta["legacy_glued_runs"] = glued
    if channels_are_breakdown(text, [(key, m.start, r.end) for key, _, m, r in read]):
        meta["legacy_breakdowns"] = ["legacy.proactive_channels"]
    values: dict[str, Value] = {}
    doubts: dict[str, str] = {}  # key -> why its reading is unsure (etl.validate.reading_doubts)
    for key, target, m, reading in read:
        value = split.this_year.get(key, reading.value)
        if value is None:
            continue
        values[key], doubt = _table_value(
            doc, stream, (key, target, m, reading), value, cumulative, split.unsure
        )
        if doubt:
            doubts[key] = doubt
    return values, findings, doubts


def _read_labels(
    doc: RawDocument, stream: _Stream, region: int | None, two_columns: bool
) -> list[tuple[str, str, _Match, _Reading]]:
    """(key, target, label match, reading) of each row label of the 统计表 with a number after
    it, in text order; the first label of a key wins (one case per document layout)."""
    text = stream.text
    region_block = bisect_right(stream.block_starts, region) - 1 if region is not None else None

    def accepted(pos: int) -> bool:
        """Table rows and short non-sentence lines anywhere; in a long or sentence-like block
        (crawler text) only what follows the table marker inside that same block."""
        bi = bisect_right(stream.block_starts, pos) - 1
        block = doc.blocks[bi]
        if block.is_table_row:
            return True
        if len(block.text) <= _SHORT_BLOCK and "。" not in block.text:
            return True
        return bi == region_block and pos >= region

    def glued_to_label(pos: int) -> bool:
        """The number at stream position `pos` follows its label or unit with no space, as printed."""
        bi, ci = stream.owner[pos]
        line = _line_of(doc.blocks[bi])
        return 0 < ci <= len(line) and not line[ci - 1].isspace() and line[ci - 1] != "|"

    section: str | None = None
    read: list[tuple[str, str, _Match, _Reading]] = []
    keys: set[str] = set()
    for m in _label_matches(text):
        if not accepted(m.start):
            continue
        target = m.target
        if target is None:
            continue
        if target.startswith("@"):
            section = target[1:]
            continue
        if target in _SECTION_OF_TOTAL:
            section = _SECTION_OF_TOTAL[target]
        if target.startswith("~"):
            if section is None:
                continue
            target = f"{section}_{target[1:]}"
        key = legacy_key(target)
        if key in keys or key not in FIELDS:
            continue
        reading = _read_value(text, m, two_columns, glued_to_label)
        if reading is None:
            continue
        read.append((key, target, m, reading))
        keys.add(key)
    return read


def _table_value(
    doc: RawDocument,
    stream: _Stream,
    label_read: tuple[str, str, _Match, _Reading],
    value: float,
    cumulative: dict[str, float],
    unsure: set[str],
) -> tuple[Value, str | None]:
    """One row's Value (money in 万元, where it was printed, its 累计 figure) and, when the
    reading is unsure, why (etl.validate.reading_doubts)."""
    key, target, m, reading = label_read
    text = stream.text
    unit = reading.unit
    if target in MONEY_NAMES:
        label = text[m.start : reading.start]
        if unit is None:
            unit = "元" if re.search(r"[(（]元[)）]", label) else "万元"
        value = yuan_to_wan(value, unit)
    bi, ci = stream.owner[m.start]
    nbi, nci = stream.owner[min(reading.start, len(stream.owner) - 1)]
    block = doc.blocks[nbi]
    loc = block.loc.as_dict()
    if block.loc.offset is not None:
        loc["offset"] = block.loc.offset + nci
    if key in cumulative and not reading.blank and target not in MONEY_NAMES:
        loc["cumulative"] = cumulative[key]  # the row's 累计 figure, for the year chain
        if key in unsure:
            loc["unsure"] = True  # split without meeting every identity
    raw_label = _line_of(doc.blocks[bi])
    raw = (
        text[m.start : reading.end]
        if bi == nbi
        else f"{raw_label} … {text[reading.start : reading.end]}"
    )
    if reading.run:
        raw = text[m.start : reading.end]
    doubt = None
    if reading.run and _splits_of_two(reading.run) > 1:  # "00" can only be 0 | 0
        doubt = f"统计表「{FIELDS[key].label}」的数字与其他数字连在一起印刷（“{reading.run}”），是拆开读的"
    elif bi != nbi and not block.is_table_row and _text_between(doc, bi, nbi):
        doubt = (
            f"统计表「{FIELDS[key].label}」的数字不在其行名所在的行，是按位置对应的"
            f"（“{raw_label[:20]} … {text[reading.start : reading.end]}”）"
        )
    value = Value(
        key, float(value), raw.replace("\n", " | "), loc, blank=reading.blank, source="table"
    )
    return value, doubt


def _splits_of_two(run: str) -> int:
    """How many ways a glued (本年, 累计) pair can be read as two counts, 本年 ≤ 累计: a run
    with one reading only is no doubt of the reader's."""
    ok = 0
    for i in range(1, len(run)):
        a, b = run[:i], run[i:]
        if all(p == "0" or (p.isdigit() and p[0] != "0") for p in (a, b)) and int(a) <= int(b):
            ok += 1
    return ok


_FILLER = re.compile(r"[|\s:：]|条|件|个|人|次|项|万元|元")


def _text_between(doc: RawDocument, first: int, last: int) -> bool:
    """Something other than separators and units printed between a label and its number: the
    number was paired with the label by position across other text."""
    return any(_FILLER.sub("", doc.blocks[i].text) for i in range(first + 1, last))


THIS, CUMULATIVE = "#本年", "#累计"


def _column(rel, col: str):
    """The relation over one column's cells (this year's or the cumulative)."""
    from etl.identities import Rel

    return Rel(tuple((cell + col, coef) for cell, coef in rel.terms), rel.op)


@dataclass
class _Split:
    this_year: dict[str, float | None] = field(default_factory=dict)  # None: undecided
    cumulative: dict[str, float] = field(default_factory=dict)
    unsure: set[str] = field(default_factory=set)  # split without meeting every identity


def _split_runs(read, prose: dict[str, Value], findings: list[Finding]) -> _Split:
    """This year's figure of each glued (this year, cumulative) run, decided by the table's own
    identities (etl.identities) in both columns (etl.parse.glued): this year ≤ cumulative, each
    identity, each part ≤ its total; a figure the prose states narrows a run's splits.
    A run read as printed (no valid split) or split without meeting every identity is `unsure`:
    an identity finding on it is the reader's, not the agency's."""
    from etl.identities import LEGACY_IDENTITIES, at_most, legacy_place
    from etl.parse.glued import Run, solve
    from etl.parse.std_glued import outcome_findings

    runs = [
        Run(key, (r.run,), (key + THIS, key + CUMULATIVE)) for key, _, _, r in read if r.two_cells
    ]
    if not runs:
        return _Split()
    fixed = {key + THIS: r.value for key, _, _, r in read if not r.two_cells}
    relations = [at_most(r.cells[0], r.cells[1]) for r in runs]
    present = {key for key, _, _, _ in read}
    for identity in LEGACY_IDENTITIES:
        rel = identity.relation(present)
        total = rel.terms[0][0]
        parts = [cell for cell, coef in rel.terms if coef < 0]
        if identity.routes:  # routes may overlap: each is at most the total, no sum
            parts = [p for p in parts if p not in identity.optional]
        for col in (THIS, CUMULATIVE):
            if not identity.routes:
                relations.append(_column(rel, col))
            relations += [at_most(p + col, total + col) for p in parts]
    evidence = {k + THIS: v.value for k, v in prose.items()}
    outcome = solve(runs, relations, fixed, evidence, row_of=lambda cell: cell.split("#")[0])
    rows = outcome.set_aside or list(outcome.undecided) or [r.row for r in runs]
    findings.extend(  # at the 统计表 block of the rows concerned, not 表三's place
        replace(f, place=legacy_place(f.cells[0].split("#")[0] if f.cells else rows[0]))
        for f in outcome_findings(outcome, runs, "统计表", lambda k: FIELDS[k].label)
    )
    out = _Split()
    doubtful = outcome.relaxed or bool(outcome.set_aside) or bool(outcome.capped)
    for run in runs:
        if run.row in outcome.unsplittable:
            out.unsure.add(run.row)
            continue  # one figure only (the cumulative cell left blank): read as printed
        piece = outcome.pieces.get(run.cells[0])
        out.this_year[run.row] = float(piece) if piece is not None else None
        total = outcome.pieces.get(run.cells[1])
        if piece is not None and total is not None:
            out.cumulative[run.row] = float(total)
        if doubtful:
            out.unsure.add(run.row)
    return out


MIN_TABLE_ROWS = 3  # fewer label-number pairs than this is not a 统计表


def parse_legacy(doc: RawDocument, report: ParsedReport) -> None:
    """Read the legacy 统计表 (any of its shapes) and prose statements into `report`."""
    from etl.parse.prose import prose_values

    prose = prose_values(doc)
    meta: dict = {}
    table, findings, doubts = _table_values(doc, prose, meta)
    if len(table) < MIN_TABLE_ROWS:
        table, findings, doubts, meta = {}, [], {}, {}
    report.meta.update(meta)
    glued = meta.get("legacy_glued_runs") or {}
    stated = {k: v for k, v in prose.items() if (k in table or k in glued) and v.source == "prose"}
    if stated:  # what the prose states beside the table's figure (or a run the reader could
        # not split): compared in etl.validate.legacy_prose
        report.meta["legacy_prose"] = {
            k: {"value": v.value, "raw": v.raw} for k, v in stated.items()
        }
    for v in table.values():
        report.add(v)
        if v.key in doubts:
            report.doubt(v.key, doubts[v.key])
    for key, v in prose.items():
        if key not in report.values:
            report.add(v)
    report.findings.extend(findings)
    report.meta.setdefault("legacy_table_rows", len(table))
