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
from dataclasses import dataclass
from pathlib import Path

from assess.metrics import HIGHER, LOWER, METRICS, NEUTRAL
from etl.gongkai_error import GongkaiError
from etl.toml_file import TomlFile, parse_toml, read_toml
from etl.toml_file import key_lines as toml_key_lines

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
    """(indicator index or None for top level, key) -> line number of that key in the TOML
    (a view of etl.toml_file.key_lines, the one line finder of every settings file)."""
    lines: dict[tuple[int | None, str], int] = {}
    for path, n in toml_key_lines(text).items():
        if len(path) == 1 and isinstance(path[0], str):
            lines[(None, path[0])] = n
        elif path[0] == "indicators" and len(path) == 2:
            lines[(path[1], "[[indicators]]")] = n
        elif path[0] == "indicators" and len(path) == 3:
            lines[(path[1], path[2])] = n
    return lines


class _Ctx:
    def __init__(self, toml: TomlFile) -> None:
        self.path, self.toml = toml.path, toml

    def line(self, idx: int | None, key: str) -> int | None:
        if key == "[[indicators]]":
            return self.toml.line("indicators", idx)
        return self.toml.line(key) if idx is None else self.toml.line("indicators", idx, key)

    def fail(self, idx: int | None, key: str, problem: str, hint: str):
        raise SchemeError(self.path, self.line(idx, key), problem, hint)


def _num(ctx, idx, d, key, *, default=None, required=False, low=None, high=None):
    if key not in d:
        if required:
            ctx.fail(
                idx,
                "[[indicators]]" if idx is not None else key,
                f"指标“{d.get('id', '?')}”缺少 `{key}`",
                f"请加上 `{key} = 数字`",
            )
        return default
    v = d[key]
    if isinstance(v, bool) or not isinstance(v, int | float):
        ctx.fail(idx, key, f"`{key}` 应是数字，现在是 {v!r}", f"请写成 `{key} = 1` 这样的数字")
    if not math.isfinite(v):  # TOML allows nan and inf; neither is a weight, threshold or score
        ctx.fail(
            idx,
            key,
            f"`{key}` = {v} 不是有限的数",
            f"请写普通的数字，例如 `{key} = 1`",
        )
    if (low is not None and v < low) or (high is not None and v > high):
        ctx.fail(
            idx,
            key,
            f"`{key}` = {v} 超出 {low} … {high}",
            f"请取 {low} … {high} 之间的值",
        )
    return float(v)


def _choice(ctx, idx, d, key, options, *, default=None):
    v = d.get(key, default)
    if v not in options:
        ctx.fail(
            idx,
            key,
            f"`{key}` = {v!r} 不是 {', '.join(map(str, options))} 之一",
            f"请把 `{key}` 改为其中之一：{', '.join(map(str, options))}",
        )
    return v


def _indicator(ctx: _Ctx, idx: int, d: dict) -> Indicator:
    """One [[indicators]] table as an Indicator: its identity, then the settings of its kind.
    Each check fails with its own message (ctx.fail names the line and the fix)."""
    f = _identity(ctx, idx, d)
    kind, ident, direction = f["kind"], f["id"], f["direction"]
    if kind in WEIGHTED_KINDS:
        _weighting(ctx, idx, d, f)
    if kind == "linear":
        _linear(ctx, idx, d, f)
    if kind == "rank" and direction == NEUTRAL:
        ctx.fail(
            idx,
            "kind",
            f"指标“{ident}”按排名计分，但其数值没有好坏方向",
            '请加上 `direction = "higher"` 或 "lower"，或改用其他计分方式（kind）',
        )
    if kind in ("deduction", "bonus"):
        _per_item(ctx, idx, d, f)
    if kind == "veto":
        _veto(ctx, idx, d, f)
    return Indicator(**f)


