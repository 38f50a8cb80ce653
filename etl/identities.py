"""The spec's identities, declared once: the glued-digit solver (etl.parse.glued) splits digit
runs with them and the checks (etl.validate) judge the printed figures with them.

Each identity carries its rule id (etl.rules), its cells (the total side and the parts) and the
Chinese wording of its finding. A part may be a 表三 outcome group: a printed subtotal row
(三(三)不予公开) stands for its sub-rows when present. Optional parts (尚未审结) count when
printed. A *breakdown* identity (主动公开 = its channels) holds only where the table prints the
parts as the total's complete breakdown; its check is narrower (see `Identity.breakdown`).

This module is what an identity is (Rel, Group, Identity) and how it is judged (broken,
message); the identities themselves are declared in etl/identities_std.py (表三 and 表四, spec
identities 1–4) and etl/identities_legacy.py (the legacy 统计表).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from etl.fields import FIELDS
from etl.normalize import as_number

# ---- linear relations over cell keys (what the solver searches with) ---------------------------


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


# ---- identities ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """A subtotal row that stands for its sub-rows when the report prints it."""

    subtotal: str
    rows: tuple[str, ...]


@dataclass(frozen=True)
class Identity:
    rule: str
    total: tuple[str, ...]  # the left side: one total, or 新收 + 上年结转
    parts: tuple[str | Group, ...]  # the right side
    wording: str  # what the finding says is broken, in Chinese
    optional: tuple[str, ...] = ()  # parts counted when printed
    place: str | None = None  # a more precise place than the rule's
    breakdown: bool = False  # parts may overlap or be partial unless printed as a breakdown
    routes: bool = False  # every item goes out by at least one part, one item may go by several

    def relation(self, present: Iterable[str] | None = None) -> Rel:
        """The solver's relation. `present`: the cells the table has (a group is its subtotal
        when that is among them, else its rows that are); optional parts only when present."""
        have = None if present is None else set(present)
        right: list[str] = []
        for p in self.parts:
            if isinstance(p, Group):
                if have is not None and p.subtotal in have:
                    right.append(p.subtotal)
                else:
                    right += [r for r in p.rows if have is None or r in have]
            else:
                right.append(p)
        right += [o for o in self.optional if have is not None and o in have]
        return balance(self.total, right)

    def printed_cells(self, printed: Mapping[str, float]) -> tuple[list[str], list[str]] | None:
        """(total cells, part cells) as the report prints them; None when a required cell is
        missing (an identity is checked only on complete figures). A breakdown identity needs
        the total and at least two of its parts."""
        if not all(t in printed for t in self.total):
            return None
        right: list[str] = []
        for p in self.parts:
            if isinstance(p, Group):
                if p.subtotal in printed:
                    right.append(p.subtotal)
                elif all(r in printed for r in p.rows):
                    right += p.rows
                else:
                    return None
            elif p in printed:
                right.append(p)
            elif not self.breakdown:
                return None
        if self.breakdown and len(right) < 2:
            return None
        return list(self.total), right + [o for o in self.optional if o in printed]


@dataclass(frozen=True)
class Broken:
    """An identity the printed figures break."""

    identity: Identity
    total_cells: tuple[str, ...]
    part_cells: tuple[str, ...]
    expected: float  # the parts' sum
    actual: float  # the total as printed

    @property
    def cells(self) -> tuple[str, ...]:
        return self.total_cells + self.part_cells


def broken(identity: Identity, printed: Mapping[str, float]) -> Broken | None:
    """The identity judged on the printed figures: None when it holds or cannot be checked.
    A breakdown (channels that may overlap) is broken only when one part exceeds the total, or
    when the parts sum to less than the total and include an 其他 part (the list is complete)."""
    cells = identity.printed_cells(printed)
    if cells is None:
        return None
    left, right = cells
    actual = sum(printed[c] for c in left)
    expected = sum(printed[c] for c in right)
    if abs(expected - actual) <= 1e-6:
        return None
    if identity.breakdown:
        over = any(printed[c] > actual + 1e-6 for c in right)
        complete = any(c.endswith("_other") for c in right)
        if not over and not (complete and expected < actual):
            return None
    if identity.routes:  # the sum above the total is one item on both routes, not an error
        over = any(printed[c] > actual + 1e-6 for c in right if c not in identity.optional)
        if not over and expected > actual:
            return None
    return Broken(identity, tuple(left), tuple(right), expected, actual)


def message(b: Broken, printed: Mapping[str, float]) -> str:
    """The finding's wording with the printed cells: parts, their sum, the total."""
    i = b.identity
    diff = as_number(b.actual - b.expected)
    if i.rule.startswith("legacy."):
        parts = "、".join(f"{FIELDS[c].label} {as_number(printed[c])}" for c in b.part_cells)
        return (
            f"{i.wording}：印为 {as_number(b.actual)}，分项（{parts}）之和为 "
            f"{as_number(b.expected)}（差 {diff:+}）"
        )
    return (
        f"{i.wording}：应为 {as_number(b.expected)}，报告印为 {as_number(b.actual)}（差 {diff:+}）"
    )
