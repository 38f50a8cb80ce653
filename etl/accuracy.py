"""Compare parse output with every hand-checked *.truth.json: fields right / fields checked."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from etl.errors import ReportError
from etl.normalize import squash, to_simplified
from etl.settings import current


@dataclass
class FileScore:
    file: str
    checked: int = 0
    right: int = 0
    wrong: list[tuple[str, object, object]] = field(default_factory=list)
    identity: dict[str, tuple[object, object, bool]] = field(default_factory=dict)
    error: str = ""


def truth_files(roots: list[Path]) -> list[Path]:
    out: list[Path] = []
    for root in roots:
        out += sorted(root.rglob("*.truth.json"))
    return out


@lru_cache(maxsize=1)
def current_registry():
    from etl.registry import load_registry

    return load_registry(current().registry_path)


def _same_agency(expected: str | None, got: str | None, printed: str) -> bool:
    """The name the parser gives is printed in the document (never one it made up, such as a
    place + 人民政府 for a 管委会) and is the same agency once both names go through the
    registry (aliases, OCR near-misses)."""
    if not expected:
        return True
    if not got:
        return False
    g = squash(got)
    if g not in printed:
        return False
    e = squash(to_simplified(expected)).split("(")[0].split("（")[0]
    if e == g or e in g or g in e:
        return True
    from etl.agency_match import resolve_agency

    registry = current_registry()
    resolved_e, resolved_g = resolve_agency(e, registry), resolve_agency(g, registry)
    return resolved_e.agency_id == resolved_g.agency_id and resolved_e.method != "unknown"


def score_file(truth_path: Path) -> FileScore:
    from etl.extract import extract_document
    from etl.parse import parse_document

    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    doc_path = (
        truth_path.with_name(truth["file"])
        if (truth_path.parent / truth["file"]).exists()
        else Path(str(truth_path)[: -len(".truth.json")])
    )
    score = FileScore(doc_path.name)
    try:
        doc = extract_document(doc_path)
        report = parse_document(doc)
    except ReportError as exc:
        score.error = exc.message
        score.checked = len(truth.get("values", {}))
        return score
    got = {k: v.value for k, v in report.values.items()}
    for key, expected in truth.get("values", {}).items():
        score.checked += 1
        actual = got.get(key)
        if actual is not None and abs(actual - expected) < 1e-6:
            score.right += 1
        else:
            score.wrong.append((key, expected, actual))
    expected_template = truth.get("template") or "not_a_report"
    score.identity = {
        "template": (expected_template, report.template, expected_template == report.template),
        "year": (truth.get("year"), report.year, truth.get("year") == report.year),
        "agency": (
            truth.get("agency"),
            report.agency,
            _same_agency(truth.get("agency"), report.agency, squash(doc.text)),
        ),
    }
    if "published" in truth:
        score.identity["published"] = (
            truth["published"],
            report.published,
            truth["published"] == report.published,
        )
    return score


def all_right(scores: list[FileScore]) -> bool:
    """Every checked value and identity field right, and every file read."""
    return all(
        not s.error and not s.wrong and all(ok for _, _, ok in s.identity.values()) for s in scores
    )


def run(roots: list[Path]) -> list[FileScore]:
    return [score_file(p) for p in truth_files(roots)]
