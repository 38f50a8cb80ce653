"""The identities are declared once (etl.identities): the glued-digit solver and the checks use
the same relation objects, on real reports and mutations of them."""

from __future__ import annotations

from etl.fields import T3_COLUMNS
from etl.identities import Group, broken
from etl.identities_legacy import LEGACY_IDENTITIES
from etl.identities_std import std_identities, t3_relations, t4_relations
from etl.parse import parse_file
from tests.conftest import truth_for


def _cells(rel) -> set[str]:
    return {c for c, _ in rel.terms}


def test_the_solver_relations_are_the_checked_identities():
    seq = ["new", "carried_in", "granted", "partial", "denied", "unable", "rejected", "other"]
    seq += ["processed", "carried_out"]
    solver = {frozenset(_cells(r)) for r in t3_relations(seq)}
    checked = [i for i in std_identities(seq) if i.rule.startswith("t3.")]
    present = {f"t3.{r}.{c}" for r in seq for c, _ in T3_COLUMNS}
    assert solver == {frozenset(_cells(i.relation(present))) for i in checked}
    assert len(solver) == len(seq) + 2 * len(T3_COLUMNS)
    t4 = [i for i in std_identities(seq) if i.rule == "t4.total"]
    assert [_cells(r) for r in t4_relations()] == [_cells(i.relation()) for i in t4]


def test_a_printed_subtotal_stands_for_its_rows_else_every_row_is_needed():
    processed = next(i for i in std_identities([]) if i.rule == "t3.processed_sum")
    group = next(p for p in processed.parts if isinstance(p, Group))
    base = {
        c: 0.0 for c in processed.total + tuple(p for p in processed.parts if isinstance(p, str))
    }
    base[processed.total[0]] = 3.0
    assert broken(processed, base | {group.subtotal: 3.0}) is None
    assert broken(processed, base | {r: 0.0 for r in group.rows[:-1]}) is None  # one row absent
    rows = {r: 0.0 for r in group.rows} | {group.rows[0]: 2.0}
    found = broken(processed, base | rows | _other_groups(processed, group))
    assert (found.expected, found.actual) == (2.0, 3.0)


def _other_groups(identity, skip) -> dict[str, float]:
    return {p.subtotal: 0.0 for p in identity.parts if isinstance(p, Group) and p != skip}


def test_every_legacy_identity_holds_on_the_hand_checked_seed():
    _, truth = truth_for("004_")
    checked = [i for i in LEGACY_IDENTITIES if not i.breakdown]
    assert [i.rule for i in checked if broken(i, truth["values"])] == []
    assert all(i.printed_cells(truth["values"]) for i in checked if i.rule != "legacy.staff_sum")


def test_a_mutated_std_table_breaks_the_same_identity_the_solver_uses():
    path, _ = truth_for("shuyang_2025.md")
    text = path.read_text(encoding="utf-8")
    row = "| 四、结转下年度继续办理 | 31 | 0 | 0 | 0 | 0 | 0 | 31 |"
    assert row in text
    report = parse_file("s.md", text.replace(row, row.replace("| 31 |", "| 32 |", 1)).encode())
    got = {(f.rule, f.cells[-1]) for f in report.findings if f.category == "table_identity"}
    assert got == {
        ("t3.row_total", "t3.carried_out.total"),
        ("t3.balance", "t3.carried_out.natural"),
    }
