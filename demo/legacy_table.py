"""The legacy (pre-2019) 政府信息公开情况统计表 as printed: its rows in the order of seed 004, the
sections numbered as the year's form had them (no 回应解读 and no 微博/微信 before 2016). Labels
and units come from etl.fields.LEGACY_ITEMS, never typed twice."""

from __future__ import annotations

from demo.layout import Cell, Printer, Table
from etl.fields import LEGACY_ITEMS, legacy_key

_LEGACY = {n: (lbl, unit) for n, lbl, unit in LEGACY_ITEMS}
OLD_LEGACY_DROPPED = (
    "by_weibo",
    "by_wechat",
    "responses_hotspots",
    "press_conferences",
    "interviews",
    "interpretations",
)


def legacy_rows(values: dict, year: int) -> list[tuple[str, str, str | None, str | None]]:
    """(label, unit, value text key-or-extra, canonical name) rows of the 统计表, seed-004 order."""
    old = year <= 2015  # before 2016: no 微博/微信 channels and no 回应解读 section
    numerals = iter(["一", "二", "三", "四", "五", "六", "七", "八", "九"])
    out = _legacy_proactive(numerals, old)
    if not old:
        out += _legacy_responses(numerals)
    out += _legacy_requests(numerals)
    out += _legacy_appeals(numerals)
    out += _legacy_means(numerals)
    return out


def _row(name: str, prefix: str = "") -> tuple:
    """A 统计表 row of a canonical name: its printed label after `prefix`, its unit, the name."""
    return (f"{prefix}{_LEGACY[name][0]}", _LEGACY[name][1], name)


def _legacy_proactive(numerals, old: bool) -> list:
    out: list = [(f"{next(numerals)}、主动公开情况", None, None)]
    out.append(_row("proactive_total", "（一）"))
    out.append(_row("normative_published", "其中：")[:1] + ("条", "normative_published"))
    out.append(_row("normative_issued"))
    out.append(("（二）通过不同渠道和方式公开政府信息的情况", None, None))
    chans = ["by_gazette", "by_website"] + ([] if old else ["by_weibo", "by_wechat"]) + ["by_other"]
    for i, c in enumerate(chans, 1):
        out.append(_row(c, f"{i}、"))
    return out


def _legacy_responses(numerals) -> list:
    return [
        (f"{next(numerals)}、回应解读情况", None, None),
        _row("responses_hotspots", "（一）"),
        ("（不同方式回应同一热点或舆情计1次）", None, None),
        ("（二）通过不同渠道和方式回应解读的情况", "次", "=respond_sum"),
        _row("press_conferences", "1、"),
        ("其中：主要负责同志参加新闻发布会次数", "次", "=press_lead"),
        _row("interviews", "2、"),
        ("其中：主要负责同志参加政府网站在线访谈次数", "次", "=interview_lead"),
        _row("interpretations", "3、"),
        ("4、微博微信回应事件数", "次", "=weibo_resp"),
        ("5、其他方式回应事件数", "次", "=other_resp"),
    ]


def _legacy_requests(numerals) -> list:
    out: list = [(f"{next(numerals)}、依申请公开情况", None, None)]
    out.append(_row("requests", "（一）"))
    channels = ("requests_in_person", "requests_fax", "requests_online", "requests_letter")
    out += [_row(c, f"{i}、") for i, c in enumerate(channels, 1)]
    out.append(_row("completed", "（二）"))
    out.append(_row("completed_on_time", "1、"))
    out.append(_row("completed_late", "2、"))
    out.append(_row("answers", "（三）"))
    ans = ("answer_already_public", "answer_granted", "answer_partial", "answer_denied")
    out += [_row(c, f"{i}、") for i, c in enumerate(ans, 1)]
    reasons = (
        "state_secret",
        "commercial_secret",
        "privacy",
        "security_stability",
        "not_gov_info",
        "other_law",
    )
    out += [_row(f"answer_denied.{c}", "其中：" if j == 0 else "") for j, c in enumerate(reasons)]
    rest = (
        "answer_not_this_agency",
        "answer_not_exist",
        "answer_needs_change",
        "answer_other_channel",
    )
    out += [_row(c, f"{i}、") for i, c in enumerate(rest, 5)]
    return out


def _legacy_appeals(numerals) -> list:
    """复议, 诉讼, 申诉 and fees: one numbered row each, outcomes under the first two."""
    out: list = [_row("review_total", f"{next(numerals)}、")]
    for c, pre in (
        ("review_upheld", "（一）"),
        ("review_corrected", "（二）"),
        ("review_other", "（三）"),
    ):
        out.append(_row(c, pre))
    out.append(_row("suit_total", f"{next(numerals)}、"))
    for c, pre in (
        ("suit_upheld", "（一）"),
        ("suit_corrected", "（二）"),
        ("suit_other", "（三）"),
    ):
        out.append(_row(c, pre))
    out.append(_row("complaints", f"{next(numerals)}、"))
    out.append(_row("fees_wan", f"{next(numerals)}、"))
    return out


def _legacy_means(numerals) -> list:
    """机构建设和保障经费, then 会议和培训."""
    return [
        (f"{next(numerals)}、机构建设和保障经费情况", None, None),
        _row("units", "（一）"),
        _row("reading_points", "（二）"),
        _row("staff", "（三）"),
        ("1、专职人员数（不包括政府公报及政府网站工作人员数）", "人", "staff_fulltime"),
        _row("staff_parttime", "2、"),
        (
            "（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）",
            "万元",
            "budget_wan",
        ),
        (f"{next(numerals)}、政府信息公开会议和培训情况", None, None),
        _row("meetings", "（一）"),
        _row("trainings", "（二）"),
        _row("trainees", "（三）"),
    ]


def legacy_table(values: dict, year: int, agency: str, p: Printer, extras: dict) -> Table:
    rows = [
        [Cell("政府信息公开情况统计表", 1, 3, True)],
        [Cell(f"（{year}年度）", 1, 3, True)],
        [Cell(f"填报单位（盖章）：{agency}", 1, 3, True)],
        [Cell("统计指标", head=True), Cell("单位", head=True), Cell("统计数", head=True)],
    ]
    for label, unit, name in legacy_rows(values, year):
        if unit is None:
            rows.append([Cell(label, 1, 3, True)])
            continue
        if name.startswith("="):
            txt = p.num(extras[name[1:]], None, zero_ok=False)
            rows.append([Cell(label, head=True), Cell(unit), Cell(txt)])
            continue
        k = legacy_key(name)
        rows.append(
            [Cell(label, head=True), Cell(unit), Cell(p.num(values[k], None, zero_ok=False), key=k)]
        )
    return Table("legacy", 3, rows, "政府信息公开情况统计表", {}, 4)
