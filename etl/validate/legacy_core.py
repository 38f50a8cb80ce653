"""A legacy (2008–2018) report whose part on proactive disclosure answers 「无」, in its prose or
in its 统计表 (category core_data_missing, place LEG.proactive).

The 2008 条例 第三十二条 asks for the 主动公开 情况, and the template of the era has a sub-heading
for it (「通过政府公报、政府网站…等途径主动公开政府信息的情况」). An agency with a portal that it
says it updates has disclosed something; printing 「无」 under that heading, with no count of
disclosed information anywhere (no 统计表 figure, no prose figure), withholds the core figure.
A report that states the count elsewhere is not blamed: the 「无」 then says nothing is missing.
"""

from __future__ import annotations

import re

from etl.fields import LEGACY
from etl.report import Finding, ParsedReport

# A heading about proactive disclosure, numbered as the template's sub-parts are.
_PROACTIVE_HEADING = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十]{1,2}\s*[、.．]|\d{1,2}\s*[、.．])"
    r"[^。；;]{0,40}主动公开[^。；;]{0,20}$"
)
# A body that is only 「无」: 无。 / 暂无 / 没有 (no figure, no sentence).
_NONE = re.compile(r"^\s*(?:无|暂无|没有|空)\s*[。.]?\s*$")
_PROACTIVE_FIGURES = ("legacy.proactive_total", "legacy.by_website", "legacy.by_gazette")


def legacy_core_findings(report: ParsedReport) -> list[Finding]:
    if report.template != LEGACY:
        return []
    total = report.values.get("legacy.proactive_total")
    website = report.values.get("legacy.by_website")
    if total is not None and total.blank and (website is None or website.blank):
        return [_table_none(total)]
    if any(k in report.values for k in _PROACTIVE_FIGURES):
        return []
    lines = [line for line in report.prose if line.strip()]
    for heading, body in zip(lines, lines[1:]):
        if _PROACTIVE_HEADING.match(heading) and _NONE.match(body):
            return [
                Finding(
                    "legacy.core_figure_none",
                    (),
                    None,
                    None,
                    f"「{heading.strip()}」下只写“{body.strip()}”，全文未公开本年度主动公开政府信息的数量",
                )
            ]
    return []


def _table_none(total) -> Finding:
    """The 统计表 prints 主动公开政府信息数 as 「无」 or blank, and the website channel too: the
    figure the table exists to give is not given (a 公报 of 0 is normal and says nothing)."""
    printed = total.raw.rsplit("…", 1)[-1].strip() or "空白"
    return Finding(
        "legacy.core_figure_none",
        ("legacy.proactive_total",),
        None,
        None,
        f"统计表“主动公开政府信息数”印为「{printed}」，政府网站公开数也未填写，未公开本年度主动公开政府信息的数量",
    )
