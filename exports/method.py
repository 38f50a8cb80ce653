"""The 方案说明 sheet: the scheme in words (each indicator's rule, source and policies, the notes
on method that follow from it) and the provenance lines (when, from which database, load and
parser the figures were computed, in words: file names and versions stay out of a signed sheet).
No streamlit; the figures come from the database read-only."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from exports.model import INT, POINTS, TEXT, Column, Table
from queries import labels

KIND_LABELS = labels.SCORE_KINDS
POLICY_LABELS = {
    "reweight": "不计该项，权重按比例分给其余指标",
    "peer_median": "按同组中位数计",
    "zero": "计 0 分",
    None: "",
}
SMALL_LABELS = {"score": "照常计分（仅标记）", "missing": "视同缺数据"}
DIRECTION_LABELS = {"higher": "越高越好", "lower": "越低越好", "none": "—"}


def scheme_notes(scheme, peer_group: str | None, flag_rules: str) -> tuple[str, ...]:
    """The notes on method that follow from the scheme itself (not written by hand)."""
    weighted = "、".join(f"{i.name} {i.weight:g} 分" for i in scheme.indicators if i.weighted)
    return (
        f"计分指标及权重：{weighted}；加分项不占权重，总分不超过 100 分；否决项封顶总分。",
        (
            "各对标组内分别排名，名次只在同组单位之间比较。"
            if peer_group is None
            else f"本表为“{peer_group}”组内排名。"
        )
        + "名次变化与上年同组名次相比，正数为上升。",
        f"预警：{flag_rules.split('规则写在')[0]}",
        "空白表示该单位年报没有此项数据（N/A），不是 0；样本过少不计分、按同组中位数计分、"
        "未发布年报不列指标得分等情况，见该行“计分说明”。",
    )


def rule_text(ind) -> str:
    """The indicator's scoring rule in words, from the scheme's own parameters."""
    from assess.metrics import METRICS

    unit = METRICS[ind.metric].unit if ind.metric else ""
    n = lambda x: f"{x:g}{unit}"  # noqa: E731
    if ind.kind == "linear":
        return f"达到 {n(ind.full)} 得满分，达到 {n(ind.zero)} 得 0 分，之间按比例"
    if ind.kind == "rank":
        return "同组排名：第 1 名得满分，末名得 0 分，之间按名次比例"
    if ind.kind in ("deduction", "bonus"):
        verb = "扣" if ind.kind == "deduction" else "加"
        start = f"超过 {n(ind.above)} 后，" if ind.above else ""
        step = f"每 {n(ind.per)}（不足按一次）" if ind.per != 1 else "每次"
        return f"{start}{step}{verb} {ind.points:g} 分，最多{verb} {ind.cap:g} 分"
    if ind.when == "no_report":
        return f"未发布年报时总分不超过 {ind.cap:g} 分"
    return f"{ind.name} {ind.op} {n(ind.threshold)} 时总分不超过 {ind.cap:g} 分"


def scheme_table(scheme) -> Table:
    from assess.metrics import METRICS

    rows = []
    for n, ind in enumerate(scheme.indicators, 1):
        if ind.source == "manual":
            source = f"人工录入（{labels.MANUAL_INPUTS}）"
        elif ind.metric:
            source = f"{METRICS[ind.metric].name}：{labels.without_rule_ids(METRICS[ind.metric].formula)}"
        else:
            source = "单位名录与已加载年报"
        rows.append(
            {
                "no": n,
                "section": ind.section,
                "name": ind.name,
                "id": ind.id,
                "kind": KIND_LABELS.get(ind.kind, ind.kind),
                "source": source,
                "direction": DIRECTION_LABELS.get(ind.direction, ind.direction),
                "weight": ind.weight if ind.weighted else None,
                "rule": rule_text(ind),
                "missing": POLICY_LABELS.get(ind.missing, ind.missing),
                "small": SMALL_LABELS.get(ind.small_sample, ind.small_sample)
                if ind.weighted
                else "",
            }
        )
    schema = {
        "no": pl.Int64,
        "section": pl.String,
        "name": pl.String,
        "id": pl.String,
        "kind": pl.String,
        "source": pl.String,
        "direction": pl.String,
        "weight": pl.Float64,
        "rule": pl.String,
        "missing": pl.String,
        "small": pl.String,
    }
    frame = pl.DataFrame(rows, schema=schema)
    return Table(
        frame,
        (
            Column("no", "序号", INT),
            Column("section", "板块", TEXT),
            Column("name", "指标", TEXT),
            Column("kind", "评分方式", TEXT),
            Column("weight", "权重（分）", POINTS),
            Column("rule", "评分规则", TEXT),
            Column("missing", "缺数据时", TEXT),
            Column("small", "样本过少时", TEXT),
            Column("direction", "方向", TEXT),
            Column("source", "数据来源与计算方法", TEXT, width=60),
        ),
    )


LAST_RUN_SQL = """
SELECT run_id, started_at, finished_at, parser_version, loaded, unchanged, failed, skipped
FROM load_runs ORDER BY run_id DESC LIMIT 1
"""
YEAR_REPORTS_SQL = """
SELECT count(*) AS reports, string_agg(DISTINCT parser_version, '、' ORDER BY parser_version) AS versions,
       max(loaded_at) AS last_loaded
