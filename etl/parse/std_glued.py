"""The national templates' tables read from glued digit runs: which rows are glued, the
identities that decide their splits (spec identities 1–4, declared in etl.identities_std), and
the findings when they do not.

The splitting itself is etl.parse.glued, shared with the legacy 统计表.
"""

from __future__ import annotations

import dataclasses

from etl.fields import T3_COLUMNS, T4_GROUPS, T4_OUTCOMES, t4_key
from etl.identities_std import t3_relations, t4_relations
from etl.parse.glued import Outcome, Run
from etl.report import Finding

__all__ = ["t3_relations", "t4_relations"]  # the identities (etl.identities_std) the splits use

T3_WIDTH = len(T3_COLUMNS)
T4_WIDTH = len(T4_GROUPS) * len(T4_OUTCOMES)


def is_glued(tokens, width: int) -> bool:
    """Fewer printed numbers than cells, all plain digit strings with digits enough for every
    cell: cells glued together. (One number of 7+ digits in a 表三 row is never a count.)"""
    raws = [t.raw.strip() for t in tokens]
    if (
        not raws
        or len(raws) >= width - (1 if width == T3_WIDTH else 0)
        or not all(r.isdigit() for r in raws)
    ):
        return False
    digits = sum(len(r) for r in raws)
    if len(raws) == 1 and width == T3_WIDTH:
        return digits >= T3_WIDTH
    return digits >= width


def run_of(row: str, tokens, cells) -> Run:
    return Run(row, tuple(t.raw.strip() for t in tokens), tuple(cells))


def t4_cells() -> list[str]:
    return [t4_key(g, o) for g, _ in T4_GROUPS for o, _ in T4_OUTCOMES]


def mark_unsure(report, outcome: Outcome, runs: list[Run]) -> None:
    """Cells split without meeting every identity: an identity finding on them is the
    reader's (etl.validate.identity_findings reads meta["reader_unsure"])."""
    if outcome.relaxed or outcome.set_aside or outcome.capped:
        cells = {c for r in runs for c in r.cells}
        report.meta["reader_unsure"] = sorted(set(report.meta.get("reader_unsure", ())) | cells)


def outcome_findings(outcome: Outcome, runs: list[Run], table: str, label_of) -> list[Finding]:
    """What the reader could not decide, named by table and row, with the printed run."""
    out: list[Finding] = []
    by_row = {r.row: r for r in runs}
    for row, cells in outcome.undecided.items():
        run = by_row[row]
        shown = " 或 ".join("|".join(s) for s in outcome.candidates[row][:3])
        more = f" 等 {len(outcome.candidates[row])} 种" if len(outcome.candidates[row]) > 3 else ""
        out.append(
            Finding(
                "glued.ambiguous",
                cells,
                None,
                None,
                f"{table}「{label_of(row)}」的数字“{' '.join(run.tokens)}”连在一起，"
                f"满足表中勾稽关系的拆法不止一种（{shown}{more}），无法确定的 {len(cells)} 个数未入库",
                "warning",
            )
        )
    for row in outcome.unsplittable:
        run = by_row[row]
        out.append(
            Finding(
                "glued.unsplit",
                run.cells,
                None,
                None,
                f"{table}「{label_of(row)}」的数字“{' '.join(run.tokens)}”连在一起，"
                f"无法拆成 {len(run.cells)} 个符合合计的数，该行未入库",
                "warning",
            )
        )
    for row in outcome.capped:
        what = (
            "整张表的拆分组合"
            if row == "*"
            else f"「{label_of(row)}」的数字“{' '.join(by_row[row].tokens)}”"
        )
        out.append(
            Finding(
                "glued.capped",
                (),
                None,
                None,
                f"{table}{what}可能的拆法过多，超出计算上限；只采用能单独确定的数",
                "warning",
            )
        )
    if outcome.set_aside:
        rows = "」「".join(label_of(r) for r in outcome.set_aside)
        out.append(
            Finding(
                "glued.set_aside",
                (),
                None,
                None,
                f"{table}的数字连在一起，且没有一种拆法能满足全部勾稽关系（问题可能在「{rows}」）；"
                f"只采用违反勾稽关系最少的各种拆法都一致的数，请核对原文",
                "warning",
            )
        )
    if outcome.relaxed and "*" not in outcome.capped:
        out.append(
            Finding(
                "glued.relaxed",
                (),
                None,
                None,
                f"{table}的数字连在一起，且没有一种拆法能同时满足表中全部勾稽关系；"
                f"各行只按本行合计拆分，请核对原文",
                "warning",
            )
        )
    place = TABLE_PLACES.get(table)  # the reader's difficulty sits in the table it read
    return [dataclasses.replace(f, place=place) for f in out] if place else out


TABLE_PLACES = {"表二": "T2", "表三": "T3", "表四": "T4"}
