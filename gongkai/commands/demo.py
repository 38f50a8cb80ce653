"""`gongkai demo`: write the fictional 示范省 corpus (演示数据) as real source documents."""

from __future__ import annotations

import re

import click


def _years(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4}))?\s*", text)
    if not m:
        raise click.BadParameter("give a year or a range such as 2014-2025")
    a, b = int(m.group(1)), int(m.group(2) or m.group(1))
    if not (2014 <= a <= b <= 2025):
        raise click.BadParameter("years must lie within 2014-2025")
    return a, b


@click.command("demo")
@click.option(
    "--out",
    default="data/demo",
    show_default=True,
    type=click.Path(file_okay=False),
    help="folder to write the corpus, manifest.json and registry.csv into",
)
@click.option("--seed", default=2026, show_default=True, type=int, help="same seed, same bytes")
@click.option(
    "--agencies",
    "n_agencies",
    default=150,
    show_default=True,
    type=click.IntRange(1, 155),
    help="number of fictional agencies (kinds interleaved)",
)
@click.option("--years", "years", default="2014-2025", show_default=True, help="year or range")
def demo(out: str, seed: int, n_agencies: int, years: str) -> None:
    """Generate the demo province's reports (HTML, text, Markdown, DOCX, PDF, XLSX) and manifest.

    Example:

    \b
        gongkai demo --out data/demo --seed 2026 --agencies 150 --years 2014-2025
    """
    from demo import generate
    from etl.fonts import cjk_fonts

    cjk_fonts()  # the PDFs need it: a missing font stops here, before any file is written
    try:
        span = _years(years)
    except click.BadParameter as exc:
        raise click.UsageError(str(exc.message))
    m = generate(out, seed=seed, n_agencies=n_agencies, years=span)
    fmts: dict[str, int] = {}
    for f in m["files"]:
        fmts[f["format"]] = fmts.get(f["format"], 0) + 1
    click.echo(
        f"{len(m['files'])} reports ({', '.join(f'{k} {v}' for k, v in sorted(fmts.items()))}), "
        f"{len(m['missing'])} missing, in {m['_seconds']:.1f}s -> {out}/manifest.json"
    )
