"""The search over all glued runs of a table together (etl.parse.glued): which combinations
of the runs' splits meet every relation, and, when none does, which meet all but those of
one row set aside."""

from __future__ import annotations

from etl.parse.relations import Rel, SearchBudget, check, piece_value


def setting_rows_aside(runs, cands, live, relations, fixed, budget, row_of, result):
    """Set one row aside at a time (drop the cross-row relations involving it). Among the
    combinations found, keep those that break the fewest of the dropped relations (one
    misprinted cell breaks few; a wrong split breaks many); their union decides."""
    run_cells = [set(r.cells) for r in runs]
    cross = [
        rel
        for rel in relations
        if not any(all(c in cells for c, _ in rel.terms) for cells in run_cells)
    ]
    rows = sorted({row_of(c) for rel in cross for c, _ in rel.terms})
    best: int | None = None
    union: dict[int, set] | None = None
    for row in rows:
        dropped = [rel for rel in cross if any(row_of(c) == row for c, _ in rel.terms)]
        ids = {id(rel) for rel in dropped}
        kept = [rel for rel in relations if id(rel) not in ids]
        found = joint(
            runs,
            cands,
            live,
            kept,
            fixed,
            budget,
            lambda known, dropped=dropped: sum(not check(r, known, True) for r in dropped),
        )
        if budget[0] <= 0:
            return None
        if found is None:
            continue
        broken, seen = found
        if best is None or broken < best:
            best, union, result.set_aside = broken, seen, [row]
        elif broken == best:
            union = {i: union[i] | seen[i] for i in live}
            result.set_aside.append(row)
    return union


def joint(runs, cands, live, relations, fixed, budget: list[int], penalty=None):  # noqa: C901 (a bounded search; its pruning rules read best together)
    """Every combination of the live runs' splits meeting all relations, as the set of splits
    seen per run; None when there is none or the search ran out of the shared budget (left
    at 0). With `penalty`, only the combinations of least penalty, returned as (penalty, seen)."""
    order = sorted(live, key=lambda i: len(cands[i]))
    cell_run = {c: i for i in live for c in runs[i].cells}
    touching: dict[int, list[Rel]] = {i: [] for i in live}
    for rel in relations:
        for i in {cell_run[c] for c, _ in rel.terms if c in cell_run}:
            touching[i].append(rel)
    known = dict(fixed)
    chosen: dict[int, tuple[str, ...]] = {}
    seen: dict[int, set] = {i: set() for i in live}
    values = {i: [tuple(piece_value(p) for p in split) for split in cands[i]] for i in live}
    found = False
    least = [None]

    def step(k: int) -> None:
        nonlocal found
        if k == len(order):
            found = True
            if penalty is not None:
                p = penalty(known)
                if least[0] is not None and p > least[0]:
                    return
                if least[0] is None or p < least[0]:
                    least[0] = p
                    for i in seen:
                        seen[i].clear()
            for i, s in chosen.items():
                seen[i].add(s)
            return
        i = order[k]
        cells = runs[i].cells
        for split, vals in zip(cands[i], values[i]):
            budget[0] -= 1
            if budget[0] <= 0:
                raise SearchBudget
            known.update(zip(cells, vals))
            if all(check(r, known, False) for r in touching[i]):
                chosen[i] = split
                step(k + 1)
                del chosen[i]
        for cell in cells:
            known.pop(cell, None)

    try:
        step(0)
    except SearchBudget:
        budget[0] = 0
        return None
    if not found:
        return None
    return (least[0], seen) if penalty is not None else seen
