"""The checks the glued-run searches (etl.parse.glued) make with the tables' identities, as
linear relations over cell keys (declared once in etl.identities)."""

from __future__ import annotations

from etl.identities import Rel, at_most, balance, total_is_sum
from etl.normalize import parse_cell

__all__ = ["Rel", "at_most", "balance", "total_is_sum", "SearchBudget", "check", "forced_value"]


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
