"""A legacy report's prose figures against its 统计表 (legacy.text_table, legacy.review_prose).

Two readings of the prose feed the comparison:

* the statements etl.parse.prose reads in families of phrasing (收到申请, 答复, 主动公开, 复议/诉讼
  and their outcomes), kept by the parser in meta["legacy_prose"];
* every other count, read by structure as for std reports (etl.validate.prose_figures: the
  counting noun and its qualifier, 「全年处理23件依申请公开事项」 is requests handled), mapped to
  the 统计表 rows it may mean (handled: 收到, 办结 or 答复). Sentences the first reading already
  took are not read twice.

Scope, as prose_figures reads it: what governs a figure is its own clause. A cumulative (截至,
累计), one channel (网站), another body (各乡镇, 区直, 本机关) or a part (其中 before it) is not
the table's 本年 figure and is never compared; subjects listed in an earlier clause (「区直各部门、
各乡镇…进行了梳理，2015年主动公开政府信息2949条」) do not change the figure's scope.

Reading doubts: a row split from a glued (本年, 累计) run without meeting every identity is the
reader's doubt, so a difference on it is 需人工核对 — unless the prose figure cannot be the run's
本年 part however it is split (2950 is no start of 「294981916」): then the report is blamed, as
for a run the reader could not split at all.
"""

from __future__ import annotations

import re

from etl.fields import FIELDS
from etl.identities_legacy import legacy_place
from etl.normalize import as_number
from etl.report import Finding, ParsedReport
from etl.rule_vocabulary import READER
from etl.validate.legacy_report import prose_without_table
from etl.validate.overview import is_government_agency
from etl.validate.prose_figures import Figure, Sentence, figures, scope_of
from etl.validate.quality_settings import quality_settings

# phrasing-read figures compared with the table: key -> (rule, place)
PROSE_COMPARED = {
    "legacy.proactive_total": ("legacy.text_table", "LEG.proactive"),
    "legacy.requests": ("legacy.text_table", "LEG.requests"),
    "legacy.answers": ("legacy.text_table", "LEG.answers"),
    "legacy.answer_granted": ("legacy.text_table", "LEG.answers"),
    "legacy.answer_partial": ("legacy.text_table", "LEG.answers"),
    "legacy.answer_denied": ("legacy.text_table", "LEG.answers"),
    "legacy.review_total": ("legacy.review_prose", "LEG.review"),
    "legacy.suit_total": ("legacy.review_prose", "LEG.review"),
    "legacy.review_upheld": ("legacy.review_prose", "LEG.review"),
    "legacy.review_pending": ("legacy.review_prose", "LEG.review"),
    "legacy.suit_upheld": ("legacy.review_prose", "LEG.review"),
    "legacy.suit_pending": ("legacy.review_prose", "LEG.review"),
}
# (办结 and 按时办结 are not compared: the prose parser derives them from 「均按时办结」, which
# says nothing of a request still open at the year's end)

_HANDLED_ROWS = ("legacy.requests", "legacy.completed", "legacy.answers")
# a structured figure (prose_figures.Figure.what) -> the 统计表 rows it may mean
STRUCTURED = {
    "requests": _HANDLED_ROWS,  # a received count may be the answered one (carried-in included)
    "handled": _HANDLED_ROWS,
    "processed": ("legacy.completed", "legacy.answers"),
    "granted": ("legacy.answer_granted",),
    "partial": ("legacy.answer_partial",),
    "denied": ("legacy.answer_denied",),
    "review": ("legacy.review_total",),
    "suits": ("legacy.suit_total",),
}
_CASES = ("review", "suits")
_HANDLED = ("requests", "handled", "processed")
_CARRY_OVER = re.compile(r"结转|转入|上年|上一年|跨年")
_DISCLOSURE = re.compile(r"信息公开|依申请|公开申请")
# words in the figure's own clause that make it another quantity than the table's 本年 figure
_OTHER_SCOPE = re.compile(
    r"截至|截止|累计|历年|以来|网站|公报|微博|微信|各乡镇|各部门|各单位|区直|县直|市直|"
    r"本机关|本级|全年共有|占|同比|较上年|比上年"
)
_CLAUSE_BREAK = re.compile(r"[，,；;：:]")


def prose_findings(report: ParsedReport) -> list[Finding]:
    settings = quality_settings()["text_table"]
    government = is_government_agency(report)
    claims = report.meta.get("legacy_prose") or {}
    out = []
    for key, claim in sorted(claims.items()):
        if key not in PROSE_COMPARED:
            continue
        sentence = re.sub(r"\s+", "", claim["raw"])
        said = float(claim["value"])
        if not _own_scope(_clause_of(sentence, said), government, settings):
            continue
        rule, place = PROSE_COMPARED[key]
        if f := _compare(report, rule, place, (key,), said, sentence):
            out.append(f)
    taken = [re.sub(r"\s+", "", c["raw"]) for c in claims.values()]
    return out + _structured_findings(report, taken, government, settings)


