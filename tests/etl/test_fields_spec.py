"""The canonical keys in etl/fields.py are exactly the ones shared/spec/report-fields.md declares."""

from __future__ import annotations

import re

import pytest

from etl.fields import (FIELDS, LEGACY_ITEMS, T2_ITEMS, T2_MEASURES, T3_COLUMNS, T3_ROWS, T3_SUBTOTALS,
                        T4_GROUPS, T4_OUTCOMES)
from tests.conftest import SPEC as SPEC_PATH

SPEC = SPEC_PATH.read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = SPEC.index(title)
    end = SPEC.find("\n## ", start + 1)
    return SPEC[start:end if end > 0 else None]


def test_t3_rows_match_spec_table():
    rows = re.findall(r"^\| `([a-z_.]+)` \|", _section("## 表三"), flags=re.M)
    assert rows == [r for r, _, _ in T3_ROWS]


def test_t3_columns_and_subtotals_match_spec():
    cols = re.findall(r"`([a-z_]+)` [\u4e00-\u9fff]", _section("## 表三").split("Rows")[0])
    assert cols == [c for c, _ in T3_COLUMNS]
    subtotal_line = next(ln for ln in _section("## 表三").splitlines() if ln.startswith("Subtotals"))
    assert re.findall(r"`([a-z]+)`", subtotal_line) == list(T3_SUBTOTALS)


def test_t4_groups_and_outcomes_match_spec():
    text = _section("## 表四")
    groups = re.findall(r"`([a-z_]+)`\s+(?:行政|复议后)", text.split("Outcomes")[0])
    outcomes = re.findall(r"`([a-z]+)` (?:结果|其他结果|尚未审结|总计)", text)
    assert groups == [g for g, _ in T4_GROUPS]
    assert outcomes == [o for o, _ in T4_OUTCOMES]


def test_t2_items_and_measures_match_spec():
    text = _section("## 表二")
    items_part, measures_part = text.split("Measures:")
    assert re.findall(r"`([a-z_]+)`", items_part.split("Items:")[1]) == list(T2_ITEMS)
    measures = re.findall(r"`([a-z_]+)`", measures_part.split("`change` is signed")[0])
    assert measures == list(T2_MEASURES)


def test_legacy_names_match_spec():
    text = _section("## legacy")
    declared = re.findall(r"`([a-z_.]+)`", text)
    names = []
    for name in declared:
        if name.startswith("."):  # `.commercial_secret` shorthand for answer_denied.*
            names.append("answer_denied" + name)
        elif name != "legacy.<name>":
            names.append(name)
    assert names == [n for n, _, _ in LEGACY_ITEMS]


@pytest.mark.parametrize("key", sorted(FIELDS))
def test_every_field_has_a_chinese_label(key):
    assert re.search(r"[\u4e00-\u9fff]", FIELDS[key].label)
