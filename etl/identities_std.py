"""The spec's identities 1–4 over the national tables, declared once: 表三's row totals, its
（七）总计 and its balance, 表四's group totals. The checks (etl.validate) judge the printed
figures with `std_identities`; the glued-digit solver (etl.parse.std_glued) splits runs with
`t3_relations` and `t4_relations`, the same identities as relations.
"""

from __future__ import annotations

from collections.abc import Iterable

from etl.fields import (
    T3_COLUMNS,
    T3_PARTY_COLUMNS,
    T3_ROWS,
    T3_SUBTOTALS,
    T4_GROUPS,
    T4_OUTCOMES,
    t3_key,
    t4_key,
)
from etl.identities import Group, Identity, Rel

T3_ROW_LABELS = {r: label for r, label, _ in T3_ROWS} | dict(T3_SUBTOTALS)
_T3_COL_LABELS = dict(T3_COLUMNS)
_T4_GROUP_LABELS = dict(T4_GROUPS)
T3_FLOW_ROWS = ("new", "carried_in", "processed", "carried_out")
T3_OUTCOME_PARTS = ("granted", "partial", "denied", "unable", "rejected", "other")
T3_GROUP_ROWS = {
    g: tuple(r for r, _, _ in T3_ROWS if r.startswith(g + ".")) for g in T3_OUTCOME_PARTS[2:]
}
T4_PARTS = tuple(o for o, _ in T4_OUTCOMES if o != "total")


def t3_row_total(row: str) -> Identity:
    """1. a row's 总计 = the six applicant columns."""
    return Identity(
        "t3.row_total",
        (t3_key(row, "total"),),
        tuple(t3_key(row, c) for c in T3_PARTY_COLUMNS),
        f"表三「{T3_ROW_LABELS.get(row, row)}」：总计 ≠ 各类申请人之和",
    )


def t3_processed_sum(col: str, outcome_rows: Iterable[str] | None = None) -> Identity:
    """2. a column's （七）总计 = its outcomes; a group's printed subtotal stands for its rows.
    `outcome_rows`: the outcome rows of the sequence the solver aligned the table to."""
    if outcome_rows is None:
        parts: tuple = tuple(
            Group(t3_key(p, col), tuple(t3_key(r, col) for r in T3_GROUP_ROWS[p]))
            if p in T3_GROUP_ROWS
            else t3_key(p, col)
            for p in T3_OUTCOME_PARTS
        )
    else:
        parts = tuple(t3_key(r, col) for r in outcome_rows)
    return Identity(
        "t3.processed_sum",
        (t3_key("processed", col),),
        parts,
        f"表三「{_T3_COL_LABELS[col]}」列：（七）总计 ≠ 各办理结果之和",
    )


def t3_balance(col: str) -> Identity:
    """3. 新收 + 上年结转 = 办理总计 + 结转下年度."""
    return Identity(  # printed 办理总计 + 结转下年度 against what 新收 + 上年结转 make
        "t3.balance",
        (t3_key("processed", col), t3_key("carried_out", col)),
        (t3_key("new", col), t3_key("carried_in", col)),
        f"表三「{_T3_COL_LABELS[col]}」列：本年新收 + 上年结转 ≠ 办理总计 + 结转下年度",
    )


def t4_total(group: str) -> Identity:
    """4. a 表四 group's 总计 = 维持 + 纠正 + 其他 + 尚未审结."""
    return Identity(
        "t4.total",
        (t4_key(group, "total"),),
        tuple(t4_key(group, o) for o in T4_PARTS),
        f"表四「{_T4_GROUP_LABELS[group]}」：总计 ≠ 维持 + 纠正 + 其他 + 尚未审结",
    )


def std_identities(t3_rows: Iterable[str]) -> list[Identity]:
    """Every std identity the checks run: row totals for the 表三 rows the report has."""
    cols = [c for c, _ in T3_COLUMNS]
    return (
        [t3_row_total(r) for r in t3_rows]
        + [t3_processed_sum(c) for c in cols]
        + [t3_balance(c) for c in cols]
        + [t4_total(g) for g, _ in T4_GROUPS]
    )


def t3_relations(seq: list[str]) -> list[Rel]:
    """Identities 1–3 over the rows of the template sequence the table was aligned to."""
    cols = [c for c, _ in T3_COLUMNS]
    outcomes = [r for r in seq if r not in T3_FLOW_ROWS]
    rels = [t3_row_total(r).relation() for r in seq]
    for c in cols:
        rels.append(t3_processed_sum(c, outcomes).relation())
        rels.append(t3_balance(c).relation())
    return rels


def t4_relations() -> list[Rel]:
    return [t4_total(g).relation() for g, _ in T4_GROUPS]
