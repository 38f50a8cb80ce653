"""etl.validate.figure_findings: the in-report checks an analyst's correction of a figure can
change (workflow.corrected_checks judges them again on the corrected figures). The quality checks
left out of FIGURE_CHECKS must give the same findings whatever the figures are."""

from __future__ import annotations

import dataclasses

import pytest

from etl.parse import parse_file
from etl.report import Value
from etl.validate import FIGURE_CHECKS, figure_findings, quality_checks
from tests.conftest import REAL

REPORTS = sorted(p for p in REAL.iterdir() if not p.name.endswith(".json"))


def test_every_figure_check_is_a_quality_check():
    assert FIGURE_CHECKS <= {c.__name__ for c in quality_checks()}


def _other_figures(report):
    """The report with every figure changed (+7) and every blank cell filled: what corrections
    could make of it at most."""
    values = {
        k: Value(k, v.value + 7, str(v.value + 7), v.loc, False, v.source)
        for k, v in report.values.items()
    }
    return dataclasses.replace(report, values=values, findings=[])


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_the_otherquality_checks_do_not_read_the_figures(path):
    report = parse_file(path.name, path.read_bytes())
    changed = _other_figures(report)
    for check in quality_checks():
        if check.__name__ in FIGURE_CHECKS:
            continue
        assert [f.as_dict() for f in check(changed)] == [f.as_dict() for f in check(report)], (
            check.__name__
        )


def test_figure_findings_follow_the_figures():
    """The Shanghai report's 表三 changed everywhere: its identities and the prose figures no
    longer agree with the table (checked by the same functions as the loader's)."""
    path = REAL / "shanghai_kewei_2024.md"
    report = parse_file(path.name, path.read_bytes())
    before = {f.rule for f in figure_findings(report)}
    after = {f.rule for f in figure_findings(_other_figures(report))}
    assert "text_table.mismatch" not in before
    assert {"text_table.mismatch", "t3.balance", "t3.row_total"} <= after
