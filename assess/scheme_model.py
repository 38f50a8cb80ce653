"""The assessment scheme as the scorer sees it: Indicator, Scheme, the allowed values of each
setting, and SchemeError with the context that names the line of a bad key.

Split from assess/scheme.py (the loader): these are what the loader, its indicator checks
(assess/scheme_indicators.py) and its manual inputs (assess/scheme_manual.py) share.
"""

from __future__ import annotations

from dataclasses import dataclass

from etl.gongkai_error import GongkaiError
from etl.toml_file import TomlFile

MIN_PERFORMANCE_SHARE = 0.04  # 国办发〔2016〕80号: 政务公开 ≥ 4% of the performance assessment
WEIGHTED_KINDS = ("linear", "rank", "deduction")
KINDS = (*WEIGHTED_KINDS, "bonus", "veto")
POLICIES = ("reweight", "peer_median", "zero")
SMALL_SAMPLE = ("score", "missing")
OPS = (">", ">=", "<", "<=", "==", "!=")
MANUAL_HEADER = ["agency_id", "year", "indicator", "value"]
TOP_KEYS = {
    "name",
    "description",
    "performance_share",
    "min_cases",
    "manual_inputs",
    "indicators",
    "flags",
}  # flags: warning rules, read and checked by assess.flags
COMMON_KEYS = {"id", "name", "section", "kind", "metric", "source", "direction", "note"}
KIND_KEYS = {
    "linear": {"weight", "missing", "small_sample", "full", "zero"},
    "rank": {"weight", "missing", "small_sample"},
    "deduction": {"weight", "missing", "small_sample", "points", "cap", "above", "per"},
    "bonus": {"points", "cap", "above", "per"},
    "veto": {"cap", "when", "op", "threshold"},
}


class SchemeError(GongkaiError):
    """A scheme file that cannot be used: `path:line: problem. hint`."""

    def __init__(self, path, line: int | None, problem: str, hint: str) -> None:
        self.line = line
        super().__init__(problem, path=path, hint=hint)

    @property
    def message(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.problem}. {self.hint}"


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    kind: str  # linear | rank | deduction | bonus | veto
    source: str  # metric | manual
    metric: str | None  # METRICS id when source == "metric"
    direction: str  # higher | lower | none
    weight: float = 0.0  # weighted kinds only; the weights sum to 100
    missing: str | None = None  # reweight | peer_median | zero (weighted kinds)
    small_sample: str = "score"  # score | missing: how a small-sample rate is treated
    full: float | None = None  # linear: full points at/beyond this value
    zero: float | None = None  # linear: no points at/beyond this value
    points: float | None = None  # deduction/bonus: points per event
    cap: float | None = None  # deduction/bonus: at most this many points; veto: total capped here
    above: float = 0.0  # events = ceil((value - above) / per), at least 0
    per: float = 1.0
    when: str | None = None  # veto: "no_report", or None with op/threshold on the value
    op: str | None = None
    threshold: float | None = None
    section: str = ""
    line: int = 0

    @property
    def weighted(self) -> bool:
        return self.kind in WEIGHTED_KINDS


@dataclass(frozen=True)
class Scheme:
    name: str
    path: str
    performance_share: float
    min_cases: int
    indicators: tuple[Indicator, ...]
    manual_path: str | None = None
    manual: tuple[tuple[str, int, str, float], ...] = ()  # (agency_id, year, indicator, value)
    # sha256 of the scheme file and its manual-inputs file as read: the identity of a scoring
    # run, so caches follow an edit of the file, not its path or mtime.
    fingerprint: str = ""

    def indicator(self, ind_id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == ind_id)

    @property
    def metric_ids(self) -> list[str]:
        return sorted({i.metric for i in self.indicators if i.metric})


class SchemeContext:
    def __init__(self, toml: TomlFile) -> None:
        self.path, self.toml = toml.path, toml

    def line(self, idx: int | None, key: str) -> int | None:
        if key == "[[indicators]]":
            return self.toml.line("indicators", idx)
        return self.toml.line(key) if idx is None else self.toml.line("indicators", idx, key)

    def fail(self, idx: int | None, key: str, problem: str, hint: str):
        raise SchemeError(self.path, self.line(idx, key), problem, hint)
