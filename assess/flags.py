"""Warning flags (红 / 黄) from rules declared in the scheme file's [[flags]] tables.

Red is what a leader must act on (a missing report, a report months late, repeated corrections
on review or lawsuit); amber is what an analyst should look at. The office sets the rules in the
same TOML file as the weights, so the help text on screen is generated from the rules that are in
force, never written by hand. A scheme without [[flags]] uses DEFAULT_RULES.

Each rule: `level` ("red" or "amber"), `measure` (one of MEASURES), `op` and `threshold`, and an
optional Chinese `label`; a unit gets the highest level of the rules it meets.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from etl.gongkai_error import GongkaiError
from etl.toml_file import read_toml

LEVELS = ("red", "amber")
LEVEL_NAMES = {"red": "红色", "amber": "黄色"}
OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq}
OP_WORDS = {">": "超过", ">=": "达到", "<": "低于", "<=": "不高于", "==": "等于"}


@dataclass(frozen=True)
class Measure:
    name: str  # Chinese, as the help text says it
    unit: str
    expr: pl.Expr  # over the ranking frame (queries.ranking's columns); null = not applicable
    cases: str | None = None  # a rate's denominator column: below the scheme's min_cases, no flag


MEASURES: dict[str, Measure] = {
    "missing": Measure("未发布年报", "", pl.col("missing").fill_null(False).cast(pl.Int8)),
    "days_late": Measure("逾期发布天数", "天", pl.col("days_late")),
    "corrected": Measure(
        "复议诉讼被纠错件数",
        "件",
        pl.col("review_corrected").fill_null(0) + pl.col("suit_corrected").fill_null(0),
    ),
    # the 数据一致性 indicator's count (assess.metric_sql.finding_counts_sql), 误报 left out
    "errors": Measure("数据一致性问题条数", "条", pl.col("errors")),
    "warnings": Measure("数据警告条数", "条", pl.col("warnings")),
    "copied": Measure("年报雷同", "", pl.col("copied").fill_null(False).cast(pl.Int8)),
    "completion_rate": Measure(
        "办结率", "%", pl.col("completion_rate"), cases="completion_rate_cases"
    ),
}


class FlagRuleError(GongkaiError):
    """A [[flags]] table that cannot be used: `file:line: problem. hint`."""


@dataclass(frozen=True)
class FlagRule:
    level: str
    measure: str
    op: str
    threshold: float
    label: str = ""

    @property
    def text(self) -> str:
        """The reason shown beside a flagged unit, e.g. 逾期发布天数超过 30 天."""
        if self.label:
            return self.label
        m = MEASURES[self.measure]
        if not m.unit:  # a yes/no measure
            return m.name
        return f"{m.name}{OP_WORDS[self.op]} {self.threshold:g}{' ' if m.unit != '%' else ''}{m.unit}".rstrip()

    def expr(self, min_cases: float | None = None, columns=()) -> pl.Expr:
        """Met or not; a rate over fewer than `min_cases` cases (the scheme's small-sample rule,
        as the score applies it) meets no rule."""
        m = MEASURES[self.measure]
        met = OPS[self.op](m.expr, self.threshold)
        if min_cases and m.cases and m.cases in columns:
            met = met & (pl.col(m.cases) >= min_cases)
        return met.fill_null(False)


DEFAULT_RULES: tuple[FlagRule, ...] = (
    FlagRule("red", "missing", "==", 1, "未发布年报"),
    FlagRule("red", "days_late", ">", 30),
    FlagRule("red", "corrected", ">=", 3),
    FlagRule("amber", "days_late", ">", 0, "逾期发布"),
    FlagRule("amber", "corrected", ">=", 1, "复议诉讼被纠错"),
    FlagRule("amber", "errors", ">=", 1, "数据存在错误"),
    FlagRule("amber", "copied", "==", 1, "年报雷同"),
    FlagRule("amber", "completion_rate", "<", 85),
)


def rules_from_toml(path: str | Path) -> tuple[FlagRule, ...]:
    """The [[flags]] rules of a scheme file (DEFAULT_RULES when it declares none)."""
    path = Path(path)
    toml = read_toml(
        path,
        lambda line, problem, hint: FlagRuleError(f"{path.name}:{line or 1}: {problem}。{hint}"),
    )
    raw = toml.data.get("flags")
    if raw is None:
        return DEFAULT_RULES
    if not isinstance(raw, list) or not raw or not all(isinstance(d, dict) for d in raw):
        raise FlagRuleError(
            f"{path.name}:{toml.line('flags') or 1}: `flags` 应写成一个或多个 [[flags]] 表。"
            "请对照 data/schemes/default.toml 改写"
        )
    rules = []
    for i, d in enumerate(raw):
        where = f"{path.name}:{toml.line('flags', i) or 1}"  # the rule's [[flags]] line
        unknown = set(d) - {"level", "measure", "op", "threshold", "label"}
        if unknown:
            raise FlagRuleError(
                f"{where}: 预警规则中没有 `{sorted(unknown)[0]}` 这一项。"
                "只能写 level、measure、op、threshold、label"
            )
        if d.get("level") not in LEVELS:
            raise FlagRuleError(
                f'{where}: level = {d.get("level")!r} 不对。请写 "red"（红色）或 "amber"（黄色）'
            )
        if d.get("measure") not in MEASURES:
            raise FlagRuleError(
                f"{where}: measure = {d.get('measure')!r} 不对。可选：{'、'.join(MEASURES)}"
            )
        if d.get("op", ">=") not in OPS:
            raise FlagRuleError(f"{where}: op = {d.get('op')!r} 不对。可选：{' '.join(OPS)}")
        t = d.get("threshold")
        if isinstance(t, bool) or not isinstance(t, int | float):
            raise FlagRuleError(f"{where}: threshold 必须是数字，例如 threshold = 30")
        label = str(d.get("label", ""))
        if re.search(r"[A-Za-z]{3,}", label):
            raise FlagRuleError(f"{where}: label 会显示给用户，请用中文")
        rules.append(FlagRule(d["level"], d["measure"], d.get("op", ">="), float(t), label))
    return tuple(rules)


def rules_by_measure(rules) -> dict[str, list[FlagRule]]:
    """The rules of each measure, the measures in the order `flags` lists their reasons (those
    with a red rule first) and each measure's rules worst first; also queries.ranking.flag_notes'
    order, so its notes and the reasons line up."""
    out: dict[str, list[FlagRule]] = {}
    for r in sorted(rules, key=lambda r: LEVELS.index(r.level)):
        out.setdefault(r.measure, []).append(r)
    return out


def apply_flags(
    df: pl.DataFrame, rules: tuple[FlagRule, ...] = DEFAULT_RULES, *, min_cases: float | None = None
) -> pl.DataFrame:
    """`flag` ("red" / "amber" / "") and `flags` (the reasons met, red first, joined with 、).

    `min_cases`: the scheme's small-sample rule; a rate over fewer cases raises no flag."""

    def met(r: FlagRule) -> pl.Expr:
        return r.expr(min_cases, df.columns)

    red = pl.any_horizontal([met(r) for r in rules if r.level == "red"] or [pl.lit(False)])
    amber = pl.any_horizontal([met(r) for r in rules if r.level == "amber"] or [pl.lit(False)])
    texts = []
    for group in rules_by_measure(rules).values():  # one reason per measure: the worst met
        chain = None
        for r in group:
            chain = (pl.when(met(r)) if chain is None else chain.when(met(r))).then(pl.lit(r.text))
        texts.append(chain.otherwise(pl.lit(None, pl.String)))
    reasons = pl.concat_list(texts).list.drop_nulls().list.join("、") if texts else pl.lit("")
    return df.with_columns(
        pl.when(red)
        .then(pl.lit("red"))
        .when(amber)
        .then(pl.lit("amber"))
        .otherwise(pl.lit(""))
        .alias("flag"),
        reasons.fill_null("").alias("flags"),
    )


def describe(rules: tuple[FlagRule, ...]) -> str:
    """The help text: which rules make a unit red and which amber."""
    parts = []
    for level in LEVELS:
        mine = [r.text for r in rules if r.level == level]
        if mine:
            parts.append(
                f"{LEVEL_NAMES[level]}（{'须督促整改' if level == 'red' else '需关注'}）："
                + "；".join(mine)
            )
    return "。".join(parts) + "。规则写在考核方案文件的“预警规则”一节，办公室可自行修改。"
