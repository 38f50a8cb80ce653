"""The report's format as a whole: template.nonstandard (a year's report not in the national format
of its year) and table.all_blank (a required table printed all blank or "/").

Split from etl/validate/sections.py (the sections the template asks for) so each stays short.
"""

from __future__ import annotations

from etl.fields import STD2021, STD_TEMPLATES
from etl.report import Finding, ParsedReport


def template_findings(report: ParsedReport) -> list[Finding]:
    """template.nonstandard: 2021+ not in std2021; 2019–2020 in neither national format."""
    year, template = report.year, report.template
    if year is None or template not in (*STD_TEMPLATES, "legacy"):
        return []
    if year >= 2021 and template != STD2021:
        return [
            Finding(
                "template.nonstandard",
                (),
                None,
                None,
                f"{year} 年度报告应使用 2021 年版国家格式（国办公开办函〔2021〕30号），"
                f"本报告为{_TEMPLATE_NAMES.get(template, template)}",
                "warning",
            )
        ]
    if 2019 <= year <= 2020 and template not in STD_TEMPLATES:
        return [
            Finding(
                "template.nonstandard",
                (),
                None,
                None,
                f"{year} 年度报告应使用国家规定格式（2019 年版或 2021 年版），"
                f"本报告为{_TEMPLATE_NAMES.get(template, template)}",
                "warning",
            )
        ]
    return []


_TEMPLATE_NAMES = {"std2019": "2019 年版格式", "legacy": "2019 年以前的旧版格式"}
# The tables each national format requires, by the key prefix of their cells.
_TABLES = {
    "t2.": "表二（主动公开政府信息情况）",
    "t3.": "表三（收到和处理政府信息公开申请情况）",
    "t4.": "表四（行政复议、行政诉讼情况）",
}


def blank_table_findings(report: ParsedReport) -> list[Finding]:
    """table.all_blank: a required table whose every cell is printed blank or "/" (not zeros)."""
    if report.template not in STD_TEMPLATES:
        return []
    out = []
    for prefix, name in _TABLES.items():
        cells = [
            v for k, v in report.values.items() if k.startswith(prefix) and v.source == "table"
        ]
        if len(cells) >= 3 and all(v.blank for v in cells):
            out.append(
                Finding(
                    "table.all_blank",
                    tuple(sorted(v.key for v in cells))[:10],
                    None,
                    None,
                    f"{name}共 {len(cells)} 格全部空白或为“/”：应填 0 或实际数字",
                    "error",
                )
            )
    return out
