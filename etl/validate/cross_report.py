"""Quality checks across reports, run by the loader on every swap (etl/building_copy.building_database).

Rules: t2.stock_flow (现行有效 this year = last year's + 本年制发 − 本年废止, std2021, 规章 and
行政规范性文件), report.copied (etl/validate/similarity.py), report.changed_after_publication (a
later version of an agency-year whose figures or prose differ: what changed), t4.ledger_mismatch
(表四 against the legal office's ledger, etl/validate/ledger.py). Like crossyear.carry_over the
findings are recomputed over the current versions each time: re-runs never duplicate them and a
corrected report clears its finding. Only the loader calls this, on its own connection.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from pathlib import PurePath

import pyarrow as pa

from etl.fields import FIELDS, T2_ITEMS, T4_GROUPS, T4_OUTCOMES
from etl.finding_rows import insert_findings
from etl.normalize import as_number
from etl.report import Finding, ParsedReport
from etl.validate.copy_detect import own_prose
from etl.validate.copy_findings import copied_findings
from etl.validate.cross_year import STOCK_ITEMS
from etl.validate.legacy_chain import chain_findings
from etl.validate.quality_settings import quality_settings
from etl.validate.similarity import compute_signatures, update_similarity
from etl.validate.timing import late_findings

CROSS_RULES = (
    "t2.stock_flow",
    "report.copied",
    "report.changed_after_publication",
    "t4.ledger_mismatch",
    "published.late",
    "legacy.cumulative_chain",
)


def store_texts(con, report_ids: list[int], reports: list[ParsedReport]) -> None:
    """Keep each stored report's prose (replacing a re-parsed version's), for the checks below."""
    if not report_ids:
        return
    profiles = [r.copy_profile or (None, None, None) for r in reports]
    con.register(
        "_texts",
        pa.table(
            {
                "report_id": pa.array(report_ids, pa.int64()),
                "prose": pa.array(["\n".join(r.prose) for r in reports], pa.string()),
                "own": pa.array([p[0] for p in profiles], pa.string()),
                "minhash": pa.array([p[1] for p in profiles], pa.binary()),
                "sentences": pa.array([p[2] for p in profiles], pa.binary()),
            }
        ),
    )
    try:  # a report parsed without a profile (NULL minhash) gets one in compute_signatures
        con.execute(
            "INSERT OR REPLACE INTO report_texts (report_id, prose, own, minhash, sentences, compared) "
            "SELECT report_id, prose, own, minhash, sentences, false FROM _texts"
        )
    finally:
        con.unregister("_texts")


def run_cross_report_checks(con) -> dict[str, int]:
    """Recompute every cross-report finding; returns the count per rule."""
    settings = quality_settings()
    con.begin()
    try:
        compute_signatures(con, settings["copy"])
        update_similarity(con, settings["copy"])
        found = (
            stock_flow_findings(con)
            + copied_findings(con, settings["copy"])
            + changed_findings(con)
            + ledger_findings(con, settings["ledger"])
            + late_publication_findings(con)
            + chain_findings(con)
        )
        con.execute(
            "DELETE FROM findings WHERE rule IN (SELECT unnest(?::TEXT[]))", [list(CROSS_RULES)]
        )
        insert_findings(con, found)
    except BaseException:
        con.rollback()
        raise
    con.commit()
    counts = dict.fromkeys(CROSS_RULES, 0)
    for _, f in found:
        counts[f.rule] += 1
    return counts


LATE_SQL = """
SELECT report_id, year, counted_date, deadline, date_basis FROM reports
WHERE is_current AND deadline IS NOT NULL AND counted_date > deadline"""


def late_publication_findings(con) -> list[tuple[int, Finding]]:
    """published.late on every current report, from the date it counts as published as it
    stands after the load (a portal's 发布时间 may have replaced the printed date): the date
    days_late and the score count from (etl.deadlines.counted_date)."""
    return [
        (report_id, f)
        for report_id, year, day, deadline, basis in con.execute(LATE_SQL).fetchall()
        for f in late_findings(year, day, deadline, basis)
    ]


# The 表二 cells first (a few per report), then the joins: joined straight onto report_values,
# each of the four joins hashed every stored value (4.3 GB at 300,000 reports).
STOCK_SQL = """
WITH t2 AS MATERIALIZED (
    SELECT report_id, key, value, blank FROM report_values WHERE list_contains($keys, key)
)
SELECT cur.report_id, cur.year, it.item, pif.value, iss.value, rep.value, cif.value, prev.source_path
FROM reports cur
JOIN reports prev ON prev.agency_id = cur.agency_id AND prev.year = cur.year - 1 AND prev.is_current
CROSS JOIN (SELECT unnest($items::TEXT[]) AS item) it
JOIN t2 cif ON cif.report_id = cur.report_id AND cif.key = 't2.' || it.item || '.in_force'
JOIN t2 iss ON iss.report_id = cur.report_id AND iss.key = 't2.' || it.item || '.issued'
JOIN t2 rep ON rep.report_id = cur.report_id AND rep.key = 't2.' || it.item || '.repealed'
JOIN t2 pif ON pif.report_id = prev.report_id AND pif.key = 't2.' || it.item || '.in_force'
WHERE cur.is_current AND cur.template = 'std2021' AND prev.template = 'std2021'
  AND NOT (cif.blank OR iss.blank OR rep.blank OR pif.blank)
  AND abs(pif.value + iss.value - rep.value - cif.value) > 1e-6
ORDER BY cur.report_id, it.item
"""


STOCK_CELLS = ("in_force", "issued", "repealed")  # of each 表二 item, this year's


def stock_flow_findings(con) -> list[tuple[int, Finding]]:
    out = []
    cells = [f"t2.{item}.{m}" for item in STOCK_ITEMS for m in STOCK_CELLS]
    for rid, year, item, prev, issued, repealed, now, prev_path in con.execute(
        STOCK_SQL, {"keys": cells, "items": list(STOCK_ITEMS)}
    ).fetchall():
        expected = prev + issued - repealed
        keys = tuple(f"t2.{item}.{m}" for m in STOCK_CELLS)
        out.append(
            (
                rid,
                Finding(
                    "t2.stock_flow",
                    keys,
                    expected,
                    now,
                    f"表二「{T2_ITEMS[item]}」：{year - 1} 年现行有效 {as_number(prev)} + 本年制发 "
                    f"{as_number(issued)} − 本年废止 {as_number(repealed)} = {as_number(expected)}，"
                    f"但本年现行有效印为 {as_number(now)}（差 {as_number(now - expected):+}；"
                    f"对照 {year - 1} 年报）",
                    "warning",
                ),
            )
        )
    return out


# The current version against the latest other version of its agency-year: the one before it,
# or a later one the loader did not adopt (etl/versions.py: a worse version stays for an analyst).
CHANGED_SQL = """
SELECT cur.report_id, cur.version, oth.report_id, oth.version, oth.published, cur.published,
       oth.source_path, cur.source_path
FROM reports cur
JOIN reports oth ON oth.agency_id = cur.agency_id AND oth.year = cur.year AND oth.version <> cur.version
WHERE cur.is_current
QUALIFY row_number() OVER (PARTITION BY cur.report_id ORDER BY oth.version DESC) = 1
   AND oth.sha256 <> cur.sha256
ORDER BY cur.report_id
"""


def changed_findings(con) -> list[tuple[int, Finding]]:
    pairs = con.execute(CHANGED_SQL).fetchall()
    if not pairs:
        return []
    ids = sorted({p[0] for p in pairs} | {p[2] for p in pairs})
    values: dict[int, dict] = defaultdict(dict)
    for rid, key, value in con.execute(
        "SELECT report_id, key, value FROM report_values WHERE report_id IN "
        "(SELECT unnest(?::BIGINT[]))",
        [ids],
    ).fetchall():
        values[rid][key] = value
    prose = dict(
        con.execute(
            "SELECT report_id, prose FROM report_texts WHERE report_id IN "
            "(SELECT unnest(?::BIGINT[]))",
            [ids],
        ).fetchall()
    )
    out = []
    for cur, v_cur, oth, v_oth, pub_oth, pub_cur, path_oth, path_cur in pairs:
        # older -> newer, whichever of the two is current
        (prev, v_prev, pub_prev, path_prev), (new_id, v_new, pub_new, path_new) = sorted(
            [(oth, v_oth, pub_oth, path_oth), (cur, v_cur, pub_cur, path_cur)], key=lambda t: t[1]
        )
        a, b = values.get(prev, {}), values.get(new_id, {})
        changed = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        old = own_prose(prose.get(prev, "").split("\n")).sentences
        new = own_prose(prose.get(new_id, "").split("\n")).sentences
        added, removed = _sentence_diff(old, new)
        if not changed and not added and not removed:
            continue  # new bytes, same content (a re-saved file)
        parts = [
            f"{FIELDS[k].label if k in FIELDS else k}：{_v(a.get(k))} → {_v(b.get(k))}"
            for k in changed[:5]
        ]
        text = f"正文增加 {len(added)} 句、删去 {len(removed)} 句" + (
            f"（如新增「{added[0][:40]}」）"
            if added
            else (f"（如删去「{removed[0][:40]}」）" if removed else "")
        )
        when = f"（第 {v_prev} 版发布 {pub_prev or '日期不明'}，第 {v_new} 版发布 {pub_new or '日期不明'}）"
        adopted = "" if new_id == cur else f"；第 {v_new} 版未采用，现行为第 {v_cur} 版"
        out.append(
            (
                cur,
                Finding(
                    "report.changed_after_publication",
                    tuple(changed[:20]),
                    None,
                    float(len(changed)),
                    f"同一年报出现内容不同的第 {v_new} 版{when}：{len(changed)} 个数字改变"
                    + (f"（{'；'.join(parts)}{'等' if len(changed) > 5 else ''}）" if parts else "")
                    + f"；{text}{adopted}。",
                    "warning",
                ),
            )
        )
    return out


def _sentence_diff(old, new) -> tuple[list[str], list[str]]:
    added, removed = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            removed += old[i1:i2]
        if op in ("replace", "insert"):
            added += new[j1:j2]
    return added, removed


def file_name(path: str | None) -> str:
    """A source's file name for a message (officials see no server paths)."""
    return PurePath(path or "").name or "（文件名不明）"


def _v(x) -> str:
    return "无" if x is None else str(as_number(x))


LEDGER_SQL = """
SELECT r.report_id, l.grp, l.outcome, l.count, v.value, l.source_path
FROM ledger_cases l
JOIN reports r ON r.agency_id = l.agency_id AND r.year = l.year AND r.is_current
LEFT JOIN report_values v ON v.report_id = r.report_id AND v.key = 't4.' || l.grp || '.' || l.outcome
WHERE r.template IN ('std2019', 'std2021') AND (v.value IS NULL OR abs(v.value - l.count) > ?)
ORDER BY r.report_id, l.grp, l.outcome
"""
_GROUPS, _OUTCOMES = dict(T4_GROUPS), dict(T4_OUTCOMES)


def ledger_findings(con, cfg: dict) -> list[tuple[int, Finding]]:
    out = []
    for rid, grp, outcome, count, printed, path in con.execute(
        LEDGER_SQL, [float(cfg["tolerance"])]
    ).fetchall():
        shown = "未印" if printed is None else f"印为 {as_number(printed)}"
        out.append(
            (
                rid,
                Finding(
                    "t4.ledger_mismatch",
                    (f"t4.{grp}.{outcome}",),
                    count,
                    printed,
                    f"表四「{_GROUPS[grp]}·{_OUTCOMES[outcome]}」{shown}，法制部门台账记为 {as_number(count)}"
                    f"（台账：{file_name(path)}）",
                    "warning",
                ),
            )
        )
    return out
