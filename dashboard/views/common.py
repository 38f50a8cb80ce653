"""Rendering helpers shared by the pages (no SQL: everything comes through dashboard.data)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, data

from queries import labels

import queries

RATE_COLUMNS = ("completion_rate", "on_time_rate", "disclosure_rate", "review_correction_rate",
                "suit_correction_rate")
INT_HINT = ("requests", "processed", "days_late", "rank", "prev_rank", "rank_change")


def table(df: pl.DataFrame, *, key: str | None = None, **kwargs):
    """A read-only dataframe with Chinese headers, rates as percent, help from the metric list."""
    if "kind" in df.columns:
        df = df.with_columns(df["kind"].replace_strict(labels.KIND_LABELS, default=df["kind"]))
    config = {}
    for c in df.columns:
        name = labels.col(c)
        if c in RATE_COLUMNS:
            config[name] = st.column_config.NumberColumn(name, format="%.1f%%", help=labels.metric_help(c))
        elif c == "score":
            config[name] = st.column_config.NumberColumn(name, format="%.2f", help=labels.metric_help(c))
        elif c in labels.METRIC_HELP:
            config[name] = st.column_config.Column(name, help=labels.metric_help(c))
        elif df.schema[c] == pl.Date:
            config[name] = st.column_config.DateColumn(name, format="YYYY-MM-DD")
    return st.dataframe(labels.rename(df), hide_index=True, column_config=config, key=key,
                        placeholder="—", **kwargs)


def _fmt(x, unit="%"):
    return "—" if x is None else (f"{x:.1f}{unit}" if unit == "%" else f"{x:,.0f}")


def headline_metrics(profile: pl.DataFrame, median: pl.DataFrame | None, year: int) -> None:
    """Four st.metric cards for `year` (or the agency's latest year), delta vs peer median."""
    rows = profile.filter(pl.col("year") == year)
    row = (rows if rows.height else profile.tail(1)).row(0, named=True)
    med = {}
    if median is not None:
        m = median.filter(pl.col("year") == row["year"])
        med = m.row(0, named=True) if m.height else {}
    note = "" if row["year"] == year else f"（该单位没有 {year} 年度年报，显示最近一年）"
    st.subheader(f"{row['year']} 年度{note}")
    cols = st.columns(4)
    for c, (name, unit) in zip(cols, (("requests", "件"), ("completion_rate", "%"),
                                      ("on_time_rate", "%"), ("review_correction_rate", "%"))):
        value, ref = row.get(name), med.get(name)
        diff = None if value is None or ref is None else value - ref
        delta = None if diff is None else ("与对标组中位数持平" if abs(diff) < 0.05 else f"{diff:+.1f} 较对标组中位数")  # sign first: it sets the arrow
        colour = "off" if diff is not None and abs(diff) < 0.05 else (
            "inverse" if name == "review_correction_rate" else "normal")
        c.metric(labels.col(name), _fmt(value, unit), delta, delta_color=colour,
                 help=labels.metric_help(name), border=True)
    late = row.get("days_late")
    if late is not None and late > 0:
        st.error(f"年报逾期 {late} 天发布（发布日期 {row['published']}，法定期限 {row['deadline']}）。", icon="⏰")


def findings_table(df: pl.DataFrame) -> None:
    if df.is_empty():
        st.success("没有数据质量问题。")
        return
    shown = df.with_columns(pl.col("severity").replace_strict(labels.SEVERITY, default=pl.col("severity")))
    table(shown.select("year", "agency_name", "severity", "rule_label", "cells", "expected", "actual",
                       "difference", "message", "source_path"))


def source_picker(v: int, profile: pl.DataFrame) -> None:
    """Pick a report and a key; show the printed cell/sentence, its location and file, escaped."""
    years = profile["year"].to_list()[::-1]
    c1, c2 = st.columns([1, 3])
    y = c1.selectbox("年度", years, key="src_year")
    report_id = profile.filter(pl.col("year") == y)["report_id"][0]
    keys = data.report_keys(v, report_id)
    if keys.is_empty():
        st.info("该报告没有数值。")
        return
    options = dict(zip(keys["key"], keys["label"]))
    key = c2.selectbox("数值", list(options), format_func=lambda k: f"{options[k]}  [{k}]", key="src_key")
    src = data.value_source(v, report_id, key)
    if src.is_empty():
        st.info("没有找到这个数值的原文。")
        return
    row = src.row(0, named=True)
    st.metric(labels.key_label(key), f"{row['value']:,.2f}".rstrip("0").rstrip("."))
    st.caption("年报原文（按原样显示，不作排版）")
    st.code(row["raw"] or "（空白）", language=None, wrap_lines=True)
    if row["blank"]:
        st.caption("原文为空白或“/”“—”“无”，按规定计为 0。")
    table(src.select("source", "location", "source_path", "template").with_columns(
        pl.col("source").replace_strict(labels.SOURCE_LABELS, default=pl.col("source"))))


def score_breakdown(v: int, year: int, agency_id: str, peer_group: str | None) -> None:
    """Points per indicator and the deductions behind them (assess.score)."""
    _, path = scheme_picker()
    try:
        breakdown, deductions = data.score_detail(v, year, path, agency_id)
    except data.AssessUnavailable as exc:
        st.info("评分模块暂不可用：")
        st.code(str(exc), language=None)
        return
    if breakdown.is_empty():
        st.info(f"{year} 年度该单位没有评分（可能未发布年报）。")
        return
    st.plotly_chart(charts.indicator_breakdown(breakdown), key="breakdown")
    table(breakdown)
    st.markdown("**扣分明细**")
    if deductions.is_empty():
        st.caption("没有扣分。")
    else:
        table(deductions)


def continuity_note(profile: pl.DataFrame) -> None:
    """Next to charts that cross the 2019 template change: what each series means on each side."""
    caveats = queries.continuity_caveats(profile)
    if not caveats.is_empty():
        with st.expander("跨模板口径说明：2019 年前为旧版统计表，之后为新版表三/表四"):
            table(caveats)


def scheme_picker():
    """(name, path) of the scheme chosen in data/schemes/; shared by ranking and export through the
    URL (?scheme=), so an export is of the scheme the leader was looking at."""
    schemes = data.schemes()
    if not schemes:
        st.info("data/schemes/ 中还没有考核方案（*.toml）。")
        st.stop()
    name = st.selectbox("考核方案", list(schemes), key="scheme", bind="query-params",
                        help="方案文件位于 data/schemes/，在这里只读取，不会修改。")
    return name, schemes[name]
