"""单位画像 · 对比: two years of the agency side by side (two_years), and the agency beside others
— this year's rank, score and figures, and one figure across the years (the 2019 template
change marked). Agencies in ?agencies=."""

import polars as pl
import streamlit as st

import queries
from dashboard import data, urlstate, vega
from dashboard.safe_text import echo, md
from dashboard.views import cells, widgets
from dashboard.views.cells import RATE_COLUMNS
from queries import labels

SIDE_ROWS = [
    "rank",
    "peer_group",
    "score",
    "contribution",
    "flags",
    "requests",
    "completion_rate",
    "disclosure_rate",
    "review_corrected",
    "suit_corrected",
    "days_late",
]
FIGURES = ["completion_rate", "disclosure_rate", "requests", "review_corrected", "days_late"]


def panel(v: int, year: int, peer: str | None, current: str, path: str) -> None:
    """The agency `current` and the ones picked from its peer group (`peer`), side by side."""
    names = _comparable(v, peer)
    if current not in names or len(names) < 2:
        st.info("本单位所在对标组中没有可对比的其他单位。")
        return
    picked = _pick(names, current)
    if len(picked) < 2:
        st.info("请至少选择两家单位。")
        return
    try:
        ranked = data.ranking(v, year, path, None, ()).filter(pl.col("agency_id").is_in(picked))
    except data.AssessUnavailable as exc:
        st.error(f"无法计算排名：{md(exc)}")
        return
    _side_by_side(ranked, picked, names)
    _years_chart(v, picked, names)


def _comparable(v: int, peer: str | None) -> dict[str, str]:
    """{agency id: name} of the office's agencies with a report in the peer group `peer`."""
    pool = data.own_agencies(v).filter(pl.col("reports") > 0)
    if peer is not None:
        pool = pool.filter(pl.col("peer_group") == peer)
    return dict(zip(pool["agency_id"], pool["name"]))


def _pick(names: dict[str, str], current: str) -> list[str]:
    """The agencies to compare: ?agencies= (codes outside the group said and dropped), else
    `current` and the next one; kept in the URL as the user changes them."""
    ids = list(names)
    raw = [a for a in (st.query_params.get("agencies") or "").split(",") if a]
    bad = [a for a in raw if a not in names]
    if bad:
        quoted = "、".join(echo(a) for a in bad[:5]) + ("等" if len(bad) > 5 else "")
        st.warning(f"链接中的单位编码“{quoted}”不在本单位的对标组中，已略去。", icon="⚠️")
    if raw or current not in st.session_state.get("compare_pick", []):
        st.session_state["compare_pick"] = [a for a in raw if a in names] or (
            [current] + [a for a in ids if a != current]
        )[:2]

    def _sync() -> None:
        st.query_params["agencies"] = ",".join(st.session_state["compare_pick"])

    picked = st.multiselect(
        "与同组的哪些单位对比（两家或以上）",
        ids,
        key="compare_pick",
        format_func=lambda a: names[a],
        placeholder="请选择要对比的单位",
        on_change=_sync,
        max_selections=8,
    )
    _sync()
    return picked


def _side_by_side(ranked: pl.DataFrame, picked: list[str], names: dict[str, str]) -> None:
    """This year's rank, score and figures: one column per agency."""
    side = {"项目": [labels.col(c) for c in SIDE_ROWS]}
    by_id = {r["agency_id"]: r for r in ranked.to_dicts()}
    for a in picked:
        r = by_id.get(a, {})
        side[names[a]] = [cells.cell_text(c, r.get(c)) for c in SIDE_ROWS]
    widgets.table(pl.DataFrame(side))


def _years_chart(v: int, picked: list[str], names: dict[str, str]) -> None:
    """One chosen figure across the years, a line per agency."""
    figure = urlstate.select(
        st,
        "逐年比较的指标",
        FIGURES,
        key="compare_figure",
        param="figure",
        what="指标",
        format_func=labels.col,
        placeholder="请选择指标",
    )
    series = data.compare_agencies(v, tuple(picked))
    spec = vega.agencies_over_years(series, picked, names, figure, figure in cells.RATE_COLUMNS)
    widgets.light_chart(spec, key="compare_chart")


TWO_YEAR_FIGURES = (
    "requests",
    "processed",
    "completion_rate",
    "disclosure_rate",
    "review_total",
    "review_corrected",
    "suit_total",
    "suit_corrected",
    "days_late",
)


def two_years(
    v: int, profile: pl.DataFrame, agency_id: str, path: str, y1: int, y2: int
) -> pl.DataFrame:
    """Rank, score, each indicator's points and the key figures of two years, side by side."""
    rows: list[tuple[str, float | None, float | None]] = []
    scores = {}
    for y in (y1, y2):
        try:
            r = data.ranking(v, y, path, None, ()).filter(pl.col("agency_id") == agency_id)
        except data.AssessUnavailable:
            r = pl.DataFrame()
        scores[y] = r.row(0, named=True) if r.height else {}
    rows.append(
        (
            "排名（对标组内；变化为名次升降，正数为上升）",
            scores[y1].get("rank"),
            scores[y2].get("rank"),
            queries.rank_change,
        )
    )
    rows.append(("总分", scores[y1].get("score"), scores[y2].get("score")))
    rows.append(("绩效折算分", scores[y1].get("contribution"), scores[y2].get("contribution")))
    try:
        scheme = data.scheme(path)
        for ind in scheme.indicators:
            if ind.weighted:
                col = f"{ind.id}.points"
                rows.append(
                    (f"{ind.name}（得分/{ind.weight:g}）", scores[y1].get(col), scores[y2].get(col))
                )
    except data.AssessUnavailable:
        pass
    fig = {
        y: (
            profile.filter(pl.col("year") == y).row(0, named=True)
            if y in profile["year"].to_list()
            else {}
        )
        for y in (y1, y2)
    }
    for c in TWO_YEAR_FIGURES:
        unit = "（%）" if c in RATE_COLUMNS else ""
        rows.append((labels.col(c) + unit, fig[y1].get(c), fig[y2].get(c)))

    t = [labels.TEMPLATE_LABELS.get(fig[y].get("template"), "—") for y in (y1, y2)]
    return queries.two_year_table(rows, y1, y2, t)
