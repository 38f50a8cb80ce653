"""HTML pages (gov portals, Word "save as web page"): prose lines and table rows in reading order.

Parsed with lxml directly (BeautifulSoup's tree costs ~10x the time and memory, and a portal
page can be tens of MB), then walked into rows by etl.extract.html_walk (each `<tr>` of a data
table one table row, exactly as printed).
"""

from __future__ import annotations

import re

from lxml import etree

from etl.document import RawDocument
from etl.errors import ReportError
from etl.extract.build import build_document
from etl.extract.encoding import decode_bytes, looks_binary
from etl.extract.html_hidden import page_style, strip_attributes
from etl.extract.html_walk import BLOCK, DROP, MAX_TABLE_DEPTH, WRAP, Walker, clean
from etl.extract.main_text import MAIN_TEXT_KEY, main_content
from etl.limits import LIMITS, check_count

_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# <meta name=...> values portals fill in (Chinese government CMSs: PubDate, ContentSource ...)
META_NAMES = {
    "articletitle": "title",
    "pubdate": "published",
    "publishdate": "published",
    "firstpublishedtime": "published",
    "contentsource": "publisher",
    "sitename": "site",
    "columnname": "column",
}
_TABLE_TAG = re.compile(r"<(/?)table\b", re.I)
_CHUNK = 1 << 20


def extract_html(path: str, data: bytes, sha256: str) -> RawDocument:
    if looks_binary(data):
        raise ReportError(
            path,
            "is not an HTML page (binary content)",
            "check that the file is the report page and not an image or archive",
            "binary",
        )
    # refused before lxml builds a tree of millions of elements (a 50 MB page of 1.7 million
    # paragraphs took 85 s and 1.3 GB)
    check_count(path, "too_many_tags", "HTML tags", data.count(b"<"), LIMITS.html_tags)
    match = _CHARSET.search(data[:8192])
    declared = match.group(1).decode("ascii", "ignore") if match else None
    text, encoding = decode_bytes(path, data, declared)
    style = page_style(text)  # what the page's own <style> blocks hide (html_hidden)
    root = _parse(path, text, keep_selectors=bool(style))
    meta = _meta(root)
    meta["encoding"] = encoding
    main = main_content(text)  # the report without the portal around it (for the prose only)
    if main:
        meta[MAIN_TEXT_KEY] = main
    if _table_depth(text) > MAX_TABLE_DEPTH:  # the tree lost the depths; read the events
        del root
        from etl.extract.html_flat import flat_rows

        rows = flat_rows(text, clean, WRAP, DROP, BLOCK, style)
    else:
        del text
        if style:
            style.mark_tree(root)
        walker = Walker()
        body = root.find("body")
        walker.walk(body if body is not None else root, 0)
        walker.flush()
        rows = walker.rows
        del root, body  # the tree can be hundreds of MB for a huge page
    if not rows:
        raise ReportError(
            path,
            "the HTML page has no text",
            "the page may be a frame or load its content by script; save the report "
            "page itself (or its PDF/Word attachment) and load that",
            "no_text",
        )
    return build_document(path, sha256, "html", rows, meta)


def _table_depth(text: str) -> int:
    depth = deepest = 0
    for m in _TABLE_TAG.finditer(text):
        depth = max(depth - 1, 0) if m.group(1) else depth + 1
        deepest = max(deepest, depth)
    return deepest