def _structured_findings(
    report: ParsedReport, taken: list[str], government: bool, settings: dict
) -> list[Finding]:
    text = prose_without_table(report)
    out: list[Finding] = []
    seen: set[tuple] = set()
    for i, m in enumerate(re.finditer(r"[^。！？!?\n]+[。！？!?]?", text)):
        s = re.sub(r"\s+", "", m.group(0))
        if not s or any(t and (t in s or s in t) for t in taken):
            continue
        for fig in figures(Sentence(s, i, "S1")):
            if not fig.what or len(fig.what) != 1 or fig.what[0] not in STRUCTURED:
                continue
            what = fig.what[0]
            if not _DISCLOSURE.search(s) or (what, fig.value) in seen:
                continue
            if what in _HANDLED and _CARRY_OVER.search(s):
                continue  # may count last year's open requests: the 统计表 prints no carry-over
            if not _own_scope(fig.label + _after(fig), government, settings, parts_read=True):
                continue
            seen.add((what, fig.value))
            rule = "legacy.review_prose" if what in _CASES else "legacy.text_table"
            keys = STRUCTURED[what]
            if f := _compare(report, rule, legacy_place(keys[0]), keys, fig.value, s):
                out.append(f)
    return out


def _after(fig: Figure) -> str:
    return re.split(r"[，,；;。]", fig.sentence.text[fig.end :], maxsplit=1)[0][:12]


def _clause_of(sentence: str, value: float) -> str:
    """The clause the figure sits in (the whole sentence when it is not printed in digits)."""
    for m in re.finditer(r"\d[\d,]*", sentence):
        if float(m.group(0).replace(",", "")) == value:
            starts = [b.end() for b in _CLAUSE_BREAK.finditer(sentence, 0, m.start())]
            return sentence[(starts[-1] if starts else 0) : m.end() + 12]
    return sentence


def _own_scope(clause: str, government: bool, settings: dict, parts_read: bool = False) -> bool:
    """The clause states the report's own 本年 figure: no cumulative, channel, part or other
    body governs it, and no scope word other than the table's (a government's 全区 is its
    table's scope, a department's is not: prose_figures.scope_of). `parts_read`: the figure was
    read by structure, which already tells a part that is a table figure (其中同意公开 8 件)
    from one that is not (其中网上申请 5 件)."""
    if _OTHER_SCOPE.search(clause) or ("其中" in clause and not parts_read):
        return False
    return scope_of(clause, government, settings) is None


def _compare(
    report: ParsedReport, rule: str, place: str, keys: tuple[str, ...], said: float, sentence: str
) -> Finding | None:
    """The finding when the prose figure is none of the table's readings of `keys`."""
    printed = [
        (k, report.values[k])
        for k in keys
        if k in report.values and report.values[k].source == "table"
    ]
    if any(v.blank for _, v in printed[:1]):
        return None  # a row printed blank is the table's matter, not the prose's
    if any(abs(v.value - said) <= 1e-6 for _, v in printed):
        return None
    runs = report.meta.get("legacy_glued_runs") or {}
    unsure = set(report.meta.get("reader_unsure", ()))
    key = keys[0]
    quote = _quote(sentence)
    if not printed:  # the reader could not split the row's glued run: what the digits allow
        run = runs.get(key)
        if run is None or _may_start(run, said):
            return None
        return Finding(  # no cells: certain from the digits, whatever doubts the split
            rule,
            (),
            None,
            said,
            f"正文：「{quote}」为 {as_number(said)}；统计表「{FIELDS[key].label}」一行印为"
            f"「{run}」（本年数与累计数连在一起），无论怎样拆分，本年数都不是 {as_number(said)}",
            place=place,
        )
    key, v = printed[0]
    certain = key in runs and not _may_start(runs[key], said)  # no split gives the prose figure
    doubtful = key in unsure and not certain
    return Finding(
        rule,
        () if certain else (key,),
        v.value,
        said,
        f"正文：「{quote}」为 {as_number(said)}；统计表「{FIELDS[key].label}」本年为 "
        f"{as_number(v.value)}（差 {as_number(said - v.value):+}）"
        + ("（统计表该行数字印刷时连在一起，是系统拆开的，请核对原文）" if doubtful else ""),
        place=place,
        responsibility=READER if doubtful else None,
    )


def _may_start(run: str, said: float) -> bool:
    """The figure can be the 本年 part of a glued (本年, 累计) run: its digits begin the run and
    leave a 累计 part."""
    if not float(said).is_integer() or said < 0:
        return False
    digits = str(int(said))
    return run.startswith(digits) and len(digits) < len(run)


def _quote(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
