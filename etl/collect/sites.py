"""sites.csv: which portals to collect from (UTF-8, header `agency,url`, more columns allowed)."""

from __future__ import annotations

import csv
import urllib.parse
from dataclasses import dataclass, replace
from pathlib import Path


class CollectError(Exception):
    """A problem that stops the whole collection (bad sites.csv, unusable output folder).
    The message is one line for the user: which file, what is wrong, what to do."""


@dataclass(frozen=True)
class Site:
    agency: str  # registry code or standard name, as sites.csv gives it (the manifest keeps it)
    url: str  # the 政府信息公开年报 column, or the 政府信息公开 page holding a link to it
    line: int
    name: str = ""  # the standard name, for messages (a code means nothing to a reader)
    known: bool = True  # False: neither a code nor a name of the registry

    @property
    def label(self) -> str:
        return self.name or self.agency


def name_sites(sites: list[Site], registry) -> list[Site]:
    """Each site with its agency's standard name from the registry (when it is in it)."""
    from etl.registry import normalize_name

    out = []
    for site in sites:
        agency = registry.get(site.agency)
        if agency is None:
            code = registry.by_name.get(normalize_name(site.agency))
            agency = registry.get(code) if code else None
        out.append(
            replace(site, name=agency.name if agency else site.agency, known=agency is not None)
        )
    return out


def read_sites(path: str | Path) -> list[Site]:
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise CollectError(f"{p}：文件不存在。请给出站点清单 CSV（表头 agency,url）") from None
    except OSError as exc:
        raise CollectError(f"{p}：无法读取（{exc.strerror}）。请检查路径和权限") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:  # Excel on a Chinese Windows saves CSV as GBK
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise CollectError(f"{p}：无法识别文字编码。请另存为 UTF-8 编码的 CSV") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise CollectError(f"{p}：文件是空的。第一行应为表头 agency,url，之后每行一个站点")
    header = [h.strip().lower() for h in rows[0]]
    if "agency" not in header or "url" not in header:
        raise CollectError(
            f"{p}：第一行必须是表头，含 agency 和 url 两列（现在是：{','.join(rows[0])[:60]}）"
        )
    ia, iu = header.index("agency"), header.index("url")
    sites, problems = [], []
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue
        agency = row[ia].strip() if len(row) > ia else ""
        url = row[iu].strip() if len(row) > iu else ""
        parts = urllib.parse.urlsplit(url)
        if not agency:
            problems.append(f"第 {n} 行缺少单位（agency）")
        elif parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            problems.append(f"第 {n} 行的网址不是 http(s) 地址：{url[:60] or '（空）'}")
        else:
            sites.append(Site(agency, url, n))
    if problems:
        raise CollectError(f"{p}：" + "；".join(problems[:5]) + "。请改正后再运行")
    if not sites:
        raise CollectError(f"{p}：没有站点。每行写一个单位和它的政府信息公开年报栏目网址")
    return sites