def _parse(path: str, text: str, keep_selectors: bool = False):
    """Parse in chunks, dropping attributes as elements open: a Word-exported page is mostly
    style attributes and inline images, and keeping them would cost ~10x the file size. What
    decides whether an element is hidden is kept (class and id only where the page has style
    rules that hide)."""
    text = _XML_DECL.sub("", text[:1000], count=1) + text[1000:]
    parser = etree.HTMLPullParser(
        events=("start",), huge_tree=True, remove_comments=True, remove_pis=True, no_network=True
    )
    last = (0, "")  # where the last chunk that opened an element ends, and that element's tag
    try:
        for start in range(0, len(text), _CHUNK):
            parser.feed(text[start : start + _CHUNK])
            tag = _strip(parser.read_events(), keep_selectors)
            last = (start + _CHUNK, tag) if tag is not None else last
        root = parser.close()
        tag = _strip(parser.read_events(), keep_selectors)
        last = (len(text), tag) if tag is not None else last
    except (etree.LxmlError, ValueError) as exc:
        raise ReportError(
            path,
            f"the HTML could not be parsed ({exc})",
            "open it in a browser and save the page again",
            "bad_html",
        )
    if root is not None and _stopped_short(text, *last, root):
        raise MemoryError(f"libxml2 stopped building the tree of {path} short")
    if root is None:
        raise ReportError(path, "the HTML page is empty", "download the report again", "no_text")
    return root


def _strip(events, keep_selectors: bool) -> str | None:
    """Drop the attributes of the elements just opened; the tag of the last one (None: none)."""
    tag = None
    for _, el in events:
        if el.attrib and el.tag != "meta":
            strip_attributes(el, keep_selectors)
        tag = el.tag
    return tag if isinstance(tag, str) or tag is None else ""


# elements whose content is text to the parser, up to their end tag (a `<` inside opens nothing)
_RAW_TEXT = ("script", "style", "textarea", "title", "xmp", "noembed", "noframes")
_START_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9:_-]*)")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_IMPLIED = frozenset({"html", "head", "body"})  # merged or implied by libxml2, never last
_LAST_TAGS_TRIED = 200


def _stopped_short(text: str, end: int, tag: str, root) -> bool:
    """True when libxml2 stopped building the tree before the end of the page.

    Where the worker's memory cap refuses libxml2 an allocation (a tree of hundreds of MB), it
    stops without an error: the page would read as empty, or as part of the report. Two signs:
    tags after the last chunk that opened an element (`end`; unless they are the content of
    a raw-text element opened last, `tag`, or inside a comment), or a tree whose last element
    is not the page's last start tag (libxml2 stopped inside the chunk that opened its last)."""
    rest = text[end:]
    if tag in _RAW_TEXT:
        close = rest.lower().find("</" + tag)
        rest = rest[close:] if close >= 0 else ""
    if _START_TAG.search(_COMMENT.sub("", rest)) is not None:
        return True
    expected = _last_start_tag(text)
    last = None
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag not in _IMPLIED:
            last = el.tag
    return expected is not None and last != expected


def _last_start_tag(text: str) -> str | None:
    """The name of the page's last start tag outside comments and raw-text elements (lower
    case), None when there is none among the last _LAST_TAGS_TRIED `<` of the page."""
    lower = text[-(1 << 20) :].lower()  # the tail: a report's last tags are near its end
    at = len(lower)
    for _ in range(_LAST_TAGS_TRIED):
        at = lower.rfind("<", 0, at)
        if at < 0:
            return None
        found = _START_TAG.match(lower, at)
        if found is None or found.group(1) in _IMPLIED or _inside_other(lower, at):
            continue
        return found.group(1)
    return None


def _inside_other(lower: str, at: int) -> bool:
    """`<` at `at` is inside a comment or the content of a raw-text element."""
    if lower.rfind("<!--", 0, at) > lower.rfind("-->", 0, at):
        return True
    return any(lower.rfind("<" + t, 0, at) > lower.rfind("</" + t, 0, at) for t in _RAW_TEXT)


def _meta(root) -> dict:
    meta: dict = {}
    title = root.find(".//title")
    if title is not None:
        t = clean("".join(title.itertext()))
        if t:
            meta["title"] = t
    for el in root.iter("meta"):
        name = (el.get("name") or el.get("property") or "").strip().lower()
        key = META_NAMES.get(name)
        content = clean(el.get("content") or "")
        if key and content and key not in meta:
            meta[key] = content
    return meta
