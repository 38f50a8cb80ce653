"""The identities of the legacy 政府信息公开情况统计表 (reports on 2008–2018), declared once:
its sums (办结, 答复, 复议, 诉讼, 不予公开 reasons, staff) and its channels, with the 统计表 block
each cell sits in (`legacy_place`, the inspection's LEG.* places).
"""

from __future__ import annotations

from etl.fields import FIELDS, LEGACY_ANSWER_PARTS, LEGACY_DENIED_REASONS, legacy_key
from etl.identities import Identity

PROACTIVE_CHANNELS = ("by_gazette", "by_website", "by_weibo", "by_wechat", "by_other")
_DENIED_REASONS = LEGACY_DENIED_REASONS


def legacy_place(key: str) -> str:
    """The 统计表 block a legacy cell sits in (inspection places LEG.*)."""
    name = key.split(".", 1)[1] if key.startswith("legacy.") else key
    if name.startswith(("review", "suit")):
        return "LEG.review"
    if name.startswith("answer"):
        return "LEG.answers"
    if name.startswith(("requests", "completed")):
        return "LEG.requests"
    if name.startswith("fees"):
        return "LEG.fees"
    if name.startswith("staff"):
        return "LEG.staff"
    return "LEG.proactive"


def _legacy(
    rule: str,
    total: str,
    parts: tuple[str, ...],
    optional: tuple[str, ...] = (),
    breakdown: bool = False,
    parts_name: str | None = None,
    routes: bool = False,
) -> Identity:
    tk, pks = legacy_key(total), tuple(legacy_key(p) for p in parts)
    names = parts_name or " + ".join(FIELDS[k].label for k in pks)
    return Identity(
        f"legacy.{rule}",
        (tk,),
        pks,
        f"统计表「{FIELDS[tk].label}」≠ {names}",
        tuple(legacy_key(o) for o in optional),
        legacy_place(tk),
        breakdown,
        routes,
    )


LEGACY_IDENTITIES: tuple[Identity, ...] = (
    _legacy("completed_sum", "completed", ("completed_on_time", "completed_late")),
    _legacy(
        "requests_channels",
        "requests",
        ("requests_in_person", "requests_fax", "requests_online", "requests_letter"),
    ),
    _legacy(
        "review_sum",
        "review_total",
        ("review_upheld", "review_corrected", "review_other"),
        ("review_pending",),
    ),
    _legacy(
        "suit_sum", "suit_total", ("suit_upheld", "suit_corrected", "suit_other"), ("suit_pending",)
    ),
    _legacy("answers_sum", "answers", LEGACY_ANSWER_PARTS),
    _legacy("denied_sum", "answer_denied", _DENIED_REASONS),
    _legacy("staff_sum", "staff", ("staff_fulltime", "staff_parttime")),
    # channels overlap (one document on the website and in the gazette) and are often partial:
    # checked only where the table prints them under 「其中」 of the total (etl.parse.legacy)
    _legacy(
        "proactive_channels",
        "proactive_total",
        PROACTIVE_CHANNELS,
        breakdown=True,
        parts_name="其下所列各公开渠道之和",
    ),
    # In every layout (the national 2014–2018 table prints the channels as their own block) the
    # 条例's two statutory routes, 政府公报 and 政府网站, carry every item proactively disclosed:
    # the inspector reads 网站 + 公报 = 主动公开. A gazette item is often on the website too, so
    # the routes summing above the total is no error; one route above the total is, and so are
    # the routes (with 其他方式 where printed) falling short of it. 微博/微信 repost and are not
    # counted.
    _legacy(
        "proactive_channels",
        "proactive_total",
        ("by_website", "by_gazette"),
        ("by_other",),
        routes=True,
    ),
)
