"""Domain panels more than one page shows: an agency's headline cards, a findings table, the
printed source behind a number, the score breakdown (no SQL:
everything comes through dashboard.data)."""

from __future__ import annotations

import html
from pathlib import Path

import polars as pl
import streamlit as st

import queries
from dashboard import data, urlstate, vega_bars
from dashboard.safe_text import md
from dashboard.views.cells import fmt
from dashboard.views.widgets import light_chart, scheme_picker, table
from etl.document import place_text
from etl.safe_text import portable_name
from queries import labels

HEADLINE = (
    ("requests", "件", "off"),
    ("completion_rate", "%", "normal"),
    ("disclosure_rate", "%", "normal"),
    ("review_correction_rate", "%", "inverse"),
)


def headline_metrics(
    profile: pl.DataFrame, median: pl.DataFrame | None, year: int, *, own: bool = True
) -> None:
    """Four st.metric cards for `year`, delta vs peer median; without a report of `year`, a
    note saying so (the 评分 tab shows that year's score, so the cards never show another year).

    The arrow colour says good or bad: more requests is neither (grey), a higher correction
    rate is bad (red up), a higher completion rate is good."""
    rows = profile.filter(pl.col("year") == year)
    st.subheader(f"{year} 年度")
    if rows.is_empty():  # one year per view: never another year's cards under this one
        scored = "“评分”按考核方案对未发布年报的规定计分" if own else "参照单位不评分"
        newest = profile["year"].max()
        st.warning(
            f"该单位没有 {year} 年度年报（未发布或未加载）：本年度没有办理数据，{scored}。"
            f"该单位最近一份年报为 {newest} 年度，见下方各年表格，或在侧栏切换年度。",
            icon=":material/event_busy:",
        )
        return
    row = rows.row(0, named=True)
    med = {}
    if median is not None:
        m = median.filter(pl.col("year") == year)
        med = m.row(0, named=True) if m.height else {}
    st.caption("卡片下方为与对标组中位数之差；绿色为较好，红色为较差，灰色表示无好坏之分。")
    cols = st.columns(len(HEADLINE))
    for c, (name, unit, colour) in zip(cols, HEADLINE):
        value, ref = row.get(name), med.get(name)
        diff = None if value is None or ref is None else value - ref
        same = diff is not None and abs(diff) < 0.05
        text = (
            None
            if diff is None
            else (
                "与中位数持平"
                if same
                else f"{diff:+.1f}{'个百分点' if unit == '%' else ' ' + unit}"
            )
        )
        c.metric(
            labels.col(name),
            fmt(value, unit),
            text,
            delta_color="off" if same else colour,
            help=labels.metric_help(name),
            border=True,
        )
    late = row.get("days_late")
    if late is not None and late > 0:
        st.error(
            f"年报逾期 {late} 天发布（{_date_words(row)}，法定期限 {row['deadline']}）。",
            icon=":material/schedule:",
        )


def _date_words(row: dict) -> str:
    """The date days late count from, as said beside them: 按落款日期计 when it is the signature's."""
    if row.get("date_note"):
        return f"落款日期 {row['published']}，{row['date_note']}"
    return f"发布日期 {row['published']}"


# The columns of a findings table, in the order people read them (file before the long texts).
FINDING_COLUMNS = (
    "agency_name",
    "responsibility_label",
    "category_label",
    "place_label",
    "severity",
    "rule_label",
    "expected",
    "actual",
    "difference",
    "source_path",
    "cells",
    "message",
)


def findings_table(df: pl.DataFrame, *, key: str | None = None) -> None:
    if df.is_empty():
        st.success("没有数据质量问题。")
        return
    table(df.select("year", *FINDING_COLUMNS), key=key)


def location_text(loc: dict) -> str:
    """A value's place in the file for people (the one renderer, etl.document.place_text)."""
    return place_text(loc) or "—"


def source_view(v: int, report_id: int, key: str) -> None:
    """The printed cell or sentence behind one number, with the lines around it highlighted,
    the file and page, and the original file to download."""
    src = data.value_source(v, report_id, key)
    if src.is_empty():
        st.info("没有找到这个数值的原文。")
        return
    row = src.row(0, named=True)
    loc = queries.location(row["location"])
    file = queries.resolve(row["source_path"], data.ROOT)
    original = Path(row["source_path"] or "")
    # the saved name is the agency's text: no right-to-left override or control character in it
    suffix = portable_name(original.suffix.lstrip("."), 16) if original.suffix else ""
    name = portable_name(original.stem) + (f".{suffix}" if suffix else "")
    c1, c2 = st.columns([1, 2])
    value = row["value"]
    as_read = (
        "—" if value is None else f"{value:,.4f}".rstrip("0").rstrip(".")
    )  # 1.5889 stays 1.5889
    printed = row["raw"] if row["source"] == "table" and row["raw"] else as_read
    c1.metric(labels.key_label(key), md(printed))  # a metric's value renders Markdown
    c2.markdown(
        f"**文件**：{md(name)}　**位置**：{md(location_text(loc))}　"
        f"**来源**：{labels.SOURCE_LABELS.get(row['source'], '—')}"
        f"　**模板**：{labels.TEMPLATE_LABELS.get(row['template'], '—')}"
    )
    if row["blank"]:
        c2.caption("原文为空白或“/”“—”“无”，按规定计为 0。")
    st.caption("年报原文（按原样显示）")
    st.code(row["raw"] or "（空白）", language=None, wrap_lines=True)
    lines = data.marked_context(str(file), data.file_mtime(str(file)), loc) if file else []
    if lines:
        st.caption(
            "在年报中的位置（上下各三行；黄色为该数值所在行，红框为该数值所在的单元格）"
            if loc.get("col") is not None
            else "在年报中的位置（上下各三行，黄色为该数值所在行）"
        )
        st.html(context_html(lines))
    if file is not None:
        st.download_button(
            "下载年报原件",
            file.read_bytes,  # read on the click, not on every run of the tab
            file_name=name,
            key="orig_file",
            on_click="ignore",
            icon=":material/description:",
        )
    else:
        st.caption("年报原件不在本机（只保存了数值和位置）。")


