"""`gongkai accuracy`: field accuracy of the parser against the hand-checked truth files, and the
quality check measured against the inspectors' write-ups (*.problems.json)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from etl.gongkai_error import GongkaiError

DEFAULT_ROOTS = ("seeds", "real-reports", "crawled", "inspection")  # under ../shared/


@click.command("accuracy")
@click.argument("roots", nargs=-1, type=click.Path(exists=True, file_okay=False))
@click.option(
    "--verbose", "-v", is_flag=True, help="List every wrong field, missed problem, false finding."
)
def accuracy(roots: tuple[str, ...], verbose: bool) -> None:
    """Print, per truth file and overall, fields right / fields checked; and, for every
    *.problems.json (an inspector's write-up), the quality check's recall, precision, blame errors
    and findings on clean reports, per category and in total. Exit 1 when any field is wrong, a
    file cannot be read, or the quality check misses its targets (recall 90%, precision 95%, no
    blame error, nothing on a clean report).

    Example:

    \b
        gongkai accuracy ../shared/seeds ../shared/real-reports ../shared/inspection tests/inspection
    """
    from etl import inspection
    from etl.accuracy import all_right, run, truth_files

    paths = [Path(r) for r in roots] or [Path("../shared") / d for d in DEFAULT_ROOTS]
    ok = True
    if truth_files(paths):
        scores = run(paths)
        _print_fields(scores, verbose)
        ok = all_right(scores)
    if inspection.problems_files(paths):
        checked = inspection.run(paths)
        _print_inspection(checked, verbose)
        ok = ok and inspection.meets_targets(checked)
    elif not truth_files(paths):
        raise GongkaiError(
            "no *.truth.json or *.problems.json files found under "
            + ", ".join(str(p) for p in paths)
            + ": name the folders that hold them, e.g. gongkai accuracy ../shared/seeds"
        )
    sys.exit(0 if ok else 1)


def _print_fields(scores, verbose: bool) -> None:
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


def _ratio(n: int, d: int) -> str:
    return f"{n}/{d} ({100 * n / d:.0f}%)" if d else "-"


def _print_inspection(scores, verbose: bool) -> None:
    from etl.inspection import tallies

    click.echo("")
    click.echo(
        f"{'inspection write-up':40s} {'found':>7s} {'true':>7s} {'blame':>5s} {'2yrs':>4s}"
        f" {'reader':>6s} {'notes':>5s}"
    )
    for s in scores:
        found = f"{len(s.found)}/{len(s.found) + len(s.missed)}"
        true = f"{len(s.true_findings)}/{len(s.findings)}"
        click.echo(
            f"{s.file + (' (clean)' if s.clean else ''):40s} {found:>7s} {true:>7s}"
            f" {len(s.blame_errors):5d} {len(s.two_reports):4d} {len(s.reader):6d}"
            f" {len(s.notes):5d} {s.error}"
        )
        if verbose:
            _print_details(s)
    click.echo(
        f"\n{'category':28s} {'recall':>13s} {'precision':>13s} {'blame':>5s} {'needs 2 years':>13s}"
    )
    table = tallies(scores)
    for category in sorted(c for c in table if c != "total") + ["total"]:
        t = table[category]
        click.echo(
            f"{category:28s} {_ratio(t.found, t.checkable):>13s} {_ratio(t.true, t.blaming):>13s}"
            f" {t.blame_errors:5d} {t.two_reports:13d}"
        )
    total = table["total"]
    on_clean = sum(len(s.findings) for s in scores if s.clean)
    click.echo(
        f"overall inspection: recall {_ratio(total.found, total.checkable)}  precision "
        f"{_ratio(total.true, total.blaming)}  blame errors {total.blame_errors}  findings on "
        f"clean reports {on_clean} ({sum(s.clean for s in scores)} clean)  needs two years "
        f"{total.two_reports} (copied / cross-year / changed: one parse cannot see them)"
    )


def _print_details(s) -> None:
    for p in s.missed:
        click.echo(f"    MISSED {p['id']} {p['category']} @ {p['place']}: {p['evidence'][:160]}")
    for p in s.two_reports:
        click.echo(f"    NEEDS TWO YEARS {p['id']} {p['category']} @ {p['place']}")
    for f, why in s.false_findings:
        tag = f"BLAME ERROR ({why})" if why else "FALSE"
        click.echo(f"    {tag} {f.rule} {f.category} @ {f.place}: {f.message[:160]}")
    for f in s.notes:  # info: not counted, shown so a near miss is visible
        click.echo(
            f"    NOTE (info, not counted) {f.rule} {f.category} @ {f.place}: {f.message[:120]}"
        )
