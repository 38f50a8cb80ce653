"""What a load run tells its caller: every file's outcome and the notes worth reading.

Every file gets exactly one outcome: loaded, unchanged (seen before, not even parsed), not a
report, or failed ("path: problem. hint"). Notes explain what is not an outcome: the same bytes
under two names, two files claiming one agency-year, a less complete version kept aside, the
collector's findings, a lost cluster. `gongkai load` prints them (gongkai/commands/load.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from etl.report import ParsedReport
from etl.versions import LoadedReport


@dataclass
class LoadSummary:
    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, "path: problem. hint")
    not_reports: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    notes: list[tuple[str, str]] = field(default_factory=list)  # duplicates, duplicate claims
    carry_over_findings: int = 0
    run_id: int | None = None

    def _lists(self) -> tuple[list, ...]:
        return (self.loaded, self.unchanged, self.failed, self.not_reports, self.notes)

    def sizes(self) -> tuple[int, ...]:
        """The lengths of the outcome lists now: `cut_to` puts them back to it."""
        return tuple(len(lst) for lst in self._lists())

    def cut_to(self, sizes: tuple[int, ...]) -> None:
        """Forget every outcome and note added since `sizes()` (a batch about to be replayed)."""
        for lst, n in zip(self._lists(), sizes):
            del lst[n:]

    def note_same_bytes(self, origin: str, first_path: str) -> None:
        if first_path != origin:
            self.notes.append((origin, f"same bytes as {first_path}; loaded once"))

    def note_duplicate_claim(self, origin: str, agency_name: str, year: int, first: str) -> None:
        self.notes.append(
            (
                origin,
                f"also claims {agency_name} {year}, like {first}; loaded as a new version",
            )
        )

    def note_version(self, origin: str, done: LoadedReport) -> None:
        """A new version less complete than the current one: stored, not current."""
        if not done.current and done.shortfall:
            self.notes.append(
                (
                    origin,
                    f"less complete than version {done.current_version} "
                    f"({done.shortfall.english()}); stored as version "
                    f"{done.version}, not current (finding "
                    "report.worse_version); version "
                    f"{done.current_version} stays current",
                )
            )


def not_a_report_reason(report: ParsedReport) -> str:
    for f in report.findings:
        if f.rule.endswith("not_a_report"):
            return f.message
    if report.meta.get("reason"):
        return f"not a disclosure annual report ({report.meta['reason']})"
    return "not a government information disclosure annual report"
