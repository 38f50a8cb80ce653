"""What the year's 年报质量检查通报 says, gathered from the report database and the workflow
store: coverage, late and unpublished agencies, problems by category and rule (false alarms,
误报, left out), exemplary agencies, and one table per peer group.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from etl.rule_vocabulary import TIMING
from etl.rules import rule_label, rules_costing
from etl.safe_text import xml_text
from etl.scope import home_list
from workflow.findings import list_findings
from workflow.problems import category
from workflow.regions import UNPLACED_PLACE, Place, place_units, region_rows
from workflow.states import DISMISSED, PENDING, RECTIFIED, VERIFIED
from workflow.unconfirmed import note_maybe_published

_AGENCIES_SQL = """
SELECT a.agency_id, a.name, coalesce(a.peer_group, '未分组') AS peer_group,
       r.report_id IS NOT NULL AS published,
       r.counted_date AS published_on, r.deadline, r.days_late, r.date_basis
FROM agencies a LEFT JOIN current_reports r ON r.agency_id = a.agency_id AND r.year = ?
WHERE (a.confirmed OR r.report_id IS NOT NULL)
  AND (?::VARCHAR[] IS NULL OR a.agency_id IN (SELECT unnest(?::VARCHAR[])))
ORDER BY peer_group, a.agency_id"""
EXEMPLARY_MAX = 10
LATE_RULES = frozenset(rules_costing(TIMING))  # the catalogue's 未按时发布 (published.late)


@dataclass
class AgencyLine:
    agency_id: str
    name: str
    peer_group: str
    published: bool
    published_on: object = None  # the date it counts as published (etl.deadlines.counted_date)
    deadline: object = None
    days_late: int | None = None
    date_basis: str | None = None  # where published_on came from: 门户日期 | 发布日期 | 落款日期
    problems: int = 0  # raised and not dismissed as 误报
    rectified: int = 0
    score: float | None = None
    late_found: bool = False  # a late-publication problem among them (not dismissed as 误报)
    place: Place = UNPLACED_PLACE  # its own region (workflow.regions)
    # unpublished: the year's reports of unconfirmed units that may be its (workflow.unconfirmed)
    maybe_published_as: tuple[str, ...] = ()

    @property
    def region(self) -> str:
        return self.place.region

    @property
    def late(self) -> bool:
        """Late as the problems count it (one source with 问题分类统计's 未按时发布): the rule
        catalogue's late-publication finding, not dismissed as 误报."""
        return self.late_found


@dataclass
class Bulletin:
    year: int
    agencies: list[AgencyLine]
    categories: list[tuple[str, int, int, int]]  # category, problems, agencies, rectified
    common: list[tuple[str, int, int]]  # rule label, agencies, problems
    exemplary: list[AgencyLine]
    pending: int = 0  # problems not yet checked by an analyst (待核实)
    scheme_name: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def published(self) -> list[AgencyLine]:
        return [a for a in self.agencies if a.published]

    @property
    def unpublished(self) -> list[AgencyLine]:
        return [a for a in self.agencies if not a.published]

    @property
    def late(self) -> list[AgencyLine]:
        return sorted((a for a in self.agencies if a.late), key=lambda a: -(a.days_late or 0))

    def groups(self, by: str = "peer_group") -> dict[str, list[AgencyLine]]:
        out: dict[str, list[AgencyLine]] = {}
        for a in self.agencies:
            out.setdefault(getattr(a, by), []).append(a)
        return dict(sorted(out.items()))

    def regions(self) -> list[tuple[str, list[AgencyLine]]]:
        """[(row label, agencies)] of the regional table: each unit in its own region, the
        counties under their city, in the registry's order (workflow.regions.region_rows)."""
        return region_rows(self.agencies, lambda a: a.place)


def bulletin_data(report_con, store_con, year: int, scheme=None, province=None) -> Bulletin:
    """Everything the bulletin prints for `year`; `scheme` (path or Scheme) ranks exemplary agencies.

    Only agencies of the office's province (etl.scope; `province` overrides the office file's):
    reference agencies of other provinces are neither counted nor listed."""
    home = home_list(report_con, province)
    rows = report_con.execute(_AGENCIES_SQL, [year, home, home]).fetchall()
    # names and groups as text a document can hold (a control character in a registry name)
    lines = {r[0]: AgencyLine(r[0], *(xml_text(v) for v in r[1:3]), *r[3:]) for r in rows}
    place_units(report_con, lines)
    note_maybe_published(report_con, year, lines.values())
    found = [
        f
        for f in list_findings(store_con, year=year)  # a note (severity info) is no problem
        if (home is None or f["agency_id"] in lines)
        and f["state"] != DISMISSED
        and not f.get("resolved_by")  # a correction in force satisfies its check: no problem now
        and f.get("severity") != "info"
        and (f["present"] or f["state"] in (RECTIFIED, VERIFIED))
    ]
    per_cat: dict[str, list] = {}
    per_rule: dict[str, set] = {}
    rule_count: Counter = Counter()
    for f in found:
        done = f["state"] in (RECTIFIED, VERIFIED)
        per_cat.setdefault(category(f["rule"]), []).append((f["agency_id"], done))
        per_rule.setdefault(f["rule"], set()).add(f["agency_id"])
        rule_count[f["rule"]] += 1
        line = lines.get(f["agency_id"])
        if line is not None:
            line.problems += not done
            line.rectified += done
            line.late_found |= f["rule"] in LATE_RULES
    categories = sorted(
        ((c, len(v), len({a for a, _ in v}), sum(d for _, d in v)) for c, v in per_cat.items()),
        key=lambda t: (-t[1], t[0]),
    )
    common = sorted(
        ((rule_label(r), len(a), rule_count[r]) for r, a in per_rule.items()),
        key=lambda t: (-t[1], -t[2], t[0]),
    )[:10]
    scheme_name = _score(report_con, year, scheme, lines, province)
    clean = [
        a
        for a in lines.values()
        if a.published and not a.late and a.problems == 0 and a.rectified == 0
    ]
    clean.sort(key=lambda a: (-(a.score if a.score is not None else -1), a.agency_id))
    return Bulletin(
        year,
        list(lines.values()),
        categories,
        common,
        clean[:EXEMPLARY_MAX],
        sum(f["state"] == PENDING for f in found),
        scheme_name,
    )


def _score(report_con, year: int, scheme, lines: dict[str, AgencyLine], province=None) -> str:
    """Fill in each agency's score under `scheme` (analyst corrections applied when attached)."""
    if scheme is None:
        return ""
    from assess import load_scheme, score_year

    s = scheme if hasattr(scheme, "indicators") else load_scheme(scheme)
    for row in score_year(report_con, year, s, province=province).iter_rows(named=True):
        if row["agency_id"] in lines and not row["missing"]:
            lines[row["agency_id"]].score = row["total"]
    return s.name
