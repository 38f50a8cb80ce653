"""What a rectification notice lists: confirmed problems per agency, with evidence, remedy and
deadline; and the record that a notice went out (已确认 → 已通知).

Problem categories and remedies are declared here once, by rule (etl/rules.py has the labels).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta

from etl.rules import rule_label
from workflow.evidence import evidence_lines
from workflow.findings import confirmed_problems, record
from workflow.states import CONFIRMED, NOTIFIED
from workflow.store import now, writing

# rule prefix -> (category, what the agency should do); the longest matching prefix wins.
_BY_PREFIX: dict[str, tuple[str, str]] = {
    "t3.row_total": (
        "表内数据勾稽不符",
        "核对表三该行各类申请人的数字与总计，更正后重新发布年度报告",
    ),
    "t3.processed_sum": (
        "表内数据勾稽不符",
        "核对表三各办理结果与“（七）总计”，更正后重新发布年度报告",
    ),
    "t3.balance": (
        "表内数据勾稽不符",
        "核对本年新收、上年结转、办理总计、结转下年度四项数字，使“新收＋上年结转＝办结＋结转”成立，更正后重新发布",
    ),
    "t4.total": (
        "表内数据勾稽不符",
        "核对表四行政复议、行政诉讼各项与总计，更正后重新发布年度报告",
    ),
    "legacy.": ("表内数据勾稽不符", "核对统计表各分项与合计，更正后重新发布年度报告"),
    "crossyear.": (
        "跨年数据不衔接",
        "核对本年“上年结转”与上年年报“结转下年度”，不一致的应在报告中说明原因",
    ),
    "t3.": (
        "表格缺失或不全",
        "按国办公开办函〔2021〕30号格式补全表三，逐格填写（无数据填 0），重新发布",
    ),
    "t4.": ("表格缺失或不全", "按规定格式补全表四复议、诉讼数据（无数据填 0），重新发布"),
    "t2.": ("表格缺失或不全", "按规定格式补全表二主动公开数据，重新发布"),
    "number.": ("数字填写不规范", "将约数、文字或格式不规范的数字改为确切的阿拉伯数字"),
    "published.": ("发布时间问题", "年度报告应在年度结束后、法定期限内发布，请核实发布日期"),
    "agency.": ("单位名称不规范", "年度报告应使用单位规范全称，请更正后重新发布"),
    "report.": ("重复发布", "同一年度只应保留一份年度报告，请撤下多余或错误的版本"),
    # the annual quality check (etl/validate/; categories as etl.rules.QUALITY_CATEGORIES)
    "report.copied": (
        "内容雷同",
        "年度报告应如实反映本单位本年度工作，请重写与上年或其他单位雷同的部分后重新发布",
    ),
    "report.changed_after_publication": (
        "发布后改动",
        "年度报告发布后如需更正，应同时发布更正说明，写明修改的内容和原因",
    ),
    "section.": (
        "内容不全面",
        "按国家格式补全缺少或空泛的章节（存在的主要问题及改进情况、其他需要报告的事项等），重新发布",
    ),
    "template.": ("格式不规范", "按国办公开办函〔2021〕30号规定的格式重新编制年度报告"),
    "table.": ("表格缺失或不全", "规定表格不得整表空白，无数据的格填 0，重新发布"),
    "text_table.mismatch": ("数据不准确", "核对正文所述数字与表格，更正不一致之处后重新发布"),
    "text_table.scope_note": (
        "统计口径说明",
        "在正文中写明所述数字的统计范围（本机关或全辖区），与表格口径区分",
    ),
    "t2.stock_flow": (
        "跨年数据不衔接",
        "核对表二现行有效件数与上年现行有效、本年制发、本年废止，更正或在报告中说明原因",
    ),
    "t4.ledger_mismatch": (
        "与法制部门台账不符",
        "与法制部门核对行政复议、行政诉讼件数，更正表四后重新发布",
    ),
    "document.": ("不是年度报告", "请在政府信息公开专栏发布本单位年度报告"),
}
OTHER = ("其他问题", "请核实并更正后重新发布年度报告")


def _entry(rule: str) -> tuple[str, str]:
    hits = [p for p in _BY_PREFIX if rule.startswith(p)]
    return _BY_PREFIX[max(hits, key=len)] if hits else OTHER


def category(rule: str) -> str:
    return _entry(rule)[0]


def remedy(rule: str) -> str:
    return _entry(rule)[1]


@dataclass(frozen=True)
class NoticeItem:
    fkey: str
    rule: str
    rule_label: str
    category: str
    message: str
    evidence: tuple[str, ...]
    remedy: str
    repeated: bool


@dataclass(frozen=True)
class Notice:
    agency_id: str
    agency_name: str
    peer_group: str
    year: int
    issued: date
    deadline: date
    items: tuple[NoticeItem, ...] = field(default=())

    @property
    def file_stem(self) -> str:
        name = "".join("_" if ch in '\\/:*?"<>| ' else ch for ch in self.agency_name)
        return f"整改通知_{self.year}_{name}_{self.agency_id}"


def notice_batch(
    con: sqlite3.Connection,
    year: int,
    *,
    peer_group: str | None = None,
    agency_id: str | None = None,
    issued: date | None = None,
    deadline: date | None = None,
    deadline_days: int = 30,
    agency_ids=None,
) -> list[Notice]:
    """One notice per agency with confirmed problems in `year` (optionally one group/agency).

    `agency_ids`: the office's own agencies (etl.scope.home_list); None = every agency."""
    issued = issued or date.today()
    deadline = deadline or issued + timedelta(days=deadline_days)
    by_agency: dict[str, list[dict]] = {}
    for f in confirmed_problems(con, year, agency_ids):
        if peer_group is not None and (f["peer_group"] or "未分组") != peer_group:
            continue
        if agency_id is not None and f["agency_id"] != agency_id:
            continue
        by_agency.setdefault(f["agency_id"], []).append(f)
    out = []
    for aid, found in sorted(by_agency.items()):
        items = tuple(
            NoticeItem(
                f["fkey"],
                f["rule"],
                rule_label(f["rule"]),
                category(f["rule"]),
                f["message"] or "",
                tuple(evidence_lines(f["evidence"])),
                remedy(f["rule"]),
                bool(f["repeated"]),
            )
            for f in found
        )
        first = found[0]
        out.append(
            Notice(
                aid,
                first["agency_name"] or aid,
                first["peer_group"] or "未分组",
                year,
                issued,
                deadline,
                items,
            )
        )
    return out


def mark_notified(con: sqlite3.Connection, notice: Notice, actor: str, files: list[str]) -> int:
    """Record the notice and move its 已确认 items to 已通知 (deadline set); returns how many moved."""
    moved = 0
    with writing(con):
        for item in notice.items:
            row = con.execute("SELECT state FROM findings WHERE fkey = ?", [item.fkey]).fetchone()
            if row is None or row["state"] not in (CONFIRMED, NOTIFIED):
                continue
            con.execute(
                "UPDATE findings SET state = ?, deadline = ?, updated_at = ? WHERE fkey = ?",
                [NOTIFIED, notice.deadline.isoformat(), now(), item.fkey],
            )
            why = f"已发整改通知，整改期限 {notice.deadline.isoformat()}"
            record(con, item.fkey, actor, row["state"], NOTIFIED, why)
            moved += row["state"] == CONFIRMED
        con.execute(
            "INSERT INTO notices (agency_id, year, issued_at, issued_by, deadline, items, files) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                notice.agency_id,
                notice.year,
                now(),
                actor,
                notice.deadline.isoformat(),
                len(notice.items),
                "；".join(files),
            ],
        )
    return moved
