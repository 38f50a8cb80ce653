"""Reading portal pages: which links are annual reports, which are further list pages, which are
attachments — for the list layouts of common CMSs (an article page: etl/collect/article.py).

Nothing here touches the network. Every link is made absolute against the page's own URL
(or its <base href>), fragments dropped; only http(s) links are kept.
Pages are read by etl/collect/html_page.py (lxml); every walk over a page here is linear in
its size, and at most MAX_LINKS links of a page are read.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import PurePosixPath

from etl.collect.html_page import (  # noqa: F401 -- read_page, is_html: pages' own words too
    Link,
    Page,
    body_of,
    elements,
    is_html,
    read_page,
    text_of,
)
from etl.numerals import chinese_to_int

# a report title: 信息公开 + 年度报告/年报 (+ a year, checked apart); not a notice about reports
REPORT_WORDS = re.compile(
    r"信息公开.{0,8}(年度报告|年报|年度工作报告|工作报告)|(年度报告|年报).{0,4}信息公开"
)
NOT_REPORT = re.compile(
    r"解读|图解|读懂|一图|通知|关于.{0,30}(报送|编制|发布|做好)|考核|评估|目录|指南|专栏"
)
COLUMN_WORDS = re.compile(r"年报|年度报告")
YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
CN_YEAR = re.compile(r"([〇零一二三四五六七八九○]{4})\s*年")
DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
YEAR_TAB = re.compile(r"(?:19|20)\d{2}\s*(?:年度?)?")  # a column split into one tab per year
NEXT_WORDS = {"下一页", "下页", "后页", "尾页", "末页", "下一頁", ">", ">>", "»", "›"}
PAGE_SCRIPT = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,"
    r"\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]"
)
DOC_SUFFIXES = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".ofd")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp")
TRUNCATED = re.compile(r"(\.\.\.|…+|\.{2,}|。。)\s*$")
# download.jsp?filename=报告.pdf: the document's name rides in the query
DOC_IN_QUERY = re.compile(r"=[^&]*\.(?:pdf|docx?|wps|xlsx?|et|ofd)(?:&|$)", re.IGNORECASE)
MAX_PAGES_ANNOUNCED = 200  # a createPageHTML count beyond this is not believed
# links read per page: a 年报 column or a 政府信息公开 page has tens to a few hundred; a page
# with more is a site map or a trap, and its first links are the ones a person sees
MAX_LINKS = 5000
MAX_LINK_TEXT = 300  # characters of a link's text: a title is far shorter


def report_year(title: str) -> int | None:
    """The year a report title names: 2023年 / 2023年度 / 二〇二三年."""
    m = YEAR.search(title)
    if m:
        return int(m.group(1))
    m = CN_YEAR.search(title)
    if m:
        y = chinese_to_int(m.group(1).replace("○", "〇"))
        return y if y and 1990 <= y <= 2100 else None
    return None


def is_report_title(title: str) -> bool:
    t = squash(title)
    return bool(REPORT_WORDS.search(t)) and report_year(t) is not None and not NOT_REPORT.search(t)


def links(page: Page) -> list[Link]:
    """Every http(s) <a href> on the page, absolute, with its text (or title) and nearby date."""
    if page.links is None:
        page.links = _links(page)
    return page.links


def _links(page: Page) -> list[Link]:
    """Linear in the page: each container's count of links is counted once (a list of 10,000
    links in one <ul> used to be counted again for every link in it)."""
    base = _base(page)
    anchors = [a for a in elements(page, "a") if a.get("href") is not None]
    page.links_found = len(anchors)
    out, seen = [], set()
    counts: dict = {}  # container element -> its number of links (1 or 2: "several")
    for a in anchors[:MAX_LINKS]:
        url = absolute(base, a.get("href"))
        if url is None:
            continue
        text = squash(text_of(a)) or squash(a.get("title") or "")
        if a.get("title") and len(squash(a.get("title"))) > len(text):
            text = squash(a.get("title"))  # lists cut long titles to "…" and keep them in title=
        text = text[:MAX_LINK_TEXT]
        key = (url, text)
        if key in seen:
            continue
        seen.add(key)
        out.append(Link(url, text, _date_beside(a, counts)))
    return out


def report_links(page: Page) -> list[Link]:
    return [lk for lk in links(page) if is_report_title(lk.text)]


def maybe_report_links(page: Page) -> list[Link]:
    """Links whose text a list cut short ("…2023年政府信息公开工作年..."): opened, and kept
    only when the article's own title names a report."""
    return [
        lk
        for lk in links(page)
        if TRUNCATED.search(lk.text)
        and report_year(lk.text)
        and re.search("政府|信息|公开|年度|年报", lk.text)
        and not is_report_title(lk.text)
        and not NOT_REPORT.search(lk.text)
    ]


