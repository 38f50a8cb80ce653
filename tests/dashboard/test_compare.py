"""单位画像 · 对比's 两年对比 writes every figure as the export does (exports.model.display):
points to two decimals, rates with one and %, counts whole; changes signed."""

from __future__ import annotations

import pytest

import queries
from dashboard.views.compare import figure_text, shown_number
from exports.model import INT, PERCENT, POINTS, display


@pytest.mark.parametrize(
    "value, kind, shown",
    [(14.6, POINTS, "14.60"), (10, POINTS, "10.00"), (87.5, PERCENT, "87.5%"), (90.0, INT, "90")],
)
def test_a_value_reads_as_the_export_prints_it(value, kind, shown):
    assert figure_text(value, kind) == shown == display(value, kind)


@pytest.mark.parametrize(
    "change, kind, shown",
    [
        (4.6, POINTS, "+4.60"),
        (-26.81, POINTS, "-26.81"),
        (0.001, POINTS, "0.00"),
        (3, INT, "+3"),
        (-2, INT, "-2"),
        (0, INT, "0"),
        (-12.5, PERCENT, "-12.5 个百分点"),
    ],
)
def test_a_change_is_signed_in_the_same_format(change, kind, shown):
    assert figure_text(change, kind, signed=True) == shown


def test_a_missing_value_is_a_dash():
    assert figure_text(None, POINTS) == "—"


def _two_years(rows):
    return queries.two_year_table(rows, 2025, 2024, figure_text, as_shown=shown_number)


def test_a_change_is_taken_between_the_values_as_shown():
    """榆汀县人民政府 in the demo: 办结率 94.636…% (2025) and 94.858…% (2024) show 94.6% and 94.9%;
    the change read −0.2 (from the unrounded values) where a reader finds −0.3 by hand."""
    table = _two_years(
        [
            ("办结率", PERCENT, 94.636015, 94.858612),
            ("公开率", PERCENT, 42.307692, 44.715447),
            ("总分", POINTS, 80.126, 79.994),
            ("申请数", INT, 12.4, 10.6),
        ]
    )
    shown = table.select("2025 年度", "2024 年度", "变化（2025 年度减 2024 年度）").rows()
    assert shown[:4] == [
        ("94.6%", "94.9%", "-0.3 个百分点"),
        ("42.3%", "44.7%", "-2.4 个百分点"),
        ("80.13", "79.99", "+0.14"),
        ("12", "11", "+1"),
    ]
