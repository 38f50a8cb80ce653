"""Continuity between the legacy 统计表 (to 2018) and the std2019/std2021 tables (2019 on).

The two table families count different things; a few rows mean nearly the same and can be
drawn as one series from 2014 to today. Each mapping below says which legacy keys and which
std keys are summed for one series, how close the match is, and the caveat an analyst must
see next to the chart.

Quality: "same" = same definition; "close" = same thing, definitions differ at the edges;
"loose" = related, comparable only as an order of magnitude; "none" = no counterpart on the
other side (the series stops or starts at the template change).

Sums are taken over the keys a report carries: a std2019 and a std2021 key listed for the same
series never both occur in one report, and 表四's two suit groups are added together.
"""

from __future__ import annotations

from dataclasses import dataclass

from etl.fields import FIELDS, legacy_key, t2_key, t3_key, t4_key


@dataclass(frozen=True)
class SeriesMap:
    series: str
    label: str
    legacy: tuple[str, ...]  # legacy keys summed
    std: tuple[str, ...]  # std2019/std2021 keys summed
    quality: str  # "same" | "close" | "loose" | "none"
    caveat: str


def _l(*names: str) -> tuple[str, ...]:
    return tuple(legacy_key(n) for n in names)


def _suit(outcome: str) -> tuple[str, ...]:
    return (t4_key("suit_direct", outcome), t4_key("suit_after_review", outcome))


_DENIED_STD = tuple(
    k
    for k in FIELDS
    if k.startswith("t3.denied.") and k.endswith(".total") and not FIELDS[k].derived
) + (t3_key("denied", "total"),)  # subtotal only when rows are absent

