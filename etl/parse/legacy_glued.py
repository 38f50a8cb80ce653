"""Glued (本年, 累计) digit runs of a flattened legacy 统计表 (etl.parse.legacy): how many ways a
run splits, and the split of all runs together by the table's identities."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from etl.fields import FIELDS
from etl.report import Finding, Value


def splits_of_two(run: str) -> int:
    """How many ways a glued (本年, 累计) pair can be read as two counts, 本年 ≤ 累计: a run
    with one reading only is no doubt of the reader's."""
    ok = 0
    for i in range(1, len(run)):
        a, b = run[:i], run[i:]
        if all(p == "0" or (p.isdigit() and p[0] != "0") for p in (a, b)) and int(a) <= int(b):
            ok += 1
    return ok


THIS, CUMULATIVE = "#本年", "#累计"


def _column(rel, col: str):
    """The relation over one column's cells (this year's or the cumulative)."""
    from etl.identities import Rel

    return Rel(tuple((cell + col, coef) for cell, coef in rel.terms), rel.op)


@dataclass
class Split:
    this_year: dict[str, float | None] = field(default_factory=dict)  # None: undecided
    cumulative: dict[str, float] = field(default_factory=dict)
    unsure: set[str] = field(default_factory=set)  # split without meeting every identity


def split_runs(read, prose: dict[str, Value], findings: list[Finding]) -> Split:
    """This year's figure of each glued (this year, cumulative) run, decided by the table's own
    identities (etl.identities) in both columns (etl.parse.glued): this year ≤ cumulative, each
    identity, each part ≤ its total; a figure the prose states narrows a run's splits.
    A run read as printed (no valid split) or split without meeting every identity is `unsure`:
    an identity finding on it is the reader's, not the agency's."""
    from etl.identities import at_most
    from etl.identities_legacy import LEGACY_IDENTITIES, legacy_place
    from etl.parse.glued import Run, solve
    from etl.parse.std_glued import outcome_findings

    runs = [
        Run(key, (r.run,), (key + THIS, key + CUMULATIVE)) for key, _, _, r in read if r.two_cells
    ]
    if not runs:
        return Split()
    fixed = {key + THIS: r.value for key, _, _, r in read if not r.two_cells}
    relations = [at_most(r.cells[0], r.cells[1]) for r in runs]
    present = {key for key, _, _, _ in read}
    for identity in LEGACY_IDENTITIES:
        rel = identity.relation(present)
        total = rel.terms[0][0]
        parts = [cell for cell, coef in rel.terms if coef < 0]
        if identity.routes:  # routes may overlap: each is at most the total, no sum
            parts = [p for p in parts if p not in identity.optional]
        for col in (THIS, CUMULATIVE):
            if not identity.routes:
                relations.append(_column(rel, col))
            relations += [at_most(p + col, total + col) for p in parts]
    evidence = {k + THIS: v.value for k, v in prose.items()}
    outcome = solve(runs, relations, fixed, evidence, row_of=lambda cell: cell.split("#")[0])
    rows = outcome.set_aside or list(outcome.undecided) or [r.row for r in runs]
    findings.extend(  # at the 统计表 block of the rows concerned, not 表三's place
        replace(f, place=legacy_place(f.cells[0].split("#")[0] if f.cells else rows[0]))
        for f in outcome_findings(outcome, runs, "统计表", lambda k: FIELDS[k].label)
    )
    out = Split()
    doubtful = outcome.relaxed or bool(outcome.set_aside) or bool(outcome.capped)
    for run in runs:
        if run.row in outcome.unsplittable:
            out.unsure.add(run.row)
            continue  # one figure only (the cumulative cell left blank): read as printed
        piece = outcome.pieces.get(run.cells[0])
        out.this_year[run.row] = float(piece) if piece is not None else None
        total = outcome.pieces.get(run.cells[1])
        if piece is not None and total is not None:
            out.cumulative[run.row] = float(total)
        if doubtful:
            out.unsure.add(run.row)
    return out
