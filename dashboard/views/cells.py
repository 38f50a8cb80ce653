"""How a value reads on a page: Chinese codes, rates as percent, points and counts (no
streamlit: pure formatting, shared by the tables, the cards and the side-by-side views)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from queries import labels

RATE_COLUMNS = (
    "completion_rate",
    "on_time_rate",
    "disclosure_rate",
    "review_correction_rate",
    "suit_correction_rate",
    "carryover_rate",
    "late_share",
)
POINT_COLUMNS = (
    "score",
    "points",
    "lost",
    "weight",
    "base_score",
    "contribution",
    "total",
    "prev_total",
)
# Flag colours as coloured pills of a read-only multiselect column: the grid draws them itself,
# where a pandas Styler made the server convert every table to pandas and style each cell.
FLAG_COLUMNS = ("flag", "base_flag")
FLAG_PILLS = {"red": "#f6c5c0", "amber": "#fbe0a0", "": "#e4e4e4"}


WIDE = {
    "agency_name": "medium",
    "flags": "medium",
    "message": "large",
    "rule_label": "medium",
    "cells": "medium",
    "reason": "large",
    "path": "medium",
    "problem": "large",
    "hint": "large",
    "evidence": "medium",
}


def displayable(df: pl.DataFrame) -> pl.DataFrame:
    """Codes to Chinese (template, kind, severity, flag, scoring kind, source), file names
    instead of server paths, no negative 逾期天数."""
    out = []
    for c in df.columns:
        mapping = labels.VALUE_LABELS.get(c)
        if mapping is not None and df.schema[c] == pl.String:
            out.append(pl.col(c).replace_strict(mapping, default=pl.col(c), return_dtype=pl.String))
        elif c in ("source_path", "path") and df.schema[c] == pl.String:
            out.append(pl.col(c).map_elements(lambda p: Path(p).name, return_dtype=pl.String))
        elif c == "days_late" and df.schema[c].is_numeric():
            out.append(pl.col(c).clip(lower_bound=0))
        elif c == "deduction_source":
            out.append(pl.col(c).map_elements(labels.source_text, return_dtype=pl.String))
        elif df.schema[c] == pl.Boolean:  # a checkbox column reads "false" to screen readers
            out.append(pl.when(pl.col(c)).then(pl.lit("是")).otherwise(pl.lit("")).alias(c))
    return df.with_columns(out) if out else df


def number_format(df: pl.DataFrame, c: str) -> str:
    if c in RATE_COLUMNS:
        return "%.1f%%"
    if c in POINT_COLUMNS:
        return "%.2f"
    if c in ("rank_change", "whatif_change"):
        return "%+d"
    s = df[c].drop_nulls()
    if df.schema[c].is_integer() or (s.len() and bool((s.round(0) == s).all())):
        return "%d"
    return "%.2f"


def fmt(x, unit: str = "%") -> str:
    if x is None:
        return "—"
    if unit == "%":
        return f"{x:.1f}%"
    return f"{x:,.0f}" if float(x).is_integer() or unit in ("件", "天", "条") else f"{x:,.2f}"


def cell_text(column: str, value) -> str:
    """One value as a page shows it: rates 1 decimal with %, points 2 decimals, counts whole."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value or "—"
    if column in RATE_COLUMNS:
        return f"{value:.1f}%"
    if column in POINT_COLUMNS:
        return f"{value:.2f}"
    if column == "days_late":
        return f"{max(int(value), 0)}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
