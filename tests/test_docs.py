"""Docs that cannot drift: the command reference is what the commands print, the import rules
ARCHITECTURE states are the import-linter contracts, and every module the README or
ARCHITECTURE names exists."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def render() -> str:
    """As `python -m gongkai.reference` prints it in a fresh process (other tests change the
    environment some defaults are read from)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "COLUMNS"))}
    done = subprocess.run(
        [sys.executable, "-m", "gongkai.reference"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    return done.stdout


def test_the_command_reference_is_what_the_commands_print():
    written = (ROOT / "docs" / "COMMANDS.md").read_text(encoding="utf-8")
    assert written == render(), (
        "docs/COMMANDS.md is out of date: run `python -m gongkai.reference > docs/COMMANDS.md`"
    )


def test_the_reference_covers_every_command_and_subcommand():
    text = render()
    for name in ("load", "build", "serve", "notices", "bulletin", "findings confirm", "export"):
        assert f"`gongkai {name}`" in text
    assert "Usage: gongkai findings dismiss [OPTIONS]" in text


def test_every_module_the_docs_name_exists():
    modules = {
        p.relative_to(ROOT).as_posix()
        for p in ROOT.rglob("*.py")
        if ".venv" not in p.parts and "node_modules" not in p.parts
    }
    missing = []
    for doc in ("README.md", "docs/ARCHITECTURE.md", "docs/QUALITY_CHECK.md"):
        for name in set(re.findall(r"`([\w/]+\.py)`", (ROOT / doc).read_text(encoding="utf-8"))):
            if not any(m == name or m.endswith("/" + name) for m in modules):
                missing.append(f"{doc}: {name}")
    assert not missing, missing


def _may_import() -> list[tuple[str, set[str] | None]]:
    """ARCHITECTURE's "What each package may import" table, in its order: (package, the root
    packages its last column names; None for "everything below")."""
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("## What each package may import", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)/` \|.*\| ([^|]+) \|$", section, flags=re.MULTILINE)
    names = {package for package, _ in rows}
    return [
        (
            package,
            None
            if allowed.strip() == "everything below"
            else set(re.findall(r"\b(\w+)\b", allowed)) & names,
        )
        for package, allowed in rows
    ]


def _contracts() -> tuple[list[str], dict[str, dict]]:
    linter = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "importlinter"
    ]
    return linter["root_packages"], {c["name"]: c for c in linter["contracts"]}


def test_the_import_rules_architecture_states_are_the_enforced_contracts():
    """docs/ARCHITECTURE.md's table is the import-linter contracts, read both ways: its packages
    are the root packages, its layer order is the `layers` contract, each layer may import
    exactly the layers below it, demo only etl, and only the dashboard imports streamlit."""
    table = _may_import()
    roots, contracts = _contracts()
    # the packages' layers (other layers contracts order modules inside one package)
    (layered,) = [
        c for c in contracts.values() if c["type"] == "layers" and set(c["layers"]) <= set(roots)
    ]
    layers = layered["layers"]
    assert [p for p, _ in table] == layers + ["demo"], "ARCHITECTURE's rows vs the layers"
    assert set(roots) == {p for p, _ in table}
    for n, (package, allowed) in enumerate(table[: len(layers)]):
        assert allowed is None or allowed == set(layers[n + 1 :]), package

    def forbidden_for(source: str) -> set[str]:
        (rule,) = [
            c
            for c in contracts.values()
            if c["type"] == "forbidden" and c["source_modules"] == [source]
        ]
        return set(rule["forbidden_modules"])

    assert forbidden_for("etl") >= set(roots) - {"etl"} | {"streamlit"}
    assert set(roots) - forbidden_for("demo") - {"demo"} == dict(table)["demo"] == {"etl"}
    (streamlit,) = [c for c in contracts.values() if c.get("forbidden_modules") == ["streamlit"]]
    assert set(streamlit["source_modules"]) == set(roots) - {"dashboard"}


def test_every_contract_architecture_names_is_enforced():
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    named = re.findall(r'contract\s+"([^"]+)"', text)
    assert named, "ARCHITECTURE names the import-linter contracts it relies on"
    assert set(named) <= set(_contracts()[1]), "a contract ARCHITECTURE names is not in pyproject"
