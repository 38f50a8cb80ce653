"""`gongkai accuracy`: field accuracy of the parser against the hand-checked truth files."""

from __future__ import annotations

import sys
from pathlib import Path

import click

DEFAULT_ROOTS = ("seeds", "real-reports", "crawled")  # under ../shared/


@click.command("accuracy")
@click.argument("roots", nargs=-1, type=click.Path(exists=True, file_okay=False))
@click.option("--verbose", "-v", is_flag=True, help="List every wrong field.")
def accuracy(roots: tuple[str, ...], verbose: bool) -> None:
    """Print, per truth file and overall, fields right / fields checked; exit 1 when any field
    is wrong (or a file cannot be read).

    Example:

        gongkai accuracy ../shared/seeds ../shared/real-reports ../shared/crawled
    """
    from etl.accuracy import all_right, run

    paths = [Path(r) for r in roots] or [Path("../shared") / d for d in DEFAULT_ROOTS]
    scores = run(paths)
    right = checked = id_right = id_checked = 0
    for s in scores:
        ids = " ".join(
            f"{k}={'ok' if ok else f'{g!r}≠{e!r}'}" for k, (e, g, ok) in s.identity.items()
        )
        click.echo(f"{s.file:40s} {s.right:4d}/{s.checked:<4d} {ids} {s.error}")
        if verbose:
            for key, e, g in s.wrong:
                click.echo(f"    {key}: expected {e}, got {g}")
        right += s.right
        checked += s.checked
        id_right += sum(ok for _, _, ok in s.identity.values())
        id_checked += len(s.identity)
    pct = 100 * right / checked if checked else 0.0
    click.echo(
        f"overall values: {right}/{checked} ({pct:.1f}%)  identity fields: {id_right}/{id_checked}"
    )
    if not scores:
        raise click.ClickException(
            "no *.truth.json files found under "
            + ", ".join(str(p) for p in paths)
            + ": name the folders that hold them, e.g. gongkai accuracy ../shared/seeds"
        )
    sys.exit(0 if all_right(scores) else 1)
