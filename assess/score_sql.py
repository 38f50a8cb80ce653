"""The scoring query: one DuckDB statement from metric values to ranked totals, long form.

One row per (agency, indicator) of the requested year, with the agency's total, rank and rank
change repeated on each row; assess.score reshapes it. The scheme enters as bound list
parameters (unnested into a table), never as SQL text, so the statement is the same for every
scheme with the same metrics. The previous year is computed in the same pass for rank change.

Points per weighted indicator (weight W, value v after the missing-data policy):
  linear     W * clamp((v - zero) / (full - zero), 0, 1)          (direction follows full/zero)
  rank       W * (n - rank) / (n - 1) within the peer group, rank 1 = best, ties share the min
             rank, a group of one gets W
  deduction  W - min(cap, points * events), events = max(0, ceil((v - above) / per))
A missing value: 'zero' -> 0 points; 'peer_median' -> the peer group's median value (when no
peer has one, the indicator is dropped as for 'reweight'); 'reweight' -> dropped, and the
agency's points are scaled by 100 / (weight still present). Then bonus (capped per indicator)
is added, the total is clipped to 0..100, and a triggered veto caps it.

Rounding happens here and only here, to the cent (what every sheet and page prints): each
indicator's points and bonus are rounded first, raw_points is the sum of the rounded points,
scaled_points = round(raw_points × 100 / W, 2) and the total is scaled_points + bonus, clipped
and capped, so the printed parts add up to the printed sums.
"""

from __future__ import annotations

from assess.metric_sql import metric_wide_sql


def _n(expr: str) -> str:
    """A number as short text: 2 decimals with trailing zeros removed."""
    return f"regexp_replace(printf('%.2f', CAST({expr} AS DOUBLE)), '\\.?0+$', '')"


_IND_COLS = (
    ("indicator", "VARCHAR"),
    ("ind_name", "VARCHAR"),
    ("kind", "VARCHAR"),
    ("src", "VARCHAR"),
    ("metric", "VARCHAR"),
    ("unit", "VARCHAR"),
    ("sign", "DOUBLE"),
    ("weight", "DOUBLE"),
    ("policy", "VARCHAR"),
    ("small", "VARCHAR"),
    ("full_at", "DOUBLE"),
    ("zero_at", "DOUBLE"),
    ("points_each", "DOUBLE"),
    ("cap", "DOUBLE"),
    ("above", "DOUBLE"),
    ("per", "DOUBLE"),
    ("when_", "VARCHAR"),
    ("op", "VARCHAR"),
    ("thr", "DOUBLE"),
    ("ord", "INTEGER"),
)
_MAN_COLS = (
    ("agency_id", "VARCHAR"),
    ("year", "INTEGER"),
    ("indicator", "VARCHAR"),
    ("value", "DOUBLE"),
)


def _unnest(prefix: str, cols) -> str:
    return ", ".join(f"unnest(${prefix}{c}::{t}[]) AS {c}" for c, t in cols)


def _late(expr: str) -> str:
    """Days late in words: a negative count is an early publication (提前 55 天发布), never
    「-55天」, which a reader takes for a typo or a lateness."""
    return f"""(CASE WHEN {expr} < 0 THEN '提前 ' || {_n(f"-({expr})")} || ' 天发布'
        WHEN {expr} = 0 THEN '按期发布' ELSE '逾期 ' || {_n(expr)} || ' 天发布' END)"""


def _texts() -> str:
    """The scheme's indicators with the fixed fragments of their reasons (the scheme's numbers
    formatted once per indicator instead of once per agency row)."""
    return f"""SELECT *,
    '，总分上限 ' || {_n("cap")} || ' 分' AS t_veto_cap,
    ' ' || op || ' ' || {_n("thr")} AS t_veto_op,
    ' 项 × ' || {_n("points_each")} || ' 分' AS t_per_item,
    ' 次 × ' || {_n("points_each")} || ' 分' AS t_per_event,
    '，封顶 ' || {_n("cap")} || ' 分' AS t_capped,
    '权重 ' || {_n("weight")} || ' 分按比例分给其余指标' AS t_reweighted,
    '（满分线 ' || {_n("full_at")} || '，零分线 ' || {_n("zero_at")} || '）' AS t_linear
  FROM ind"""


