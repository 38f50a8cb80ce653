"""Gather the frames of an assessment export from the query layer (no streamlit).

The 汇总 rows are `queries.ranking` for the same year, scheme and peer group the
dashboard shows, with columns selected and headed in Chinese, never recomputed; deductions,
findings and per-agency detail come from the query layer too (deductions from assess.score
until the query layer has them). The 方案说明 sheet (the scheme in words, the provenance
lines) is exports/method.py.
"""

from __future__ import annotations

from datetime import date

import polars as pl

import queries
from exports.method import KIND_LABELS, about_lines, build_stamp, scheme_notes, scheme_table
from exports.model import DELTA, INT, NUMBER, PERCENT, POINTS, TEXT, AssessmentExport, Column, Table
from exports.office import OfficeSettings, load_office
from exports.row_notes import scoring_notes, with_date_notes
from queries import labels
from workflow.problems import for_agency

UNIT_KINDS = {"%": PERCENT, "件": INT, "条": INT, "天": INT, "": INT}


def gather(
    con,
    *,
    year: int,
    scheme,
    peer_group: str | None = None,
    per_agency: bool = False,
    assessment=None,
    prev_assessment=None,
    office: OfficeSettings | None = None,
    issued: date | None = None,
) -> AssessmentExport:
    """Everything an export of `year` under `scheme` (path or loaded Scheme) shows; the issuing
    office, signatures and method notes from data/office.toml (exports.office.load_office).

    The year is scored once (`assessment`, or one run taken here; `prev_assessment` for last
    year's ranks) and every table, the per-agency sheets included, is a filter of that run.
    """
    from assess import flags
    from assess.scheme import Scheme, load_scheme

    scheme = scheme if isinstance(scheme, Scheme) else load_scheme(scheme)
    office = office or load_office()
    run = assessment or queries.year_assessment(con, year=year, scheme=scheme)
    ranking = queries.ranking(
        con,
        year=year,
        scheme=scheme,
        peer_group=peer_group,
        assessment=run,
        prev_assessment=prev_assessment,
    ).join(scoring_notes(run.indicators, scheme.min_cases), on="agency_id", how="left")
    ranking = with_date_notes(ranking)
    agencies = {}
    if per_agency:
        for agency_id, name in ranking.select("agency_id", "agency_name").iter_rows():
            key = name if name not in agencies else f"{name}（{agency_id}）"
            agencies[key] = agency_table(
                con, year=year, scheme=scheme, agency_id=agency_id, assessment=run
            )
    return AssessmentExport(
        year=year,
        scheme_name=scheme.name,
        peer_group=peer_group,
        summary=summary_table(ranking, scheme, sections=peer_group is None),
        deductions=deductions_table(ranking, run, scheme=scheme),
        quality=quality_table(con, year=year, peer_group=peer_group),
        scheme=scheme_table(scheme),
        about=about_lines(con, scheme, year=year, peer_group=peer_group),
        build=build_stamp(con, year=year, peer_group=peer_group),
        agencies=agencies,
        performance_share=scheme.performance_share,
        office=office,
        issued=issued or date.today(),
        notes=(
            *office.method_notes,
            *scheme_notes(scheme, peer_group, flags.describe(flags.rules_from_toml(scheme.path))),
        ),
    )


def value_kind(indicator) -> str:
    from assess.metrics import METRICS

    if indicator.metric is None:
        return NUMBER
    return UNIT_KINDS.get(METRICS[indicator.metric].unit, NUMBER)


