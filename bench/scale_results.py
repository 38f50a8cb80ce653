"""What bench/scale.py reports: the machine it ran on, and its rows written as bench/RESULTS.md.
Not a test.
"""

from __future__ import annotations

import os
import platform
from itertools import pairwise
from pathlib import Path

import duckdb


def machine() -> dict:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "ram_gib": ram / 2**30,
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "os": platform.platform(),
        "load": os.getloadavg(),
    }


def mib(b) -> str:
    """Bytes as whole MiB, or ? where the peak was not measured."""
    return "?" if not b else f"{b / 2**20:,.0f} MiB"


def write_results(rows: list[dict], mach: dict, year: int, path: Path, note: str = "") -> None:
    lines = [
        "# Scale benchmark (`bench/scale.py`)",
        "",
        (
            f"Machine: {mach['nproc']} CPUs ({mach['cpu']}), {mach['ram_gib']:.1f} GiB RAM, "
            f"Python {mach['python']}, DuckDB {mach['duckdb']}, {mach['os']}. "
            f"Load average when the run started: {mach['load'][0]:.1f} (the machine is shared, "
            "so wall times are noisy)."
        ),
        "",
        (
            "Corpus: the demo generator (示范省's 155 agencies plus synthesized counties, 12 years, "
            "~3% of reports never published), formats cycled 48 of 50 plain HTML/text/Markdown/pipe, "
            "1 DOCX, 1 PDF; generated in 2 processes. Load: `python -m gongkai load --manifest` of exactly "
            "N files into a fresh database (parse pool of one process per core, batched writes). "
            f"Reads on the database opened read-only: `assess.score.score_year({year})` and the "
            "queries of the 排名总览 page (agencies, ranking, missing reports) and the 单位画像 page "
            "(agencies, agency profile, peer median), median of 3 after a warm-up, server side only."
        ),
        "",
        (
            "| N reports | generate | load | load reports/s | peak RSS (largest process / tree) | "
            "database | score a year | 排名总览 | 单位画像 |"
        ),
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['n']:,} | {r['gen_s']:.1f} s | {r['load_s']:.1f} s | {r['rate']:.0f} | "
            f"{mib(r['rss_max'])} / {mib(r['rss_tree'])} | {r['db_bytes'] / 2**20:,.1f} MiB | "
            f"{r['score'] * 1000:,.0f} ms | {r['ranking'] * 1000:,.0f} ms | {r['profile'] * 1000:,.0f} ms |"
        )
    lines += [
        "",
        "Rows: "
        + "; ".join(
            f"N={r['n']:,}: {r['reports']:,} reports, {r['values']:,} values, {r['findings']:,} findings, "
            f"{r['agencies']:,} agencies ({r['summary'].split(': ', 1)[-1]})"
            for r in rows
        ),
        "",
    ]
    for a, b in pairwise(rows):
        lines += [
            (
                f"From N={a['n']:,} to N={b['n']:,} (×{b['n'] / a['n']:.0f} reports): load time "
                f"×{b['load_s'] / a['load_s']:.1f}, database ×{b['db_bytes'] / a['db_bytes']:.1f}, peak RSS "
                f"×{(b['rss_max'] or 1) / (a['rss_max'] or 1):.1f} (tree ×{(b['rss_tree'] or 1) / (a['rss_tree'] or 1):.1f}), "  # noqa: E501
                f"scoring a year ×{b['score'] / a['score']:.1f}, 排名总览 ×{b['ranking'] / a['ranking']:.1f}, "
                f"单位画像 ×{b['profile'] / a['profile']:.1f}."
            ),
            "",
        ]
    if note:
        lines += [note, ""]
    path.write_text("\n".join(lines), encoding="utf-8")
