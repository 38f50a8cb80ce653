"""年报质量检查通报: the province's yearly bulletin as a DOCX draft the office edits.

A pure builder: a workflow.bulletin_data.Bulletin and the office settings in, bytes out. Every
figure comes from the Bulletin; nothing is computed here beyond counting its lists.
"""

from __future__ import annotations

import io
from datetime import date

from etl.deadlines import SIGNED_DATE, SIGNED_NOTE
from exports.docx_layout import fixed_table
from exports.letterhead import letterhead_document
from exports.office import OfficeSettings

_NUMERALS = "一二三四五六七八九十"


def _day(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "—"


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "—"


TABLE_PT = 10.5  # 五号: tables under 三号 body text


def _figure(value) -> bool:
    """A count, a score or 「—」: right-aligned in a table."""
    if isinstance(value, (int, float)) or value == "—":
        return True
    return isinstance(value, str) and value.replace(".", "", 1).isdigit()


def _table(doc, headers, rows) -> None:
    """A table fitted to the page, header repeated on every page, figures right-aligned."""
    from docx.shared import Pt

    rows = [["—" if v is None else v for v in row] for row in rows]
    numeric = {c for c in range(len(headers)) if rows and all(_figure(r[c]) for r in rows)}
    fixed_table(doc, headers, rows, width_mm=doc.text_width_mm, font_pt=TABLE_PT, numeric=numeric)
    doc.add_paragraph().paragraph_format.space_after = Pt(6)


def bulletin_docx(b, office: OfficeSettings, *, issued: date | None = None) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    issued = issued or date.today()
    doc = letterhead_document(
        office, f"关于{b.year}年度政府信息公开工作年度报告\n质量检查情况的通报", letterhead_pt=22
    )
    _opening(doc, b, office)
    sections = _sections(b)
    for n, (name, headers, rows) in enumerate(sections):
        doc.add_heading(f"{_NUMERALS[n]}、{name}", level=2)
        if rows:
            _table(doc, headers, rows)
        else:
            doc.add_paragraph("无。").paragraph_format.first_line_indent = Pt(32)
    doc.add_heading(f"{_NUMERALS[len(sections)]}、各对标组明细", level=2)
    for group, rows in b.groups("peer_group").items():
        doc.add_heading(group, level=3)
        _table(
            doc,
            ("单位", "发布情况", "未整改问题", "已整改问题", "得分"),
            [(a.name, _status(a), a.problems, a.rectified, _score(a)) for a in rows],
        )
    doc.add_heading(f"{_NUMERALS[len(sections) + 1]}、工作要求", level=2)
    doc.add_paragraph(
        "请存在问题的单位对照整改通知逐项整改，更正后重新发布年度报告；未发布年度报告的"
        "单位应立即发布。整改情况将纳入年度政务公开工作考核。"
    ).paragraph_format.first_line_indent = Pt(32)
    if b.scheme_name:
        doc.add_paragraph(f"注：得分按“{b.scheme_name}”计算；问题数不含经核实为误报的问题。")
    for text in (office.name, _day(issued)):
        doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _opening(doc, b, office: OfficeSettings) -> None:
    """The opening paragraph: how many checked, published, late; problems found and rectified
    (and, while some are unverified, a drafting note to delete before issuing)."""
    from docx.shared import Pt

    total, published = len(b.agencies), len(b.published)
    problems = sum(a.problems + a.rectified for a in b.agencies)
    with_problems = sum(1 for a in b.agencies if a.problems + a.rectified)
    rectified = sum(a.rectified for a in b.agencies)
    unchecked = f"（其中{b.pending}个尚待核实）" if b.pending else ""
    doc.add_paragraph(
        f"按照政府信息公开工作年度报告监督检查安排，{office.short_name or office.name}对{total}家单位"
        f"{b.year}年度政府信息公开工作年度报告进行了检查。{published}家单位已发布年度报告"
        f"（发布率 {_pct(published, total)}），{len(b.unpublished)}家未发布，{len(b.late)}家逾期发布；"
        f"检查发现问题{problems}个{unchecked}，涉及{with_problems}家单位，已整改{rectified}个。"
        "现将有关情况通报如下。"
    ).paragraph_format.first_line_indent = Pt(32)
    for note in _drafting_notes(b, problems):  # to the office drafting it, not to the agencies
        doc.add_paragraph(note).paragraph_format.first_line_indent = Pt(32)


def _drafting_notes(b, problems: int) -> list[str]:
    """What the office must check before issuing: unverified problems, unpublished units whose
    report may have been loaded under a misprinted name."""
    notes = []
    if b.pending:
        notes.append(
            f"（起草说明：上述{problems}个问题中有{b.pending}个尚未核实，"
            "正式印发前请核实并更新本稿，印发时删去本说明。）"
        )
    maybe = [a for a in b.unpublished if a.maybe_published_as]
    if maybe:
        notes.append(
            f"（起草说明：列为未发布的单位中有{len(maybe)}家可能已发布年度报告——有同年度报告所署"
            "单位名称与其只差一个字，单位名录未能确认（见“未发布年度报告的单位”备注）。"
            "正式印发前请在单位名录中核实并更新本稿，印发时删去本说明和备注。）"
        )
    return notes


def _sections(b) -> list[tuple[str, tuple[str, ...], list]]:
    """The numbered sections before the peer groups' detail: (heading, column headers, rows)."""
    late = [(a.name, a.peer_group, _day(a.deadline), _published_on(a), a.days_late) for a in b.late]
    regions = [
        (
            region,
            len(rows),
            sum(a.published for a in rows),
            sum(a.late for a in rows),
            sum(a.problems for a in rows),
            sum(a.rectified for a in rows),
        )
        for region, rows in b.regions()
    ]
    return [
        ("问题分类统计", ("问题类别", "问题数", "涉及单位", "已整改"), b.categories),
        ("最常见的问题", ("问题", "涉及单位", "问题数"), b.common),
        ("逾期发布的单位", ("单位", "对标组", "法定期限", "发布日期", "逾期天数"), late),
        _unpublished(b),
        (
            "年报质量较好的单位",
            ("单位", "对标组", "得分"),
            [(a.name, a.peer_group, _score(a)) for a in b.exemplary],
        ),
        ("各地区情况", ("地区", "单位数", "已发布", "逾期", "未整改问题", "已整改问题"), regions),
    ]


def _unpublished(b) -> tuple[str, tuple[str, ...], list]:
    """The 未发布 section; a 备注 column when a report under a near name waits for an analyst."""
    headers = ("单位", "对标组", "所属地区")
    rows = [(a.name, a.peer_group, a.region) for a in b.unpublished]
    if any(a.maybe_published_as for a in b.unpublished):
        headers += ("备注（印发前核实）",)
        rows = [(*row, _maybe(a)) for row, a in zip(rows, b.unpublished)]
    return "未发布年度报告的单位", headers, rows


def _maybe(a) -> str:
    """「可能已发布：…」 for a unit whose report may be one loaded under a misprinted name."""
    if not a.maybe_published_as:
        return ""
    names = "、".join(f"“{n}”" for n in a.maybe_published_as)
    return f"可能已发布：有署名{names}的年度报告，单位名录未能确认其所属单位"


def _score(a) -> str:
    return "—" if a.score is None else f"{a.score:.2f}"


def _published_on(a) -> str:
    """The date its days late count from; a signature's says so (etl.deadlines.counted_date)."""
    day = _day(a.published_on)
    return f"{day}（{SIGNED_NOTE}）" if a.date_basis == SIGNED_DATE and a.published_on else day


def _status(a) -> str:
    """As 逾期发布的单位 counts it: late is its late-publication problem, its days counted from
    the date it counts as published (a signature's when it prints no publication date)."""
    if not a.published:
        return "未发布"
    if a.late:
        return "逾期发布" if a.days_late is None else f"逾期 {a.days_late} 天"
    return "已发布（发布日期不明）" if a.days_late is None else "按时发布"
