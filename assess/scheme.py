"""Assessment schemes: a TOML file (data/schemes/*.toml) parsed and validated strictly.

A scheme is data, not code: the office edits weights and thresholds and re-scores. Every
problem raises SchemeError naming the file, the line of the offending key and what to change;
a scheme that loads is one the scorer can run without further checks.
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from assess.metrics import HIGHER, LOWER, METRICS, NEUTRAL
from etl.gongkai_error import GongkaiError

MIN_PERFORMANCE_SHARE = 0.04  # 国办发〔2016〕80号: 政务公开 ≥ 4% of the performance assessment
WEIGHTED_KINDS = ("linear", "rank", "deduction")
KINDS = (*WEIGHTED_KINDS, "bonus", "veto")
POLICIES = ("reweight", "peer_median", "zero")
SMALL_SAMPLE = ("score", "missing")
OPS = (">", ">=", "<", "<=", "==", "!=")
MANUAL_HEADER = ["agency_id", "year", "indicator", "value"]
_TOP_KEYS = {
    "name",
    "description",
    "performance_share",
    "min_cases",
    "manual_inputs",
    "indicators",
    "flags",
}  # flags: warning rules, read and checked by assess.flags
_COMMON = {"id", "name", "section", "kind", "metric", "source", "direction", "note"}
_KIND_KEYS = {
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


def key_lines(text: str) -> dict[tuple[int | None, str], int]:
    """(indicator index or None for top level, key) -> line number of that key in the TOML."""
    lines: dict[tuple[int | None, str], int] = {}
    idx: int | None = None
    for n, raw in enumerate(text.splitlines(), 1):
        s = raw.strip()
        if s.startswith("[[indicators]]"):
            idx = 0 if idx is None else idx + 1
            lines[(idx, "[[indicators]]")] = n
            continue
        m = re.match(r'^"?([A-Za-z0-9_\-]+)"?\s*=', s)
        if m:
            lines.setdefault((idx, m.group(1)), n)
    return lines


class _Ctx:
    def __init__(self, path: Path, text: str) -> None:
        self.path, self.lines = path, key_lines(text)

    def fail(self, idx: int | None, key: str, problem: str, hint: str):
        line = self.lines.get((idx, key)) or self.lines.get((idx, "[[indicators]]"))
        raise SchemeError(self.path, line, problem, hint)


def _num(ctx, idx, d, key, *, default=None, required=False, low=None, high=None):
    if key not in d:
        if required:
            ctx.fail(
                idx,
                "[[indicators]]" if idx is not None else key,
                f"indicator '{d.get('id', '?')}' has no `{key}`",
                f"add `{key} = <number>`",
            )
        return default
    v = d[key]
    if isinstance(v, bool) or not isinstance(v, int | float):
        ctx.fail(idx, key, f"`{key}` must be a number, not {v!r}", f"write e.g. `{key} = 1`")
    if not math.isfinite(v):  # TOML allows nan and inf; neither is a weight, threshold or score
        ctx.fail(
            idx,
            key,
            f"`{key}` = {v} is not a finite number",
            f"write an ordinary number, e.g. `{key} = 1`",
        )
    if (low is not None and v < low) or (high is not None and v > high):
        ctx.fail(
            idx,
            key,
            f"`{key}` = {v} is outside {low} … {high}",
            f"choose a value in {low} … {high}",
        )
    return float(v)


def _choice(ctx, idx, d, key, options, *, default=None):
    v = d.get(key, default)
    if v not in options:
        ctx.fail(
            idx,
            key,
            f"`{key}` = {v!r} is not one of {', '.join(map(str, options))}",
            f"set `{key}` to one of: {', '.join(map(str, options))}",
        )
    return v


def _indicator(ctx: _Ctx, idx: int, d: dict) -> Indicator:  # noqa: C901 (one check per scheme field, each with its own message)
    ident = d.get("id")
    if not isinstance(ident, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", ident):
        ctx.fail(
            idx,
            "id",
            f"indicator id {ident!r} is missing or not lower_snake_case",
            'give each [[indicators]] an `id = "like_this"`',
        )
    kind = _choice(ctx, idx, d, "kind", KINDS)
    unknown = set(d) - _COMMON - _KIND_KEYS[kind]
    if unknown:
        key = sorted(unknown)[0]
        ctx.fail(
            idx,
            key,
            f"`{key}` is not a setting of a {kind} indicator ('{ident}')",
            f"remove it; a {kind} indicator takes: {', '.join(sorted(_COMMON | _KIND_KEYS[kind]))}",
        )
    source = _choice(ctx, idx, d, "source", ("metric", "manual"), default="metric")
    metric, direction = None, d.get("direction")
    if source == "metric" and not (kind == "veto" and d.get("when") == "no_report"):
        metric = d.get("metric")
        if metric not in METRICS:
            ctx.fail(
                idx,
                "metric" if "metric" in d else "[[indicators]]",
                f"unknown metric {metric!r} in indicator '{ident}'",
                f'use one of: {", ".join(METRICS)} (or source = "manual")',
            )
        direction = direction or METRICS[metric].direction
    direction = _choice(
        ctx, idx, {"direction": direction or NEUTRAL}, "direction", (HIGHER, LOWER, NEUTRAL)
    )
    f: dict = dict(
        id=ident,
        name=str(d.get("name", ident)),
        kind=kind,
        source=source,
        metric=metric,
        direction=direction,
        section=str(d.get("section", "")),
        line=ctx.lines.get((idx, "[[indicators]]"), 0),
    )
    if kind in WEIGHTED_KINDS:
        f["weight"] = _num(ctx, idx, d, "weight", required=True, low=0, high=100)
        if f["weight"] <= 0:
            ctx.fail(
                idx, "weight", f"weight of '{ident}' is 0", "give it a positive weight or remove it"
            )
        if "missing" not in d:
            ctx.fail(
                idx,
                "[[indicators]]",
                f"indicator '{ident}' has no missing-data policy",
                'add `missing = "reweight"`, "peer_median" or "zero"',
            )
        f["missing"] = _choice(ctx, idx, d, "missing", POLICIES)
        f["small_sample"] = _choice(ctx, idx, d, "small_sample", SMALL_SAMPLE, default="score")
    if kind == "linear":
        full = _num(ctx, idx, d, "full", required=True)
        zero = _num(ctx, idx, d, "zero", required=True)
        if full == zero:
            ctx.fail(
                idx, "zero", f"`full` and `zero` of '{ident}' are both {full}", "make them differ"
            )
        if direction != NEUTRAL and (full > zero) != (direction == HIGHER):
            ctx.fail(
                idx,
                "full",
                f"'{ident}': {direction} is better, but full = {full:g}, zero = {zero:g}",
                "swap `full` and `zero` (full is the good end)",
            )
        f.update(full=full, zero=zero)
    if kind == "rank" and direction == NEUTRAL:
        ctx.fail(
            idx,
            "kind",
            f"'{ident}' is ranked but its value has no better direction",
            'add `direction = "higher"` or "lower", or use another kind',
        )
    if kind in ("deduction", "bonus"):
        f["points"] = _num(ctx, idx, d, "points", required=True, low=0)
        f["above"] = _num(ctx, idx, d, "above", default=0.0)
        f["per"] = _num(ctx, idx, d, "per", default=1.0)
        if f["per"] <= 0:
            ctx.fail(
                idx,
                "per",
                f"`per` of '{ident}' must be positive",
                "set `per = 1` to count each event",
            )
        if kind == "deduction":
            f["cap"] = _num(ctx, idx, d, "cap", default=f["weight"], low=0, high=f["weight"])
        else:
            f["cap"] = _num(ctx, idx, d, "cap", required=True, low=0, high=100)
    if kind == "veto":
        f["cap"] = _num(ctx, idx, d, "cap", required=True, low=0, high=100)
        if d.get("when") == "no_report":
            f["when"] = "no_report"
        elif "when" in d:
            ctx.fail(
                idx,
                "when",
                f"`when` = {d['when']!r} is not known",
                'use `when = "no_report"`, or `op` and `threshold`',
            )
        else:
            f["op"] = _choice(ctx, idx, d, "op", OPS)
            f["threshold"] = _num(ctx, idx, d, "threshold", required=True)
    return Indicator(**f)


def _manual(ctx: _Ctx, file: Path, manual_ids: set[str]) -> tuple:
    if not file.is_file():
        ctx.fail(
            None,
            "manual_inputs",
            f"manual inputs file {file} does not exist",
            "create it (columns agency_id,year,indicator,value) or fix the path (relative to the scheme)",
        )
    rows, seen = [], set()
    with file.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader, [])]
        if header != MANUAL_HEADER:
            raise SchemeError(
                file, 1, f"header is {','.join(header)!r}", f"make it {','.join(MANUAL_HEADER)}"
            )
        for n, row in enumerate(reader, 2):
            if not any(c.strip() for c in row):
                continue
            if len(row) != 4:
                raise SchemeError(
                    file, n, f"{len(row)} columns", "write agency_id,year,indicator,value"
                )
            agency, year, ind, value = (c.strip() for c in row)
            if ind not in manual_ids:
                raise SchemeError(
                    file,
                    n,
                    f"indicator {ind!r} is not a manual indicator of {ctx.path.name}",
                    f"use one of: {', '.join(sorted(manual_ids)) or '(none declared)'}",
                )
            try:
                rec = (agency, int(year), ind, float(value))
            except ValueError:
                raise SchemeError(
                    file,
                    n,
                    f"year {year!r} or value {value!r} is not a number",
                    "write digits, e.g. 2024,3",
                ) from None
            if rec[:3] in seen:
                raise SchemeError(
                    file, n, f"{agency} {year} {ind} is entered twice", "keep one row"
                )
            seen.add(rec[:3])
            rows.append(rec)
    return tuple(rows)


def load_scheme(path: str | Path) -> Scheme:
    """Parse and validate a scheme TOML file; raises SchemeError naming file, line and fix."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise SchemeError(
            path,
            line,
            "the file is not UTF-8 text (saved as GBK or another encoding?)",
            "open it in an editor and save it as UTF-8",
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise SchemeError(
            path,
            int(m.group(1)) if m else None,
            f"not valid TOML ({exc})",
            "fix the syntax at that line",
        ) from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise SchemeError(
            path,
            None,
            "values are nested too deeply to read (arrays or tables "
            "inside each other hundreds of levels deep)",
            "a scheme needs at most a few levels; start from data/schemes/default.toml",
        ) from None
    ctx = _Ctx(path, text)
    for key in sorted(set(data) - _TOP_KEYS):
        ctx.fail(
            None,
            key,
            f"unknown setting `{key}`",
            f"remove it; known: {', '.join(sorted(_TOP_KEYS))}",
        )
    share = _num(ctx, None, data, "performance_share", default=MIN_PERFORMANCE_SHARE, high=1)
    if share < MIN_PERFORMANCE_SHARE:
        ctx.fail(
            None,
            "performance_share",
            f"performance_share = {share:g} is below {MIN_PERFORMANCE_SHARE:g}: 国办发〔2016〕80号 "
            "requires 政务公开 to weigh not less than 4% of the performance assessment",
            f"set performance_share to {MIN_PERFORMANCE_SHARE:g} or more",
        )
    min_cases = _num(ctx, None, data, "min_cases", default=5, low=0)
    raw = data.get("indicators")
    if not isinstance(raw, list) or not raw:
        ctx.fail(
            None,
            "indicators",
            "the scheme has no [[indicators]]",
            "add at least one [[indicators]] table",
        )
    indicators = tuple(_indicator(ctx, i, d) for i, d in enumerate(raw))
    seen: dict[str, int] = {}
    for i, ind in enumerate(indicators):
        if ind.id in seen:
            ctx.fail(
                i, "id", f"indicator id '{ind.id}' is used twice", "give each indicator its own id"
            )
        seen[ind.id] = i
    weighted = [(i, ind) for i, ind in enumerate(indicators) if ind.weighted]
    total = sum(ind.weight for _, ind in weighted)
    if abs(total - 100) > 1e-9:
        last_i, last = weighted[-1] if weighted else (0, indicators[0])
        listing = ", ".join(f"{ind.id} {ind.weight:g}" for _, ind in weighted)
        ctx.fail(
            last_i,
            "weight",
            f"the indicator weights sum to {total:g}, not 100 ({listing})",
            f"change the weights by {100 - total:+g} in total, e.g. set '{last.id}' "
            f"weight to {last.weight + 100 - total:g}",
        )
    manual_path, manual = None, ()
    if "manual_inputs" in data:
        file = (path.parent / str(data["manual_inputs"])).resolve()
        manual_path = str(file)
        manual = _manual(ctx, file, {i.id for i in indicators if i.source == "manual"})
    return Scheme(
        str(data.get("name", path.stem)),
        str(path),
        share,
        int(min_cases),
        indicators,
        manual_path,
        manual,
        scheme_fingerprint(path),
    )


def scheme_fingerprint(path: str | Path) -> str:
    """sha256 over the scheme file's bytes and those of the manual-inputs file it names.

    Cheap enough to compute on every page view (two small files), which is what lets a running
    dashboard show the new ranking on the next view after an office edits its scheme.
    """
    path = Path(path)
    digest = hashlib.sha256()
    try:
        raw = path.read_bytes()
    except OSError:
        return ""
    digest.update(raw)
    try:
        manual = tomllib.loads(raw.decode("utf-8")).get("manual_inputs")
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        manual = None
    if isinstance(manual, str):
        try:
            digest.update(b"\0" + (path.parent / manual).read_bytes())
        except OSError:
            digest.update(b"\0missing")
    return digest.hexdigest()
