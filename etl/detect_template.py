"""Which template a document follows, from the row and column labels it prints (not from its
year: agencies use the old table after 2019 or the new one early), and whether it is a report
at all (its title and sections)."""

from __future__ import annotations

import re

from etl.detect_dates import report_year
from etl.fields import LEGACY, NOT_A_REPORT, STD2019, STD2021
from etl.normalize import squash

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


def detect_template(full: str, title: str = "", head: str = "") -> str:
    std = sum(m in full for m in STD_MARKERS)
    if std >= 2:
        s21 = sum(m in full for m in STD2021_MARKERS)
        s19 = sum(m in full for m in STD2019_MARKERS)
        if s21 != s19:
            return STD2021 if s21 > s19 else STD2019
        year = report_year(title, full)
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
