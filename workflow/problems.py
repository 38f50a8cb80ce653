"""What a rectification notice lists: confirmed problems per agency, with evidence, remedy and
deadline; and the record that a notice went out (已确认 → 已通知).

Categories, labels, places and remedies come from the rule catalogue (etl/rules.py). A notice
goes to the agency, not to an analyst: it names the problem, quotes what the report prints, says
where (1-based), what to do and by when, and carries no file names, paths or registry codes.
Only findings that blame the report (responsibility = report) ever reach a notice.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from etl.deadlines import NEW_RULES_FROM
from etl.rule_vocabulary import REPORT, TIMING, category_label, place_label
from etl.rules import rule, rule_label
from etl.safe_text import FILE_NAME_BYTES, portable_name, xml_text
from workflow.evidence import cell_rows, evidence_lines, sum_lines
from workflow.findings import confirmed_problems, record, stands
from workflow.states import CONFIRMED, CONFIRMED_STATES, NOTIFIED
from workflow.store import now, writing


def category(rule_id: str) -> str:
    """The problem type as the inspection notice names it (the rule catalogue's category)."""
    return category_label(rule(rule_id).category)


def remedy(rule_id: str, year: int | None = None) -> str:
    """What the agency must do (the rule catalogue's remedy); a late report's with the deadline
    that applies to `year`, and only that one (etl.deadlines: the 2019 条例 from 2019 on)."""
    text = rule(rule_id).remedy
    if rule(rule_id).indicator != TIMING or year is None:
        return text
    if year >= NEW_RULES_FROM:
        return text + "（部门 1 月 31 日前、政府 3 月 31 日前）"
    return text + f"（{year} 年度报告的法定期限为 {year + 1} 年 3 月 31 日前）"


# A file name in a loader message (「；2021 年报：SF421_2021.html」, 「（台账：复议台账.xlsx）」):
# the agency knows its own report; the server's file names mean nothing to it.
_FILE = (
    r"[^\s，。；;：:（）()「」、]+\.(?:txt|md|markdown|html?|pdf|docx?|xlsx?|csv|wps|ofd|json)\b"
)
_LABELLED_FILE = re.compile(rf"(?:[；;，,]\s*)?[^；;，,。（()）：:]{{0,12}}[：:]\s*{_FILE}", re.I)
_BARE_FILE = re.compile(_FILE, re.I)
_CODE = re.compile(r"\b[A-Za-z]{2,}\d[\w-]*")  # registry codes such as SF421
_EMPTY_BRACKETS = re.compile(r"[（(]\s*[）)]")
_ISO_DAY = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")  # a 公文 writes 2025年3月31日
_PATH = re.compile(
    r"(?<![\w.])(?:[A-Za-z]:)?[\\/](?:[^\s\\/，。；：（）]+[\\/])+[^\s\\/，。；：（）]*"
)


def for_agency(text: str) -> str:
    """A loader message or evidence line as an agency may read it: no file names, paths or codes,
    dates as a Chinese document writes them, and no control characters (a document cannot hold
    them; a report's cell may carry one)."""
    text = _LABELLED_FILE.sub("", xml_text(text))
    text = _CODE.sub("", _BARE_FILE.sub("", _PATH.sub("", text)))
    text = _ISO_DAY.sub(lambda m: f"{int(m[1])}年{int(m[2])}月{int(m[3])}日", text)
    return re.sub(r"[ \t]{2,}", " ", _EMPTY_BRACKETS.sub("", text)).strip()


@dataclass(frozen=True)
class NoticeItem:
    fkey: str
    rule: str
    rule_label: str
    category: str
    message: str  # what is wrong, in the loader's words (made fit for the agency)
    evidence: tuple[str, ...]  # what the report prints that is not a cell (a sentence)
    remedy: str
    repeated: bool
    place: str = ""  # the part of the report: 「表三（收到和处理申请）」 ("" for the whole)
    # (项目, 报告所列数值, 位置) per cell: each number beside its own place, so the agency finds
    # which printed number is where (a span of tables and lines for all of them did not say)
    cells: tuple[tuple[str, str, str], ...] = ()
    # an identity's two sides and their difference: ("报告所列", "总计列 = 23"), ("差", "+3…")
    sums: tuple[tuple[str, str], ...] = ()


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
        """「整改通知_2024_某某市教育局」: what a clerk files and sends (the registry code means
        nothing to the agency; the CLI adds it only when two agencies share a name). At most
        FILE_NAME_BYTES of UTF-8, so that a very long name still makes a file."""
        return portable_name(f"整改通知_{self.year}_{self.agency_name}", FILE_NAME_BYTES)


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
        if rule(f["rule"]).responsibility != REPORT:  # reader/registry/portal: never the agency's
            continue
        if peer_group is not None and (f["peer_group"] or "未分组") != peer_group:
            continue
        if agency_id is not None and f["agency_id"] != agency_id:
            continue
        by_agency.setdefault(f["agency_id"], []).append(f)
    out = []
    for aid, found in sorted(by_agency.items()):
        items = tuple(notice_item(f) for f in found)
        first = found[0]
        out.append(
            Notice(
                aid,
                xml_text(first["agency_name"] or aid),
                xml_text(first["peer_group"] or "未分组"),
                year,
                issued,
                deadline,
                items,
            )
        )
    return out


def notice_item(f: dict) -> NoticeItem:
    """One confirmed finding (a workflow.findings row) as a notice lists it: its cells as a
    table, each with its place; an identity's sums; the loader's message when the sums do not
    already say it."""
    cells = tuple(tuple(for_agency(t) for t in row) for row in cell_rows(f["evidence"]))
    sums = tuple(
        (k, for_agency(v)) for k, v in sum_lines(f["rule"], rule_label(f["rule"]), f["evidence"])
    )
    message = "" if sums else for_agency(f["message"] or "")
    texts = [e for e in f["evidence"] if not e.get("key")]
    lines = [for_agency(line) for line in evidence_lines(texts, places=False)]
    evidence = tuple(line for line in lines if line and line != for_agency(f["message"] or ""))
    place = f.get("place") or rule(f["rule"]).place
    # the report as a whole (a date, the format): nothing to point at but the cells, if any
    label = "" if place == "DOC" else place_label(place)
    return NoticeItem(
        f["fkey"],
        f["rule"],
        rule_label(f["rule"]),
        category(f["rule"]),
        message,
        evidence,
        remedy(f["rule"], f.get("year")),
        bool(f["repeated"]),
        label,
        cells,
        sums,
    )


def still_confirmed(con: sqlite3.Connection, notice: Notice) -> Notice:
    """The notice with only the problems the store holds as confirmed now: one dismissed as 误报
    (or fixed by a reload, or resolved by a correction) since the batch was built is not sent."""
    keep = []
    for item in notice.items:
        row = con.execute("SELECT * FROM tracked_findings WHERE fkey = ?", [item.fkey]).fetchone()
        found = None if row is None else dict(row)
        if found is not None and found["state"] in CONFIRMED_STATES and stands(found):
            keep.append(item)
    return replace(notice, items=tuple(keep))


def issue_notice(
    con: sqlite3.Connection,
    notice: Notice,
    write: Callable[[Notice], list[str]],
    actor: str,
    *,
    record: bool = True,
) -> tuple[Notice, int]:
    """Write one agency's notice as the store has it now, and (with `record`) record it.

    Under the store's write lock: the problems are read again (`still_confirmed`), `write` makes
    the files of what is left and returns their names, the problems move to 已通知. Nobody can
    dismiss a problem between the reading and the recording, and a failure of `write` records
    nothing. Returns (the notice as written, how many moved); nothing is written when no
    problem is left."""
    if not record:
        current = still_confirmed(con, notice)
        if current.items:
            write(current)
        return current, 0
    with writing(con):
        current = still_confirmed(con, notice)
        if not current.items:
            return current, 0
        return current, _record(con, current, actor, write(current))


def _record(con: sqlite3.Connection, notice: Notice, actor: str, files: list[str]) -> int:
    moved = 0
    for item in notice.items:
        row = con.execute(
            "SELECT state FROM tracked_findings WHERE fkey = ?", [item.fkey]
        ).fetchone()
        if row is None or row["state"] not in (CONFIRMED, NOTIFIED):
            continue
        con.execute(
            "UPDATE tracked_findings SET state = ?, deadline = ?, updated_at = ? WHERE fkey = ?",
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
