"""Every finding rule the ETL emits has a Chinese label in etl.rules, and nothing stale is declared."""

from __future__ import annotations

import re

import pytest

from etl.identities_legacy import LEGACY_IDENTITIES
from etl.rules import RULES
from etl.validate.cross_year import CARRY_OVER_RULE
from etl.validate.legacy_chain import CHAIN_RULE
from etl.validate.legacy_prose import PROSE_COMPARED
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
    for path in (ROOT / "etl").glob("identities*.py"):  # the identities and their declarations
        found |= set(re.findall(r'Identity\((?:\s*#[^\n]*)?\s*"([a-z0-9_.]+)"', path.read_text()))
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


def test_the_catalogue_declares_a_category_place_and_remedy_for_every_rule():
    from etl.rule_vocabulary import CATEGORIES, PLACE_LABELS, READER, REPORT

    for r in RULES.values():
        assert r.category in CATEGORIES, r.id
        assert r.place in PLACE_LABELS, r.id
        assert re.search(r"[\u4e00-\u9fff]", r.remedy), r.id
        assert r.default_severity in ("info", "warning", "error"), r.id
        # only a report problem may cost an indicator; a reading difficulty never does
        assert (r.indicator is None) or r.responsibility == REPORT, r.id
    assert {r.responsibility for r in RULES.values()} >= {REPORT, READER, "registry", "portal"}
    # what the agency reads never names an internal key, a path or a code
    for r in RULES.values():
        words = (r.label + r.remedy).replace("“/”", "")  # the printed blank marker, quoted
        assert not re.search(r"[a-z]+\.[a-z_]+|/|\\", words), r.id


def test_a_finding_takes_category_place_and_blame_from_its_rule():
    from etl.report import Finding

    f = Finding("t3.balance", ("t3.new.total",), 36, 35, "…")
    assert (f.category, f.place, f.responsibility, f.severity) == (
        "table_identity",
        "T3",
        "report",
        "error",
    )
    doubted = Finding("t3.balance", (), 36, 35, "…", responsibility="reader")
    assert (doubted.category, doubted.responsibility) == ("reader", "reader")
    placed = Finding("section.missing", (), None, None, "…", place="S5")
    assert (placed.category, placed.place) == ("missing_section", "S5")
    assert Finding("t4.missing", (), None, None, "…").responsibility == "reader"
    assert Finding("agency.fuzzy_match", (), None, None, "…").responsibility == "registry"


@pytest.mark.slow  # runs the real gongkai parse in a subprocess
def test_parse_json_carries_category_place_and_responsibility(tmp_path):
    import json
    import subprocess
    import sys

    from tests.conftest import SHARED

    out = subprocess.run(
        [sys.executable, "-m", "gongkai", "parse", str(SHARED / "crawled" / "pingtan_2023.txt"),
         "--json"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    findings = json.loads(out.stdout)["findings"]
    assert findings, "the crawled page's ambiguous glued run is a reader finding"
    for f in findings:
        assert {"category", "place", "responsibility"} <= set(f)
    glued = [f for f in findings if f["rule"].startswith("glued.")]
    assert glued and all(f["responsibility"] == "reader" for f in glued)
