"""The figures a std report's prose states, read by structure (std2019/std2021).

A figure is a count: a number with a counting unit (件/条/个/次/宗/起/项), the words before it in
its clause (its label, since the previous figure) and the words right after it. What it counts is
read from the label's counting noun and qualifier, not from a list of verbs:

* a 申请 noun (政府信息公开申请, 依申请公开事项, "收到 35 件政府信息公开申请") makes a request
  figure; its qualifier says which one: 上年结转 / 结转下年 → the carry-overs; an outcome term
  (予以公开, 部分公开 …) → that outcome; 办结 / 办理完成 / 答复 → the completed total; 办理 / 处理
  without a result → "handled" (the new, the new + carried-in or the completed total); anything
  else (收到, 受理, 全年共 …) → the requests received;
* an outcome term alone (予以公开 8 件) counts answers, 行政复议 / 行政诉讼 count cases;
* a figure after 「其中」 is a part of the figure before it: only an outcome or a carry-over part
  names one table figure; subjects (自然人, 其中民政局), channels (网上申请), differences (较上年
  增加 3 件), other nouns after the unit (涉及 3 个部门) and other matters (许可, 信访, 建议提案)
  are never a table figure.

Sentences also carry their scope (本机关 / 全辖区 words) and their place (S1 unless inside the
statutory section 三 or 四). Figures are compared by text_table.py and prose_checks.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.agency_names import PLACE_ONLY
from etl.report import ParsedReport
from etl.validate.sections import TOP

UNIT = r"(?:件|条|个|次|宗|起|项|份)"
_MENTION = re.compile(r"(\d[\d,]*)(" + UNIT + r")(?![\d%％])")
_SENTENCES = re.compile(r"[^。！？!?]+[。！？!?]?")
_CLAUSE_BREAK = "，,；;：:、（）()"
# the tables themselves printed as text (PDF lines), not prose
# A "sentence" that is a table flattened into the text (its labels, or a run of glued cells) is
# no statement of the prose's
_TABLE_TEXT = re.compile(
    r"第二十条第|勾稽关系|本年新收政府信息公开申请数量|结转下年度继续办理|结果维持结果纠正"
    r"|尚未审结总计|[\d/／]{8,}"
)
MAX_LABEL = 40  # "全年共受理政府信息公开申请" is 13 characters; a longer run is a table's labels

_OUTCOME_TERM = r"(?:予以公开|同意公开|部分公开|不予公开|不同意公开|无法提供|不予处理|其他处理)"
_JOINED = re.compile(
    _OUTCOME_TERM + r"(?:[及和与、]" + _OUTCOME_TERM + r")+(?:答复|的|共|合计|为|有|\s)*$"
)
_OUTCOMES: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"部分公开"), "partial"),
    (re.compile(r"不予公开|不同意公开"), "denied"),
    (re.compile(r"(?<!不)(?<!部分)(?:予以公开|同意公开)"), "granted"),
    (re.compile(r"无法提供"), "unable"),
    (re.compile(r"不予处理"), "rejected"),
    (re.compile(r"其他处理"), "other"),
)
_CARRIED_IN = re.compile(r"上年(?:度)?结转|上一?年度?转入|结转上年")
_CARRIED_OUT = re.compile(
    r"结转(?:至|到)?下一?年度?|转(?:入|至|到)?下一?年度?|结转(?:至|到)?(?:明年|次年)"
)
_REQUEST_NOUN = re.compile(r"申请|依申请公开")
_DONE = re.compile(r"办结|办理完成|办理完毕|处理完毕|答复完毕|已答复|作出答复|予以答复|答复")
_HANDLED = re.compile(r"办理|处理")
_REVIEW, _SUIT = re.compile(r"行政复议|复议"), re.compile(r"行政诉讼|诉讼|起诉")
# labels that make a figure something other than a table figure
_NOT_TABLE = re.compile(
    r"自然人|法人|企业|个人|网上|网络|在线|线上|线下|当面|现场|信函|传真|邮件|邮寄|电话"
    r"|许可|审批|政务服务|办件|信访|热线|投诉|举报|建议|提案|咨询|留言|来信|征求意见|会议"
    r"|同比|较上年|比上年|环比|较去年|比去年|平均|人均|日均"
)
# channels named as the way all requests came in (「通过邮寄、网络提交的各类申请共计81件」) are
# no channel part: the label is the total
_ALL_CHANNELS = re.compile(r"[^，,；;。]{0,12}?(?:提交|递交|方式|渠道)的?(?:各类|各种|全部|所有)")
# a difference or an approximation, not a count
_DIFFERENCE = re.compile(r"(?:增加|增长|减少|下降|上升|提高|降低|多|少|约|近|超过|逾|不到)(?:了)?$")
_OF_ANOTHER = re.compile(r"(?:涉及|来自|针对|覆盖|分布|关于|包括|共有)$")  # "涉及 3 个部门"
_SUBJECT = re.compile(r"其中.{0,6}(?:局|委|办|镇|街道|乡|部门|单位|区|县)")
_REQUEST_AFTER = re.compile(
    r"(?:的)?(?:(?:政府信息公开|信息公开|依申请公开)?申请|依申请公开(?:政府信息)?(?:事项|件))"
)  # "收到 35 件政府信息公开申请", "处理 23 件依申请公开事项"
_CASE_OUTCOME = re.compile(r"纠错|纠正|维持|驳回|撤销|审结|败诉|胜诉|终止")
_ANY_NOUN = re.compile(
    r"申请|案件|复议|诉讼|文件|信息|事项|件数|数量|公开|提供|处理|结转|政策|意见"
)
_PART_START = re.compile(r"其中|[（(]含|包括|分别为|分别是")
_NEW_TOTAL = re.compile(r"共|合计|总计|累计|另|此外|同时")


@dataclass(frozen=True)
class Figure:
    what: tuple[str, ...] | None  # table quantities summed; None: not a table figure
    value: float
    unit: str
    label: str  # the words before the number in its clause
    sentence: "Sentence"
    start: int  # offset of the number in the sentence text
    end: int  # offset after the unit
    part: bool  # stated after 「其中」/「含」: a part of the figure before it


@dataclass(frozen=True)
class Sentence:
    text: str  # without spaces (PDF lines wrap inside words)
    index: int
    place: str  # S1 … S6 where the prose states it


def sentences(report: ParsedReport) -> list[Sentence]:
    """The prose's sentences (。！？), spaces removed, each with its section place."""
    text = "\n".join(report.prose)
    bounds = _section_bounds(text)
    out: list[Sentence] = []
    for m in _SENTENCES.finditer(text):
        s = re.sub(r"\s+", "", m.group(0))
        if not s or _TABLE_TEXT.search(s):
            continue
        out.append(Sentence(s, len(out), _place(m.start(), bounds)))
    return out


