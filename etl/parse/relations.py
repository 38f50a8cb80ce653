"""Linear relations over cell keys (a table's identities) and the checks the glued-run
searches (etl.parse.glued) make with them."""

from __future__ import annotations

from dataclasses import dataclass

from etl.normalize import parse_cell


@dataclass(frozen=True)
class Rel:
    """sum(coef * cell) == 0 (op "==") or <= 0 (op "<="), all cells non-negative."""

    terms: tuple[tuple[str, int], ...]
    op: str = "=="


def total_is_sum(total: str, parts) -> Rel:
    return Rel(((total, 1),) + tuple((p, -1) for p in parts))


def at_most(small: str, big: str) -> Rel:
    return Rel(((small, 1), (big, -1)), "<=")


def balance(plus, minus) -> Rel:
    return Rel(tuple((c, 1) for c in plus) + tuple((c, -1) for c in minus))


class SearchBudget(Exception):
    pass


def piece_value(piece: str) -> float:
    if piece.isdigit():
        return float(piece)
    cell = parse_cell(piece)
    return cell.value if cell.numeric else 0.0


def check(rel: Rel, known: dict[str, float], final: bool) -> bool:
    """False when the relation is already broken. Not final: cells may still be missing; with
    non-negative cells the known side may not exceed the other once that side is complete."""
    pos = neg = 0.0
    pos_done = neg_done = True
    for cell, coef in rel.terms:
        v = known.get(cell)
        if v is None:
            if coef > 0:
                pos_done = False
            else:
                neg_done = False
            continue
        if coef > 0:
            pos += coef * v
        else:
            neg -= coef * v
    if pos_done and neg_done:
        return pos <= neg + 1e-9 if rel.op == "<=" else abs(pos - neg) <= 1e-9
    if final:
        return True
    if neg_done and pos > neg + 1e-9:
        return False
    if pos_done and rel.op == "==" and neg > pos + 1e-9:
        return False
    return True


def forced_value(rel: Rel, cell: str, known: dict[str, float]) -> float | None:
    """The value an equality forces on `cell` when every other cell of it is known."""
    if rel.op != "==":
        return None
    coef, rest = 0, 0.0
    for c, k in rel.terms:
        if c == cell:
            coef += k
        elif c in known:
            rest += k * known[c]
        else:
            return None
    if coef == 0:
        return None
    return -rest / coef
