"""Assessment schemes: a TOML file (data/schemes/*.toml) parsed and validated strictly.

A scheme is data, not code: the office edits weights and thresholds and re-scores. Every
problem raises SchemeError naming the file, the line of the offending key and what to change;
a scheme that loads is one the scorer can run without further checks.

The pieces: assess/scheme_model.py (Indicator, Scheme, SchemeError and the allowed values),
assess/scheme_indicators.py (one [[indicators]] table checked), assess/scheme_manual.py (the
manual-inputs CSV); this module reads the file, checks the whole and fingerprints it.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from assess.scheme_indicators import indicator_from_table, number
from assess.scheme_manual import manual_inputs
from assess.scheme_model import (
    MIN_PERFORMANCE_SHARE,
    TOP_KEYS,
    Scheme,
    SchemeContext,
    SchemeError,
)
from etl.gongkai_error import GongkaiError
from etl.toml_file import key_lines as toml_key_lines
from etl.toml_file import parse_toml, read_toml


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


def load_scheme(path: str | Path) -> Scheme:
    """Parse and validate a scheme TOML file; raises SchemeError naming file, line and fix."""
    path = Path(path)
    toml = read_toml(path, lambda line, problem, hint: SchemeError(path, line, problem, hint))
    data = toml.data
    ctx = SchemeContext(toml)
    for key in sorted(set(data) - TOP_KEYS):
        ctx.fail(
            None,
            key,
            f"不认识的设置 `{key}`",
            f"请删去；可写：{', '.join(sorted(TOP_KEYS))}",
        )
    share = number(ctx, None, data, "performance_share", default=MIN_PERFORMANCE_SHARE, high=1)
    if share < MIN_PERFORMANCE_SHARE:
        ctx.fail(
            None,
            "performance_share",
            f"performance_share = {share:g} 低于 {MIN_PERFORMANCE_SHARE:g}：国办发〔2016〕80号 "
            "要求政务公开在绩效考核中的权重不低于 4%",
            f"请把 performance_share 设为 {MIN_PERFORMANCE_SHARE:g} 或更大",
        )
    min_cases = number(ctx, None, data, "min_cases", default=5, low=0)
    raw = data.get("indicators")
    if not isinstance(raw, list) or not raw:
        ctx.fail(
            None,
            "indicators",
            "方案中没有 [[indicators]]",
            "请至少加一个 [[indicators]] 表",
        )
    indicators = tuple(indicator_from_table(ctx, i, d) for i, d in enumerate(raw))
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
        manual = manual_inputs(ctx, file, {i.id for i in indicators if i.source == "manual"})
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
    manual = _manual_inputs(raw, path)
    if isinstance(manual, str):
        try:
            digest.update(b"\0" + (path.parent / manual).read_bytes())
        except OSError:
            digest.update(b"\0missing")
    return digest.hexdigest()


@functools.lru_cache(maxsize=16)
def _manual_inputs(raw: bytes, path: Path):
    """The `manual_inputs` the file's bytes name, parsed once per content: a page view hashes
    the scheme three or four times (5 ms of TOML each at every view on a busy server)."""
    try:
        return parse_toml(raw.decode("utf-8-sig"), path, _no_error).data.get("manual_inputs")
    except (UnicodeDecodeError, GongkaiError):  # load_scheme says what is wrong with the file
        return None


def _no_error(line: int | None, problem: str, hint: str) -> GongkaiError:
    """The fingerprint of a file that cannot be parsed is its bytes alone; no message needed."""
    return GongkaiError(problem)
