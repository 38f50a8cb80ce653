"""One portal page read for the collector: decoded, parsed with lxml, and the few ways the
collector looks into it (visible text, elements by tag, the body).

lxml directly, as etl/extract/html.py does: BeautifulSoup took 5 s for a list page of 20,000
links where lxml takes a tenth of a second, and a hostile page is as big as the list-page cap
(8 MB) allows. Every walk over a page is linear in its size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from etl.errors import ReportError
from etl.extract.encoding import decode_bytes


@dataclass
class Link:
    url: str
    text: str
    date: str | None = None  # a date printed beside the link in a list


@dataclass
class Page:
    url: str
    text: str  # decoded HTML
    root: lxml.html.HtmlElement = field(repr=False)
    links: list[Link] | None = field(default=None, repr=False)  # made once, by links()
    links_found: int = 0  # <a href> on the page; more than MAX_LINKS: only the first are read


def read_page(url: str, data: bytes, content_type: str = "") -> Page:
    """Decode (header charset, <meta> charset, else detection; GBK family as GB18030) and parse."""
    declared = _charset(content_type) or _meta_charset(data[:8192])
    try:
        text, _ = decode_bytes(url, data, declared)
    except ReportError:
        text = data.decode("gb18030", errors="replace")
    markup = _XML_DECL.sub("", text).replace("\x00", "")  # lxml refuses str with a declaration
    try:
        root = lxml.html.document_fromstring(markup) if markup.strip() else _empty()
    except (etree.ParserError, ValueError):
        root = _empty()
    return Page(url, text, root)


def _empty() -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring("<html><body></body></html>")


_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# what a reader sees of an element: its text, not its scripts, styles or comments
_VISIBLE_TEXT = etree.XPath(
    "descendant-or-self::text()[not(ancestor::script or ancestor::style or ancestor::template)]",
    smart_strings=False,
)


def text_of(el) -> str:
    return " ".join(_VISIBLE_TEXT(el))


def elements(page: Page, *tags: str):
    """Elements of these tags in document order (comments and processing instructions skipped)."""
    return (el for el in page.root.iter(*tags) if isinstance(el.tag, str))


def is_html(data: bytes, content_type: str = "") -> bool:
    """A web page, not a document a list links to directly (a PDF, Word file, image)."""
    head = data[:2048].lstrip().lower()
    if head.startswith((b"%pdf", b"pk\x03\x04", b"\xd0\xcf\x11\xe0", b"\x89png", b"\xff\xd8")):
        return False
    return "html" in content_type.lower() or any(
        m in head for m in (b"<html", b"<!doctype", b"<body", b"<head")
    )


def _charset(content_type: str) -> str | None:
    m = re.search(r"charset\s*=\s*[\"']?([\w-]+)", content_type or "", re.IGNORECASE)
    return m.group(1) if m else None


def _meta_charset(head: bytes) -> str | None:
    m = re.search(
        rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", head, re.IGNORECASE
    )
    return m.group(1).decode("ascii", "ignore") if m else None


def body_of(page: Page):
    body = page.root.find("body")
    return body if body is not None else page.root
