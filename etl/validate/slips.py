"""Small printed slips in running prose, for every template (category typo_wording, place DOC):
two coordinating conjunctions side by side (「传真及和打印机」) and a 顿号 between a preposition
and its object (「通过、网站、新闻、报纸等各种形式」).

Judged on jieba's segmentation (a maintained dictionary), token by token: 「和及时」「与和谐」 are a
conjunction before a word, never a pair. A conversion does not insert a conjunction or a 顿号, so
these are the report's; on a report read by OCR they go to the analyst (reader).
"""

from __future__ import annotations

import re

from etl.report import Finding, ParsedReport

_CONJUNCTIONS = frozenset({"和", "及", "与", "以及", "或", "或者"})
# 与 second is no pair: it is also the preposition 「以及与群众的互动」「和与会人员」.
# Prepositions of means whose object is the list: 「通过网站、报纸等形式」. Printed 「通过、网站」
# the 顿号 cuts the preposition from its object. Not after a 顿号 itself (「审议、通过、发布」 lists
# verbs) and only where the list ends in 等…形式/方式/渠道, so 通过 is the preposition.
_STRAY_COMMA = re.compile(
    r"(?<!、)(通过|利用|借助|依托|运用)、([^。；;，,]{1,40}?等[^。；;，,]{0,8}?"
    r"(?:形式|方式|渠道|途径|平台|载体|媒体|手段))"
)
_CONJUNCTION_CANDIDATE = re.compile(r"(?:和|及|与|或)(?:和|及|与|以及|或)")


def slip_findings(report: ParsedReport) -> list[Finding]:
    if report.template == "not_a_report" or not report.prose:
        return []
    found = (
        _conjunction_pairs(report.prose)
        + _stray_commas(report.prose)
        + _misnamed_regulations(report.prose)
    )
    return readers_on_scans(report, found)


def readers_on_scans(report, found: list[Finding]) -> list[Finding]:
    """On a report read by OCR a wording slip may be the engine's misreading: the analyst's to
    check (需人工核对), never the agency's."""
    if not any(v.source == "ocr" for v in report.values.values()):
        return found
    return [
        Finding(f.rule, f.cells, f.expected, f.actual, f.message, responsibility="reader")
        for f in found
    ]


def _conjunction_pairs(prose: tuple[str, ...]) -> list[Finding]:
    from etl.validate.wording import initialized_jieba

    hits = []
    for line in prose:
        if not _CONJUNCTION_CANDIDATE.search(line):
            continue  # most reports: jieba is never asked
        for sentence in re.split(r"[。；;！!？?]", line):
            if not _CONJUNCTION_CANDIDATE.search(sentence):
                continue
            tokens = list(initialized_jieba().cut(sentence))
            pos = 0
            for a, b in zip(tokens, tokens[1:]):
                pos += len(a)
                if a in _CONJUNCTIONS and b in _CONJUNCTIONS and b != "与":
                    start = max(0, pos - len(a) - 10)
                    hits.append(f"「{sentence[start : pos + len(b) + 6].strip()}」中“{a}{b}”")
    if not hits:
        return []
    return [
        Finding(
            "wording.conjunction_pair",
            (),
            None,
            None,
            f"正文中连词重叠：{'；'.join(hits[:3])}",
        )
    ]


def _stray_commas(prose: tuple[str, ...]) -> list[Finding]:
    hits = []
    for line in prose:
        for m in _STRAY_COMMA.finditer(line):
            start = max(0, m.start() - 6)
            hits.append(f"「{line[start : m.end()]}」中“{m.group(1)}、”")
    if not hits:
        return []
    return [
        Finding(
            "wording.stray_comma",
            (),
            None,
            None,
            f"介词与其宾语之间多了顿号：{'；'.join(hits[:3])}",
        )
    ]


# The regulation every report cites, in its two accepted forms. A title a character or two away
# from one of them (信息公开 ↔ 公开信息, 条列, a dropped 政府) is the regulation misnamed; a title
# further away, or longer by more than two characters, is another document
# (《上海市政府信息公开规定》, 《湖南省政府信息公开条例》 if a province had one).
_REGULATION = ("中华人民共和国政府信息公开条例", "政府信息公开条例")
_BOOK_TITLE = re.compile(r"《([^《》\n]{4,40})》")
_CLOSE = 0.85


def _misnamed_regulations(prose: tuple[str, ...]) -> list[Finding]:
    from difflib import SequenceMatcher

    hits: list[str] = []
    for line in prose:
        for m in _BOOK_TITLE.finditer(line):
            title = re.sub(r"[\s　]+|[（(][^（()）]*[)）]$", "", m.group(1))
            if "\ufffd" in title or title in _REGULATION or f"《{title}》" in hits:
                continue  # a crawler's broken character is the reader's
            if any(r in title for r in _REGULATION):
                continue  # 《…条例释义》《…条例实施办法》: another document about it
            if any(
                abs(len(title) - len(r)) <= 2 and SequenceMatcher(None, title, r).ratio() >= _CLOSE
                for r in _REGULATION
            ):
                hits.append(f"《{title}》")
    if not hits:
        return []
    return [
        Finding(
            "wording.regulation_misnamed",
            (),
            None,
            None,
            f"法规名称写错：{'、'.join(hits[:3])}，应为《中华人民共和国政府信息公开条例》",
        )
    ]
