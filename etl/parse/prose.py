"""What a legacy report states plainly in prose about requests, completion, reviews, suits, fees.

Only statements whose meaning is unambiguous are read, in families of phrasing:

* requests:   "共受理信息公开申请14件", "收到政府信息公开申请件一起", "受理依申请公开事项35件",
              "共受理35件政府信息公开申请"; zero: "无依申请公开件", "未收到有关政府信息公开申请".
* channels:   "其中网上申请20件、当面申请10件、信函申请5件" (in a sentence about requests).
* answers:    "同意公开4件，部分公开1件，不予公开1件，信息不存在1件" (after a request count or under a
              依申请 heading).
* completion: "均按时办结" / "均在法定期限内答复" / "按时办结率100%" (= the requests just stated),
              "办结12件", "按时办结10件", "延期办结2件".
* reviews and suits: "行政复议2件,未审结2件", "行政诉讼1件,我方胜诉", "行政复议1起,维持原决定";
              zero: "无因政府信息公开申请行政复议、提起行政诉讼的情况", "未发生行政复议和行政诉讼",
              "无由依申请公开引发的行政复议".
* fees:       "未对信息公开收取费用", "暂不收费", "收取费用120元".
* proactive:  "主动公开政府信息3092条".

Numbers about anything else (罚没事项310项, 2416条 inquiries, 行政处罚信息四十期, 文件累计19份,
窗口受理申请136437件) are not request statistics and are never read. Every value is marked
source="prose" with the sentence as `raw` and the sentence's offset in `loc`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.document import RawDocument
from etl.fields import legacy_key
from etl.normalize import chinese_to_int, yuan_to_wan
from etl.report import Value

CN = "零〇○一二两三四五六七八九十百千"
N = r"(\d[\d,]*|[" + CN + r"]+)"
U = r"(?:件|起|宗|个|份|次|例|项)"
GAP = r"[^。;；,，]"  # within one clause

_SENTENCE_END = re.compile(r"[^。;；!！?？]*[。;；!！?？]?")
_HEADING = re.compile(r"^\(?[一二三四五六七八九十]+[)、]")

# ---- requests
_REQ_COUNT = (
    re.compile(
        r"(?:收到|受理|接到|接收|接受|登记)(?:了)?" + GAP + r"{0,25}?(?:政府)?信息公开(?:的)?申请"
        r"(?:件|共|共计|总数|数量|合计)?(?:为|是|达|有)?(?:共|共计)?"
        + N
        + r"(?:件|起|宗|个|份|次|例)"
        r"(?!" + GAP + r"{0,4}(?:行政复议|行政诉讼))"
    ),
    re.compile(
        r"(?:收到|受理|接到|接收)" + GAP + r"{0,10}?依申请公开(?:的)?(?:政府信息)?(?:申请|事项|件)?"
        r"(?:共|共计|总数|数量|合计)?(?:为|是|达)?" + N + U
    ),
    re.compile(
        r"(?:收到|受理|接到|接收)(?:了)?(?:各类)?"
        + N
        + U
        + r"(?:的)?"
        + GAP
        + r"{0,8}?(?:政府信息公开申请|信息公开申请|依申请公开(?:申请|事项)?)"
    ),
    re.compile(
        r"(?:依申请公开|信息公开)申请(?:总数|数量|件数)?(?:共|共计|合计)?(?:为|是|达)?"
        + N
        + U
        + r"(?!"
        + GAP
        + r"{0,4}(?:行政复议|行政诉讼))"
    ),
)
_REQ_ZERO = (
    re.compile(
        r"无(?:任何)?依申请公开(?:的)?(?:政府信息)?(?:件|事项|申请|案件|情况)(?!收费|的收费|信息收费)"
    ),
    re.compile(
        r"(?:未|没有|无)(?:收到|受理|接到|接收|发生|出现)(?:过)?(?:任何)?"
        + GAP
        + r"{0,15}?(?:政府)?信息公开(?:的)?申请(?!行政复议|提起|而)"
    ),
    re.compile(
        r"(?:未|没有)(?:收到|受理|接到)(?:过)?(?:任何)?"
        + GAP
        + r"{0,15}?依申请公开(?:的)?(?:政府信息)?"
        r"(?:申请|事项|件)(?!行政复议|提起)"
    ),
    re.compile(
        r"依申请公开(?:的)?(?:政府信息)?(?:申请|件|事项)?(?:数量|件数|数)?(?:为|是)(?:0|零)(?:件)?"
    ),
)
_CHANNELS = (
    (
        "requests_online",
        re.compile(r"(?:网上|网络|互联网|在线|电子邮件|邮件)(?:申请|提交|方式)?(?:的)?" + N + U),
    ),
    ("requests_in_person", re.compile(r"当面(?:申请|提交|提出|方式)?(?:的)?" + N + U)),
    ("requests_letter", re.compile(r"信函(?![、和及或]传真)(?:申请|方式)?(?:的)?" + N + U)),
    (
        "requests_fax",
        re.compile(r"(?<!信函、)(?<!信函和)(?<!信函及)传真(?:申请|方式)?(?:的)?" + N + U),
    ),
)

# ---- completion
ONTIME = r"(?:按时|按期|如期|在(?:法定|规定)(?:的)?(?:期限|时限|时间|工作日)内|在\d+个工作日内)"
_ALL_ONTIME = re.compile(
    r"(?:均|全部|都|皆|全)(?:已)?(?:依法)?"
    + ONTIME
    + r"(?:予以|作出|进行|给予)?(?:办结|答复|回复|办理|处理|完成)"
)
_ALL_DONE = re.compile(
    r"(?:均|全部|都|皆)(?:已)?(?:依法)?(?:予以)?(?:办结|答复完毕|办理完毕|处理完毕)"
)
_RATE_ONTIME = re.compile(r"按(?:时|期)(?:办结|答复)率(?:为|达到?|是)?100(?:\.0+)?%")
_RATE_DONE = re.compile(r"办结率(?:为|达到?|是)?100(?:\.0+)?%")
_DONE_N = re.compile(r"(?<!按时)(?<!按期)(?<!延期)(?:已)?办结(?:了)?" + N + U)
_ONTIME_N = re.compile(r"(?:按时|按期)(?:办结|答复)(?:了)?" + N + U)
_LATE_N = re.compile(r"延期(?:办结|答复)(?:了)?" + N + U)

# ---- how requests were answered ("同意公开4件，部分公开1件，不予公开1件")
_ANSWERS = (
    ("answer_partial", re.compile(r"(?:同意)?部分公开(?:的|答复)?(?:了)?" + N + U)),
    ("answer_denied", re.compile(r"(?:不予|不同意)公开(?:的|答复)?(?:了)?" + N + U)),
    (
        "answer_granted",
        re.compile(
            r"(?<!部分)(?<!不予)(?<!不同意)(?<!主动)(?:同意|予以|全部)公开(?:的|答复)?(?:了)?"
            + N
            + U
        ),
    ),
    ("answer_not_exist", re.compile(r"(?:申请的)?信息不存在(?:的)?" + N + U)),
    (
        "answer_not_this_agency",
        re.compile(
            r"(?:不属于本(?:行政)?机关|非本机关)(?:公开|职责|掌握)?(?:范围)?(?:的)?" + N + U
        ),
    ),
)

# ---- reviews and suits
NEG = r"(?:无(?!法|需|论|疑)|未发生|没有|未收到|未出现|未有|不存在|未曾发生)"
_BOTH_ZERO = (
    re.compile(
        NEG
        + GAP
        + r"{0,25}?行政复议(?:案件|申请)?(?:和|或|及|以及|与|、|或者)(?:提起)?(?:的)?行政诉讼"
    ),
    re.compile(
        NEG + GAP + r"{0,25}?行政诉讼(?:案件)?(?:和|或|及|以及|与|、|或者)(?:申请)?(?:的)?行政复议"
    ),
    re.compile(
        r"行政复议(?:和|或|及|、|与)(?:提起)?行政诉讼(?:案件|的情况|情况)?(?:均|都|数量?均?)?(?:为|是)?(?:0|零|无)"
    ),
)
_ONE_ZERO = {
    "review": re.compile(NEG + GAP + r"{0,25}?行政复议"),
    "suit": re.compile(NEG + GAP + r"{0,25}?行政诉讼"),
}
_COUNT = {
    "review": re.compile(r"行政复议(?:案件|申请)?(?:共|共计|合计)?(?:为|有|达)?" + N + U),
    "suit": re.compile(r"行政诉讼(?:案件)?(?:共|共计|合计)?(?:为|有|达)?" + N + U),
}
_OUTCOMES = (
    (
        "pending",
        r"(?:尚)?未审结|(?:正在|尚在|仍在)审理(?:中)?|审理中|未结案|尚未(?:判决|裁决|作出)",
    ),
    (
        "upheld",
        r"(?:我方|我局|我委|我办|我厅|我市|我区|我县|本机关|被告|被申请人)?胜诉"
        r"|维持(?:了)?(?:原)?(?:具体行政行为|行政行为|决定|答复|复议决定|判决)?"
        r"|驳回(?:了)?(?:原告|申请人|其)?(?:的)?(?:诉讼请求|起诉|复议申请|申请|诉讼)?",
    ),
    (
        "corrected",
        r"(?:被)?依法纠错|纠错|(?:我方|我局|被告)?败诉|撤销(?:了)?(?:原)?(?:答复|决定|具体行政行为)?"
        r"|确认违法|责令(?:重新|限期)?(?:答复|履行)",
    ),
    ("other", r"撤诉|终止(?:审理|复议)?|其他情形"),
)
_OUTCOME_RX = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in _OUTCOMES))

# ---- fees
_FEE_ZERO = (
    re.compile(
        r"(?:未|没有|不|无)(?:对" + GAP + r"{0,15}?)?(?:收取|收)(?:任何)?(?:的)?"
        r"(?:费用|信息公开费|检索费|复制费|成本费|邮寄费|费)"
    ),
    re.compile(
        r"(?:无|没有|未发生|未有)(?:任何)?(?:收费|收取费用)(?:和|及|或|与)?(?:减免)?(?:情况|行为)?"
    ),
    re.compile(
        r"(?:无|没有|未发生|未有)" + GAP + r"{0,12}?收费(?:和|及|或|与)?(?:减免)?(?:情况|行为)"
    ),
    re.compile(r"(?:收取|收)(?:的)?费(?:用)?(?:金额|总额)?(?:为|是)(?:0|零)(?:元|万元)?"),
)
_FEE_AMOUNT = re.compile(
    r"收取(?:了)?(?:各类)?(?:[^。;；,，\d]{0,12}?费用?)(?:共|共计|合计)?(?:为)?"
    r"(\d+(?:\.\d+)?)(万元|元)"
)

# ---- proactive
_PROACTIVE = re.compile(
    r"主动公开(?:了)?(?:各类|各项)?(?:政府)?信息(?:共|共计|总数|总计|合计|数量)?(?:为|达|有)?"
    r"(?:共|共计)?(\d[\d,]*)(?:条|件)"
)

_INFO_CONTEXT = re.compile(r"信息公开|依申请|政务公开|政府信息")


def _num(s: str) -> int | None:
    s = s.replace(",", "")
    if s.isdigit():
        return int(s)
    return chinese_to_int(s)


@dataclass
class _Sentence:
    text: str
    raw: str
    loc: dict
    heading: str
    index: int


def _sentences(doc: RawDocument) -> list[_Sentence]:
    out: list[_Sentence] = []
    heading = ""
    for block in doc.blocks:
        if block.is_table_row:
            continue
        text = block.text
        raw_text = " ".join(c for c in block.raw if c.strip())
        same_length = len(raw_text) == len(text)
        if _HEADING.match(text) and len(text) <= 40:
            heading = text
        for m in _SENTENCE_END.finditer(text):
            s = m.group(0)
            if not s.strip():
                continue
            loc = block.loc.as_dict()
            if block.loc.offset is not None:
                loc["offset"] = block.loc.offset + m.start()
            raw = raw_text[m.start() : m.end()] if same_length else s
            # headings inside long crawler runs ("四、行政复议…情况") count as headings too
            inner = re.search(r"[一二三四五六七八九十]+、[^。]{0,40}?情况", s)
            if inner and len(text) > 40:
                heading = inner.group(0)
            out.append(_Sentence(s.strip(), raw.strip(), loc, heading, len(out)))
    return out


class _Collector:
    def __init__(self) -> None:
        self.values: dict[str, Value] = {}

    def add(self, name: str, value: float, sent: _Sentence) -> None:
        key = legacy_key(name)
        if key in self.values or value is None:
            return
        self.values[key] = Value(key, float(value), sent.raw, dict(sent.loc), source="prose")

    def has(self, name: str) -> bool:
        return legacy_key(name) in self.values

    def get(self, name: str) -> float | None:
        v = self.values.get(legacy_key(name))
        return v.value if v else None


def _requests(sent: _Sentence, col: _Collector) -> int | None:
    s = sent.text
    for rx in _REQ_COUNT:
        m = rx.search(s)
        if m:
            n = _num(m.group(1))
            if n is not None:
                return n
    for rx in _REQ_ZERO:
        if rx.search(s):
            return 0
    return None


def _completion(sent: _Sentence, col: _Collector, requests: float | None) -> None:
    s = sent.text
    if m := _ONTIME_N.search(s):
        col.add("completed_on_time", _num(m.group(1)), sent)
    if m := _LATE_N.search(s):
        col.add("completed_late", _num(m.group(1)), sent)
    if m := _DONE_N.search(s):
        col.add("completed", _num(m.group(1)), sent)
    if not requests:
        return
    if _ALL_ONTIME.search(s) or _RATE_ONTIME.search(s):
        col.add("completed", requests, sent)
        col.add("completed_on_time", requests, sent)
    elif _ALL_DONE.search(s) or _RATE_DONE.search(s):
        col.add("completed", requests, sent)


def _answers(sent: _Sentence, col: _Collector) -> None:
    for name, rx in _ANSWERS:
        if m := rx.search(sent.text):
            col.add(name, _num(m.group(1)), sent)


def _review_suit(sent: _Sentence, col: _Collector) -> None:
    s = sent.text
    if not (_INFO_CONTEXT.search(s) or re.search(r"复议|诉讼", sent.heading)):
        return
    for rx in _BOTH_ZERO:
        if rx.search(s):
            col.add("review_total", 0, sent)
            col.add("suit_total", 0, sent)
            return
    # each group's statement runs from its mention to the next group's mention
    marks = sorted(
        (m.start(), g)
        for g, word in (("review", "行政复议"), ("suit", "行政诉讼"))
        for m in re.finditer(word, s)
    )
    for i, (start, group) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else len(s)
        if i + 1 < len(marks) and marks[i + 1][1] == group:
            continue  # the same group mentioned again: read from the later mention
        # include the clause head before the mention ("无由依申请公开引发的行政复议")
        head_start = (
            max([s.rfind(c, 0, start) for c in "。;；,，"] + [marks[i - 1][0] if i else -1]) + 1
        )
        part = s[head_start:end]
        cm = _COUNT[group].search(part)
        if cm:
            total = _num(cm.group(1))
            if total is None:
                continue
            col.add(f"{group}_total", total, sent)
            _outcomes(group, part[cm.end() :], total, sent, col)
        elif _ONE_ZERO[group].search(s[head_start : start + 4]):
            col.add(f"{group}_total", 0, sent)


def _outcomes(group: str, tail: str, total: int, sent: _Sentence, col: _Collector) -> None:
    found = []
    for m in _OUTCOME_RX.finditer(tail):
        name = m.lastgroup
        after = re.match(r"(?:的)?(?:案件|诉讼|复议)?(?:共|为)?" + N + U, tail[m.end() :])
        before = re.search(N + U + r"(?:为|被|已)?$", tail[max(0, m.start() - 8) : m.start()])
        n = _num(after.group(1)) if after else (_num(before.group(1)) if before else None)
        found.append((name, n))
    if not found:
        return
    if len(found) == 1 and found[0][1] is None:
        col.add(f"{group}_{found[0][0]}", total, sent)
        return
    for name, n in found:
        if n is not None:
            col.add(f"{group}_{name}", n, sent)


def _fees(sent: _Sentence, col: _Collector) -> None:
    s = sent.text
    if not (_INFO_CONTEXT.search(s) or "收费" in sent.heading):
        return
    if m := _FEE_AMOUNT.search(s):
        col.add("fees_wan", yuan_to_wan(float(m.group(1)), m.group(2)), sent)
        return
    for rx in _FEE_ZERO:
        if rx.search(s):
            col.add("fees_wan", 0, sent)
            return


def _proactive(sent: _Sentence, col: _Collector) -> None:
    for clause in re.split(r"[,，]", sent.text):
        if clause.lstrip().startswith("其中"):
            continue
        if m := _PROACTIVE.search(clause):
            col.add("proactive_total", _num(m.group(1)), sent)
            return


def prose_values(doc: RawDocument) -> dict[str, Value]:
    """Values stated plainly in the document's prose, keyed by canonical legacy key."""
    col = _Collector()
    last_requests: tuple[float, int] | None = None
    for sent in _sentences(doc):
        n = _requests(sent, col)
        if n is not None:
            col.add("requests", n, sent)
            last_requests = (n, sent.index)
            if n:
                for name, rx in _CHANNELS:
                    if m := rx.search(sent.text):
                        col.add(name, _num(m.group(1)), sent)
        recent = last_requests[0] if last_requests and sent.index - last_requests[1] <= 1 else None
        if recent is not None and re.search(r"办结|答复|回复|办理|处理|完成", sent.text):
            _completion(sent, col, recent)
        if (recent or "依申请" in sent.heading) and "公开" in sent.text:
            _answers(sent, col)
        if re.search(r"行政复议|行政诉讼", sent.text):
            _review_suit(sent, col)
        if re.search(r"收费|收取|收费用|费用", sent.text):
            _fees(sent, col)
        if "主动公开" in sent.text:
            _proactive(sent, col)
    return col.values
