"""Identify a document: template (from its structure), agency, year, publication and signing dates.

The template comes from which row and column labels the document prints, not from the year:
agencies use the old table after 2019 or the new one early. Agency and year come from the
title (which may be split over lines, with the agency before or after the year), the
发布机构/发布单位/填报单位 lines, and the signature block.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from etl import clock
from etl.agency_names import AGENCY_SUFFIX, PLACE_ONLY
from etl.document import RawDocument
from etl.fields import LEGACY, NOT_A_REPORT, STD2019, STD2021
from etl.normalize import chinese_to_int, squash
from etl.report import Finding, ParsedReport

STD_MARKERS = (
    "收到和处理政府信息公开申请",
    "本年新收政府信息公开申请",
    "上年结转政府信息公开申请",
    "结转下年度继续办理",
)
STD2021_MARKERS = (
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "逾期不补正",
    "缴纳费用",
    "本年收费金额",
)
STD2019_MARKERS = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增/减",
    "采购项目数量",
    "采购总金额",
)
STD2021_T2_MARKERS = ("本年制发件数", "本年废止件数", "现行有效件数")
STD2019_T2_MARKERS = ("本年新制作数量", "本年新公开数量", "对外公开总数量")
LEGACY_TABLE_MARKERS = (
    "收到申请数",
    "申请办结数",
    "按时办结数",
    "主动公开政府信息数",
    "申请答复数",
    "受理依申请公开信息总数",
    "对申请的答复总数",
    "同意公开答复数",
)
REPORT_SECTION_MARKERS = (
    "主动公开政府信息情况",
    "依申请公开政府信息",
    "行政复议和行政诉讼",
    "行政复议、提起行政诉讼",
    "收费及减免",
    "存在的主要问题",
    "存在的问题及改进",
    "政府信息公开工作的基本情况",
    "依申请公开情况",
    "行政复议、行政诉讼",
)
REPORT_TITLE = re.compile(r"(年度报告|年报|工作总结|工作情况|年度工作报告)")
NOT_REPORT_TITLE = re.compile(
    r"(实施细则|实施办法|管理办法|工作要点|实施方案|的通知|暂行规定|工作制度|工作规则)"
)

_DATE_ISO = re.compile(r"(20\d{2}|19\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_DATE_RUN = re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)")
_DATE_CN = re.compile(
    r"([二〇○零一三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
PUBLISHED_LABELS = (
    "发布日期",
    "发布时间",
    "公开日期",
    "发文日期",
    "发布于",
    "生成日期",
    "成文日期",
    "信息时间",
    "时间",
)
AGENCY_LABELS = ("发布机构", "发布单位", "填报单位", "来源单位", "发文机关", "发布部门", "所属机构")
FULL_AGENCY = re.compile(
    r"([\u4e00-\u9fff]{2,8}?(?:省|市|县|区|自治州|旗))([\u4e00-\u9fff]{2,14}?(?:局|厅|委员会|委|办公室|人民政府))"
)


def detect_report(doc: RawDocument) -> ParsedReport:
    report = ParsedReport(doc.path, doc.sha256, doc.format, NOT_A_REPORT, meta=dict(doc.meta))
    head = _head_text(doc)
    full = squash(doc.text)
    title = _title(head)
    meta_title = squash(str(doc.meta.get("title") or ""))
    if (
        meta_title
        and REPORT_TITLE.search(meta_title)
        and re.search(r"\d{4}年", meta_title)
        and not re.search(r"\d{4}年", title)
    ):
        title = meta_title  # the HTML <title> when the page body starts with navigation
    report.meta["title"] = title
    report.template = detect_template(full, title, head)
    report.year = _year(title, full)
    report.agency = _agency(doc, title, head, full)
    report.published = _published(doc) or _parse_date(str(doc.meta.get("published") or ""))
    signed = _signed(doc)
    if signed:
        report.meta["signed"] = signed
    if report.template == NOT_A_REPORT:
        what = _what_it_is(title) or "没有表三或统计表，也没有年度报告的标题或章节"
        report.findings.append(
            Finding(
                "document.not_a_report",
                (),
                None,
                None,
                f"不是政府信息公开工作年度报告（{what}），未载入任何统计数",
                "info",
            )
        )
        report.meta["reason"] = what
    return report


def detect_template(full: str, title: str = "", head: str = "") -> str:
    std = sum(m in full for m in STD_MARKERS)
    if std >= 2:
        s21 = sum(m in full for m in STD2021_MARKERS)
        s19 = sum(m in full for m in STD2019_MARKERS)
        if s21 != s19:
            return STD2021 if s21 > s19 else STD2019
        year = _year(title, full)
        return STD2019 if year in (2019, 2020) else STD2021
    # 表二's own column labels: a std report cut off before 表三 (a truncated download) is still
    # a std report, never a legacy one (the legacy 统计表 has none of them)
    s21 = sum(m in full for m in STD2021_T2_MARKERS)
    s19 = sum(m in full for m in STD2019_T2_MARKERS)
    if max(s21, s19) >= 2:
        return STD2021 if s21 >= s19 else STD2019
    if sum(m in full for m in LEGACY_TABLE_MARKERS) >= 2:
        return LEGACY
    title_sq = squash(title)
    if NOT_REPORT_TITLE.search(title_sq) and not REPORT_TITLE.search(title_sq):
        return NOT_A_REPORT
    sections = sum(m in full for m in REPORT_SECTION_MARKERS)
    if REPORT_TITLE.search(title_sq) and ("公开" in title_sq or sections >= 1):
        return LEGACY
    if sections >= 2 and ("依申请" in full or "政府信息公开" in full):
        return LEGACY
    return NOT_A_REPORT


def _what_it_is(title: str) -> str:
    m = NOT_REPORT_TITLE.search(squash(title))
    if m:
        return f"标题为{m.group(1)}：«{title[:60]}»"
    return ""


def _head_text(doc: RawDocument, n: int = 40) -> str:
    lines = [b.text for b in doc.blocks[:n]]
    return "\n".join(lines)


def _title(head: str) -> str:
    """The title: the best early short line naming a report (year, 公开), joined with a split part."""
    lines = [squash(ln.strip("# ")) for ln in head.split("\n")]
    best, best_score = "", 0
    for i, sq in enumerate(lines[:40]):
        if sq.startswith(("标题:", "标题：")):
            return sq.split(":", 1)[-1].split("：", 1)[-1]
        named = REPORT_TITLE.search(sq) or NOT_REPORT_TITLE.search(sq)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if (
            not named
            and len(sq) < 40
            and REPORT_TITLE.search(nxt[:12])
            and ("公开" in sq or re.search(r"\d{4}年", sq))
        ):
            cand = sq + nxt  # "…2018年政府信息" + "公开工作年度报告"
        elif named and len(sq) <= 80:
            cand = sq
            if i > 0 and _agency_like(lines[i - 1]) and not _agency_like(sq.split("20")[0]):
                cand = lines[i - 1] + sq  # agency on the line above the title
        else:
            continue
        score = (
            (2 if re.search(r"(19|20)\d{2}年", cand) else 0)
            + ("公开" in cand)
            + (len(cand) <= 60)
            - (i > 15)
        )
        if score > best_score:
            best, best_score = cand, score
    return best


def _agency_like(s: str) -> bool:
    return bool(AGENCY_SUFFIX.search(s)) and len(s) <= 20


def _year(title: str, full: str) -> int | None:
    this_year = clock.today().year
    sq = squash(title)
    m = re.search(r"(20\d{2}|19\d{2})年(度)?", sq)
    if m and 2000 <= int(m.group(1)) <= this_year:
        return int(m.group(1))
    m = re.search(r"统计(?:期限|时限|周期|时间|区间)?[自从为是:：]*(20\d{2})年1月1日", full)
    if m:
        return int(m.group(1))
    m = re.search(r"([二〇○零一三四五六七八九]{4})年", sq)
    if m:
        y = int("".join(str(chinese_to_int(ch)) for ch in m.group(1)))
        if 2000 <= y <= this_year:
            return y
    years = Counter(
        int(y)
        for y in re.findall(r"(20\d{2})年(?!\d{1,2}月\d{1,2}日)", full)
        if 2000 <= int(y) <= this_year
    )
    if years:
        top = years.most_common(2)
        return top[0][0]
    return None


def _clean_agency(name: str) -> str:
    """The name as printed, trimmed. A bare place ("平潭综合实验区", "沭阳县") stays bare: the
    registry knows which government it is; adding 人民政府 would invent a body (a 管委会 is not one)."""
    name = re.sub(r"^(关于|正文|附件\d*[:：]?)", "", name)
    return name.strip(":：,，。·- 《》()（）")


def _names_agency(cand: str) -> bool:
    return bool(cand) and (
        _agency_like(cand) or cand.endswith("人民政府") or bool(PLACE_ONLY.match(cand))
    )


def _office_of(office: str, title_agency: str | None) -> bool:
    """发布机构 is often the office that publishes for the body the title names."""
    return (
        bool(title_agency)
        and office != title_agency
        and office.startswith(title_agency)
        and bool(re.search(r"(办公室|办公厅|管委会办公室)$", office))
    )


def _agency(doc: RawDocument, title: str, head: str, full: str) -> str | None:
    published_by = _publisher(doc)
    from_title = _title_agency(title)
    if published_by and not _office_of(published_by, from_title):
        return published_by
    if from_title:
        return from_title
    signature = _signature_agency(doc)
    if signature:
        return signature
    names = Counter(a + b for a, b in FULL_AGENCY.findall(full))
    if names:
        return names.most_common(1)[0][0]
    return None


def _publisher(doc: RawDocument) -> str | None:
    """The 发布机构/填报单位 line near the top."""
    for block in doc.blocks[:30]:
        cells = [squash(c) for c in block.cells]
        text = squash(block.text)
        for label in AGENCY_LABELS:
            if label in text:
                if len(cells) > 1:
                    for i, c in enumerate(cells[:-1]):
                        if c.startswith(label) and cells[i + 1] and _agency_like(cells[i + 1]):
                            return _clean_agency(cells[i + 1])
                m = re.search(
                    label + r"[(（]?[盖章]*[)）]?[:：]([\u4e00-\u9fff()（）]{2,30})", text
                )
                if m and _agency_like(_clean_agency(m.group(1))):
                    return _clean_agency(m.group(1))
    return None


def _title_agency(title: str) -> str | None:
    sq = squash(title)
    for rx in (
        r"^(.{2,30}?)(?:20\d{2}|19\d{2}|[二〇○零一三四五六七八九]{4})年度?",
        r"(?:20\d{2}|19\d{2})年度?(.{2,30}?)(?:政府信息公开|政务公开|信息公开)",
        r"^(.{2,30}?)(?:政府信息公开|政务公开|信息公开)",
    ):
        m = re.search(rx, sq)
        if m:
            cand = _clean_agency(m.group(1))
            if _names_agency(cand):
                return cand
    return None


def _signature_agency(doc: RawDocument) -> str | None:
    tail = [squash(b.text) for b in doc.blocks[-8:]]
    for i, line in enumerate(tail):
        if 3 <= len(line) <= 25 and _agency_like(line) and not re.search(r"[,，。:：]", line):
            nxt = tail[i + 1] if i + 1 < len(tail) else ""
            if _parse_date(nxt) or i >= len(tail) - 3:
                return _clean_agency(line)
    return None


def _parse_date(text: str) -> str | None:
    sq = squash(text)
    m = _DATE_ISO.search(sq)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _DATE_RUN.search(sq)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _DATE_CN.search(sq)
    if m:
        y = int("".join(str(chinese_to_int(ch)) for ch in m.group(1)))
        return _iso(y, chinese_to_int(m.group(2)) or 0, chinese_to_int(m.group(3)) or 0)
    return None


def _iso(y: int, mo: int, d: int) -> str | None:
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


def _published(doc: RawDocument) -> str | None:
    for block in doc.blocks[:40]:
        cells = [squash(c) for c in block.cells]
        text = squash(block.text)
        for label in PUBLISHED_LABELS:
            if label not in text or (label == "时间" and not text.startswith("时间")):
                continue
            if len(cells) > 1:
                for i, c in enumerate(cells[:-1]):
                    if c.startswith(label):
                        d = _parse_date(cells[i + 1])
                        if d:
                            return d
            after = text.split(label, 1)[1]
            d = _parse_date(after[:30])
            if d:
                return d
    return None


def _signed(doc: RawDocument) -> str | None:
    for block in reversed(doc.blocks[-8:]):
        sq = squash(block.text)
        if len(sq) <= 24:
            d = _parse_date(sq)
            if d:
                return d
    for block in doc.blocks[:6]:  # "(2026年1月23日)" under the title
        sq = squash(block.text).strip("()（）")
        if len(sq) <= 14:
            d = _parse_date(sq)
            if d:
                return d
    return None
