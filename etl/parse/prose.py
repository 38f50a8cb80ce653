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

The sentences and the number words are etl/parse/prose_sentences.py; reviews and suits, the
family with outcomes, etl/parse/prose_disputes.py.
"""

from __future__ import annotations

import re

from etl.document import RawDocument
from etl.numerals import yuan_to_wan
from etl.parse.prose_disputes import review_suit
from etl.parse.prose_sentences import (
    GAP,
    INFO_CONTEXT,
    Collector,
    N,
    Sentence,
    U,
    prose_number,
    sentences,
)
from etl.report import Value

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


def _requests(sent: Sentence, col: Collector) -> int | None:
    s = sent.text
    for rx in _REQ_COUNT:
        m = rx.search(s)
        if m:
            n = prose_number(m.group(1))
            if n is not None:
                return n
    for rx in _REQ_ZERO:
        if rx.search(s):
            return 0
    return None


def _completion(sent: Sentence, col: Collector, requests: float | None) -> None:
    s = sent.text
    if m := _ONTIME_N.search(s):
        col.add("completed_on_time", prose_number(m.group(1)), sent)
    if m := _LATE_N.search(s):
        col.add("completed_late", prose_number(m.group(1)), sent)
    if m := _DONE_N.search(s):
        col.add("completed", prose_number(m.group(1)), sent)
    if not requests:
        return
    if _ALL_ONTIME.search(s) or _RATE_ONTIME.search(s):
        col.add("completed", requests, sent)
        col.add("completed_on_time", requests, sent)
    elif _ALL_DONE.search(s) or _RATE_DONE.search(s):
        col.add("completed", requests, sent)


def _answers(sent: Sentence, col: Collector) -> None:
    for name, rx in _ANSWERS:
        if m := rx.search(sent.text):
            col.add(name, prose_number(m.group(1)), sent)


def _fees(sent: Sentence, col: Collector) -> None:
    s = sent.text
    if not (INFO_CONTEXT.search(s) or "收费" in sent.heading):
        return
    if m := _FEE_AMOUNT.search(s):
        col.add("fees_wan", yuan_to_wan(float(m.group(1)), m.group(2)), sent)
        return
    for rx in _FEE_ZERO:
        if rx.search(s):
            col.add("fees_wan", 0, sent)
            return


def _proactive(sent: Sentence, col: Collector) -> None:
    for clause in re.split(r"[,，]", sent.text):
        if clause.lstrip().startswith("其中"):
            continue
        if m := _PROACTIVE.search(clause):
            col.add("proactive_total", prose_number(m.group(1)), sent)
            return


def prose_values(doc: RawDocument) -> dict[str, Value]:
    """Values stated plainly in the document's prose, keyed by canonical legacy key."""
    col = Collector()
    last_requests: tuple[float, int] | None = None
    for sent in sentences(doc):
        n = _requests(sent, col)
        if n is not None:
            col.add("requests", n, sent)
            last_requests = (n, sent.index)
            if n:
                for name, rx in _CHANNELS:
                    if m := rx.search(sent.text):
                        col.add(name, prose_number(m.group(1)), sent)
        recent = last_requests[0] if last_requests and sent.index - last_requests[1] <= 1 else None
        if recent is not None and re.search(r"办结|答复|回复|办理|处理|完成", sent.text):
            _completion(sent, col, recent)
        if (recent or "依申请" in sent.heading) and "公开" in sent.text:
            _answers(sent, col)
        if re.search(r"行政复议|行政诉讼", sent.text):
            review_suit(sent, col)
        if re.search(r"收费|收取|收费用|费用", sent.text):
            _fees(sent, col)
        if "主动公开" in sent.text:
            _proactive(sent, col)
    return col.values
