"""report.copied: the finding an inspector writes for a report whose prose repeats its own
previous year's or another agency's report of the year, read from report_similarity (the pairs
etl/validate/similarity.py stores) above [copy] share_threshold, with two passages as evidence."""

from __future__ import annotations

import json
from pathlib import PurePath

from etl.report import Finding

COPIED_SQL = """
SELECT s.report_id, s.relation, s.share, s.passages, o.year, a.name, o.source_path
FROM report_similarity s
JOIN reports o ON o.report_id = s.other_report_id
JOIN agencies a ON a.agency_id = o.agency_id
WHERE s.share > ?
QUALIFY row_number() OVER (PARTITION BY s.report_id, s.relation ORDER BY s.share DESC, s.other_report_id) = 1
ORDER BY s.report_id, s.relation
"""


def copied_findings(con, cfg: dict) -> list[tuple[int, Finding]]:
    threshold = float(cfg["share_threshold"])
    out = []
    for report_id, relation, share, passages, year, name, path in con.execute(
        COPIED_SQL, [threshold]
    ).fetchall():
        whom = f"本单位 {year} 年报" if relation == "previous_year" else f"{name} {year} 年报"
        sample = json.loads(passages or "[]")[:2]
        quoted = "；".join(f"「{p['this'][:40]}」≈「{p['other'][:40]}」" for p in sample)
        out.append(
            (
                report_id,
                Finding(
                    "report.copied",
                    (),
                    threshold,
                    share,
                    f"正文（去掉模板句和标题后）有 {share:g}% 与{whom}重复（阈值 {threshold:g}%；{PurePath(path).name}）"  # noqa: E501
                    + (f"，如 {quoted}" if quoted else ""),
                    "warning",
                ),
            )
        )
    return out
