"""Crawler one-line std reports with glued digits: fields right / checked, and parse time.

Inputs: the public crawled report (shared/crawled/pingtan_2023.txt, hand-checked), and each
real std report's hand-checked values flattened into the crawler layout
(bench/crawled_render.py), with 表四 glued and with 表四 spaced after a misprinted header.
A field is right only when the parsed value equals the truth; a field left out (ambiguous
split) counts as wrong. Prints figures; it is not a test. Run:

    .venv/bin/python bench/glued.py
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.crawled_render import render_crawled  # noqa: E402
from etl.parse import parse_file  # noqa: E402

SHARED = (
    ROOT.parent / "shared"
    if (ROOT.parent / "shared" / "seeds").is_dir()
    else ROOT / "data" / "reports"
)
STD_REAL = ("hongze_2024.pdf", "shanghai_kewei_2024.md", "shuyang_2025.md")


def _score(path: Path, values: dict) -> tuple[int, int, int, float]:
    started = time.perf_counter()
    report = parse_file(path)
    seconds = time.perf_counter() - started
    right = sum(
        1
        for k, v in values.items()
        if k in report.values and abs(report.values[k].value - v) < 1e-6
    )
    wrong_stored = sum(
        1
        for k, v in values.items()
        if k in report.values and abs(report.values[k].value - v) >= 1e-6
    )
    return right, len(values), wrong_stored, seconds


def main() -> None:
    rows = []
    crawled = SHARED / "crawled" / "pingtan_2023.txt"
    truth = json.loads(crawled.with_name(crawled.name + ".truth.json").read_text(encoding="utf-8"))
    rows.append(("pingtan_2023.txt (crawled)",) + _score(crawled, truth["values"]))
    with tempfile.TemporaryDirectory() as tmp:
        for name in STD_REAL:
            truth = json.loads(
                (SHARED / "real-reports" / f"{name}.truth.json").read_text(encoding="utf-8")
            )
            for spaced in (False, True):
                p = Path(tmp) / f"{name}.{'spaced' if spaced else 'glued'}.txt"
                p.write_text(
                    render_crawled(
                        truth["values"], truth["agency"], truth["year"], t4_spaced=spaced
                    ),
                    encoding="utf-8",
                )
                rows.append(
                    (f"{name} flattened, 表四 {'spaced' if spaced else 'glued'}",)
                    + _score(p, truth["values"])
                )
    for label, right, checked, wrong, seconds in rows:
        print(
            f"{label:48s} {right:4d}/{checked:<4d} ({100 * right / checked:5.1f}%)  "
            f"wrong values stored: {wrong}  {seconds * 1000:6.1f} ms"
        )
    right = sum(r[1] for r in rows)
    checked = sum(r[2] for r in rows)
    print(
        f"overall {right}/{checked} ({100 * right / checked:.1f}%); every miss is a field left out with a finding"
    )


if __name__ == "__main__":
    main()
