"""The canonical keys in etl/fields.py are exactly the ones shared/spec/report-fields.md declares."""

from __future__ import annotations

import re

from etl.fields import (
    FIELDS,
    LEGACY_ITEMS,
    T2_ITEMS,
    T2_MEASURES,
    T3_COLUMNS,
    T3_ROWS,
    T3_SUBTOTALS,
    T4_GROUPS,
    T4_OUTCOMES,
)
from tests.conftest import SPEC as SPEC_PATH

SPEC = SPEC_PATH.read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = SPEC.index(title)
    end = SPEC.find("\n## ", start + 1)
    return SPEC[start : end if end > 0 else None]


def test_t3_rows_match_spec_table():
    rows = re.findall(r"^\| `([a-z_.]+)` \|", _section("## 表三"), flags=re.M)
    assert rows == [r for r, _, _ in T3_ROWS]


def test_t3_columns_and_subtotals_match_spec():
    cols = re.findall(r"`([a-z_]+)` [\u4e00-\u9fff]", _section("## 表三").split("Rows")[0])
    assert cols == [c for c, _ in T3_COLUMNS]
    subtotal_line = next(
        ln for ln in _section("## 表三").splitlines() if ln.startswith("Subtotals")
    )
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


def _spec_labels(section: str) -> dict[str, str]:
    """`key` 中文 pairs as the spec prints them in running text (first Chinese run after a key)."""
    return dict(
        re.findall(r"`([a-z_]+)`\s+\(?([\u4e00-\u9fff][\u4e00-\u9fff()（）/]*)", _section(section))
    )


def test_table_labels_are_the_spec_labels_of_their_row_and_column():
    """A 表三/表四/表二 key's Chinese label is made of the spec's own words for its row and column
    (the label a user reads is the one the national template prints)."""
    t3_rows = dict(re.findall(r"^\| `([a-z_.]+)` \| ([^|]+?) \|", _section("## 表三"), flags=re.M))
    t3_cols = _spec_labels("## 表三")
    t4 = _spec_labels("## 表四")
    t2 = _spec_labels("## 表二")
    wrong = []
    for key, field in FIELDS.items():
        parts = key.split(".")
        if parts[0] == "t3":
            row, col = ".".join(parts[1:-1]), parts[-1]
            if row not in t3_rows:
                continue  # a subtotal key (denied/unable/...): derived, labelled by its group
            printed = re.sub(r"^[一二三四五六七（()）\d]+\s*", "", t3_rows[row])
            printed = re.split(r"（| \(", printed)[0]
            words = [re.sub(r"[\"“”]", "", printed)[:6], t3_cols[col]]
        elif parts[0] == "t4":
            words = [t4[parts[2]]]
        elif parts[0] == "t2":
            item = re.sub(r"^[^)）]{1,3}[)）]", "", t2[parts[1]])  # "(行政)规范性文件"
            # amount_wan: the spec names two printed headings; the label says 金额(万元)
            words = [item[:2]] + ([] if parts[2] == "amount_wan" else [t2[parts[2]][-4:]])
        else:
            continue
        if not all(w and w in re.sub(r"[\"“”]", "", field.label) for w in words):
            wrong.append(f"{key}: label {field.label!r} lacks {words}")
    assert not wrong, "\n".join(wrong[:20])
    assert FIELDS["t3.granted.natural"].label == "三(一)予以公开·自然人"
    assert FIELDS["t4.review.corrected"].label == "行政复议·结果纠正"