def _reason() -> str:
    """Why the points: x = the agency's row of pts, t = its indicator (with _texts() fragments).

    One line says one thing about the value: a value, 无数据, or a value from too few cases that
    the scheme does not count (small_sample = 'missing'); then, if so, the peer median it was
    scored at instead, or the reweighting."""
    raw = f"CASE WHEN t.metric = 'days_late' THEN {_late('x.raw_value')} ELSE {_n('x.raw_value')} || t.unit END"
    too_few = (
        f"'样本仅 ' || {_n('x.cases')} || ' 件（不足 ' || CAST($min_cases AS VARCHAR) || ' 件）'"
    )
    uncounted = "x.small_sample AND t.small = 'missing' AND x.raw_value IS NOT NULL"
    value = f"""CASE
        WHEN x.imputed THEN CASE WHEN {uncounted} THEN {raw} || '，' || {too_few} || '，不采用'
                                 ELSE '无数据' END
             || '；按同组中位数 ' || CASE WHEN t.metric = 'days_late' THEN {_late("x.v")}
                                     ELSE {_n("x.v")} || t.unit END || ' 计'
        ELSE coalesce({raw}, 'N/A') END"""
    flagged = (
        f"CASE WHEN x.small_sample AND t.small <> 'missing' THEN '（样本仅 ' || {_n('x.cases')}"
        " || ' 件，不足 ' || CAST($min_cases AS VARCHAR) || ' 件，照常计分）' ELSE '' END"
    )
    capped = "CASE WHEN t.points_each * x.events > t.cap THEN t.t_capped ELSE '' END"
    return f"""CASE
      WHEN t.kind = 'veto' THEN '否决：' || CASE WHEN t.when_ = 'no_report' THEN '未发布年报'
           ELSE t.ind_name || ' ' || {value} || t.t_veto_op END || t.t_veto_cap
      WHEN t.kind = 'bonus' THEN '加分：' || t.ind_name || ' ' || {_n("x.events")} || t.t_per_item || {capped}
      WHEN x.points IS NULL AND {uncounted} THEN t.ind_name || ' ' || {raw} || '：' || {too_few}
           || '，不计分，' || t.t_reweighted
      WHEN x.points IS NULL THEN t.ind_name || '：无数据（N/A），' || t.t_reweighted
      WHEN x.v IS NULL THEN t.ind_name || '：无数据，按零分计'
      WHEN t.kind = 'linear' THEN t.ind_name || ' ' || {value} || t.t_linear
      WHEN t.kind = 'rank' THEN t.ind_name || ' ' || {value} || '，同组 ' || x.v_n || ' 家中第 '
           || x.v_rank || ' 名'
      WHEN x.events = 0 THEN t.ind_name || ' ' || {value}
           || CASE WHEN t.metric = 'days_late' AND x.v <= 0 THEN '，未逾期' ELSE '' END || '：不扣分'
      ELSE t.ind_name || ' ' || {value} || '：' || {_n("x.events")} || t.t_per_event || {capped}
    END || {flagged}"""


def _metric_pick(metric_ids: list[str], what: str) -> str:
    """The report's value (or cases) of the indicator's metric, from its wide row in mv."""
    whens = " ".join(f"WHEN '{m}' THEN mv.\"{what}:{m}\"" for m in metric_ids)
    return f"(CASE i.metric {whens} END)" if whens else "NULL::DOUBLE"


# The statement is one query (DuckDB plans its CTEs together), written as named stages that feed
# each other in order: inputs -> scope -> values (imputation) -> points -> totals and ranks ->
# the long result. Each stage below is the text of its CTEs; scoring_sql joins them.


def _input_ctes(metrics: str) -> str:
    """ind (the indicators), man (the manual inputs), mv (one wide row of metric values per report)."""
    return f"""ind AS (SELECT {_unnest("i", _IND_COLS)}),
man AS (SELECT {_unnest("m", _MAN_COLS)}),
mv AS MATERIALIZED ({metrics})"""


def _scope_ctes() -> str:
    """scope0/scope: the agencies scored, with their report of the year and of the year before."""
    return """scope0 AS (
  SELECT y.year, a.agency_id, a.name AS agency_name, coalesce(a.peer_group, '未分组') AS peer_group,
         r.report_id, r.template, r.report_id IS NULL AS missing
  FROM (SELECT unnest([$year, $year - 1]) AS year) y CROSS JOIN agencies a
  LEFT JOIN current_reports r ON r.agency_id = a.agency_id AND r.year = y.year
  WHERE (a.confirmed OR r.report_id IS NOT NULL)
    AND ($home::VARCHAR[] IS NULL OR a.agency_id IN (SELECT unnest($home::VARCHAR[])))
    AND ($peer IS NULL OR coalesce(a.peer_group, '未分组') = $peer)),
scope AS MATERIALIZED (
  SELECT * FROM scope0
  WHERE year = $year OR peer_group IN (SELECT peer_group FROM scope0 WHERE year = $year - 1 AND NOT missing))"""


