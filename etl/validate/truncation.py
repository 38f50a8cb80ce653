"""A file that stops short of its template: a download or copy cut off, not the agency's
omissions.

A std2019/std2021 report ends with its prose (五、存在的问题, 六、其他需要报告的事项, the
signature). A file whose text ends in a table, or a line after one, and that lacks every part
of the template after that table, was cut off: a truncated download, a half-written copy. Its
missing parts are not the agency's fault, so the findings about them go to the analyst as
reader findings (需人工核对) and one `report.truncated` finding (severity error, so that the
version policy in etl.versions never lets such a copy replace a complete one) says where the
file stops. A report that merely omits 表四 but goes on to 五、六 is not truncated: that is the
report's own gap and stays the agency's finding.
"""

from __future__ import annotations

from dataclasses import replace

from etl.fields import STD_TEMPLATES
from etl.report import Finding, ParsedReport
from etl.validate.sections import find_sections, prose_text

TAIL_KEY = "text_after_last_table"  # report.meta: characters of text after the last table row
TAIL_MAX = 80  # a heading line or two after the last table: still "ends in a table"
# Findings about what lies after the cut: the file's, not the agency's.
AFTER_CUT = frozenset(
    {
        "t3.missing",
        "t3.missing_row",
        "t3.empty",
        "t4.missing",
        "t4.missing_group",
        "section.missing",
        "section.thin",
        "section.fee_missing",
        "section.fee_amount_missing",
    }
)
_PARTS = (("t2.", "表二"), ("t3.", "表三"), ("t4.", "表四"))


def with_truncation(report: ParsedReport, findings: list[Finding]) -> list[Finding]:
    tail = report.meta.get(TAIL_KEY)
    if report.template not in STD_TEMPLATES or tail is None or tail > TAIL_MAX:
        return findings
    present = [name for prefix, name in _PARTS if any(k.startswith(prefix) for k in report.values)]
    if not present:
        return findings
    rules = {f.rule for f in (*report.findings, *findings)}  # the parser's and the checks' findings
    t3_short = bool(rules & {"t3.missing", "t3.missing_row", "t3.empty"})
    t4_short = "t4.missing" in rules or "t4.missing_group" in rules
    if not (t3_short or t4_short):
        return findings
    later = {s.number for s in find_sections(prose_text(report)) if s.found} & {"五", "六"}
    if later:
        return findings  # the report goes on after its tables: its gaps are its own
    last = present[-1]
    where = f"{last}中途" if (last == "表三" and t3_short) or last == "表四" else f"{last}之后"
    missing = [name for _, name in _PARTS if name not in present] + ["第五、六部分"]
    report.findings[:] = [_after_cut(f) for f in report.findings]
    out = [_after_cut(f) for f in findings]
    out.append(
        Finding(
            "report.truncated",
            (),
            None,
            None,
            f"文件在{where}中断，之后没有{'、'.join(missing)}：可能是下载不完整或文件被截断。"
            "缺少的部分不计为单位的问题；请取得完整文件后重新载入",
            "error",
        )
    )
    return out


def _after_cut(finding: Finding) -> Finding:
    if finding.rule in AFTER_CUT:
        return replace(finding, responsibility="reader")
    return finding