def _section_bounds(text: str) -> list[tuple[int, int, str]]:
    """(start, end, place) of the statutory sections 三 and 四 (headings 收到和处理 …, 行政复议 …);
    figures elsewhere sit in 总体情况 or in sub-topics numbered like sections (S1)."""
    tops = [m.start() for m in TOP.finditer(text)]
    out = []
    for place, words in (("S3", "收到和处理"), ("S4", "行政复议")):
        for pos in tops:
            head = re.split(r"[。；;\n]", text[pos : pos + 30], maxsplit=1)[0]
            if words in head:
                end = next((p for p in tops if p > pos), len(text))
                out.append((pos, end, place))
    return out


def _place(offset: int, bounds: list[tuple[int, int, str]]) -> str:
    return next((p for s, e, p in bounds if s <= offset < e), "S1")


def figures(sentence: Sentence) -> list[Figure]:
    """Every count the sentence states, with what it counts (or None)."""
    s = sentence.text
    out: list[Figure] = []
    prev_end = 0
    in_parts = False
    for m in _MENTION.finditer(s):
        start = max(prev_end, max(s.rfind(c, 0, m.start()) for c in _CLAUSE_BREAK) + 1)
        label, head = s[start : m.start()], s[prev_end : m.start()]
        if re.search(r"[；;]", head):
            in_parts = False  # a breakdown ends with its clause group
        if _PART_START.search(head):
            in_parts = True
        elif _NEW_TOTAL.search(label):
            in_parts = False
        value = float(m.group(1).replace(",", ""))
        words = label
        counted = [f for f in out if f.what]
        inherit = counted and _counts_requests(counted[-1]) and counted[-1].unit == m.group(2)
        if _OF_ANOTHER.search(label):
            inherit = False  # "涉及 3 个部门"
        if inherit and not _ANY_NOUN.search(label):
            words = label + "申请"  # "受理申请749件……；共办理718件": the noun is understood
        what = _what(words, s[m.end() : m.end() + 16], s[: m.start()], in_parts)
        if what == ("handled",) and any(f.what == ("requests",) for f in out):
            what = ("processed",)  # "受理 749 件……共办理 718 件": the completed ones
        out.append(
            Figure(what, value, s[m.end() - 1], label, sentence, m.start(), m.end(), in_parts)
        )
        prev_end = m.end()
    return out


