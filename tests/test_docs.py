"""Docs that cannot drift: the command reference is what the commands print, and every module
the README or ARCHITECTURE names exists."""

from __future__ import annotations

import os
import re
import subprocess
import sys
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
