"""The demo generator and the ETL agree: every generated file parses back to its manifest entry.

A small corpus (12 fictional agencies x 2017-2021, formats cycled so that HTML, GBK/UTF-8 text,
the seed-004 pipe dump, Markdown, DOCX, PDF and XLSX all occur, with legacy, std2019 and
std2021 reports) is generated once per session into a tmp folder.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from demo import MANIFEST, generate
from demo.agencies import ALL_AGENCIES, registry_csv
from etl.fields import FIELDS

# slow: generates a corpus of documents in every format (a second one for the seed tests) and
# parses them
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
FORMATS = ("html", "text", "markdown", "docx", "pdf", "xlsx", "pipe")
KW = dict(seed=7, n_agencies=12, years=(2017, 2021), formats=FORMATS)


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("demo")
    generate(out, **KW)
    return out, json.loads((out / MANIFEST).read_text(encoding="utf-8"))


def test_same_seed_gives_identical_bytes(corpus, tmp_path):
    out, _ = corpus
    generate(tmp_path, **KW)
    assert _hashes(tmp_path) == _hashes(out)


def test_other_seed_gives_other_figures(corpus, tmp_path):
    _, manifest = corpus
    other = generate(tmp_path, **{**KW, "seed": 8})
    assert [f["values"] for f in other["files"]] != [f["values"] for f in manifest["files"]]


def test_corpus_covers_formats_templates_and_quirks(corpus):
    _, manifest = corpus
    files = manifest["files"]
    assert {f["format"] for f in files} == set(FORMATS)
    assert {f["template"] for f in files} == {"legacy", "std2019", "std2021"}
    assert {f["encoding"] for f in files if f["format"] in ("text", "html")} >= {"gbk", "utf-8"}
    assert any(f["blank_keys"] for f in files)
    for f in files:
        assert set(f["values"]) <= set(FIELDS), f["file"]


def test_manifest_values_satisfy_identities_unless_planted(corpus):
    """Carry-over: this year's 上年结转 is last year's 结转下年度 unless a quirk says otherwise."""
    _, manifest = corpus
    by_agency: dict[str, dict[int, dict]] = {}
    for f in manifest["files"]:
        by_agency.setdefault(f["agency_code"], {})[f["year"]] = f
    for years in by_agency.values():
        for y, f in years.items():
            prev = years.get(y - 1)
            if not prev or f["template"] == "legacy" or prev["template"] == "legacy" or f["quirks"]:
                continue
            if prev["quirks"]:
                continue
            assert f["values"]["t3.carried_in.total"] == prev["values"]["t3.carried_out.total"], f[
                "file"
            ]


def test_demo_registry_is_the_generators(corpus):
    assert (ROOT / "data" / "demo_registry.csv").read_text(encoding="utf-8") == registry_csv(
        ALL_AGENCIES
    )
    out, manifest = corpus
    names = (out / "registry.csv").read_text(encoding="utf-8")
    assert all(f["agency"] in names for f in manifest["files"])


def test_every_file_parses_back_to_its_manifest(corpus):
    """Agency as printed, year, template, publication date and every value (blank cells as 0)."""
    from etl.parse import parse_file

    out, manifest = corpus
    problems, checked = [], 0
    for f in manifest["files"]:
        r = parse_file(out / f["file"])
        for what, exp, got in (
            ("agency", f["agency_printed"], r.agency),
            ("year", f["year"], r.year),
            ("template", f["template"], r.template),
            ("published", f["published"], r.published),
        ):
            checked += 1
            if exp != got:
                problems.append((f["file"], f["format"], what, exp, got))
        for key, exp in f["values"].items():
            checked += 1
            got = r.values.get(key)
            if got is None or abs(got.value - exp) > 1e-9:
                problems.append(
                    (f["file"], f["format"], key, exp, None if got is None else got.value)
                )
        if not f["prose_only"]:
            for key in sorted(set(r.values) - set(f["values"])):
                problems.append((f["file"], f["format"], key, "(absent)", r.values[key].value))
    assert not problems, f"{len(problems)} of {checked} checks differ:\n" + "\n".join(
        map(str, problems[:40])
    )


def test_findings_are_the_planted_ones_only(corpus):
    """No structural noise (unplaced rows, wrong widths, missing tables) on well-formed files, and
    an identity finding on a file exactly when a total was planted wrong."""
    from etl.parse import parse_file

    out, manifest = corpus
    structural = (
        "t3.unplaced_row",
        "t3.missing_row",
        "t3.row_width",
        "t2.row_width",
        "t4.",
        "t3.missing",
        "t3.empty",
        "number.malformed",
    )
    noisy, missed, spurious = [], [], []
    for f in manifest["files"]:
        report = parse_file(out / f["file"])
        rules = [x.rule for x in report.findings]
        noisy += [(f["file"], r) for r in rules if r.startswith(structural) and r != "t4.total"]
        planted = any(q.get("type") == "total_mismatch" for q in f["quirks"])
        identity = [
            r
            for r in rules
            if r.startswith(
                ("t3.row_total", "t3.processed_sum", "t3.balance", "t4.total", "legacy.")
            )
            and r != "legacy.ambiguous_split"
        ]
        if planted and not identity:
            missed.append(f["file"])
        if identity and not planted:
            spurious.append((f["file"], identity))
    assert noisy == [] and missed == [] and spurious == []
