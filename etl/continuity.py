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


_DENIED_STD = tuple(k for k in FIELDS if k.startswith("t3.denied.") and k.endswith(".total")
                    and not FIELDS[k].derived) + (t3_key("denied", "total"),)  # subtotal only when rows are absent

MAPPINGS: tuple[SeriesMap, ...] = (
    SeriesMap("requests", "收到政府信息公开申请", _l("requests"), (t3_key("new", "total"),), "close",
              "legacy 收到申请数 and std 本年新收 both count requests received in the year; std also "
              "reports 上年结转 separately, which the legacy table never showed"),
    SeriesMap("requests_online", "网络申请", _l("requests_online"), (), "none",
              "std tables split requests by applicant type, not by channel"),
    SeriesMap("processed", "已办结/已处理申请", _l("completed"), (t3_key("processed", "total"),), "close",
              "legacy 申请办结数 counts requests completed; std 三(七)总计 counts requests handled "
              "including ones carried in from the previous year"),
    SeriesMap("answers", "申请答复", _l("answers"), (t3_key("processed", "total"),), "loose",
              "legacy 申请答复数 counts replies (one request can get several), std 'processed' counts "
              "requests handled; use the 'processed' series where both exist"),
    SeriesMap("granted", "予以公开", _l("answer_granted"), (t3_key("granted", "total"),), "close",
              "legacy counted 属于已主动公开范围 replies separately (no std row); std counts most of them "
              "under 予以公开, so std figures run higher"),
    SeriesMap("already_public", "属于已主动公开范围", _l("answer_already_public"), (), "none",
              "'already public' has no std row; std folds such replies into 予以公开"),
    SeriesMap("partial", "部分公开", _l("answer_partial"), (t3_key("partial", "total"),), "same",
              "same definition; std adds the rule that a partly-disclosed request counts only here"),
    SeriesMap("denied", "不予公开", _l("answer_denied"), _DENIED_STD, "close",
              "legacy grounds (商业秘密, 个人隐私, 非《条例》所指政府信息) differ from the eight std grounds; "
              "std moved 'not government information' cases to 无法提供/不予处理"),
    SeriesMap("denied_state_secret", "不予公开·国家秘密", _l("answer_denied.state_secret"),
              (t3_key("denied.state_secret", "total"),), "same", "same ground"),
    SeriesMap("denied_security", "不予公开·危及安全稳定", _l("answer_denied.security_stability"),
              (t3_key("denied.security_stability", "total"),), "same", "same ground (三安全一稳定)"),
    SeriesMap("denied_third_party", "不予公开·第三方权益", _l("answer_denied.commercial_secret", "answer_denied.privacy"),
              (t3_key("denied.third_party", "total"),), "close",
              "legacy 商业秘密 + 个人隐私 ≈ std 保护第三方合法权益 (std also allows disclosure with consent)"),
    SeriesMap("denied_other_law", "不予公开·其他法律法规", _l("answer_denied.other_law"),
              (t3_key("denied.law_forbidden", "total"),), "close", "same idea, std wording narrower"),
    SeriesMap("not_held", "不掌握/非本机关/信息不存在", _l("answer_not_this_agency", "answer_not_exist"),
              (t3_key("unable.not_held", "total"),), "close",
              "std 本机关不掌握相关政府信息 covers both legacy rows 不属于本机关 and 信息不存在"),
    SeriesMap("needs_change", "告知更改补充/补正后仍不明确", _l("answer_needs_change"),
              (t3_key("unable.unclear", "total"),), "loose",
              "legacy counts requests told to amend; std counts only those still unclear after 补正"),
    SeriesMap("other_channel", "告知通过其他途径办理", _l("answer_other_channel"), (), "none",
              "no std row; std spreads such cases over 不予处理 (信访举报投诉类, 公开出版物)"),
) + tuple(
    SeriesMap(f"review_{o}", f"行政复议·{label}", _l(f"review_{o}"), (t4_key("review", o),),
              "same" if o in ("total", "upheld", "corrected") else "close",
              "same outcome; legacy tables had no 尚未审结 row (only some prose reports state it)"
              if o == "pending" else "legacy 其他情形 ≈ std 其他结果" if o == "other"
              else "same definition")
    for o, label in (("total", "总计"), ("upheld", "维持"), ("corrected", "纠正"), ("other", "其他"), ("pending", "尚未审结"))
) + tuple(
    SeriesMap(f"suit_{o}", f"行政诉讼·{label}", _l(f"suit_{o}"), _suit(o),
              "same" if o in ("total", "upheld", "corrected") else "close",
              "std = 未经复议直接起诉 + 复议后起诉; "
              + ("legacy 维持 includes 驳回原告诉讼请求" if o == "upheld"
                 else "legacy tables had no 尚未审结 row" if o == "pending" else "same definition"))
    for o, label in (("total", "总计"), ("upheld", "维持"), ("corrected", "纠正"), ("other", "其他"), ("pending", "尚未审结"))
) + (
    SeriesMap("normative_issued", "制发规范性文件", _l("normative_issued"),
              (t2_key("normative", "issued"), t2_key("normative", "made")), "close",
              "std2021 本年制发件数 / std2019 本年新制作数量; legacy counts documents issued by the agency"),
    SeriesMap("proactive_total", "主动公开政府信息", _l("proactive_total"), (), "none",
              "std tables count rules, normative documents and decisions, not all items published"),
    SeriesMap("fees_wan", "收取费用(万元)", _l("fees_wan"), (), "none",
              "std2021 reports fees in prose (section 六), not as a table key"),
    SeriesMap("complaints", "举报投诉", _l("complaints"), (), "none", "no std row"),
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
