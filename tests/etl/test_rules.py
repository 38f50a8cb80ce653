"""Every finding rule the ETL emits has a Chinese label in etl.rules, and nothing stale is declared."""

from __future__ import annotations

import re

from etl.identities import LEGACY_IDENTITIES
from etl.rules import RULES
from etl.validate.cross_year import CARRY_OVER_RULE
from etl.validate.legacy_chain import CHAIN_RULE
from etl.validate.legacy_report import PROSE_COMPARED
from tests.conftest import ROOT


def emitted_rules() -> set[str]:
    found = set()
    for path in (ROOT / "etl").rglob("*.py"):
        found |= set(
            re.findall(
                r'(?:Finding|_finding|_sum_check)\(\s*(?:report,\s*)?\s*"([a-z0-9_.]+)"',
                path.read_text(encoding="utf-8"),
            )
        )
    found |= {i.rule for i in LEGACY_IDENTITIES}
    found |= set(
        re.findall(
            r'Identity\((?:\s*#[^\n]*)?\s*"([a-z0-9_.]+)"', (ROOT / "etl/identities.py").read_text()
        )
    )
    found.add(CARRY_OVER_RULE)
    found.add(CHAIN_RULE)
    found |= {rule for rule, _ in PROSE_COMPARED.values()}
    return found


def test_every_emitted_rule_is_declared_with_a_chinese_label():
    emitted = emitted_rules()
    assert len(emitted) > 20
    assert sorted(emitted - set(RULES)) == []
    assert all(re.search(r"[\u4e00-\u9fff]", RULES[r].label) for r in emitted)


def test_no_stale_rule_is_declared():
    assert sorted(set(RULES) - emitted_rules()) == []


def test_every_load_error_code_has_a_chinese_reason():
    from etl.errors import ERROR_CODES

    raised = set()
    for path in (ROOT / "etl").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        raised |= set(
            re.findall(
                r'ReportError\([^()]*(?:\([^()]*\)[^()]*)*?"([a-z_]+)",?\s*\)', text, flags=re.S
            )
        )
        raised |= set(re.findall(r'code: str = "([a-z_]+)"', text))
        raised |= set(re.findall(r'code="([a-z_]+)"', text))
    assert len(raised) > 15
    assert sorted(raised - set(ERROR_CODES)) == []
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in ERROR_CODES.values())
