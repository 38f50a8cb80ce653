"""What parsing a document yields: identity, values with provenance, findings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from etl.normalize import as_number
from etl.rule_vocabulary import CATEGORIES, READER, REPORT
from etl.rules import rule


@dataclass(frozen=True)
class Value:
    key: str
    value: float
    raw: str  # the cell or sentence as printed
    loc: dict  # Location.as_dict() plus e.g. {"col": 3}
    blank: bool = False  # printed as blank, "/", "—" or "无" and read as 0
    source: str = "table"  # "table" | "prose"

    def as_dict(self) -> dict:
        d = {"value": as_number(self.value), "raw": self.raw, "source": self.source, **self.loc}
        if self.blank:
            d["blank"] = True
        return d


@dataclass(frozen=True)
class Finding:
    """One finding, built from its rule in the catalogue (etl.rules): `category`, `place`,
    `severity` and `responsibility` default to the rule's. A producer may name a more precise
    place (S5, T4 …) or, where the reader was unsure of what it read, pass
    ``responsibility="reader"``: the finding then goes to the analyst as 需人工核对 and never
    counts against the agency."""

    rule: str  # e.g. "t3.row_total", "t3.processed_sum", "agency.fuzzy_match"
    cells: tuple[str, ...]
    expected: float | None
    actual: float | None
    message: str
    severity: str | None = None  # "info" | "warning" | "error"; None: the rule's
    place: str | None = None
    responsibility: str | None = None
    category: str | None = None

    def __post_init__(self) -> None:
        declared = rule(self.rule)
        set_ = object.__setattr__
        if self.responsibility == READER and declared.responsibility != READER:
            set_(self, "category", "reader")
        set_(self, "category", self.category or declared.category)
        set_(self, "responsibility", CATEGORIES[self.category].responsibility)
        set_(self, "place", self.place or declared.place)
        set_(self, "severity", self.severity or declared.default_severity)

    @property
    def blames_report(self) -> bool:
        return self.responsibility == REPORT

    def as_dict(self) -> dict:
        d = asdict(self)
        d["cells"] = list(self.cells)
        for k in ("expected", "actual"):
            if d[k] is not None:
                d[k] = as_number(d[k])
        return d


@dataclass
class ParsedReport:
    path: str
    sha256: str
    format: str
    template: str  # std2021 | std2019 | legacy | not_a_report
    agency: str | None = None  # the name as the document prints it (normalised)
    year: int | None = None
    published: str | None = None  # ISO date the report was made public
    values: dict[str, Value] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    meta: dict = field(default_factory=dict)  # signed date, title, encoding, kind hints, ...
    prose: tuple[str, ...] = ()  # the prose lines (not table rows), for the quality checks
    copy_profile: tuple = ()  # (own prose, MinHash, sentence keys): etl.validate.copy_detect.profile
    # What the reader was unsure of (etl.validate.reading_doubts): cell key -> why, in Chinese
    # (a split glued run, a row placed by order in a table a conversion broke up, ...), and
    # numbers printed near a table that no row took: (table place, value, where printed).
    doubts: dict[str, str] = field(default_factory=dict)
    loose_numbers: list[tuple[str, float, str]] = field(default_factory=list)

    def add(self, v: Value) -> None:
        self.values[v.key] = v

    def doubt(self, key: str, why: str) -> None:
        """Note that the cell `key` was read with doubt (the first reason stays)."""
        self.doubts.setdefault(key, why)

    def to_json(self) -> dict:
        return {
            "file": self.path,
            "sha256": self.sha256,
            "format": self.format,
            "agency": self.agency,
            "year": self.year,
            "template": self.template,
            "published": self.published,
            "values": {k: as_number(v.value) for k, v in sorted(self.values.items())},
            "findings": [f.as_dict() for f in self.findings],
            "provenance": {k: v.as_dict() for k, v in sorted(self.values.items())},
            "meta": self.meta,
        }