MAPPINGS: tuple[SeriesMap, ...] = (
    (
        SeriesMap(
            "requests",
            "收到政府信息公开申请",
            _l("requests"),
            (t3_key("new", "total"),),
            "close",
            "旧表“收到申请数”与新表“本年新收”都计当年收到的申请；新表另列“上年结转”，旧表没有",
        ),
        SeriesMap(
            "requests_online",
            "网络申请",
            _l("requests_online"),
            (),
            "none",
            "新表按申请人类型而非申请渠道统计",
        ),
        SeriesMap(
            "processed",
            "已办结/已处理申请",
            _l("completed"),
            (t3_key("processed", "total"),),
            "close",
            "旧表“申请办结数”计已办结申请；新表“（七）总计”计当年办理的申请，含上年结转",
        ),
        SeriesMap(
            "answers",
            "申请答复",
            _l("answers"),
            (t3_key("processed", "total"),),
            "loose",
            "旧表“申请答复数”计答复件次（一件申请可有多次答复），新表计办理的申请；两者都有时用“已办结”序列",
        ),
        SeriesMap(
            "granted",
            "予以公开",
            _l("answer_granted"),
            (t3_key("granted", "total"),),
            "close",
            "旧表把“属于已主动公开范围”单列（新表无此行），新表多计入“予以公开”，故新表数值偏高",
        ),
        SeriesMap(
            "already_public",
            "属于已主动公开范围",
            _l("answer_already_public"),
            (),
            "none",
            "新表无“已主动公开”一行，此类答复计入“予以公开”",
        ),
        SeriesMap(
            "partial",
            "部分公开",
            _l("answer_partial"),
            (t3_key("partial", "total"),),
            "same",
            "口径相同；新表规定区分处理的只计此项",
        ),
        SeriesMap(
            "denied",
            "不予公开",
            _l("answer_denied"),
            _DENIED_STD,
            "close",
            "旧表理由（商业秘密、个人隐私、非《条例》所指政府信息）与新表八项理由不同；“非政府信息”在新表中归入无法提供/不予处理",
        ),
        SeriesMap(
            "denied_state_secret",
            "不予公开·国家秘密",
            _l("answer_denied.state_secret"),
            (t3_key("denied.state_secret", "total"),),
            "same",
            "理由相同",
        ),
        SeriesMap(
            "denied_security",
            "不予公开·危及安全稳定",
            _l("answer_denied.security_stability"),
            (t3_key("denied.security_stability", "total"),),
            "same",
            "理由相同（三安全一稳定）",
        ),
        SeriesMap(
            "denied_third_party",
            "不予公开·第三方权益",
            _l("answer_denied.commercial_secret", "answer_denied.privacy"),
            (t3_key("denied.third_party", "total"),),
            "close",
            "旧表“商业秘密”+“个人隐私”≈新表“保护第三方合法权益”（新表允许经同意公开）",
        ),
        SeriesMap(
            "denied_other_law",
            "不予公开·其他法律法规",
            _l("answer_denied.other_law"),
            (t3_key("denied.law_forbidden", "total"),),
            "close",
            "含义相同，新表表述更窄",
        ),
        SeriesMap(
            "not_held",
            "不掌握/非本机关/信息不存在",
            _l("answer_not_this_agency", "answer_not_exist"),
            (t3_key("unable.not_held", "total"),),
            "close",
            "新表“本机关不掌握相关政府信息”涵盖旧表“不属于本机关”和“信息不存在”两行",
        ),
        SeriesMap(
            "needs_change",
            "告知更改补充/补正后仍不明确",
            _l("answer_needs_change"),
            (t3_key("unable.unclear", "total"),),
            "loose",
            "旧表计告知更改补充的申请；新表只计补正后仍不明确的",
        ),
        SeriesMap(
            "other_channel",
            "告知通过其他途径办理",
            _l("answer_other_channel"),
            (),
            "none",
            "新表无此行，此类情形分散在“不予处理”（信访举报投诉类、公开出版物）",
        ),
    )
    + tuple(
        SeriesMap(
            f"review_{o}",
            f"行政复议·{label}",
            _l(f"review_{o}"),
            (t4_key("review", o),),
            "same" if o in ("total", "upheld", "corrected") else "close",
            "结果相同；旧表没有“尚未审结”一行（只有部分文字报告提及）"
            if o == "pending"
            else "旧表“其他情形”≈新表“其他结果”"
            if o == "other"
            else "口径相同",
        )
        for o, label in (
            ("total", "总计"),
            ("upheld", "维持"),
            ("corrected", "纠正"),
            ("other", "其他"),
            ("pending", "尚未审结"),
        )
    )
    + tuple(
        SeriesMap(
            f"suit_{o}",
            f"行政诉讼·{label}",
            _l(f"suit_{o}"),
            _suit(o),
            "same" if o in ("total", "upheld", "corrected") else "close",
            "新表 = 未经复议直接起诉 + 复议后起诉；"
            + (
                "旧表“维持”含驳回原告诉讼请求"
                if o == "upheld"
                else "旧表没有“尚未审结”一行"
                if o == "pending"
                else "口径相同"
            ),
        )
        for o, label in (
            ("total", "总计"),
            ("upheld", "维持"),
            ("corrected", "纠正"),
            ("other", "其他"),
            ("pending", "尚未审结"),
        )
    )
    + (
        SeriesMap(
            "normative_issued",
            "制发规范性文件",
            _l("normative_issued"),
            (t2_key("normative", "issued"), t2_key("normative", "made")),
            "close",
            "新表2021版“本年制发件数”/2019版“本年新制作数量”；旧表计本机关制发的规范性文件",
        ),
        SeriesMap(
            "proactive_total",
            "主动公开政府信息",
            _l("proactive_total"),
            (),
            "none",
            "新表统计规章、规范性文件和处理决定，不统计全部主动公开条目",
        ),
        SeriesMap(
            "fees_wan",
            "收取费用(万元)",
            _l("fees_wan"),
            (),
            "none",
            "2021版在第六部分以文字报告收费，不在表中",
        ),
        SeriesMap("complaints", "举报投诉", _l("complaints"), (), "none", "新表无此行"),
    )
)


def series_key_map() -> dict[str, SeriesMap]:
    """Series name -> SeriesMap, for drawing one line across the 2019 template change."""
    return {m.series: m for m in MAPPINGS}


def legacy_to_std() -> dict[str, tuple[str, ...]]:
    """Each legacy key that has a counterpart -> the std keys summed for it (first mapping wins)."""
    out: dict[str, tuple[str, ...]] = {}
    for m in MAPPINGS:
        if len(m.legacy) == 1 and m.std and m.legacy[0] not in out:
            out[m.legacy[0]] = m.std
    return out


def series_value(values: dict[str, float], template: str, series: str) -> float | None:
    """One report's value for `series`: the sum of the keys it carries on its side, None if none."""
    m = series_key_map()[series]
    keys = m.legacy if template == "legacy" else m.std
    present = [values[k] for k in keys if k in values and values[k] is not None]
    return float(sum(present)) if present else None


def check_declared() -> list[str]:
    """Keys named here that etl.fields does not declare (empty when consistent)."""
    return [k for m in MAPPINGS for k in (*m.legacy, *m.std) if k not in FIELDS]
