"""What an article page of a portal says: the report's title, the portal's 发布时间, and the text a
reader sees (whether a new copy of the page is a new version of the report).

Nothing here touches the network; pages are read by etl/collect/html_page.py (lxml).
"""

from __future__ import annotations

import re

from etl.collect.html_page import Page, body_of, elements, read_page, text_of
from etl.collect.pages import is_report_title, parse_date, squash

# the portal's own publication labels first; 成文日期 is the document's date, never taken here
DATE_LABELS = (
    re.compile(r"(?:发布时间|发布日期|公开日期|公开时间|发表时间|上网时间|发文日期)\s*[:：]?\s*"),
    re.compile(r"(?<!成文)(?:日期|时间)\s*[:：]\s*"),
)
META_DATES = (
    "pubdate",
    "publishdate",
    "firstpublishedtime",
    "published_time",
    "article:published_time",
    "dc.date",
)


def published(page: Page) -> str | None:
    """The portal's 发布时间 on an article page: a <meta> the CMS fills, else a labelled date."""
    for meta in elements(page, "meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        if name in META_DATES:
            d = parse_date(meta.get("content") or "")
            if d:
                return d
    text = squash(text_of(body_of(page)))
    for labels in DATE_LABELS:
        for m in labels.finditer(text):
            after = text[m.end() : m.end() + 24]
            d = parse_date(after)
            if d and after.find(d[:4]) <= 2:
                return d
    return None


def title(page: Page) -> str:
    """The article's title if it names an annual report (h1-h3, a *title* element, <title>,
    the ArticleTitle meta), else ''. Cheapest places first: most pages say it in <h1>."""

    def candidates():
        for tag in ("h1", "h2", "h3", "title"):
            for el in elements(page, tag):
                yield text_of(el)
        for m in elements(page, "meta"):
            if (m.get("name") or "").strip().lower() == "articletitle":
                yield m.get("content") or ""
        for el in elements(page):
            if "title" in (el.get("class") or "").lower():
                yield text_of(el)

    for text in candidates():
        if is_report_title(text):
            return squash(text)
    return ""


def content_text(page: Page) -> str:
    """The text a reader sees (scripts, styles and comments left out)."""
    root = body_of(page)
    for tag in list(root.iter("script", "style", "noscript", "template")):
        tag.drop_tree()  # keeps the text after it (drop_tree moves the tail to the parent)
    return squash(text_of(root))


def same_text(url: str, old: bytes, new: bytes) -> bool:
    """Two copies of a page that read the same: a new session token, script version or comment
    is no new version of a report."""
    return content_text(read_page(url, old)) == content_text(read_page(url, new))