def _counts_requests(fig: Figure) -> bool:
    return fig.what is not None and fig.what[0] in (
        "requests",
        "handled",
        "processed",
        "carried_in",
    )


def _what(label: str, after: str, before: str, part: bool) -> tuple[str, ...] | None:
    if len(label) > MAX_LABEL or "%" in label or _DIFFERENCE.search(label):
        return None
    words = _ALL_CHANNELS.sub("", _PART_START.sub("", label))
    if _NOT_TABLE.search(words) or _OF_ANOTHER.search(words) or _SUBJECT.search(label):
        return None
    noun_after = _REQUEST_AFTER.match(after)
    if noun_after:
        words += noun_after.group(0)  # "收到 35 件政府信息公开申请"
    if _CARRIED_IN.search(words):
        return ("carried_in",)
    if _CARRIED_OUT.search(words):
        return ("carried_out",)
    outcome = _outcome_of(words)
    if outcome is not None:
        return outcome or None
    review, suit = _REVIEW.search(words), _SUIT.search(words)
    if review or suit:
        if review and suit:
            return None  # "行政复议和行政诉讼共3件": not one table figure
        if _CASE_OUTCOME.search(words):
            return None  # an outcome count of the cases, not their total
        return None if part else (("review",) if review else ("suits",))
    if part or not _REQUEST_NOUN.search(words):
        return None
    if re.search(r"复议|诉讼|案件", before):
        return None  # "复议、诉讼案件的应诉工作，共办理相关案件74件": not requests
    if _DONE.search(words):
        return ("processed",)
    if _HANDLED.search(words):
        return ("handled",)
    return ("requests",)


def _outcome_of(words: str) -> tuple[str, ...] | None:
    """The outcome(s) a label names: one, a joined sum ("予以公开及部分公开"), () if ambiguous."""
    hits = sorted((m.start(), w) for rx, w in _OUTCOMES for m in rx.finditer(words))
    kinds = list(dict.fromkeys(w for _, w in hits))
    if not kinds:
        return None
    if len(kinds) == 1:
        return (kinds[0],)
    return tuple(kinds) if _JOINED.search(words) else ()


# ---- scope: what the sentence is about, against what the table covers


def speaks_for_region(report: ParsedReport, settings: dict) -> bool:
    """A report whose tables speak for the whole region: its name holds a government marker of
    quality.toml (人民政府, 管委会: a government's office too), or it is the bare place name
    (平潭综合实验区, 沭阳县: etl.agency_names.PLACE_ONLY, as the overview check reads it). Not
    overview.is_government_agency, which asks whether the agency itself is a government."""
    name = (report.agency or "").strip()
    return any(m in name for m in settings["government_markers"]) or bool(PLACE_ONLY.match(name))


def scope_of(text: str, government: bool, settings: dict, upto: int | None = None) -> str | None:
    """'local' / 'wide' when the text's scope differs from what the report's table covers. The
    scope word nearest before `upto` (a figure's end) wins: in 「区政府办公室牵头，全区共受理
    95 件」 the figure is the region's."""
    head = text if upto is None else text[:upto]
    marks = [(head.rfind(m), "local") for m in settings["local_scope"]]
    marks += [(head.rfind(m), "wide") for m in settings["wide_scope"]]
    found = max((p, kind) for p, kind in marks if p >= 0) if any(p >= 0 for p, _ in marks) else None
    if found is None and upto is not None:
        return scope_of(text, government, settings)  # the scope stated after the figure
    kind = found[1] if found else None
    if government and kind == "local":
        return "local"
    if not government and kind == "wide":
        return "wide"
    return None


_TABLE_SCOPE = re.compile(
    r"(?:本表|表中|表格|表内|统计表|报表|附表|以下数据|下列数据|上述数据|统计数据|数据统计)[^。；;]{0,30}?(?:全区|全县|全市|全省|全州|全旗|全辖区|各部门|各单位|各乡镇"
    r"|各街道|汇总|所属|下属|系统)"
)


def scope_explained(sentences_: list[Sentence]) -> bool:
    """The report says its tables cover more than the office (「表中数据为全区汇总」)."""
    return any(_TABLE_SCOPE.search(s.text) for s in sentences_)
