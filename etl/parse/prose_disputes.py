"""Administrative reviews (行政复议) and suits (行政诉讼) as a legacy report states them in prose:
"行政复议2件,未审结2件", "行政诉讼1件,我方胜诉", "行政复议1起,维持原决定"; zero: "无因政府信息公开
申请行政复议、提起行政诉讼的情况", "未发生行政复议和行政诉讼", "无由依申请公开引发的行政复议".
"""

from __future__ import annotations

import re

from etl.parse.prose_sentences import GAP, INFO_CONTEXT, Collector, N, Sentence, U, prose_number

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


def review_suit(sent: Sentence, col: Collector) -> None:
    s = sent.text
    if not (INFO_CONTEXT.search(s) or re.search(r"复议|诉讼", sent.heading)):
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
            total = prose_number(cm.group(1))
            if total is None:
                continue
            col.add(f"{group}_total", total, sent)
            _outcomes(group, part[cm.end() :], total, sent, col)
        elif _ONE_ZERO[group].search(s[head_start : start + 4]):
            col.add(f"{group}_total", 0, sent)


def _outcomes(group: str, tail: str, total: int, sent: Sentence, col: Collector) -> None:
    found = []
    for m in _OUTCOME_RX.finditer(tail):
        name = m.lastgroup
        after = re.match(r"(?:的)?(?:案件|诉讼|复议)?(?:共|为)?" + N + U, tail[m.end() :])
        before = re.search(N + U + r"(?:为|被|已)?$", tail[max(0, m.start() - 8) : m.start()])
        n = (
            prose_number(after.group(1))
            if after
            else (prose_number(before.group(1)) if before else None)
        )
        found.append((name, n))
    if not found:
        return
    if len(found) == 1 and found[0][1] is None:
        col.add(f"{group}_{found[0][0]}", total, sent)
        return
    for name, n in found:
        if n is not None:
            col.add(f"{group}_{name}", n, sent)
