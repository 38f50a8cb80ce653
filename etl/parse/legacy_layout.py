"""How a legacy 统计表 lays out 主动公开 and its channels, which decides whether the identity
主动公开 = Σ channels applies at all.

Two layouts are common. In the 2014–2018 national table the channels are their own block
("（二）通过不同渠道和方式公开政府信息的情况"), and one document counts on every channel it
went out on (004: 网站 3528 = the total, 微信 1117 on top): the channels overlap and need not
add up. In the older provincial tables the channel rows follow the total as its 「其中」
("主动公开文件数 2949 其中：1、政府网站公开数 2949 2、政府公报公开数 0"): only there are they
the total's breakdown.
"""

from __future__ import annotations

from etl.fields import legacy_key

PROACTIVE = legacy_key("proactive_total")
CHANNELS = frozenset(
    legacy_key(c) for c in ("by_gazette", "by_website", "by_weibo", "by_wechat", "by_other")
)
_MAX_GAP = 24  # "其中：1、" plus an item number, a unit or separators; a heading row is longer


def channels_are_breakdown(text: str, reads: list[tuple[str, int, int]]) -> bool:
    """`reads`: (key, label start, value end) of each row read, in the stream `text`. True when
    the rows right after 主动公开 are channel rows, introduced by 「其中」, with no other row or
    heading between."""
    ordered = sorted(reads, key=lambda r: r[1])
    keys = [k for k, _, _ in ordered]
    if PROACTIVE not in keys:
        return False
    i = keys.index(PROACTIVE)
    channels = []
    for key, _, _ in ordered[i + 1 :]:
        if key not in CHANNELS:
            break
        channels.append(key)
    if len(channels) < 2:
        return False
    gap = text[ordered[i][2] : ordered[i + 1][1]]
    return "其中" in gap and len(gap) <= _MAX_GAP and "(" not in gap and "（" not in gap