def _identity(ctx: _Ctx, idx: int, d: dict) -> dict:
    """id, name, kind, source, metric and direction: what every kind of indicator has."""
    ident = d.get("id")
    if not isinstance(ident, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", ident):
        ctx.fail(
            idx,
            "id",
            f"指标 id {ident!r} 缺失，或不是小写字母、数字和下划线的写法",
            '请给每个 [[indicators]] 写上 `id = "like_this"`',
        )
    kind = _choice(ctx, idx, d, "kind", KINDS)
    unknown = set(d) - _COMMON - _KIND_KEYS[kind]
    if unknown:
        key = sorted(unknown)[0]
        ctx.fail(
            idx,
            key,
            f"`{key}` 不是 {kind} 类指标（“{ident}”）的设置",
            f"请删去；{kind} 类指标可写：{', '.join(sorted(_COMMON | _KIND_KEYS[kind]))}",
        )
    source = _choice(ctx, idx, d, "source", ("metric", "manual"), default="metric")
    metric, direction = None, d.get("direction")
    if source == "metric" and not (kind == "veto" and d.get("when") == "no_report"):
        metric = d.get("metric")
        if metric not in METRICS:
            ctx.fail(
                idx,
                "metric" if "metric" in d else "[[indicators]]",
                f"指标“{ident}”的 metric {metric!r} 不存在",
                f'可选：{", ".join(METRICS)}（或写 source = "manual"）',
            )
        direction = direction or METRICS[metric].direction
    direction = _choice(
        ctx, idx, {"direction": direction or NEUTRAL}, "direction", (HIGHER, LOWER, NEUTRAL)
    )
    return dict(
        id=ident,
        name=str(d.get("name", ident)),
        kind=kind,
        source=source,
        metric=metric,
        direction=direction,
        section=str(d.get("section", "")),
        line=ctx.line(idx, "[[indicators]]") or 0,
    )


def _weighting(ctx: _Ctx, idx: int, d: dict, f: dict) -> None:
    """weight, missing and small_sample of an indicator that carries points."""
    ident = f["id"]
    f["weight"] = _num(ctx, idx, d, "weight", required=True, low=0, high=100)
    if f["weight"] <= 0:
        ctx.fail(idx, "weight", f"指标“{ident}”的权重为 0", "请给正数权重，或删去该指标")
    if "missing" not in d:
        ctx.fail(
            idx,
            "[[indicators]]",
            f"指标“{ident}”没有写缺数据时的处理办法（missing）",
            '请加上 `missing = "reweight"`、"peer_median" 或 "zero"',
        )
    f["missing"] = _choice(ctx, idx, d, "missing", POLICIES)
    f["small_sample"] = _choice(ctx, idx, d, "small_sample", SMALL_SAMPLE, default="score")


def _linear(ctx: _Ctx, idx: int, d: dict, f: dict) -> None:
    """full and zero of a linear indicator: different, the good end where direction says."""
    ident, direction = f["id"], f["direction"]
    full = _num(ctx, idx, d, "full", required=True)
    zero = _num(ctx, idx, d, "zero", required=True)
    if full == zero:
        ctx.fail(idx, "zero", f"指标“{ident}”的 `full` 和 `zero` 都是 {full}", "请让两者不同")
    if direction != NEUTRAL and (full > zero) != (direction == HIGHER):
        ctx.fail(
            idx,
            "full",
            f"指标“{ident}”数值越{'高' if direction == HIGHER else '低'}越好，"
            f"但 full = {full:g}，zero = {zero:g}",
            "请对调 `full` 和 `zero`（full 是好的一端）",
        )
    f.update(full=full, zero=zero)


def _per_item(ctx: _Ctx, idx: int, d: dict, f: dict) -> None:
    """points, above, per and cap of a deduction or a bonus."""
    f["points"] = _num(ctx, idx, d, "points", required=True, low=0)
    f["above"] = _num(ctx, idx, d, "above", default=0.0)
    f["per"] = _num(ctx, idx, d, "per", default=1.0)
    if f["per"] <= 0:
        ctx.fail(
            idx,
            "per",
            f"指标“{f['id']}”的 `per` 必须是正数",
            "请写 `per = 1`（每件计一次）",
        )
    if f["kind"] == "deduction":
        f["cap"] = _num(ctx, idx, d, "cap", default=f["weight"], low=0, high=f["weight"])
    else:
        f["cap"] = _num(ctx, idx, d, "cap", required=True, low=0, high=100)


def _veto(ctx: _Ctx, idx: int, d: dict, f: dict) -> None:
    """cap and condition of a veto: no report, or a metric against a threshold."""
    f["cap"] = _num(ctx, idx, d, "cap", required=True, low=0, high=100)
    if d.get("when") == "no_report":
        f["when"] = "no_report"
    elif "when" in d:
        ctx.fail(
            idx,
            "when",
            f"`when` = {d['when']!r} 不认识",
            '请写 `when = "no_report"`，或改写 `op` 和 `threshold`',
        )
    else:
        f["op"] = _choice(ctx, idx, d, "op", OPS)
        f["threshold"] = _num(ctx, idx, d, "threshold", required=True)


def _manual(ctx: _Ctx, file: Path, manual_ids: set[str]) -> tuple:
    if not file.is_file():
        ctx.fail(
            None,
            "manual_inputs",
            f"人工录入文件 {file} 不存在",
            "请创建该文件（列为 agency_id,year,indicator,value），或改正路径（相对于方案文件）",
        )
    rows, seen = [], set()
    with file.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader, [])]
        if header != MANUAL_HEADER:
            raise SchemeError(
                file, 1, f"表头是 {','.join(header)!r}", f"请改为 {','.join(MANUAL_HEADER)}"
            )
        for n, row in enumerate(reader, 2):
            if not any(c.strip() for c in row):
                continue
            if len(row) != 4:
                raise SchemeError(
                    file, n, f"这一行有 {len(row)} 列", "请写四列：agency_id,year,indicator,value"
                )
            agency, year, ind, value = (c.strip() for c in row)
            if ind not in manual_ids:
                raise SchemeError(
                    file,
                    n,
                    f"指标 {ind!r} 不是 {ctx.path.name} 的人工录入指标",
                    f"可用：{', '.join(sorted(manual_ids)) or '（方案中没有人工录入指标）'}",
                )
            try:
                rec = (agency, int(year), ind, float(value))
            except ValueError:
                raise SchemeError(
                    file,
                    n,
                    f"年份 {year!r} 或数值 {value!r} 不是数字",
                    "请写数字，例如 2024,3",
                ) from None
            if rec[:3] in seen:
                raise SchemeError(file, n, f"{agency} {year} {ind} 录入了两次", "请只保留一行")
            seen.add(rec[:3])
            rows.append(rec)
    return tuple(rows)


