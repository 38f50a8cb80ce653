"""What a site's robots.txt answer means for the collector, after RFC 9309 (Robots Exclusion
Protocol, section 2.3.1):

- 2xx: the rules apply. The file must be UTF-8 text (2.2); one over `ROBOTS_CAP` (the RFC asks
  crawlers to read at least 500 KiB, 2.5) or that is not text cannot be read safely, so the
  whole site is treated as disallowed for this run, with one line saying why.
  An HTML page where robots.txt should be (a portal's "page not found" answered with 200) has
  no rules: everything is allowed, as for a 404.
- 4xx ("unavailable"): no rules, everything allowed — what browsers and the big crawlers do.
  429 is the exception: the site asks us to slow down, so it counts as unreachable.
- 5xx, a time-out, a connection that fails ("unreachable"): complete disallow (2.3.1.4).
- Redirects are followed (up to five; more means "unavailable", 2.3.1.2) by the client.
"""

from __future__ import annotations

import urllib.robotparser
from dataclasses import dataclass

ROBOTS_CAP = 512 * 1024  # bytes: more than the RFC's 500 KiB minimum


@dataclass
class Robots:
    rules: urllib.robotparser.RobotFileParser | None  # None: every path allowed
    refusal: str | None = None  # set: nothing on the site is fetched; one line why
    text: str | None = None  # the text read, for the cache (validators kept by the client)

    def allows(self, agent: str, url: str) -> bool:
        if self.refusal is not None:
            return False
        return self.rules is None or self.rules.can_fetch(agent, url)


def robots_from(
    url: str, status: int | None, data: bytes, error: str | None, too_big: bool, cached: str | None
) -> Robots:
    """The Robots of one robots.txt answer (after redirects; `cached` is the text an earlier
    run read, used on a 304)."""
    if status == 304 and cached is not None:
        return Robots(_parse(url, cached), text=cached)
    if too_big:
        return _refuse(f"robots.txt 超过 {ROBOTS_CAP // 1024} KB")
    if status is not None and 200 <= status < 300 and error is None:
        head = data[:512].lstrip().lower()
        if head.startswith((b"<!doctype", b"<html", b"<head", b"<body")):
            return Robots(None)  # a "not found" page served with 200: no rules
        if b"\x00" in data:
            return _refuse("robots.txt 不是文本文件")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return _refuse("robots.txt 不是 UTF-8 编码，无法读取")
        return Robots(_parse(url, text), text=text)
    if status is not None and 400 <= status < 500 and status != 429:
        return Robots(None)
    if status is not None and 300 <= status < 400:
        return Robots(None)  # redirected more than five times: "unavailable"
    why = f"HTTP {status}" if status is not None else (error or "没有响应")
    return _refuse(f"robots.txt 无法获取（{why}）")


def _parse(url: str, text: str) -> urllib.robotparser.RobotFileParser:
    rules = urllib.robotparser.RobotFileParser(url)
    rules.parse(text.splitlines())
    return rules


def _refuse(why: str) -> Robots:
    return Robots(
        None,
        refusal=(
            f"{why}，按 RFC 9309 视为整个站点不允许采集，本次跳过该站点。"
            "请站点修复 robots.txt 后再采集"
        ),
    )