def summary_columns(ranking: pl.DataFrame, scheme, *, sections: bool = False) -> tuple[Column, ...]:
    """排名, 单位, (对标组), every indicator's value and points (an indicator no unit has data for
    stays, its cells empty: the sheet shows the whole scheme), then how they add up — 原始得分合计,
    有数据权重, 折算后得分 (×100/有数据权重), 加分, 否决 — and 总分, 绩效折算分, 名次变化, 预警. With
    `sections` the peer group is the section heading, not a column."""
    share = f"{scheme.performance_share * 100:g}%"
    cols = [Column("rank", "排名", INT), Column("agency_name", "单位", TEXT)]
    if not sections:
        cols.append(Column("peer_group", "对标组", TEXT))
    for ind in scheme.indicators:
        if ind.kind == "veto":
            continue  # a cap on the total, not a column: the vetoes that fired are in 否决
        if f"{ind.id}.value" in ranking.columns:
            cols.append(Column(f"{ind.id}.value", "数值", value_kind(ind), group=ind.name))
        if f"{ind.id}.points" in ranking.columns:
            cols.append(Column(f"{ind.id}.points", f"得分/{ind.weight:g}", POINTS, group=ind.name))
    steps = [
        Column("raw_points", "原始得分合计", POINTS, group="总分计算"),
        Column("weight_present", "有数据权重", NUMBER, group="总分计算"),
        Column("scaled_points", "折算后得分", POINTS, group="总分计算"),
        Column("bonus_points", "加分", POINTS, group="总分计算"),
        Column("vetoes", "否决", TEXT, group="总分计算"),
    ]
    cols += [c for c in steps if c.key in ranking.columns]
    cols += [
        Column("score", "总分", POINTS),
        Column("contribution", f"绩效折算分（占{share}）", POINTS),
        Column("rank_change", "名次变化", DELTA),
    ]
    if "flag" in ranking.columns:
        cols.append(Column("flag_label", "预警", TEXT))
    if "flags" in ranking.columns:
        cols.append(Column("flags", "预警说明", TEXT))
    if "scoring_note" in ranking.columns:  # exports.row_notes: what a row's blanks mean
        cols.append(Column("scoring_note", "计分说明", TEXT))
    return tuple(cols)


def summary_table(ranking: pl.DataFrame, scheme, *, sections: bool = False) -> Table:
    """The 汇总 rows; a unit without a report shows no indicator values or points, nor the sums,
    weight and bonus made of them, beside its 总分 (its 计分说明 and 否决 say why)."""
    per_indicator = [
        c for c in ranking.columns if c.endswith((".value", ".points", ".small_sample"))
    ] + [
        c
        for c in ("raw_points", "weight_present", "scaled_points", "bonus_points")
        if c in ranking.columns
    ]
    late = queries.late_value_columns(scheme, ranking.columns)
    ranking = ranking.with_columns(
        pl.col(c).clip(lower_bound=0) for c in late
    )  # early is not "−55 days late"
    frame = ranking.with_columns(
        [
            pl.when(pl.col("missing").fill_null(False)).then(None).otherwise(pl.col(c)).alias(c)
            for c in per_indicator
        ]
        + (
            [
                pl.col("flag")
                .replace_strict({"red": "红", "amber": "黄"}, default="")
                .alias("flag_label")
            ]
            if "flag" in ranking.columns
            else []
        )
    )
    return Table(
        frame,
        summary_columns(frame, scheme, sections=sections),
        section="peer_group" if sections else None,
    )


DEDUCTION_COLUMNS = (
    Column("peer_group", "对标组", TEXT),
    Column("rank", "排名", INT),
    Column("agency_name", "单位", TEXT),
    Column("indicator_name", "指标", TEXT),
    Column("points", "扣分（负数为加分）", POINTS),
    Column("reason", "原因", TEXT),
    Column("source", "数据来源", TEXT),
)


def deductions_table(ranking: pl.DataFrame, assessment, *, scheme) -> Table:
    """Every deduction (and bonus, veto, dropped indicator) of the ranked agencies, with its
    reason and source, from the same scoring run as the ranking; a unit without a report has
    its veto line only, no points (queries.signed_deductions), as its 汇总 row and its page."""
    who = ranking.select("agency_id", "agency_name", "peer_group", "rank")
    found = queries.signed_deductions(assessment).join(
        who.select("agency_id"), on="agency_id", how="semi"
    )
    order = {ind.id: n for n, ind in enumerate(scheme.indicators)}
    frame = (
        found.join(who, on="agency_id", how="inner")  # the province's units, as ranked
        .with_columns(
            pl.col("indicator").replace_strict(order, default=len(order)).alias("_ord"),
            pl.col("source").map_elements(labels.source_text, return_dtype=pl.String),
        )
        .sort("peer_group", "rank", "agency_name", "_ord", nulls_last=True)
    )
    return Table(frame, DEDUCTION_COLUMNS)


