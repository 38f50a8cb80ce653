"""sites.csv: which portals to collect from (UTF-8, header `agency,url`, more columns allowed)."""

from __future__ import annotations

import csv
import urllib.parse
from dataclasses import dataclass, replace
from pathlib import Path

from etl.gongkai_error import BAD_INPUT, GongkaiError


class CollectError(GongkaiError):
    """A problem that stops the whole collection (bad sites.csv, unusable output folder).
    The message is one line for the user: which file, what is wrong, what to do."""

    exit_code = BAD_INPUT


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


MAX_CELL = 2000  # characters: an agency name or a column's URL is far shorter
MAX_LINES = 100_000  # a province has a few thousand agencies


def read_sites(path: str | Path, problems: list[str] | None = None) -> list[Site]:
    """The sites of sites.csv. A row that cannot be used (an over-long cell, a URL that is not
    http(s), a quote left open, a line the CSV reader refuses) is one line
    `sites.csv:LINE: problem。what to do` appended to `problems` while the other rows go on;
    without a `problems` list the first such row raises CollectError. A file that cannot be
    used as a whole (missing, undecodable, no header, no usable row) raises CollectError."""
    p = Path(path)
    text = _text(p)
    lines = text.splitlines(keepends=True)
    if len(lines) > MAX_LINES:
        raise CollectError(f"{p}：有 {len(lines)} 行，超过 {MAX_LINES} 行上限。请确认这是站点清单")
    header, rows, noted = _rows(p, lines)
    if header is None:
        raise CollectError(f"{p}：文件是空的。第一行应为表头 agency,url，之后每行一个站点")
    names = [h.strip().lower() for h in header]
    if "agency" not in names or "url" not in names:
        raise CollectError(
            f"{p}：第一行必须是表头，含 agency 和 url 两列（现在是：{','.join(header)[:60]}）"
        )
    ia, iu = names.index("agency"), names.index("url")
    sites = []
    for n, row in rows:
        if not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue
        agency = row[ia].strip() if len(row) > ia else ""
        url = row[iu].strip() if len(row) > iu else ""
        problem = _row_problem(row, agency, url)
        if problem:
            noted.append((n, problem))
        else:
            sites.append(Site(agency, url, n))
    lines_said = [f"{p}:{n}: {problem}" for n, problem in sorted(noted)]
    if lines_said and (problems is None or not sites):
        more = f"（另有 {len(lines_said) - 1} 行有问题）" if len(lines_said) > 1 else ""
        raise CollectError(lines_said[0] + more)
    if not sites:
        raise CollectError(f"{p}：没有站点。每行写一个单位和它的政府信息公开年报栏目网址")
    if problems is not None:
        problems += lines_said
    return sites


def _text(p: Path) -> str:
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
    return text.replace("\x00", "")  # NUL bytes (a file cut mid-save) carry nothing of a row


def _rows(p: Path, lines: list[str]) -> tuple[list[str] | None, list, list]:
    """(header, [(line number, cells)], [(line number, problem)]): a row the CSV reader
    refuses (a cell over its field limit, say) is a problem, and reading goes on after it."""
    reader = csv.reader(lines)
    header, rows, noted, start = None, [], [], 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            noted.append((start, f"这一行不是有效的 CSV（{exc}）。请在 Excel 中检查这一行后另存"))
            start = reader.line_num + 1
            continue
        if header is None:
            if any(c.strip() for c in row):
                header = row
        else:
            rows.append((start, row))
        start = reader.line_num + 1
    return header, rows, noted


def _row_problem(row: list[str], agency: str, url: str) -> str | None:
    if any(len(c) > MAX_CELL for c in row):
        return f"有一个单元格超过 {MAX_CELL} 字。请检查这一行是否粘贴了多余内容"
    if any("\n" in c or "\r" in c for c in row):
        return "一个单元格里有换行（多半是引号没有配对）。请删去多余的引号"
    if not agency:
        return "缺少单位（agency）。请填写单位的名录代码或标准名称"
    try:
        parts = urllib.parse.urlsplit(url)
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        parts, port_ok = None, False
    if (
        parts is None
        or parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or not port_ok
        or any(ch.isspace() or ord(ch) < 32 for ch in url)
    ):
        shown = url[:60] or "（空）"
        return f"网址不是 http(s) 地址：{shown}。请填写以 http:// 或 https:// 开头的栏目网址"
    return None
