"""The annual quality check (年报质量检查) sections of the 数据质量 page (views/quality.py, which
calls them): findings by category, repeated passages side by side, and the province's
timeliness. Rendering only; data comes through dashboard.data."""

from __future__ import annotations

import polars as pl
import streamlit as st

import queries
from dashboard import data, vega_bars
from dashboard.safe_text import md, md_quote
from dashboard.views import panels, widgets
from etl.validate.quality_settings import quality_settings

SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
RELATION = {"previous_year": "本单位上年", "same_year": "其他单位同年"}
KIND = {"government": "政府", "department": "部门", None: "未分类"}


def quality_check(v: int, year: int, peer: str | None, findings: pl.DataFrame) -> None:
    """Findings of the quality check by category, then the findings themselves."""
    summary = data.quality_check_summary(v, year, peer)
    if summary.is_empty():
        st.success(
            "年报质量检查没有发现问题（章节、格式、正文与表格、表二衔接、雷同、改动、台账）。"
        )
        return
    by_cat = summary.group_by("category").agg(pl.col("findings").sum(), pl.col("agencies").sum())
    cols = st.columns(min(4, by_cat.height))
    for i, row in enumerate(by_cat.sort("findings", descending=True).iter_rows(named=True)):
        cols[i % len(cols)].metric(md(row["category"]), f"{row['findings']} 条", border=True)
    shown = summary.with_columns(pl.col("severity").replace_strict(SEVERITY, default="提示"))
    st.dataframe(
        shown.select(
            pl.col("category").alias("类别"),
            pl.col("rule_label").alias("问题"),
            pl.col("severity").alias("严重程度"),
            pl.col("findings").alias("条数"),
            pl.col("agencies").alias("单位数"),
        ),
        hide_index=True,
    )
    panels.findings_table(findings.filter(pl.col("responsibility") == "report"))


def repeated(v: int, year: int, peer: str | None) -> None:
    """Pairs of reports whose prose repeats, and one pair's passages side by side."""
    start = int(quality_settings()["copy"]["share_threshold"])  # report.copied's threshold
    threshold = st.slider("重复率不低于（%）", 20, 100, start, step=5, key="repeat_min")
    pairs = data.repeated_reports(v, year, float(threshold), peer)
    if pairs.is_empty():
        st.success(
            f"没有正文重复率达到 {threshold}% 的年报。重复率按去掉模板句、标题和多个单位共用的套话后的正文计算。"
        )
        return
    shown = pairs.with_columns(pl.col("relation").replace_strict(RELATION, default="其他"))
    st.dataframe(
        shown.select(
            pl.col("agency_name").alias("单位"),
            pl.col("relation").alias("比较对象"),
            pl.col("other_agency_name").alias("对方单位"),
            pl.col("other_year").alias("对方年度"),
            pl.col("share").alias("重复率（%）"),
        ),
        hide_index=True,
    )
    names = [
        f"{r['agency_name']} ↔ {r['other_agency_name']} {r['other_year']} 年（{r['share']:g}%）"
        for r in pairs.iter_rows(named=True)
    ]
    pick = st.selectbox(
        "查看重复段落", range(len(names)), format_func=lambda i: names[i], key="repeat_pick"
    )
    row = pairs.row(pick, named=True)
    left, right = st.columns(2)
    left.markdown(f"**{md(row['agency_name'])} {row['year']} 年报**")
    right.markdown(f"**{md(row['other_agency_name'])} {row['other_year']} 年报**")
    passages = queries.passages(row["passages"])
    if not passages:
        st.info("这一对年报的重复分散在短句中，没有整段重复。")
    for p in passages:
        a, b = st.columns(2)
        a.markdown(md_quote(p["this"]))  # the reports' own prose: shown as printed
        b.markdown(md_quote(p["other"]))


def timeliness(v: int, year: int, peer: str | None) -> None:
    """Publication dates by agency kind against the deadline; bunching; the unpublished."""
    by_kind = data.timeliness_by_kind(v, year, peer)
    dates = data.publication_dates(v, year, peer)
    if by_kind.is_empty():
        st.info("名录中没有单位。")
        return
    shown = by_kind.with_columns(pl.col("kind").replace_strict(KIND, default="未分类"))
    st.dataframe(
        shown.select(
            pl.col("kind").alias("单位类型"),
            # a Date, not the Datetime polars widens it to, and no "None" where nothing is dated
            pl.col("deadline").cast(pl.Date).dt.strftime("%Y-%m-%d").alias("法定期限"),
            pl.col("agencies").alias("应发布"),
            pl.col("published_reports").alias("已发布"),
            pl.col("on_time").alias("按时"),
            pl.col("last_days").alias(f"期限前{queries.LAST_DAYS}天内发布"),
            pl.col("last_days_share")
            .round(1)
            .cast(pl.String)
            .fill_null("—")
            .alias(f"期限前{queries.LAST_DAYS}天内占比（%）"),
            pl.col("late").alias("逾期"),
            pl.col("date_unknown").alias("发布日期不明"),
            pl.col("unpublished").alias("未发布"),
            pl.col("median_days_before").cast(pl.String).fill_null("—").alias("提前天数中位数"),
        ),
        hide_index=True,
    )
    signed = dates.filter(pl.col("date_note").is_not_null()).height
    if signed:  # their days late count from the signature (etl.deadlines.counted_date)
        st.caption(f"其中 {signed} 份年报未标明发布日期，按落款日期计。")
    dated = dates.filter(pl.col("days_late").is_not_null())
    if dated.height:
        widgets.light_chart(vega_bars.days_before_deadline(dated, KIND), key="timeliness_hist")
    missing = dates.filter(pl.col("status") == "未发布")
    st.subheader(f"尚未发布（{missing.height} 家）")
    if missing.is_empty():
        st.success("名录中的单位均已发布。")
    else:
        widgets.table(missing.select("agency_name", "kind", "level", "peer_group", "deadline"))