LINE_STYLE = ("color:#444", "background:#fff4d6;font-weight:600;border-left:4px solid #e6a700")
CELL_STYLE = "outline:3px solid #c62828;outline-offset:1px;background:#ffe0e0;padding:0 4px"


def context_html(lines: list[tuple[list[tuple[str, bool]], bool]]) -> str:
    """The printed lines around a value, escaped; its line yellow, its own cell boxed in red."""
    rows = []
    for cells, hit in lines:
        parts = [
            f"<span style='{CELL_STYLE}' title='该数值所在单元格'>{html.escape(t)}</span>"
            if mark
            else html.escape(t)
            for t, mark in cells
        ]
        rows.append(f"<div style='padding:2px 8px;{LINE_STYLE[hit]}'>{' | '.join(parts)}</div>")
    return (
        "<div style='font-size:14px;line-height:1.9;border:1px solid #ddd;border-radius:6px'>"
        + "".join(rows)
        + "</div>"
    )


def source_picker(v: int, profile: pl.DataFrame) -> None:
    """Pick a year and a number of that report; show where it is printed (URL: ?src_year, ?src_key)."""
    years = profile["year"].to_list()[::-1]
    c1, c2 = st.columns([1, 3])
    y = urlstate.select(
        c1,
        "年度",
        years,
        key="src_year",
        param="src_year",
        parse=int,
        format_func=lambda y: f"{y} 年度",
        placeholder="请选择年度",
        what="原文年度",
    )
    report_id = profile.filter(pl.col("year") == y)["report_id"][0]
    keys = data.report_keys(v, report_id)
    if keys.is_empty():
        st.info("该报告没有数值。")
        return
    options = dict(zip(keys["key"], keys["label"]))
    key = urlstate.select(
        c2,
        "数值",
        list(options),
        key="src_key",
        param="src_key",
        format_func=lambda k: options[k],
        placeholder="请选择要查看原文的数值",
        what="数值",
    )
    source_view(v, report_id, key)


def score_breakdown(v: int, year: int, agency_id: str) -> None:
    """Points per indicator and the deductions behind them (assess.score); for a unit without
    a report of the year, its veto and 总分 alone, as the export's 扣分明细 lists it."""
    _, path = scheme_picker()
    try:
        breakdown, deductions = data.score_detail(v, year, path, agency_id)
    except data.AssessUnavailable as exc:
        st.error(f"无法计算评分：{md(exc)}")
        return
    if breakdown.is_empty():
        st.info(_unscored_reason(v, year, agency_id))
        return
    if (breakdown["score_kind"] == "veto").all():  # no report: the veto alone, no indicator
        reasons = "；".join(breakdown["reason"].drop_nulls().unique(maintain_order=True))
        st.warning(f"{year} 年度未发布年报，不列指标得分。{md(reasons)}。", icon=":material/block:")
        st.markdown("**总分计算**")
        table(data.score_steps(v, year, path, agency_id))
        return
    light_chart(vega_bars.indicator_breakdown(breakdown), key="breakdown")
    table(breakdown.drop("unit"))
    st.markdown("**总分计算**（各指标原始得分 → 折算 → 加分、否决 → 总分）")
    table(data.score_steps(v, year, path, agency_id))
    st.markdown("**扣分明细**")
    if deductions.is_empty():
        st.caption("没有扣分。")
    else:
        table(
            deductions.rename({"source": "deduction_source"})
            if "source" in deductions.columns
            else deductions
        )


def _unscored_reason(v: int, year: int, agency_id: str) -> str:
    """Why an agency has no score in `year`: outside the office's assessment (a reference unit
    of another province, or a name not yet confirmed in the 单位名录), published or not; else
    no report of that year."""
    home = data.home_agencies(v)
    if home is None or agency_id in home:
        return f"{year} 年度该单位没有评分：没有已加载的 {year} 年度年报。"
    listed = data.agencies(v).filter(pl.col("agency_id") == agency_id)
    if listed.height and not listed["confirmed"][0]:
        return (
            f"{year} 年度没有评分：该单位名称尚未在单位名录中确认（可能是误写或新单位），"
            "确认前不参加本办考核排名。"
        )
    return f"{year} 年度没有评分：该单位是其他省份的参照单位，不参加本办考核排名，年报仅供参照。"


def continuity_note(profile: pl.DataFrame) -> None:
    """Next to charts that cross the 2019 template change: what each series means on each side."""
    caveats = queries.continuity_caveats(profile)
    if not caveats.is_empty():
        with st.expander("跨模板口径说明：2019 年前为旧版统计表，之后为新版表三/表四"):
            table(caveats)
