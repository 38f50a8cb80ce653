"""The spec's identities, declared once: the glued-digit solver (etl.parse.glued) splits digit
runs with them and the checks (etl.validate) judge the printed figures with them.

Each identity carries its rule id (etl.rules), its cells (the total side and the parts) and the
Chinese wording of its finding. A part may be a 表三 outcome group: a printed subtotal row
(三(三)不予公开) stands for its sub-rows when present. Optional parts (尚未审结) count when
printed. A *breakdown* identity (主动公开 = its channels) holds only where the table prints the
parts as the total's complete breakdown; its check is narrower (see `Identity.breakdown`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from etl.fields import (
    FIELDS,
    LEGACY_ANSWER_PARTS,
    LEGACY_DENIED_REASONS,
    T3_COLUMNS,
    T3_PARTY_COLUMNS,
    T3_ROWS,
    T3_SUBTOTALS,
    T4_GROUPS,
    T4_OUTCOMES,
    legacy_key,
    t3_key,
    t4_key,
)
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


# ---- 表三 and 表四 (spec identities 1–4) ------------------------------------------------------

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


# ---- the legacy 统计表 ------------------------------------------------------------------------

PROACTIVE_CHANNELS = ("by_gazette", "by_website", "by_weibo", "by_wechat", "by_other")
_DENIED_REASONS = LEGACY_DENIED_REASONS


def legacy_place(key: str) -> str:
    """The 统计表 block a legacy cell sits in (inspection places LEG.*)."""
    name = key.split(".", 1)[1] if key.startswith("legacy.") else key
    if name.startswith(("review", "suit")):
        return "LEG.review"
    if name.startswith("answer"):
        return "LEG.answers"
    if name.startswith(("requests", "completed")):
        return "LEG.requests"
    if name.startswith("fees"):
        return "LEG.fees"
    if name.startswith("staff"):
        return "LEG.staff"
    return "LEG.proactive"


def _legacy(
    rule: str,
    total: str,
    parts: tuple[str, ...],
    optional: tuple[str, ...] = (),
    breakdown: bool = False,
    parts_name: str | None = None,
    routes: bool = False,
) -> Identity:
    tk, pks = legacy_key(total), tuple(legacy_key(p) for p in parts)
    names = parts_name or " + ".join(FIELDS[k].label for k in pks)
    return Identity(
        f"legacy.{rule}",
        (tk,),
        pks,
        f"统计表「{FIELDS[tk].label}」≠ {names}",
        tuple(legacy_key(o) for o in optional),
        legacy_place(tk),
        breakdown,
        routes,
    )


LEGACY_IDENTITIES: tuple[Identity, ...] = (
    _legacy("completed_sum", "completed", ("completed_on_time", "completed_late")),
    _legacy(
        "requests_channels",
        "requests",
        ("requests_in_person", "requests_fax", "requests_online", "requests_letter"),
    ),
    _legacy(
        "review_sum",
        "review_total",
        ("review_upheld", "review_corrected", "review_other"),
        ("review_pending",),
    ),
    _legacy(
        "suit_sum", "suit_total", ("suit_upheld", "suit_corrected", "suit_other"), ("suit_pending",)
    ),
    _legacy("answers_sum", "answers", LEGACY_ANSWER_PARTS),
    _legacy("denied_sum", "answer_denied", _DENIED_REASONS),
    _legacy("staff_sum", "staff", ("staff_fulltime", "staff_parttime")),
    # channels overlap (one document on the website and in the gazette) and are often partial:
    # checked only where the table prints them under 「其中」 of the total (etl.parse.legacy)
    _legacy(
        "proactive_channels",
        "proactive_total",
        PROACTIVE_CHANNELS,
        breakdown=True,
        parts_name="其下所列各公开渠道之和",
    ),
    # In every layout (the national 2014–2018 table prints the channels as their own block) the
    # 条例's two statutory routes, 政府公报 and 政府网站, carry every item proactively disclosed:
    # the inspector reads 网站 + 公报 = 主动公开. A gazette item is often on the website too, so
    # the routes summing above the total is no error; one route above the total is, and so are
    # the routes (with 其他方式 where printed) falling short of it. 微博/微信 repost and are not
    # counted.
    _legacy(
        "proactive_channels",
        "proactive_total",
        ("by_website", "by_gazette"),
        ("by_other",),
        routes=True,
    ),
)


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
