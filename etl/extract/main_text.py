"""The report, not the page: the report's own prose without the portal around it.

A report saved from a government portal carries the portal's chrome: menus, breadcrumbs, the
信息公开 header table (索引号 / 发布机构 / 公开日期), 「打印」「关闭」「分享到」, related-links
lists, and the footer (主办单位, 网站标识码, ICP备案, 版权所有). Crawler saves add their own header
(标题 / 原文链接 / 本地目录 / links.tsv). None of it is the report: quoted as 'copied' evidence
or searched for section headings it would judge the portal, and two agencies on one portal would
share it.

Two layers, both only for the prose (tables, values, dates and the agency are read from the
whole document as before):

- HTML pages: trafilatura (Apache-2.0, runs offline on the page's own bytes) finds the main
  content; prose lines outside it are dropped. When it finds little (a Word "save as web page"
  laid out in tables, a page it misjudges) it is ignored rather than trusted.
- every format: short lines that are portal chrome by their words (declared below) are dropped.
"""

from __future__ import annotations

import re

from etl.document import RawDocument
from etl.normalize import normalize_text, squash

MAIN_TEXT_KEY = "main_text"  # RawDocument.meta key set by extract_html, popped by the parser
MAX_PAGE_CHARS = 500_000  # larger pages: chrome words only (the extractor took ~2 s at 220 KB)
# The extractor's main content must hold at least this share of the page's non-chrome prose,
# or it missed the report (layout tables, an unusual template) and is not used.
MIN_MAIN_SHARE = 0.5
# Menus and related-links lists are lists of links: a page with fewer has none to remove, and
# is spared the extractor's time (a report page's own text links a few documents at most).
MIN_LINKS = 10
_LINK = re.compile(r"<a\s[^>]*href", re.I)
CHROME_MAX_CHARS = 80  # a chrome line is short; a report sentence naming 打印机 is not dropped

_LEAD = re.compile(r"^[-*•·|>\s]+")
# Field names of the portal's 信息公开 header and of crawler headers, at the start of a line.
_HEADER_FIELDS = (
    "标题|发布时间|发布日期|公开日期|成文日期|生成日期|公文生成日期|文号|备注/文号|发文字号|"
    "发布机构|发布单位|发文机关|信息来源|来源|所属机构|栏目|所属栏目|原文链接|本地目录|索引号|"
    "公开方式|公开时限|公开范围|主题分类|体裁分类|组配分类|服务对象分类|统一登记号|有效性|浏览次数"
)
_CHROME = re.compile(
    rf"^(?:{_HEADER_FIELDS})[:：|]"
    r"|^(?:当前位置|您的位置|您现在的位置|所在位置|当前的位置)"
    r"|(?:首页|主页|网站首页)(?:>|＞|»|›|→|/)"
    r"|网站标识码|ICP备|ICP证|公网安备|版权所有|Copyright|©|技术支持[:：]|主办单位|承办单位"
    r"|^主办[:：]|^承办[:：]|网站地图|联系我们|无障碍浏览|长者模式|关怀版"
    r"|打印本页|打印此页|【打印】|\[打印\]|关闭窗口|【关闭】|\[关闭\]|分享到|扫一扫|浏览次数"
    r"|阅读次数|访问量|点击数[:：]|【字体|字体[:：]?【?大|收藏本页|加入收藏|返回顶部"
    r"|^上一篇|^下一篇|^相关链接|^相关文章|^相关阅读|^相关信息|^相关文件"
    r"|links\.tsv|^=+正文=+$",
    re.I,
)


def is_chrome_line(text: str) -> bool:
    """A short line that is portal or crawler chrome by its words, not the report's."""
    s = _LEAD.sub("", squash(text))
    return bool(s) and len(s) <= CHROME_MAX_CHARS and bool(_CHROME.search(s))


def main_content(html_text: str) -> str | None:
    """The page's main content as text, one paragraph a line (trafilatura), or None where it
    cannot tell."""
    if len(html_text) > MAX_PAGE_CHARS or len(_LINK.findall(html_text)) < MIN_LINKS:
        return None
    try:
        import trafilatura
    except ImportError:  # the extractor is a dependency; without it only the chrome words apply
        return None
    try:
        # fast: no fallback extractors; no tables, no metadata: only the paragraphs anchor the
        # span (a tenth of the time of the full extraction, measured on a 10 KB report page)
        found = trafilatura.bare_extraction(
            html_text,
            fast=True,
            include_tables=False,
            include_comments=False,
            include_links=False,
            deduplicate=False,
            with_metadata=False,
        )
    # an optional refinement by a third-party extractor over hostile HTML: whatever it raises, the
    # page keeps its prose as read; narrowed, a type not foreseen here would refuse the whole
    # report as a gongkai bug (the worker's boundary) for the failure of a step it can do without
    except Exception:  # noqa: BLE001 -- an optional step's boundary
        return None
    return (getattr(found, "text", None) or None) if found is not None else None


# A prose line this short anchors the main content only as a whole paragraph of it: a menu item
# (政务公开, 首页) also occurs inside the report's sentences.
SHORT_LINE = 12


def _titled(line: str, title: str) -> bool:
    s = squash(line)
    return len(s) >= SHORT_LINE and bool(title) and s in title


def report_prose(doc: RawDocument, main_text: str | None = None) -> tuple[str, ...]:
    """The prose lines of the report itself: chrome lines dropped and, on an HTML page, the
    lines before and after the main content (menus, related links, footers).

    The extractor's content anchors a span of the page's lines (first to last line it holds);
    the lines between stay even where the extractor left out a short one (a date, a signature),
    so the page's own reading order decides, not the extractor's taste."""
    lines = [b.text for b in doc.blocks if not b.is_table_row]
    own = [ln for ln in lines if not is_chrome_line(ln)]
    if not main_text:
        return tuple(own)
    # the blocks were normalised (NFKC, Traditional → Simplified): the main text likewise
    normal = normalize_text(main_text, bool(doc.meta.get("traditional")))
    paragraphs = {squash(p) for p in normal.split("\n")} - {""}
    whole = "\n".join(paragraphs)

    def anchored(line: str) -> bool:
        s = squash(line)
        return s in paragraphs or (len(s) >= SHORT_LINE and s in whole)

    anchors = [i for i, ln in enumerate(own) if anchored(ln)]
    if not anchors:
        return tuple(own)
    first, last = anchors[0], anchors[-1]
    title = squash(str(doc.meta.get("title") or ""))
    while first > 0 and _titled(own[first - 1], title):
        first -= 1  # the report's title above its text (the page title holds it)
    kept = own[first : last + 1]
    if sum(len(squash(ln)) for ln in kept) < MIN_MAIN_SHARE * sum(len(squash(ln)) for ln in own):
        return tuple(own)  # the extractor missed most of the report: trust the chrome words only
    return tuple(kept)