FROM current_reports WHERE year = $year AND ($peer IS NULL OR peer_group = $peer)
  AND ($home::VARCHAR[] IS NULL OR agency_id IN (SELECT unnest($home::VARCHAR[])))
"""


def about_lines(con, scheme, *, year: int, peer_group: str | None) -> tuple[tuple[str, str], ...]:
    """方案说明 header lines: the scheme's settings and when the figures were computed, in the
    office's words: no file names, database paths or program/parser versions on a signed sheet
    (those go in the file's properties, `build_stamp`)."""
    from etl.scope import home_list

    share = scheme.performance_share
    home = home_list(con)  # the office's province: reference agencies' reports and inputs aside
    manual = "无"
    if scheme.manual_path:
        used = sum(1 for r in scheme.manual if r[1] == year and (home is None or r[0] in home))
        manual = f"{labels.MANUAL_INPUTS} {used} 条（{year} 年度本省单位）"
    lines = [
        ("方案名称", scheme.name),
        ("考核年度", f"{year} 年度（年报发布于 {year + 1} 年）"),
        ("对标组", peer_group or "全部（各对标组内分别排名）"),
        (
            "绩效考核占比",
            f"{share * 100:g}%：绩效折算分 = 总分 × {share:g}（国办发〔2016〕80号 要求不低于 4%）",
        ),
        (
            "满分与权重",
            "百分制，计分指标权重合计 100；加分不占权重、总分不超过 100；否决项封顶总分",
        ),
        (
            "缺数据处理",
            "每个计分指标在方案中明确选择：" + "；".join(v for k, v in POLICY_LABELS.items() if k),
        ),
        ("样本过少", f"比率的分母少于 {scheme.min_cases} 件时标记“样本过少”"),
        ("得分取舍", "各指标得分保留两位小数，合计、折算和总分均由保留后的得分计算"),
        ("人工录入", manual),
        ("计算时间", datetime.now().isoformat(sep=" ", timespec="seconds")),
    ]
    runs = con.sql(LAST_RUN_SQL).fetchall()
    if runs:
        rid, started, finished, _version_, loaded, unchanged, failed, skipped = runs[0]
        lines.append(
            (
                "最近一次加载",
                f"第 {rid} 批，{started:%Y-%m-%d %H:%M} 开始"
                + (f"，{finished:%H:%M} 结束" if finished else "，未完成")
                + f"；新载入 {loaded or 0}、未变 {unchanged or 0}、失败 {failed or 0}、跳过 {skipped or 0}",
            )
        )
    reports, _versions, last = con.sql(
        YEAR_REPORTS_SQL, params={"year": year, "peer": peer_group, "home": home}
    ).fetchall()[0]
    lines.append(
        ("本年度年报", f"{reports} 份" + (f"；最近载入 {last:%Y-%m-%d %H:%M}" if last else ""))
    )
    return tuple(lines)


def build_stamp(con, *, year: int, peer_group: str | None) -> str:
    """The program and parser versions behind the figures, for the file's properties only."""
    from etl.scope import home_list

    params = {"year": year, "peer": peer_group, "home": home_list(con)}
    versions = con.sql(YEAR_REPORTS_SQL, params=params).fetchall()[0][1]
    return f"gongkai {_version()}" + (f"；解析器 {versions}" if versions else "")


def _version() -> str:
    import etl

    return etl.__version__
