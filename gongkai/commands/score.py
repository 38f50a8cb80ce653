"""`gongkai score`: print one year's ranking under an assessment scheme (read-only)."""

from __future__ import annotations

import unicodedata

import click

from etl.gongkai_error import GongkaiError
from etl.settings import Settings
from gongkai.failures import check_database
from gongkai.options import db_option, scheme_option


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def _change(value) -> str:
    if value is None:
        return "—"
    return "=" if value == 0 else (f"↑{value}" if value > 0 else f"↓{-value}")


def render_ranking(scores) -> str:
    """The ranking table as aligned text (CJK counted as two columns)."""
    header = ["名次", "机关", "同组", "总分", "绩效贡献", "名次变化"]
    rows = []
    for r in scores.iter_rows(named=True):
        rank = f"{r['rank']}{'=' if r['tied'] else ''}"
        name = r["agency_name"] + ("（未发布）" if r["missing"] else "")
        rows.append(
            [
                rank,
                name,
                r["peer_group"],
                f"{r['total']:.2f}",
                f"{r['contribution']:.2f}",
                _change(r["rank_change"]),
            ]
        )
    widths = [max(_width(x) for x in col) for col in zip(header, *rows)]
    right = [True, False, False, True, True, True]
    lines = [
        "  ".join(_pad(c, w, ra) for c, w, ra in zip(line, widths, right))
        for line in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


@click.command("score")
@click.option("--year", required=True, type=int, help="Report year to assess.")
@scheme_option()
@db_option()
@click.option("--peer-group", help="Only this peer group (同组), e.g. 县级政府.")
def score(year: int, scheme_path: str | None, db: str | None, peer_group: str | None) -> None:
    """Score every agency for YEAR and print the ranking within each peer group.

    Ranks are within the peer group; tied agencies share the rank (marked =); 名次变化 is the
    move since last year under the same scheme (↑ up, ↓ down, — not ranked last year).
    Agencies of the registry without a report are listed as （未发布）. The ranking is the one the
    dashboard and `gongkai export` show (the office's own province).

    Example:

    \b
        gongkai score --year 2024 --scheme data/schemes/default.toml --peer-group 县级政府
    """
    import queries
    from assess import load_scheme

    settings = Settings.from_env(db_path=db, scheme_path=scheme_path)
    try:  # a SchemeError says its own line (gongkai/cli.py)
        scheme = load_scheme(settings.scheme_path)
    except OSError as exc:  # a scheme file that cannot be read: its path and why, exit 1
        raise GongkaiError(str(exc)) from None
    if not settings.db_path.exists():
        raise GongkaiError(
            f"{settings.db_path}: no database here. Run `gongkai build` first (or pass --db)"
        )
    check_database(settings.db_path)
    from workflow.reports_db import open_reports

    # a damaged store is a StoreError (one line, exit 1): scores without its corrections would lie
    with open_reports(settings.db_path) as con:
        # the ranking the dashboard and the exports show: the office's province, its peer groups
        scores = queries.ranking(con, year=year, scheme=scheme, peer_group=peer_group)
        home = queries.home_agencies(con)
    if scores.is_empty():
        from etl.scope import office_province

        province = office_province()
        if home is not None and not home and province:
            raise GongkaiError(
                f"no agencies of {province} (the office's province, data/office.toml) in this "
                "database; agencies of other provinces are reference only. Load the province's "
                "registry with --registry, or set [office] province"
            )
        raise GongkaiError(
            f"no agencies to score for {year}"
            + (f" in peer group {peer_group}" if peer_group else "")
            + ". Check --year and --peer-group"
        )
    click.echo(f"{scheme.name} · {year} 年度 · 绩效占比 {scheme.performance_share:.0%}")
    click.echo(render_ranking(scores))
