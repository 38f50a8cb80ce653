"""The SQL expressions the metrics are written in (assess/metrics.py declares the metrics).

Each builder returns a DuckDB expression over one report's wide row. Invariants the metrics
rely on: a key is quoted only if etl.fields declares it (`column` refuses others); a sum of
keys none of which is present is NULL, not 0; a rate over a zero or unknown denominator is
NULL; a metric without a value for a template is NULL there (`per_template`).
"""

from __future__ import annotations

from etl.fields import FIELDS, LEGACY, STD_TEMPLATES, T3_ROWS, T4_GROUPS, legacy_key, t3_key, t4_key


def column(key: str) -> str:
    if key not in FIELDS:
        raise KeyError(f"{key} is not declared in etl.fields")
    return f'"{key}"'


def sum_present(*keys: str) -> str:
    """Sum of the keys present; NULL when none of them is present (absent is not 0)."""
    cols = [column(k) for k in keys]
    if len(cols) == 1:
        return cols[0]
    added = " + ".join(f"coalesce({c}, 0)" for c in cols)
    return f"(CASE WHEN coalesce({', '.join(cols)}) IS NULL THEN NULL ELSE {added} END)"


def t3_total(row: str) -> str:
    return column(t3_key(row, "total"))


def t3_subtotal(sub: str) -> str:
    """A 表三 subtotal: printed subtotal if the report has only that, else the sum of its rows."""
    rows = [t3_key(r, "total") for r, _, _ in T3_ROWS if r.startswith(sub + ".")]
    return f"coalesce({column(t3_key(sub, 'total'))}, {sum_present(*rows)})"


def legacy_subtotal(name: str) -> str:
    rows = [k for k in FIELDS if k.startswith(legacy_key(name) + ".")]
    return f"coalesce({column(legacy_key(name))}, {sum_present(*rows)})"


def legacy_value(name: str) -> str:
    return column(legacy_key(name))


def t4_sum(groups: tuple[str, ...], outcomes: tuple[str, ...]) -> str:
    return sum_present(*[t4_key(g, o) for g in groups for o in outcomes])


def rate(num: str, den: str) -> str:
    """num/den in percent; NULL when the denominator is 0 or unknown."""
    return f"(CASE WHEN ({den}) > 0 THEN 100.0 * ({num}) / ({den}) END)"


def per_template(std: str | None, legacy: str | None) -> str:
    parts = []
    if std is not None:
        parts.append(f"WHEN template IN {tuple(STD_TEMPLATES)!r} THEN {std}")
    if legacy is not None:
        parts.append(f"WHEN template = '{LEGACY}' THEN {legacy}")
    return f"(CASE {' '.join(parts)} END)"


# 表四 groups and outcomes the correction rates read, and the denominators several metrics share.
REVIEW = ("review",)
SUITS = tuple(g for g, _ in T4_GROUPS if g.startswith("suit"))
ALL_T4 = REVIEW + SUITS
CONCLUDED = ("upheld", "corrected", "other")

STD_RECEIVED = sum_present(t3_key("new", "total"), t3_key("carried_in", "total"))
LEGACY_ANSWERS = legacy_value("answers")
_STD_CORR = {g: (t4_sum(g, ("corrected",)), t4_sum(g, CONCLUDED)) for g in (REVIEW, SUITS, ALL_T4)}
_LG_CORR = {
    REVIEW: (
        legacy_value("review_corrected"),
        sum_present(*[legacy_key(f"review_{o}") for o in CONCLUDED]),
    ),
    SUITS: (
        legacy_value("suit_corrected"),
        sum_present(*[legacy_key(f"suit_{o}") for o in CONCLUDED]),
    ),
    ALL_T4: (
        sum_present(legacy_key("review_corrected"), legacy_key("suit_corrected")),
        sum_present(*[legacy_key(f"{g}_{o}") for g in ("review", "suit") for o in CONCLUDED]),
    ),
}


def correction_rate(groups: tuple[str, ...]) -> tuple[str, str]:
    """(value, cases) of the share of concluded 表四 cases of `groups` that were corrected."""
    (sn, sd), (ln, ld) = _STD_CORR[groups], _LG_CORR[groups]
    return per_template(rate(sn, sd), rate(ln, ld)), per_template(sd, ld)