def _value_ctes(metric_ids: list[str]) -> str:
    """iv/iv2/med/iv4: each agency × indicator value, small samples, the peer-median imputation."""
    return f"""iv AS (
  SELECT s.year, s.agency_id, s.peer_group, s.missing,
         i.* EXCLUDE (indicator, ind_name, src, metric, unit),
         CASE WHEN i.src = 'manual' THEN man.value ELSE {_metric_pick(metric_ids, "value")} END AS raw_value,
         {_metric_pick(metric_ids, "cases")} AS cases,
         coalesce({_metric_pick(metric_ids, "value")} IS NOT NULL
                  AND {_metric_pick(metric_ids, "cases")} < $min_cases, false) AS small_sample
  FROM scope s LEFT JOIN mv ON mv.report_id = s.report_id CROSS JOIN ind i
  LEFT JOIN man ON man.agency_id = s.agency_id AND man.year = s.year AND man.indicator = i.indicator),
iv2 AS MATERIALIZED (
  SELECT *, CASE WHEN small_sample AND small = 'missing' THEN NULL ELSE raw_value END AS value_used FROM iv),
med AS (  -- has_value counts every value of the group, so `imputed` stays NULL (not false) for a
           -- bonus/veto row without a value in a group where others have one, as it always was
  SELECT year, ord, peer_group, median(value_used) FILTER (WHERE policy = 'peer_median') AS peer_med,
         count(value_used) > 0 AS has_value
  FROM iv2 GROUP BY year, ord, peer_group),
iv4 AS MATERIALIZED (
  SELECT iv2.*, (value_used IS NULL AND policy = 'peer_median' AND has_value) AS imputed,
         CASE WHEN value_used IS NULL AND policy = 'peer_median' THEN peer_med ELSE value_used END AS v
  FROM iv2 LEFT JOIN med USING (year, ord, peer_group))"""


def _points_ctes(ops: str) -> str:
    """rk/iv5/pts: ranks within the peer group, events, points, bonus and veto per indicator."""
    return f"""rk AS (
  SELECT year, agency_id, ord,
         rank() OVER (PARTITION BY year, ord, peer_group ORDER BY v * sign DESC) AS v_rank,
         count(*) OVER (PARTITION BY year, ord, peer_group) AS v_n
  FROM iv4 WHERE kind = 'rank' AND v IS NOT NULL),
iv5 AS (
  SELECT iv4.*, rk.v_rank, rk.v_n,
    CASE WHEN v IS NOT NULL AND kind IN ('deduction', 'bonus')
         THEN greatest(0, ceil((v - above) / per)) END AS events
  FROM iv4 LEFT JOIN rk USING (year, agency_id, ord)),
pts AS MATERIALIZED (
  SELECT year, agency_id, ord, raw_value, cases, small_sample, imputed, v, v_rank, v_n, events,
    round(CASE
      WHEN kind IN ('bonus', 'veto') THEN NULL
      WHEN v IS NULL THEN CASE WHEN policy = 'zero' THEN 0.0 END
      WHEN kind = 'linear' THEN weight * greatest(0.0, least(1.0, (v - zero_at) / (full_at - zero_at)))
      WHEN kind = 'rank' THEN weight * CASE WHEN v_n <= 1 THEN 1.0 ELSE (v_n - v_rank) / (v_n - 1.0) END
      ELSE weight - least(cap, points_each * events)
    END, 2) AS points,
    round(CASE WHEN kind = 'bonus' AND events > 0 THEN least(cap, points_each * events) ELSE 0.0 END, 2)
      AS bonus,
    kind = 'veto' AND coalesce(CASE WHEN when_ = 'no_report' THEN missing ELSE CASE op {ops} END END,
                                false) AS vetoed,
    weight, cap
  FROM iv5)"""


