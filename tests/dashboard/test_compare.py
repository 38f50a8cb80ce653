"""单位画像 · 对比's 两年对比 writes every figure as the export does (exports.model.display):
points to two decimals, rates with one and %, counts whole; changes signed."""

from __future__ import annotations

import pytest

from dashboard.views.compare import figure_text
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
