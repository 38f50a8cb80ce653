"""排名总览's 排名 view as every session shows it: per peer group the summary's link targets, the
heading, and the grid's rows as st.dataframe takes them cheapest (a pyarrow Table) with their
column configs. Built once per (database version, year, scheme content, peer group, warning
rules) for the whole process, so the 2nd to the 20th reader's first view only sends it.

Why: each session's first 排名总览 cost 0.26-0.36 s of script on an idle server at 100k
agency-years, most of it turning 12 polars grids into pandas and then Arrow and looking up the
summaries' 48 profile links in the focus frame (bench/RESULTS.md, h33b/h33c); script runs share
one GIL, so 20 first views arriving together queued behind each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import pyarrow as pa
import streamlit as st

from dashboard import scores
from dashboard.safe_text import md
from dashboard.views import ranking_grid, widgets


@dataclass(frozen=True)
class Grid:
    """One group's grid, shared by every session: never mutate (st.cache_resource)."""

    rows: pl.DataFrame  # the group's rows in grid order, every column (a click reads its row)
    columns: tuple[str, ...]  # the grid's columns (keys, not headers)
    body: pa.Table  # the shown rows, Chinese headers and values, as Streamlit would convert them
    config: dict
    height: object
    row_height: int | None


@dataclass(frozen=True)
class Group:
    summary: dict  # queries.peer_summary's row
    links: dict  # who (best, worst, riser, faller) -> {"label", "params"} of its profile link
    more: int  # units left out of the grid on the all-groups page
    grid: Grid


def by_group(v: int, year: int, path: str, peer: str | None, rules: str) -> tuple[Group, ...]:
    """The 排名 view's groups (all, or `peer`'s) for `year` under the scheme at `path`."""
    return _by_group(v, year, path, scores.scheme_hash(path), peer, rules)


@st.cache_resource(max_entries=32, show_spinner=False)
def _by_group(
    v: int, year: int, path: str, content_hash: str, peer: str | None, rules: str
) -> tuple[Group, ...]:
    # cache_resource, not cache_data: the same objects for every session, no pickled copy per
    # hit (they are read only); content_hash keys an edited scheme.
    ranked = scores.ranking(v, year, path, peer, ())
    groups, causes, focus = scores.leader(v, year, path)
    shown = ranked.join(causes.select("agency_id", "cause"), on="agency_id", how="left")
    if peer is not None:
        groups = groups.filter(pl.col("peer_group") == peer)
    out = []
    for row in groups.iter_rows(named=True):
        mine = shown.filter(pl.col("peer_group") == row["peer_group"])
        more = 0
        if peer is None:  # every group on one page: each one's leading rows, the rest a click away
            mine, more = ranking_grid.at_a_glance(mine)
        out.append(Group(row, _links(row, focus, year), more, grid(mine, rules)))
    return tuple(out)


def _links(row: dict, focus: pl.DataFrame, year: int) -> dict:
    """The summary's agencies, each a link to its profile on the cell behind its figure."""
    links = {}
    for who, figure in (
        ("best", "score"),
        ("worst", "score"),
        ("riser", "rank_change"),
        ("faller", "rank_change"),
    ):
        agency = row[f"{who}_agency_id"]
        if agency is None:
            continue
        name = row[f"{who}_agency_name"]
        goto = ranking_grid.target(focus, agency, name, figure, year)
        links[who] = {"label": md(name), "params": goto["params"]}
    return links


def grid(rows: pl.DataFrame, rules: str) -> Grid:
    """A group's grid as widgets.table would show it, converted once (polars -> pandas ->
    Arrow, as st.dataframe does for a polars frame, so the bytes sent are the same)."""
    columns = tuple(c for c in ranking_grid.GRID if c in rows.columns)
    picked = rows.select(columns)
    helps = {"flag_notes": f"每条预警一个简称及本单位的数字；预警规则：{rules}"} if rules else None
    fit = "flag_notes" not in columns or ranking_grid.notes_fit(picked["flag_notes"].to_list())
    shown, config, height = widgets.table_parts(picked, widths=ranking_grid.WIDTHS, helps=helps)
    body = pa.Table.from_pandas(shown.to_pandas())
    return Grid(rows, columns, body, config, height, None if fit else ranking_grid.WRAPPED_ROW)
