"""The spec's identities (declared once in etl.identities) as findings, and the quality check.
Printed numbers are never changed here.

Each finding names the identity, the cells involved, what the identity expects and what
the report prints. Identities are checked only when every cell involved is present.
"""

from __future__ import annotations

from etl.fields import STD_TEMPLATES
from etl.identities import broken, message
from etl.identities_legacy import LEGACY_IDENTITIES
from etl.identities_std import std_identities
from etl.report import Finding, ParsedReport
from etl.rule_vocabulary import READER


def validate_report(report: ParsedReport) -> list[Finding]:
    """The report's findings; those over cells read with doubt are the reader's, not the report's."""
    return _as_validated(report, arithmetic_findings(report) + quality_findings(report))


def figure_findings(report: ParsedReport) -> list[Finding]:
    """The findings of the checks that read the report's figures (its arithmetic, the prose
    against the tables, figures printed blank), as validate_report gives them: what an
    analyst's correction of a figure can change (workflow.corrected_checks)."""
    checks = [c for c in quality_checks() if c.__name__ in FIGURE_CHECKS]
    found = [f for check in checks for f in check(report)]
    return _as_validated(report, arithmetic_findings(report) + found)


def _as_validated(report: ParsedReport, findings: list[Finding]) -> list[Finding]:
    from etl.validate.blank_cells import with_blank_cells
    from etl.validate.reading_doubts import with_reading_doubts
    from etl.validate.truncation import with_truncation

    findings = with_reading_doubts(report, findings)
    findings = with_blank_cells(report, findings)
    return with_truncation(report, findings)


# The quality checks whose verdict turns on a figure's value or on its being printed blank; the
# others read the text, the headings or only which cells exist.
FIGURE_CHECKS = frozenset(
    {
        "text_table_findings",
        "prose_check_findings",
        "t2_prose_findings",
        "prose_t4_findings",
        "legacy_core_findings",
        "legacy_report_findings",
    }
)


def quality_findings(report: ParsedReport) -> list[Finding]:
    """The annual quality check's in-report rules (sections, template, prose vs tables)."""
    return [f for check in quality_checks() for f in check(report)]


def quality_checks() -> list:
    from etl.validate.document_kind import document_kind_findings
    from etl.validate.legacy_core import legacy_core_findings
    from etl.validate.legacy_report import legacy_report_findings
    from etl.validate.numbering import numbering_findings
    from etl.validate.overview import overview_findings
    from etl.validate.prose_checks import prose_check_findings
    from etl.validate.prose_t4 import prose_t4_findings
    from etl.validate.sections import section_findings
    from etl.validate.slips import slip_findings
    from etl.validate.structure import renumbered_findings, table3_layout_findings
    from etl.validate.substance import substance_findings
    from etl.validate.t2_prose import t2_prose_findings
    from etl.validate.template_checks import blank_table_findings, template_findings
    from etl.validate.text_table import text_table_findings
    from etl.validate.word_slips import word_slip_findings
    from etl.validate.wording import wording_findings

    return [
        template_findings,
        renumbered_findings,
        table3_layout_findings,
        section_findings,
        overview_findings,
        substance_findings,
        blank_table_findings,
        text_table_findings,
        prose_check_findings,
        wording_findings,
        legacy_report_findings,
        numbering_findings,
        slip_findings,
        document_kind_findings,
        legacy_core_findings,
        t2_prose_findings,
        prose_t4_findings,
        word_slip_findings,
    ]


def arithmetic_findings(report: ParsedReport) -> list[Finding]:
    """The spec's identities judged on the report's figures (also on an analyst's corrected
    figures: workflow.corrected_findings)."""
    if report.template in STD_TEMPLATES:
        return validate_std(report)
    if report.template == "legacy":
        return validate_legacy(report)
    return []


def identity_findings(report: ParsedReport, identities, table_only: bool = False) -> list[Finding]:
    """The identities (etl.identities) judged on the printed figures. Where the reader was
    unsure of a cell (a glued run split without meeting every identity, a row it flagged) the
    finding goes to the analyst (responsibility reader), never against the agency.
    `table_only`: figures the prose states (filling rows the table lacks) take no part."""
    printed = {
        k: v.value for k, v in report.values.items() if not table_only or v.source == "table"
    }
    unsure = set(report.meta.get("reader_unsure", ()))
    out: list[Finding] = []
    for identity in identities:
        b = broken(identity, printed)
        if b is None:
            continue
        if identity.rule.startswith("legacy."):
            cells = b.total_cells + b.part_cells
        else:  # a std total after its parts, as the table prints it
            cells = b.part_cells + b.total_cells
        doubtful = bool(unsure & set(cells))
        out.append(
            Finding(
                identity.rule,
                cells,
                b.expected,
                b.actual,
                message(b, printed)
                + (
                    "（该处数字印刷时连在一起，是系统按勾稽关系拆开的，请核对原文）"
                    if doubtful
                    else ""
                ),
                place=identity.place,
                responsibility=READER if doubtful else None,
            )
        )
    return out


def validate_std(report: ParsedReport) -> list[Finding]:
    rows_seen = sorted(
        {k.split(".", 1)[1].rsplit(".", 1)[0] for k in report.values if k.startswith("t3.")}
    )
    return identity_findings(report, std_identities(rows_seen))


def validate_legacy(report: ParsedReport) -> list[Finding]:
    """The legacy identities; 主动公开 = its channels only where the table prints the channels
    as the total's breakdown (the parser records it in meta["legacy_breakdowns"])."""
    breakdowns = set(report.meta.get("legacy_breakdowns", ()))
    identities = [i for i in LEGACY_IDENTITIES if not i.breakdown or i.rule in breakdowns]
    if _printed_blank(report, "legacy.by_website"):
        # 网站 printed 「无」 beside a total is a core figure withheld (etl.validate.legacy_core)
        identities = [i for i in identities if not i.routes]
    out: list[Finding] = []
    for f in identity_findings(report, identities, table_only=True):
        if not any(o.rule == f.rule for o in out):  # 主动公开 vs its channels: said once
            out.append(f)
    return out


def _printed_blank(report: ParsedReport, key: str) -> bool:
    v = report.values.get(key)
    return v is not None and v.blank
