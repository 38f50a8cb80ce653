"""The legacy 统计表's year chain: where a table prints 历年累计 beside 本年, this year's 累计 =
last year's 累计 + this year's 本年 (crossyear_inconsistent), for the same agency's consecutive
current reports.

The parser keeps each row's 累计 figure in the value's location (report_values.location
"cumulative"); money rows are left out (their 本年 is stored in 万元, the 累计 as printed). A
累计 that came from a glued digit run split without meeting every identity ("unsure") makes
the finding the reader's, never the agency's. Recomputed on every database swap
(etl.validate.cross_report), like crossyear.carry_over.
"""

from __future__ import annotations

from etl.fields import FIELDS
from etl.identities_legacy import legacy_place
from etl.normalize import as_number
from etl.report import Finding
from etl.rule_vocabulary import READER

CHAIN_RULE = "legacy.cumulative_chain"

CHAIN_SQL = """
WITH cum AS (
    SELECT v.report_id, v.key, v.value,
           TRY_CAST(json_extract_string(v.location, '$.cumulative') AS DOUBLE) AS cumulative,
           coalesce(TRY_CAST(json_extract_string(v.location, '$.unsure') AS BOOLEAN), false) AS unsure
    FROM report_values v
    WHERE v.key LIKE 'legacy.%' AND v.location LIKE '%"cumulative"%'
)
SELECT cur.report_id, cur.year, c.key, c.value, c.cumulative, p.cumulative,
       c.unsure OR p.unsure, prev.source_path
FROM reports cur
JOIN reports prev ON prev.agency_id = cur.agency_id AND prev.year = cur.year - 1 AND prev.is_current
JOIN cum c ON c.report_id = cur.report_id
JOIN cum p ON p.report_id = prev.report_id AND p.key = c.key
WHERE cur.is_current AND cur.template = 'legacy' AND prev.template = 'legacy'
  AND c.cumulative IS NOT NULL AND p.cumulative IS NOT NULL
  AND abs(p.cumulative + c.value - c.cumulative) > 1e-6
ORDER BY cur.report_id, c.key
"""


def chain_findings(con) -> list[tuple[int, Finding]]:
    out = []
    for rid, year, key, value, cum, prev_cum, unsure, _prev_path in con.execute(
        CHAIN_SQL
    ).fetchall():
        expected = prev_cum + value
        label = FIELDS[key].label if key in FIELDS else key
        out.append(
            (
                rid,
                Finding(
                    CHAIN_RULE,
                    (key,),
                    expected,
                    cum,
                    f"统计表「{label}」：{year - 1} 年报历年累计 {as_number(prev_cum)} + 本年 "
                    f"{as_number(value)} = {as_number(expected)}，但本年报历年累计印为 "
                    f"{as_number(cum)}（差 {as_number(cum - expected):+}；对照 {year - 1} 年报）"
                    + (
                        "（该处数字印刷时连在一起，是系统按勾稽关系拆开的，请核对原文）"
                        if unsure
                        else ""
                    ),
                    place=legacy_place(key),
                    responsibility=READER if unsure else None,
                ),
            )
        )
    return out