QUALITY_COLUMNS = (
    Column("agency_name", "单位", TEXT),
    Column("peer_group", "对标组", TEXT),
    Column("severity_label", "级别", TEXT),
    Column("rule_label", "问题", TEXT),
    Column("cells", "涉及单元格", TEXT),
    Column("expected", "应为", INT),
    Column("actual", "实为", INT),
    Column("difference", "差额", INT),
    Column("message", "说明", TEXT),
    Column("responsibility_label", "归属", TEXT),  # 报告问题 / 需人工核对 / 名录待核实 …
)


def quality_table(con, *, year: int, peer_group: str | None) -> Table:
    """The year's data-quality findings, grouped by agency (errors first within an agency)."""
    found = queries.findings(con, year=year, peer_group=peer_group)
    rank = {"error": 0, "warning": 1}
    frame = (
        found.with_columns(
            pl.col("severity")
            .replace_strict(labels.SEVERITY, default=pl.col("severity"))
            .alias("severity_label"),
            pl.col("severity").replace_strict(rank, default=2).alias("_sev"),
        )
        .sort("agency_name", "_sev", "rule", nulls_last=True, maintain_order=True)
        .with_columns(  # a sheet the office files: no file names, paths or registry codes
            pl.col("message").map_elements(for_agency, return_dtype=pl.String)
        )
    )
    numbers = [c for c in ("expected", "actual", "difference") if frame.schema[c].is_numeric()]
    whole = all(
        bool((frame[c].drop_nulls().round(0) == frame[c].drop_nulls()).all()) for c in numbers
    )
    columns = (
        QUALITY_COLUMNS
        if whole
        else tuple(
            Column(c.key, c.header, NUMBER) if c.key in numbers else c for c in QUALITY_COLUMNS
        )
    )
    return Table(frame, columns)


AGENCY_COLUMNS = (
    Column("indicator", "指标", TEXT),
    Column("score_kind_label", "评分方式", TEXT),
    Column("weight", "权重", POINTS),
    Column("value", "数值", NUMBER),
    Column("unit", "单位", TEXT),
    Column("points", "得分", POINTS),
    Column("lost", "扣分", POINTS),
    Column("small_sample", "样本过少", TEXT),
    Column("reason", "说明", TEXT),
)


def agency_table(con, *, year: int, scheme, agency_id: str, assessment=None) -> Table:
    """One agency's points per indicator, as the dashboard's drill-down shows them, then the
    lines that take them to 总分 (Σ raw points, ×100/W scaling, bonus); a fired veto is once
    among the indicators, with its reason (for a unit without a report, the only line)."""
    breakdown, _ = queries.score_detail(
        con, year=year, scheme=scheme, agency_id=agency_id, assessment=assessment
    )
    steps = queries.score_steps(
        con, year=year, scheme=scheme, agency_id=agency_id, assessment=assessment
    ).filter(pl.col("item") != "否决")  # each fired veto is already a line of the breakdown
    steps = steps.select(
        pl.col("item").alias("indicator"), "points", pl.col("note").alias("reason")
    )
    frame = breakdown.with_columns(
        pl.col("score_kind")
        .replace_strict(KIND_LABELS, default=pl.col("score_kind"))
        .alias("score_kind_label"),
        pl.when(pl.col("small_sample"))
        .then(pl.lit("是"))
        .otherwise(pl.lit(""))
        .alias("small_sample"),
    )
    if not frame.is_empty():
        frame = pl.concat([frame, steps], how="diagonal_relaxed")
    return Table(frame, AGENCY_COLUMNS)