def _total_ctes() -> str:
    """tot/tot2/ranked/ranked2/cur: totals scaled and clipped, ranks, the previous year."""
    return """tot AS (
  SELECT year, agency_id, sum(points) AS got, sum(weight) FILTER (WHERE points IS NOT NULL) AS avail,
         sum(bonus) AS bonus_sum, min(cap) FILTER (WHERE vetoed) AS veto_cap
  FROM pts GROUP BY year, agency_id),
tot1 AS (  -- the printed figures: Σ of the cent-rounded points, then ×100/W rounded once
  SELECT *, round(got, 2) AS raw_points,
         CASE WHEN avail > 0 THEN round(round(got, 2) * 100.0 / avail, 2) ELSE 0.0 END AS scaled_points
  FROM tot),
tot2 AS (
  SELECT *, round(greatest(0.0, least(100.0, scaled_points + bonus_sum)), 2) AS before_veto FROM tot1),
ranked AS (
  SELECT s.*, round(least(t.before_veto, coalesce(t.veto_cap, 100.0)), 2) AS total, t.before_veto,
         coalesce(t.avail, 0) AS weight_present, t.raw_points, t.scaled_points
  FROM scope s JOIN tot2 t USING (year, agency_id)),
ranked2 AS MATERIALIZED (
  SELECT *, rank() OVER (PARTITION BY year, peer_group ORDER BY total DESC) AS rank,
         count(*) OVER (PARTITION BY year, peer_group, total) > 1 AS tied,
         count(*) OVER (PARTITION BY year, peer_group) AS group_size,
         bool_or(NOT missing) OVER (PARTITION BY year, peer_group) AS group_has_reports
  FROM ranked),
cur AS (
  SELECT c.*, round(c.total * $share, 4) AS contribution,
         CASE WHEN p.group_has_reports THEN p.rank END AS prev_rank,
         CASE WHEN p.group_has_reports THEN p.total END AS prev_total,
         row_number() OVER (ORDER BY c.peer_group, c.rank, c.agency_id) AS pos
  FROM ranked2 c LEFT JOIN ranked2 p
    ON p.agency_id = c.agency_id AND p.year = c.year - 1 AND p.peer_group = c.peer_group
  WHERE c.year = $year)"""


def _result_select() -> str:
    """txt and the final SELECT: the long rows with their reasons and sources."""
    return f"""txt AS ({_texts()})
SELECT c.year, c.agency_id, c.agency_name, c.peer_group, c.report_id, c.template, c.missing,
       c.total, c.contribution, c.rank, c.tied, c.group_size, c.prev_rank,
       c.prev_rank - c.rank AS rank_change, c.prev_total, c.weight_present,
       c.raw_points, c.scaled_points,
       t.indicator, t.ind_name AS indicator_name, t.kind, t.weight, t.unit, x.raw_value AS value,
       x.cases, x.small_sample, x.imputed, x.v AS value_scored, x.events, x.points, x.bonus, x.vetoed,
       CASE WHEN t.kind = 'veto' THEN CASE WHEN x.vetoed THEN c.before_veto - c.total ELSE 0.0 END
            WHEN t.kind = 'bonus' THEN 0.0 - x.bonus
            ELSE coalesce(t.weight - x.points, 0.0) END AS lost,
       x.points IS NULL AND t.kind NOT IN ('bonus', 'veto') AS dropped,
       {_reason()} AS reason,
       CASE WHEN t.src = 'manual' THEN 'manual:' || $manual_name
            WHEN t.kind = 'veto' AND t.when_ = 'no_report' THEN 'registry'
            WHEN c.report_id IS NULL THEN 'registry (no report)'
            ELSE 'report ' || c.report_id || ' · metric ' || t.metric END AS source
FROM cur c JOIN pts x ON x.agency_id = c.agency_id AND x.year = c.year
JOIN txt t ON t.ord = x.ord
ORDER BY c.pos, x.ord"""


def scoring_sql(metric_ids: list[str], values: str = "current_values") -> str:
    """The statement; parameters: year, peer, home, min_cases, share, manual_name, i*/m* lists.

    `home`: the agency ids of the office's province (etl.scope); NULL = every agency.

    Speed (5,000 agencies × 13 indicators × 2 years): the metric inputs are pivoted once, only
    for the keys the scheme's metrics read and only for the two years, into one row per report
    (mv); the rows of the agency × indicator pipeline carry numbers and the indicator's position
    (ord), not its texts, which are joined back once at the end; peer medians and ranks are
    grouped aggregates / windows over just the rows that need them, not windows over every wide
    row; the previous year is scored only in peer groups that have a report that year (elsewhere
    prev_rank is NULL anyway).
    """
    years = "($year, $year - 1)"
    metrics = (
        metric_wide_sql(years, metric_ids, values)
        if metric_ids
        else ("SELECT NULL::BIGINT AS report_id WHERE false")
    )
    ops = " ".join(
        f"WHEN '{o}' THEN raw_value {'=' if o == '==' else o} thr"
        for o in (">", ">=", "<", "<=", "==", "!=")
    )
    return f"""
WITH
{_input_ctes(metrics)},
{_scope_ctes()},
{_value_ctes(metric_ids)},
{_points_ctes(ops)},
{_total_ctes()},
{_result_select()}"""
