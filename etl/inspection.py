"""Measure the quality check as an inspector would: recall, precision and blame errors against the
``*.problems.json`` write-ups (shape and categories in shared/inspection/README.md).

Definitions (docs/QUALITY_CHECK.md "How it is measured"):

- The product's findings on a report are what ``gongkai parse`` gives plus the one-report
  findings the loader adds (dated before the year ended, an impossible year, published after the
  deadline for the agency's kind). A finding *blames the report* when its responsibility is
  "report" and its severity is not "info" (an info note, such as a scope note, costs nothing and
  tells the agency nothing is wrong).
- A finding *matches* a problem when the categories are equal and the places match: equal codes;
  ``DOC`` on either side (a problem of the whole document matches a finding of its category
  anywhere, and a finding on the whole document matches such a problem anywhere); or a table and
  the section that reports it (T2~S2, T3~S3, T4~S4, LEG.review~S.review, LEG.fees~S.fees).
- **Recall**: problems with checkable_from_report true that some finding matches / all such
  problems, except those that need a second report (copied, crossyear_inconsistent,
  changed_after_publication): one parse cannot see them, they are counted as "needs two years".
- **Precision**: report-blaming findings that match some problem / all report-blaming findings.
- **Blame error**: a report-blaming finding that matches no problem and either sits at a place the
  write-up lists under reading_difficulties (same place matching) or is of a category at a place
  the write-up lists as clean (clean_aspects; see ``clean_claims``).
- **Findings on clean reports**: report-blaming findings on a write-up with ``problems: []``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from etl.errors import ReportError
from etl.report import Finding, ParsedReport
from etl.settings import ROOT, current

NEEDS_TWO_REPORTS = frozenset({"copied", "crossyear_inconsistent", "changed_after_publication"})
# A table and the section whose prose reports the same figures: one subject, two places.
_SAME_SUBJECT = {
    frozenset(p)
    for p in (("T2", "S2"), ("T3", "S3"), ("T4", "S4"), ("LEG.review", "S.review"))
    + (("LEG.fees", "S.fees"),)
}
# What an untagged clean aspect says it checked: (pattern, category, place). A write-up may
# instead tag the aspect, e.g. "[table_identity T3] 表三 consistent …" (several tags allowed).
_CLEAN_HINTS = (
    (r"^表三\S* (consistent|一致)", "table_identity", "T3"),
    (r"^表四\S* (consistent|一致)", "review_suit_inconsistent", "T4"),
    (r"^统计表\S* (consistent|一致)", "table_identity", "DOC"),
    (r"match(es)? 表三|= 表三|表三 =", "text_table_mismatch", "T3"),
    (r"= 表二|表二 =|vs 表二", "text_table_mismatch", "T2"),
    (r"表四.*= prose|prose.*= 表四", "review_suit_inconsistent", "T4"),
    (r"受理 = \d+ new", "text_table_mismatch", "T3"),
    (r"cross-year", "crossyear_inconsistent", "DOC"),
    (r"^copying", "copied", "DOC"),
    (r"six sections|all sections", "missing_section", "DOC"),
    (r"六 states", "missing_section", "S6"),
    (r"总体情况 has figures", "overview_incomplete", "S1"),
    (r"^(signed|published)\b.*before", "late_publication", "DOC"),
)
_TAG = re.compile(r"\[([a-z_]+)(?: ([A-Za-z0-9.:]+))?\]")


def places_match(a: str, b: str) -> bool:
    return a == b or "DOC" in (a, b) or frozenset((a, b)) in _SAME_SUBJECT


def matches(finding: Finding, problem: dict) -> bool:
    return finding.category == problem["category"] and places_match(finding.place, problem["place"])


def clean_claims(aspect: str | dict) -> list[tuple[str, str]]:
    """(category, place) pairs a clean aspect vouches for: its tags, or the hints its text gives."""
    if isinstance(aspect, dict):
        return [(aspect["category"], aspect.get("place") or "DOC")]
    tags = [(c, p or "DOC") for c, p in _TAG.findall(aspect)]
    if tags:
        return tags
    return [(c, p) for pattern, c, p in _CLEAN_HINTS if re.search(pattern, aspect)]


@dataclass
class InspectionScore:
    file: str
    clean: bool  # the inspector found no problem at all
    problems: list[dict] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # report-blaming ones
    notes: list[Finding] = field(default_factory=list)  # report findings of severity info
    reader: list[Finding] = field(default_factory=list)  # not the report's fault
    found: list[dict] = field(default_factory=list)
    missed: list[dict] = field(default_factory=list)
    two_reports: list[dict] = field(default_factory=list)  # cross-year problems, not measurable
    unchecked: list[dict] = field(default_factory=list)  # checkable_from_report false
    true_findings: list[Finding] = field(default_factory=list)
    false_findings: list[tuple[Finding, str]] = field(default_factory=list)  # (finding, blame why)
    error: str = ""

    @property
    def blame_errors(self) -> list[tuple[Finding, str]]:
        return [(f, why) for f, why in self.false_findings if why]


def problems_files(roots: list[Path]) -> list[Path]:
    out: list[Path] = []
    for root in roots:
        out += sorted(root.rglob("*.problems.json"))
    return out


def shared_roots(start: Path) -> list[Path]:
    """Where a write-up's `file` may be relative to: $GONGKAI_SHARED, a `shared/` folder beside
    the write-up or any folder above it (the repo's ../shared), and the copies the repo carries."""
    shared = current().shared_dir
    out = [shared] if shared else []
    for folder in [start.resolve(), *start.resolve().parents]:
        out += [folder] if folder.name == "shared" else []
        out += [folder / "shared"] if (folder / "shared").is_dir() else []
    return out + [ROOT.parent / "shared", ROOT / "data" / "reports"]


def report_path(problems_path: Path, file: str) -> Path | None:
    """`file` relative to the write-up (the originals' ../real-reports/x.pdf) or to a shared root
    (seeds/000_x.txt), so a write-up in the repo works from a clone at any depth."""
    for base in [problems_path.parent, *shared_roots(problems_path.parent)]:
        if (base / file).is_file():
            return base / file
    return None


def product_findings(path: Path) -> list[Finding]:
    from etl.parse import parse_file

    return report_findings(parse_file(path))


def report_findings(report: ParsedReport) -> list[Finding]:
    """What gongkai says about one report on its own: the parse's findings and the loader's
    one-report findings (timing, impossible year, late for the deadline of the agency's kind)."""
    from etl.accuracy import current_registry
    from etl.agency_match import guess_kind, resolve_agency
    from etl.deadlines import deadline_for
    from etl.report_rows import report_date
    from etl.validate.timing import late_findings, timing_findings, year_findings

    out = list(report.findings)
    if report.year is None or report.template == "not_a_report":
        return out
    signed = report.meta.get("signed")
    out += timing_findings(report.year, report.published, signed, report.meta.get("title"))
    out += year_findings(report.year)
    if report.agency:
        agency = resolve_agency(report.agency, current_registry()).agency
        kind = agency.kind or guess_kind(agency.name)
    else:
        kind = None  # unknown kind: the later deadline, never late on a guess
    day, basis = report_date(report, signed)
    out += late_findings(report.year, day, deadline_for(kind, report.year), basis)
    return out


def score_problems(problems_path: Path) -> InspectionScore:
    truth = json.loads(problems_path.read_text(encoding="utf-8"))
    problems = truth.get("problems", [])
    score = InspectionScore(Path(truth["file"]).name, clean=not problems, problems=problems)
    path = report_path(problems_path, truth["file"])
    findings: list[Finding] = []
    if path is None:
        score.error = f"report not found: {truth['file']}"
    else:
        try:
            findings = product_findings(path)
        except ReportError as exc:
            score.error = exc.message
    for f in findings:
        if f.responsibility != "report":
            score.reader.append(f)
        elif f.severity == "info":
            score.notes.append(f)
        else:
            score.findings.append(f)
    for p in problems:
        if not p.get("checkable_from_report", True):
            score.unchecked.append(p)
        elif p["category"] in NEEDS_TWO_REPORTS:
            score.two_reports.append(p)
        elif any(matches(f, p) for f in score.findings):
            score.found.append(p)
        else:
            score.missed.append(p)
    difficult = [d["place"] for d in truth.get("reading_difficulties", [])]
    clean = [c for aspect in truth.get("clean_aspects", []) for c in clean_claims(aspect)]
    for f in score.findings:
        if any(matches(f, p) for p in problems):
            score.true_findings.append(f)
            continue
        why = ""
        if any(places_match(f.place, place) for place in difficult):
            why = "reading difficulty at " + f.place
        elif any(f.category == c and places_match(f.place, place) for c, place in clean):
            why = f"inspector found {f.category} clean at {f.place}"
        elif truth.get("not_a_report"):
            why = "not a report"
        score.false_findings.append((f, why))
    return score


def run(roots: list[Path]) -> list[InspectionScore]:
    return [score_problems(p) for p in problems_files(roots)]


@dataclass
class Tally:
    found: int = 0
    checkable: int = 0  # measurable per file
    true: int = 0
    blaming: int = 0
    blame_errors: int = 0
    two_reports: int = 0

    @property
    def recall(self) -> float | None:
        return self.found / self.checkable if self.checkable else None

    @property
    def precision(self) -> float | None:
        return self.true / self.blaming if self.blaming else None


def tallies(scores: list[InspectionScore]) -> dict[str, Tally]:
    """Per category (the problem's for recall, the finding's for precision) and "total"."""
    out: dict[str, Tally] = {}

    def at(category: str) -> list[Tally]:
        return [out.setdefault(category, Tally()), out.setdefault("total", Tally())]

    for s in scores:
        for p in s.found + s.missed:
            for t in at(p["category"]):
                t.checkable += 1
                t.found += p in s.found
        for p in s.two_reports:
            for t in at(p["category"]):
                t.two_reports += 1
        for f in s.findings:
            for t in at(f.category):
                t.blaming += 1
                t.true += f in s.true_findings
        for f, _ in s.blame_errors:
            for t in at(f.category):
                t.blame_errors += 1
    out.setdefault("total", Tally())
    return out


# The product's targets on held-out reports (the brief): below them the command exits 1.
RECALL_TARGET, PRECISION_TARGET = 0.90, 0.95


def meets_targets(scores: list[InspectionScore]) -> bool:
    total = tallies(scores)["total"]
    clean_findings = sum(len(s.findings) for s in scores if s.clean)
    return (
        not any(s.error for s in scores)
        and (total.recall is None or total.recall >= RECALL_TARGET)
        and (total.precision is None or total.precision >= PRECISION_TARGET)
        and total.blame_errors == 0
        and clean_findings == 0
    )