def load_scheme(path: str | Path) -> Scheme:
    """Parse and validate a scheme TOML file; raises SchemeError naming file, line and fix."""
    path = Path(path)
    toml = read_toml(path, lambda line, problem, hint: SchemeError(path, line, problem, hint))
    data = toml.data
    ctx = _Ctx(toml)
    for key in sorted(set(data) - _TOP_KEYS):
        ctx.fail(
            None,
            key,
            f"不认识的设置 `{key}`",
            f"请删去；可写：{', '.join(sorted(_TOP_KEYS))}",
        )
    share = _num(ctx, None, data, "performance_share", default=MIN_PERFORMANCE_SHARE, high=1)
    if share < MIN_PERFORMANCE_SHARE:
        ctx.fail(
            None,
            "performance_share",
            f"performance_share = {share:g} 低于 {MIN_PERFORMANCE_SHARE:g}：国办发〔2016〕80号 "
            "要求政务公开在绩效考核中的权重不低于 4%",
            f"请把 performance_share 设为 {MIN_PERFORMANCE_SHARE:g} 或更大",
        )
    min_cases = _num(ctx, None, data, "min_cases", default=5, low=0)
    raw = data.get("indicators")
    if not isinstance(raw, list) or not raw:
        ctx.fail(
            None,
            "indicators",
            "方案中没有 [[indicators]]",
            "请至少加一个 [[indicators]] 表",
        )
    indicators = tuple(_indicator(ctx, i, d) for i, d in enumerate(raw))
    seen: dict[str, int] = {}
    for i, ind in enumerate(indicators):
        if ind.id in seen:
            ctx.fail(i, "id", f"指标 id“{ind.id}”用了两次", "请给每个指标不同的 id")
        seen[ind.id] = i
    weighted = [(i, ind) for i, ind in enumerate(indicators) if ind.weighted]
    total = sum(ind.weight for _, ind in weighted)
    if abs(total - 100) > 1e-9:
        last_i, last = weighted[-1] if weighted else (0, indicators[0])
        listing = ", ".join(f"{ind.id} {ind.weight:g}" for _, ind in weighted)
        ctx.fail(
            last_i,
            "weight",
            f"各指标权重之和是 {total:g}，不是 100（{listing}）",
            f"请把权重共调整 {100 - total:+g}，例如把“{last.id}”的权重改为 "
            f"{last.weight + 100 - total:g}",
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


def as_scheme(scheme: Scheme | str | Path) -> Scheme:
    """`scheme` itself when already loaded, else the scheme file at that path (load_scheme)."""
    return scheme if isinstance(scheme, Scheme) else load_scheme(scheme)


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
        manual = parse_toml(raw.decode("utf-8-sig"), path, _no_error).data.get("manual_inputs")
    except (UnicodeDecodeError, GongkaiError):  # load_scheme says what is wrong with the file
        manual = None
    if isinstance(manual, str):
        try:
            digest.update(b"\0" + (path.parent / manual).read_bytes())
        except OSError:
            digest.update(b"\0missing")
    return digest.hexdigest()


def _no_error(line: int | None, problem: str, hint: str) -> GongkaiError:
    """The fingerprint of a file that cannot be parsed is its bytes alone; no message needed."""
    return GongkaiError(problem)
