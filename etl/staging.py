"""A parsed report made ready for the writer: refused if unusable, its agency resolved in the
registry, its dates judged (deadline, days late, timing findings), a second claim on the same
agency-year within one load noted. Pure: reads the registry, writes nothing.
"""

from __future__ import annotations

from etl.agency_match import guess_kind, resolve_agency
from etl.deadlines import days_late, deadline_for
from etl.errors import ReportError
from etl.fields import STD_TEMPLATES
from etl.load import StagedReport
from etl.normalize import strip_invisible
from etl.registry import Registry
from etl.report import Finding, ParsedReport
from etl.report_rows import report_date
from etl.validate.timing import timing_findings, year_findings


def stage_report(
    origin: str,
    report: ParsedReport,
    registry: Registry,
    claims: dict[tuple[str, int], str],
    locations: list[str] | None = None,
) -> tuple[StagedReport, str | None]:
    """The report as the writer takes it, and the path of an earlier file of this load that
    claimed the same (agency, year) (`claims`: (agency_id, year) -> path), if any.

    Raises ReportError for a report without agency, year or (standard template) figures."""
    report.agency = strip_invisible(report.agency or "").strip() or None  # titles from metadata too
    _check_usable(origin, report)
    resolution = resolve_agency(report.agency, registry)
    agency = resolution.agency
    extra: list[Finding] = [resolution.finding] if resolution.finding else []
    signed = report.meta.get("signed")
    extra += timing_findings(report.year, report.published, signed, report.meta.get("title"))
    extra += year_findings(report.year)
    deadline = deadline_for(agency.kind or guess_kind(agency.name), report.year)
    first = claims.get((agency.code, report.year))
    if first is not None:
        message = (
            f"同一次载入中有两个不同文件都是{agency.name} {report.year} 年度报告：{first} 和 "
            f"{origin}；后者作为新版本载入。请核实哪一份是正式发布的"
        )
        extra.append(Finding("report.duplicate_claim", (), None, None, message, "warning"))
    staged = StagedReport(
        report,
        agency,
        extra,
        signed,
        deadline,
        days_late(report_date(report, signed)[0], deadline),
        origin,
        locations,
    )
    return staged, first


def _check_usable(path: str, report: ParsedReport) -> None:
    if not (report.agency or "").strip():
        raise ReportError(
            path,
            "the report does not say which agency published it",
            "the title or the signature should name the agency; load the copy "
            "published on the agency's website",
            "no_agency",
        )
    if report.year is None:
        raise ReportError(
            path,
            "the report does not say which year it covers",
            "the title should name the year (e.g. 2023年度); check that this is an annual report",
            "no_year",
        )
    if report.template in STD_TEMPLATES and not report.values:
        raise ReportError(
            path,
            "no figures were found in 表二/表三/表四",
            "the tables may be images or split beyond recognition; load another "
            "copy of the report (a PDF with a text layer, the HTML page or DOCX)",
            "no_figures",
        )
