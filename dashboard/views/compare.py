"""单位画像 · 对比: two years of the agency side by side (two_years), and the agency beside others
— this year's rank, score and figures, and one figure across the years (the 2019 template
change marked). Agencies in ?agencies=."""

import polars as pl
import streamlit as st

import queries
from dashboard import data, urlstate, vega
from dashboard.safe_text import echo, md
from dashboard.views import cells, widgets
from exports.model import DELTA, INT, PERCENT, POINTS, display
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


# Each figure of 两年对比 with its export kind (exports.model): points 0.00, rates 0.0%, counts whole.
TWO_YEAR_FIGURES = {
    "requests": INT,
    "processed": INT,
    "completion_rate": PERCENT,
    "disclosure_rate": PERCENT,
    "review_total": INT,
    "review_corrected": INT,
    "suit_total": INT,
    "suit_corrected": INT,
    "days_late": INT,
}


def figure_text(value, kind: str, signed: bool = False) -> str:
    """A value of 两年对比 as the export prints it (exports.model.display: 14.60, 10.00, 87.5%),
    or a change with its sign (+4.60; a rate's change in 个百分点, a rank's in places)."""
    if value is None:
        return "—"
    if not signed:
        return display(value, kind)
    if kind == INT:  # a whole-number change: the export's 名次变化 (+3 / -3 / 0)
        return display(value, DELTA)
    step = display(abs(value), kind)
    zero = step == display(0.0, kind)
    sign = "" if zero else "+" if value > 0 else "-"
    return f"{sign}{step.removesuffix('%')} 个百分点" if kind == PERCENT else f"{sign}{step}"


def shown_number(value, kind: str) -> float:
    """The number the reader sees for `value` (display's 94.6% of 94.63 is 94.6): two-year
    changes are taken between these, so they check by hand against the two cells."""
    return float(display(value, kind).removesuffix("%"))


def two_years(
    v: int, profile: pl.DataFrame, agency_id: str, path: str, y1: int, y2: int
) -> pl.DataFrame:
    """Rank, score, each indicator's points and the key figures of 年度一 `y1` and 年度二 `y2`,
    in that order, with the change newer − older."""
    scores = {}
    for y in (y1, y2):
        try:
            r = data.ranking(v, y, path, None, ()).filter(pl.col("agency_id") == agency_id)
        except data.AssessUnavailable:
            r = pl.DataFrame()
        scores[y] = r.row(0, named=True) if r.height else {}

    def both(source: dict, key: str) -> tuple:
        return source[y1].get(key), source[y2].get(key)

    rows: list[tuple] = [
        (
            "排名（对标组内；变化为名次升降，正数为上升）",
            INT,
            *both(scores, "rank"),
            queries.rank_change,
        ),
        ("总分", POINTS, *both(scores, "score")),
        ("绩效折算分", POINTS, *both(scores, "contribution")),
    ]
    try:
        scheme = data.scheme(path)
        for ind in scheme.indicators:
            if ind.weighted:
                name = f"{ind.name}（得分/{ind.weight:g}）"
                rows.append((name, POINTS, *both(scores, f"{ind.id}.points")))
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
    for c, kind in TWO_YEAR_FIGURES.items():
        rows.append((labels.col(c), kind, *both(fig, c)))

    t = [labels.TEMPLATE_LABELS.get(fig[y].get("template"), "—") for y in (y1, y2)]
    return queries.two_year_table(rows, y1, y2, figure_text, t, as_shown=shown_number)
