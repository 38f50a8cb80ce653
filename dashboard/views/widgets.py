"""The widgets the pages share: the read-only table (and its drill-down row click), a Vega-Lite
chart, the scheme picker kept in the URL."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data, nav, urlstate
from dashboard.safe_text import md
from dashboard.views.cells import FLAG_COLUMNS, FLAG_PILLS, WIDE, displayable, number_format
from queries import labels


def table(
    df: pl.DataFrame,
    *,
    key: str | None = None,
    max_rows: int = 40,
    highlight: str | None = None,
    widths: dict | None = None,
    helps: dict | None = None,
    **kwargs,
):
    """A read-only dataframe: Chinese headers and values, rates as percent, counts as integers,
    help from the metric list, as tall as its rows (scrolling only past `max_rows`); rows whose
    `highlight` column is non-zero get a yellow background, red/amber flags their colours.
    `widths` ({column: "small" | "medium" | "large" | pixels}) overrides the default widths,
    `helps` ({column: text}) a text column's help (what only the page knows, e.g. the scheme's
    warning rules)."""
    shown, config, height = table_parts(df, max_rows=max_rows, widths=widths, helps=helps)
    body = shown
    if shown.height and highlight:  # the what-if table only: rows the variant moved
        mark = labels.col(highlight)
        body = shown.to_pandas().style.apply(
            lambda r: [
                "background-color:#fff4d6" if r[mark] == r[mark] and r[mark] else "" for _ in r
            ],
            axis=1,
        )
    return prepared_table(body, config, height, key=key, **kwargs)


def prepared_table(body, config: dict, height, *, key: str | None = None, **kwargs):
    """st.dataframe of what table_parts built (`body` a frame, a Styler or a pyarrow Table).
    The column configs are copied: Streamlit adds to what it is given, and a shared (cached)
    table's configs must stay as built."""
    return st.dataframe(
        body,
        hide_index=True,
        column_config={k: dict(c) for k, c in config.items()},
        key=key,
        placeholder="—",
        height=height,
        **kwargs,
    )


def table_parts(
    df: pl.DataFrame,
    *,
    max_rows: int = 40,
    widths: dict | None = None,
    helps: dict | None = None,
) -> tuple[pl.DataFrame, dict, object]:
    """(the rows as shown, with Chinese headers; the column configs; the height) of table()."""
    df = displayable(df)
    config = {}
    for c in df.columns:
        name = labels.col(c)
        width = (widths or {}).get(c, WIDE.get(c))
        if df.schema[c].is_numeric():
            config[name] = st.column_config.NumberColumn(
                name, format=number_format(df, c), help=labels.metric_help(c), width=width
            )
        elif df.schema[c] == pl.Date:
            config[name] = st.column_config.DateColumn(name, format="YYYY-MM-DD", width=width)
        elif df.schema[c] == pl.Boolean:
            config[name] = st.column_config.CheckboxColumn(name, width=width)
        elif c in FLAG_COLUMNS:
            config[name] = st.column_config.MultiselectColumn(
                name,
                options=[labels.FLAG_LABELS[f] for f in FLAG_PILLS],
                color=list(FLAG_PILLS.values()),
                help=labels.metric_help(c),
                width=width,
            )
        else:
            default = labels.metric_help(c) if c in labels.METRIC_HELP else None
            config[name] = st.column_config.TextColumn(
                name, help=(helps or {}).get(c, default), width=width
            )
    flags = [c for c in FLAG_COLUMNS if c in df.columns and df.schema[c] == pl.String]
    if flags:  # one pill per cell (an empty flag reads 正常, as before)
        df = df.with_columns(pl.concat_list(pl.col(c)).alias(c) for c in flags)
    height = "content" if df.height <= max_rows else 35 * (max_rows + 1) + 3
    return labels.rename(df), config, height


def drill_table(df: pl.DataFrame, *, key: str, targets: list[dict], **kwargs):
    """A table whose row click offers the drill-down: targets[i] = {"page": url path,
    "label": link text, **query params}; the link opens that page with those parameters.

    A link rather than a jump on click: the user sees which row was taken, and plain URL
    parameters (no widget-bound ones) go to the other page. The link text names an agency,
    so it is escaped here (a page link's label renders Markdown)."""
    event = table(df, key=key, on_select="rerun", selection_mode="single-row", **kwargs)
    rows = event.selection.rows if event is not None else []
    if rows and rows[0] < len(targets):
        goto = dict(targets[rows[0]])
        page = goto.pop("page")
        label = md(goto.pop("label", None) or f"打开{nav.BY_URL[page].title}")
        st.page_link(
            nav.page(page),
            label=label,
            icon=":material/arrow_forward:",
            query_params={k: str(v) for k, v in goto.items()},
        )
    return event


def light_chart(spec: dict, *, key: str):
    """A dashboard.vega spec: no Plotly bundle for the browser to load on a page's first paint."""
    return st.vega_lite_chart(spec=spec, key=key, width="stretch")


def scheme_picker():
    """(display name, path) of the scheme chosen in data/schemes/, kept in ?scheme= (the file's
    stem) so an export is of the scheme the leader was looking at."""
    schemes = data.schemes()
    if not schemes:
        st.info("还没有考核方案：请管理员在本办的考核方案目录中放入方案文件后刷新本页。")
        st.stop()
    names = data.scheme_names(tuple(schemes.items()))
    if len(schemes) == 1:  # nothing to choose: say which one
        stem = next(iter(schemes))
        st.query_params["scheme"] = stem
        return names.get(stem, stem), schemes[stem]
    stem = urlstate.select(
        st,
        "考核方案",
        list(schemes),
        key="scheme",
        param="scheme",
        what="考核方案",
        format_func=lambda s: names.get(s, s),
        placeholder="请选择考核方案",
        help="方案文件位于 data/schemes/，在这里只读取；“另存为方案”会新建文件。",
    )
    return names.get(stem, stem), schemes[stem]


def flags_help(path: str) -> str:
    """The red/amber rules of the scheme, for help= beside every flag."""
    try:
        return data.flag_rules_text(path, data.file_mtime(path))
    except data.AssessUnavailable as exc:
        return md(exc)
