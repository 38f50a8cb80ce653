"""One [[indicators]] table of a scheme checked and turned into an Indicator.

Every check fails through SchemeContext.fail with the line of the key and the fix, so an
Indicator that comes out is one the scorer can use as it is.
"""

from __future__ import annotations

import math
import re

from assess.metrics import HIGHER, LOWER, METRICS, NEUTRAL
from assess.scheme_model import (
    COMMON_KEYS,
    KIND_KEYS,
    KINDS,
    OPS,
    POLICIES,
    SMALL_SAMPLE,
    WEIGHTED_KINDS,
    Indicator,
    SchemeContext,
)


def number(ctx, idx, d, key, *, default=None, required=False, low=None, high=None):
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


def choice(ctx, idx, d, key, options, *, default=None):
    v = d.get(key, default)
    if v not in options:
        ctx.fail(
            idx,
            key,
            f"`{key}` = {v!r} 不是 {', '.join(map(str, options))} 之一",
            f"请把 `{key}` 改为其中之一：{', '.join(map(str, options))}",
        )
    return v


def indicator_from_table(ctx: SchemeContext, idx: int, d: dict) -> Indicator:
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


def _identity(ctx: SchemeContext, idx: int, d: dict) -> dict:
    """id, name, kind, source, metric and direction: what every kind of indicator has."""
    ident = d.get("id")
    if not isinstance(ident, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", ident):
        ctx.fail(
            idx,
            "id",
            f"指标 id {ident!r} 缺失，或不是小写字母、数字和下划线的写法",
            '请给每个 [[indicators]] 写上 `id = "like_this"`',
        )
    kind = choice(ctx, idx, d, "kind", KINDS)
    unknown = set(d) - COMMON_KEYS - KIND_KEYS[kind]
    if unknown:
        key = sorted(unknown)[0]
        ctx.fail(
            idx,
            key,
            f"`{key}` 不是 {kind} 类指标（“{ident}”）的设置",
            f"请删去；{kind} 类指标可写：{', '.join(sorted(COMMON_KEYS | KIND_KEYS[kind]))}",
        )
    source = choice(ctx, idx, d, "source", ("metric", "manual"), default="metric")
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
    direction = choice(
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


def _weighting(ctx: SchemeContext, idx: int, d: dict, f: dict) -> None:
    """weight, missing and small_sample of an indicator that carries points."""
    ident = f["id"]
    f["weight"] = number(ctx, idx, d, "weight", required=True, low=0, high=100)
    if f["weight"] <= 0:
        ctx.fail(idx, "weight", f"指标“{ident}”的权重为 0", "请给正数权重，或删去该指标")
    if "missing" not in d:
        ctx.fail(
            idx,
            "[[indicators]]",
            f"指标“{ident}”没有写缺数据时的处理办法（missing）",
            '请加上 `missing = "reweight"`、"peer_median" 或 "zero"',
        )
    f["missing"] = choice(ctx, idx, d, "missing", POLICIES)
    f["small_sample"] = choice(ctx, idx, d, "small_sample", SMALL_SAMPLE, default="score")


def _linear(ctx: SchemeContext, idx: int, d: dict, f: dict) -> None:
    """full and zero of a linear indicator: different, the good end where direction says."""
    ident, direction = f["id"], f["direction"]
    full = number(ctx, idx, d, "full", required=True)
    zero = number(ctx, idx, d, "zero", required=True)
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


def _per_item(ctx: SchemeContext, idx: int, d: dict, f: dict) -> None:
    """points, above, per and cap of a deduction or a bonus."""
    f["points"] = number(ctx, idx, d, "points", required=True, low=0)
    f["above"] = number(ctx, idx, d, "above", default=0.0)
    f["per"] = number(ctx, idx, d, "per", default=1.0)
    if f["per"] <= 0:
        ctx.fail(
            idx,
            "per",
            f"指标“{f['id']}”的 `per` 必须是正数",
            "请写 `per = 1`（每件计一次）",
        )
    if f["kind"] == "deduction":
        f["cap"] = number(ctx, idx, d, "cap", default=f["weight"], low=0, high=f["weight"])
    else:
        f["cap"] = number(ctx, idx, d, "cap", required=True, low=0, high=100)


def _veto(ctx: SchemeContext, idx: int, d: dict, f: dict) -> None:
    """cap and condition of a veto: no report, or a metric against a threshold."""
    f["cap"] = number(ctx, idx, d, "cap", required=True, low=0, high=100)
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
        f["op"] = choice(ctx, idx, d, "op", OPS)
        f["threshold"] = number(ctx, idx, d, "threshold", required=True)