def column_links(page: Page) -> list[Link]:
    """Links to a 年报 column (名称 has 年报/年度报告 but no year): from a 政府信息公开 page."""
    return [
        lk
        for lk in links(page)
        if COLUMN_WORDS.search(lk.text)
        and report_year(lk.text) is None
        and len(lk.text) <= 20
        and not NOT_REPORT.search(lk.text.replace("专栏", ""))
    ]


def page_links(page: Page, column: str) -> list[str]:
    """Further pages of the same list: 下一页/尾页/numbered links, createPageHTML scripts and
    per-year tabs, kept to the column's own folder so they never lead off into the rest of the
    site."""
    found = []
    for lk in links(page):
        text = lk.text.strip("[]【】 ")
        pager = text in NEXT_WORDS or (text.isdigit() and len(text) <= 3)
        if (pager or YEAR_TAB.fullmatch(text)) and same_folder(lk.url, column):
            found.append(lk.url)
    for m in PAGE_SCRIPT.finditer(page.text):
        count, name, ext = int(m.group(1)), m.group(3), m.group(4)
        for i in range(1, min(count, MAX_PAGES_ANNOUNCED)):
            found.append(urllib.parse.urljoin(page.url, f"{name}_{i}.{ext}"))
    return list(dict.fromkeys(u for u in found if u != page.url))


def frames(page: Page) -> list[str]:
    """<iframe>/<frame> sources on the same host: columns that load their list in a frame."""
    base, host = _base(page), urllib.parse.urlsplit(page.url).netloc
    found = [absolute(base, f.get("src")) for f in elements(page, "iframe", "frame")]
    return [u for u in found if u and urllib.parse.urlsplit(u).netloc == host]


def same_folder(url: str, column: str) -> bool:
    a, b = urllib.parse.urlsplit(url), urllib.parse.urlsplit(column)
    folder = b.path if b.path.endswith("/") else b.path.rsplit("/", 1)[0] + "/"
    return a.netloc == b.netloc and (a.path + "/").startswith(folder)


def attachments(page: Page) -> list[Link]:
    """Documents linked from an article (by the link's path or text), and the article's own
    images: those stored beside the article (CMSs keep them in its folder), not the site's logos."""
    base = _base(page)
    out: dict[str, Link] = {}
    for lk in links(page):
        if (
            _suffix(lk.url) in DOC_SUFFIXES + IMAGE_SUFFIXES
            or _suffix(lk.text) in DOC_SUFFIXES
            or DOC_IN_QUERY.search(urllib.parse.urlsplit(lk.url).query)
        ):
            out.setdefault(lk.url, lk)
    for img in elements(page, "img"):
        url = absolute(base, img.get("src") or "")
        if url and _suffix(url) in IMAGE_SUFFIXES and same_folder(url, page.url):
            out.setdefault(url, Link(url, squash(img.get("alt") or "")))
    return list(out.values())


def parse_date(text: str) -> str | None:
    m = DATE.search(text or "")
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def absolute(base: str, href: str) -> str | None:
    href = (href or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    try:
        url = urllib.parse.urljoin(base, href)
    except ValueError:
        return None
    url, _ = urllib.parse.urldefrag(url)
    return url if urllib.parse.urlsplit(url).scheme in ("http", "https") else None


def file_name(url: str) -> str:
    """The last path segment, decoded, or '' (for a folder URL)."""
    return PurePosixPath(urllib.parse.unquote(urllib.parse.urlsplit(url).path)).name


def _suffix(name: str) -> str:
    return PurePosixPath(file_name(name) if "://" in name else name.strip()).suffix.lower()


def _base(page: Page) -> str:
    for tag in elements(page, "base"):
        if tag.get("href") is not None:
            try:
                return urllib.parse.urljoin(page.url, tag.get("href"))
            except ValueError:
                return page.url
    return page.url


def _date_beside(a, counts: dict) -> str | None:
    """A date in the list item holding the link (li/tr/dd/p/div up to three levels up).
    `counts` remembers each container's number of links, so each is counted once a page."""
    node = a
    for _ in range(3):
        node = node.getparent()
        if node is None:
            return None
        if node.tag in ("li", "tr", "dd", "dt", "p", "div", "td", "span"):
            if node not in counts:
                counts[node] = sum(1 for _ in zip(node.iter("a"), range(2)))
            if counts[node] > 1:
                return None  # the container holds several links: its date is not this link's
            d = parse_date(squash(text_of(node)).replace(squash(text_of(a)), ""))
            if d:
                return d
    return None


def squash(text: str) -> str:
    return re.sub(r"[\s\u00a0\u3000]+", " ", text or "").strip()
