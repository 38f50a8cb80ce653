"""A parsed report as the rows the writer stores: the columns of `reports` and `report_values`
a load (re)writes, their Arrow types, and the row builders. Pure: no connection here, so a parse
worker can compute a report's value locations ahead of the writer (etl/parse_pool.py).
"""

from __future__ import annotations

import json
from datetime import datetime

import pyarrow as pa

from etl.deadlines import as_date, counted_date
from etl.report import ParsedReport

# the columns of `reports` a load (re)writes, in report_row's order
REPORT_COLUMNS = (
    "template",
    "agency_printed",
    "published",
    "signed",
    "deadline",
    "days_late",
    "counted_date",
    "date_basis",
    "source_path",
    "sha256",
    "format",
    "parser_version",
    "loaded_at",
    "text_fingerprint",
)
REPORT_TYPES = (
    pa.string(),
    pa.string(),
    pa.date32(),
    pa.date32(),
    pa.date32(),
    pa.int32(),
    pa.date32(),
    pa.string(),
    pa.string(),
    pa.string(),
    pa.string(),
    pa.string(),
    pa.timestamp("us"),
    pa.string(),
)
# a new version's row: these columns, then REPORT_COLUMNS
NEW_REPORT_KEYS = ("agency_id", "year", "version", "is_current", "report_id")
NEW_REPORT_KEY_TYPES = (pa.string(), pa.int32(), pa.int32(), pa.bool_(), pa.int64())
VALUE_TYPES = (
    pa.int64(),
    pa.string(),
    pa.float64(),
    pa.string(),
    pa.bool_(),
    pa.string(),
    pa.string(),
)
AGENCY_TYPES = (pa.string(),) * 7 + (pa.bool_(),)
SOURCE_TYPES = (pa.string(), pa.string(), pa.string(), pa.int64(), pa.string())
ERROR_TYPES = (pa.int64(),) + (pa.string(),) * 5 + (pa.timestamp("us"),)


def report_row(
    report: ParsedReport, signed, deadline, days_late, parser_version: str, loaded_at: datetime
) -> list:
    """The values of REPORT_COLUMNS for `report`."""
    day, basis = report_date(report, signed)
    return [
        report.template,
        report.agency,
        as_date(report.published),
        as_date(signed),
        deadline,
        days_late,
        day,
        basis,
        report.path,
        report.sha256,
        report.format,
        parser_version,
        loaded_at,
        report.meta.get("text_fingerprint"),
    ]


def report_date(report: ParsedReport, signed) -> tuple:
    """The date `report` counts as published and its basis (etl/deadlines.counted_date): the
    collector's apply_portal keeps the document's own date aside when the portal's replaced it."""
    return counted_date(report.published, signed, "document_published" in report.meta)


def value_locations(report: ParsedReport) -> list[str]:
    """report_values.location of each value, in report.values order (JSON text)."""
    return [json.dumps(v.loc, ensure_ascii=False, sort_keys=True) for v in report.values.values()]


def value_columns(
    report_id: int, report: ParsedReport, locations: list[str] | None = None
) -> list[list]:
    """The report's values as columns of `report_values` (VALUE_TYPES)."""
    values = list(report.values.values())
    if locations is None or len(locations) != len(values):
        locations = value_locations(report)
    return [
        [report_id] * len(values),
        [v.key for v in values],
        [None if v.value is None else float(v.value) for v in values],
        [v.raw for v in values],
        [bool(v.blank) for v in values],
        [v.source for v in values],
        locations,
    ]
