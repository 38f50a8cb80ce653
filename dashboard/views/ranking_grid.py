"""排名总览's 排名 view: per peer group a summary (best, worst, median, flags, the biggest riser
and faller with the cause) and the group's grid; every figure links to the agency's profile,
opened on the printed cell behind it (marked there) or on the tab that shows it.

Rendering only: what is shown comes from queries.leader, prepared once for every session by
dashboard.ranking_page.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import nav
from dashboard.safe_text import md
from dashboard.views import cells, widgets
from exports.column_fit import text_em
from queries import labels

GRID = (
    "rank",
    "agency_name",
    "score",
    "contribution",
    "rank_change",
    "cause",
    "flag",
    "flag_notes",
)
# Each column as wide as its header and its usual text at 14 px (CJK 14 px a character, digits
# 8; 16 px padding; the grid's narrowest column is 50): a 13-character name such as
# 示范省人力资源和社会保障厅 (198 px), a cause such as 本年一票否决（年报严重逾期） (212).
# 预警说明 is one short note per warning with the unit's figure (queries.ranking.flag_notes; the
# rule texts are the column's help): two, 纠错6件、 数据错误1条, take 172 px where the rule text
# 复议诉讼被纠错件数达到 3 件、数据存在错误 needs 298; more wrap (WRAPPED_ROW below). 962 px:
# the main column is 978 px wide at 1440 px with the sidebar open, less 16 for a scroll bar;
# 上年排名 is 升降与趋势's (名次变化 here), 办结率、公开率、逾期天数 the unit's profile's.
WIDTHS = {
    "rank": 50,
    "agency_name": 198,
    "score": 58,
    "contribution": 86,
    "rank_change": 72,
    "cause": 212,
    "flag": 68,
    "flag_notes": 218,
}
# A unit meeting more rules than fit (逾期12天、 纠错3件、 数据错误1条、 年报雷同、 办结率80.0%,
# 475 px): its group's grid gets rows of three lines, as Streamlit wraps a cell's text only in
# rows taller than 4 rem (64 px); other groups keep one line a row.
FONT_PX, PAD_PX, WRAPPED_ROW = 14, 16, 68


def notes_fit(notes) -> bool:
    """Whether every note of `notes` reads whole on one line of the 预警说明 column (width in
    em as exports.column_fit measures it: a Chinese character 1, a digit 0.6)."""
    room = WIDTHS["flag_notes"] - PAD_PX
    return all(text_em(n) * FONT_PX <= room for n in notes if n)


def target(focus: pl.DataFrame, agency_id: str, name: str, figure: str, year: int) -> dict:
    """The profile link of one figure of one agency: its printed cell (原文, marked) or its tab."""
    hit = focus.filter((pl.col("agency_id") == agency_id) & (pl.col("figure") == figure))
    row = hit.row(0, named=True) if hit.height else {"tab": "办理情况", "key": None}
    params = {"agency": agency_id, "year": str(year), "tab": row["tab"]}
    if row["key"]:
        params |= {"src_year": str(year), "src_key": row["key"]}
        where = f"原文，标出“{labels.key_label(row['key'])}”单元格"
    elif row.get("mark"):  # a figure no table cell prints (the publication date): marked there
        params |= {"mark": row["mark"]}
        where = f"{row['tab']}，标出“{labels.col(row['mark'])}”"
    else:
        where = row["tab"]
    why = f"（{md(row['indicator'])}）" if row.get("indicator") else ""
    return {"label": f"{md(name)}：单位画像·{where}{why}", "params": params}


def link(box, goto: dict, icon: str = ":material/arrow_forward:") -> None:
    box.page_link(nav.page("profile"), label=goto["label"], icon=icon, query_params=goto["params"])


def summary(group) -> None:
    """One peer group's figures in a bordered box (`group`: a dashboard.ranking_page.Group);
    every agency named is a link to its profile opened on the printed cell behind the figure."""
    row, links = group.summary, group.links
    with st.container(border=True):
        c = st.columns([2.4, 3, 3, 1.2, 1.6])
        c[0].markdown(f"**{md(row['peer_group'])}**")
        c[0].caption(f"{row['units']} 个单位，{row['scored']} 个发布年报")
        for box, who, what in ((c[1], "best", "最高分"), (c[2], "worst", "最低分")):
            if who not in links:
                continue
            box.caption(f"{what} {cells.cell_text('score', row[f'{who}_score'])}")
            link(box, links[who])
        c[3].caption("中位数")
        c[3].markdown(cells.cell_text("score", row["median"]))
        c[4].caption("预警（红/黄）")
        c[4].markdown(f":red[**{row['red']}**] / :orange[**{row['amber']}**]")
        moves = st.columns(2)
        for box, who, what in (
            (moves[0], "riser", "名次升幅最大"),
            (moves[1], "faller", "名次降幅最大"),
        ):
            if who not in links:
                box.caption(f"{what}：无")
                continue
            box.caption(
                f"{what}：{row[f'{who}_rank_change']:+d} 名，得分 "
                f"{row[f'{who}_score_change']:+.2f}，原因：{md(row[f'{who}_cause'])}"
            )
            link(box, links[who])


# All groups on one page: at most this many rows of each group's grid. A province's groups are
# of tens of units (all shown); at national scale (bench/browser_views.py on 102,572
# agency-years) 12 grids of 860 rows each cost the first view 1.9 server CPU-s and 4.4 s.
GROUP_ROWS_AT_A_GLANCE = 50


def at_a_glance(group: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """A group's leading rows in rank order for the all-groups page, and how many are left out
    (its summary box still names its best, worst, median and biggest moves)."""
    if group.height <= GROUP_ROWS_AT_A_GLANCE:
        return group, 0
    return group.head(GROUP_ROWS_AT_A_GLANCE), group.height - GROUP_ROWS_AT_A_GLANCE


@st.fragment
def grid(part, focus: pl.DataFrame, year: int, key: str) -> None:
    """The group's ranking (`part`: a dashboard.ranking_page.Grid, built once for every
    session); a clicked cell offers its figure's link (and the score breakdown). A fragment: a
    click reruns this grid only, not the page's other five."""
    event = widgets.prepared_table(
        part.body,
        part.config,
        part.height,
        key=key,
        on_select="rerun",
        selection_mode="single-cell",
        row_height=part.row_height,
    )
    cells = getattr(event.selection, "cells", []) if event is not None else []
    if not cells:
        return
    row, header = cells[0]
    if row >= part.rows.height:
        return
    by_header = {labels.col(c): c for c in part.columns}
    column = by_header.get(header, "agency_name")
    r = part.rows.row(row, named=True)
    if r.get("flags") or r.get("cause"):  # the whole texts, however narrow their columns
        st.caption(
            f"{md(r['agency_name'])}　升降原因：{md(r.get('cause') or '—')}　预警：{md(r['flags'] or '无')}"
        )
    figure = column if column in set(focus["figure"].to_list()) else "agency"
    if figure == "agency":
        goto = {
            "label": f"{md(r['agency_name'])}：单位画像",
            "params": {"agency": r["agency_id"], "year": str(year)},
        }
    else:
        goto = target(focus, r["agency_id"], r["agency_name"], figure, year)
    link(st, goto)
    params = {"agency": r["agency_id"], "year": str(year), "tab": "评分"}
    link(st, {"label": f"{md(r['agency_name'])}：单位画像·评分明细", "params": params})
