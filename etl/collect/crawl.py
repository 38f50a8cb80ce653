"""Walk each site's 年报 column: list pages (pagination), report articles, their attachments.

Resumable: every file URL already in the manifest is asked for conditionally (its ETag /
Last-Modified); a 304 or the same sha256 leaves the saved file alone, new bytes replace it (the
old bytes kept in .superseded/) and the row remembers the previous sha256.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from etl.collect import article, pages
from etl.collect.crawl_lists import ListedArticle, ListPages
from etl.collect.crawl_twice import SameReportTwice
from etl.collect.http import Client
from etl.collect.manifest import ROLE_ATTACHMENT, ROLE_PAGE, PortalFinding, Row
from etl.collect.safe_files import PlantedLink
from etl.collect.sites import Site
from etl.collect.store import Store
from etl.report import Finding

Progress = Callable[[str, str], None]  # (what: list|article|file, url)


@dataclass
class SiteResult:
    site: Site
    reports: int = 0  # report articles found (this year, with --year)
    new: int = 0  # files saved for the first time
    changed: int = 0  # files whose bytes changed since the last collection
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0  # forbidden by robots.txt
    problems: list[str] = field(default_factory=list)  # one line each, Chinese
    reached: bool = True  # False: the column itself could not be read
    findings: list[PortalFinding] = field(default_factory=list)


class SiteWalk(ListPages, SameReportTwice):
    def __init__(
        self,
        site: Site,
        client: Client,
        store: Store,
        rows: dict[str, Row],
        year: int | None = None,
        progress: Progress | None = None,
    ):
        self.site, self.client, self.store, self.rows = site, client, store, rows
        self.year = year
        self.progress = progress or (lambda what, url: None)
        self.result = SiteResult(site)
        self._final: dict[str, str] = {}  # url -> where its redirects ended
        # not asked by choice (robots.txt, address filter) or not written (a planted link):
        # nothing the portal did wrong
        self._refused: set[str] = set()

    def run(self) -> SiteResult:
        articles = self._articles()
        if not self.result.reached:
            return self.result
        articles = [art for art in articles if self._article(art)]
        self.result.reports = len(articles)
        self._conflicts(articles)
        if not articles:
            scope = f"{self.year} 年度" if self.year else "任何年度"
            self._finding(
                Finding(
                    "portal.no_report",
                    (),
                    None,
                    None,
                    f"{self.site.label} 的网站（{self.site.url}）上没有找到{scope}的政府信息公开工作年度报告。"
                    f"请核实该单位是否已发布，或在站点清单中改填其年报栏目的网址",
                    "warning",
                ),
                str(self.year or ""),
            )
        return self.result

    # --- articles and attachments --------------------------------------------------------------

    def _article(self, art: ListedArticle) -> bool:
        """Save the article page and its attachments; False when it proved to be no report."""
        self.progress("article", art.url)
        page = None

        def names_a_report(data: bytes, ctype: str) -> bool:
            nonlocal page
            if not pages.is_html(data, ctype):
                return True  # the list links the document itself: nothing to read it by
            page = pages.read_page(self._final.get(art.url, art.url), data, ctype)
            return not art.tentative or bool(article.title(page))

        row, data = self._file(art, art.url, ROLE_PAGE, art.title, accept=names_a_report)
        if row is None:
            return False
        art.files.append(row)
        if data is None:
            if art.url not in self._refused:
                self._broken(art, art.url, row)
            return True
        if not pages.is_html(data):  # a PDF/Word file listed directly: the list's date is its date
            row.published = art.list_date or row.published
            return True
        page = page or pages.read_page(self._final.get(art.url, art.url), data)
        art.title = row.title = article.title(page) or art.title
        row.published = article.published(page) or art.list_date or row.published
        self._say_if_capped(page)
        for lk in pages.attachments(page):
            self.progress("file", lk.url)
            att, body = self._file(art, lk.url, ROLE_ATTACHMENT, lk.text or art.title, lk.text)
            att.published = row.published
            art.files.append(att)
            if body is None and lk.url not in self._refused:
                self._broken(art, lk.url, att)
        return True

    def _file(
        self, art: ListedArticle, url: str, role: str, title: str, hint: str = "", accept=None
    ):
        """Fetch one file (conditionally when known); returns (manifest row, bytes or None),
        or (None, None) when `accept(bytes)` turns new bytes down."""
        old = self.rows.get(url)
        have = self.store.read(old.file) if old and old.file else None
        rejected = self.store.rejected.get(url) if accept and have is None else None
        known = (
            {"etag": old.etag, "last_modified": old.last_modified}
            if have is not None
            else rejected or {}
        )
        got = self.client.get(url, known.get("etag"), known.get("last_modified"))
        if rejected is not None and got.not_modified:
            return None, None  # turned down before and not changed since
        row = self._row(art, url, role, title, old, got)
        if got.not_modified and have is not None:
            row.status = old.status  # the status that brought the saved bytes; 304 said "still so"
            self.result.unchanged += 1
            return row, have
        if not self._fetched(url, row, got):
            return row, None
        self._final[url] = got.final_url  # relative links of a redirected page start there
        ctype = got.headers.get("content-type", "")
        if accept is not None and not accept(got.data, ctype):
            del self.rows[url]
            self.store.rejected[url] = {
                "etag": got.headers.get("etag", ""),
                "last_modified": got.headers.get("last-modified", ""),
            }
            return None, None
        return self._keep(art, url, role, hint, row, got, have)

    def _row(
        self, art: ListedArticle, url: str, role: str, title: str, old: Row | None, got
    ) -> Row:
        """The manifest row of this fetch: what the earlier row knew, the new status; claimed."""
        row = Row(
            self.site.agency,
            art.year,
            title,
            url,
            old.published if old else "",
            datetime.now().isoformat(timespec="seconds"),
            str(got.status or ""),
            old.sha256 if old else "",
            old.file if old else "",
            role,
            art.url,
            old.etag if old else "",
            old.last_modified if old else "",
            old.previous_sha256 if old else "",
            "",
            self.site.name if self.site.known and self.site.name else "",
        )
        self.rows[url] = row
        if row.file:
            self.store.claim(row.file, url)
        return row

    def _fetched(self, url: str, row: Row, got) -> bool:
        """True when `got` carries bytes; else the row's error is set and the failure counted."""
        if got.refused:
            row.error = got.error or ""
            self._refused.add(url)
            self.result.skipped += 1
            self.result.problems.append(f"{self.site.label}：{url}：{got.error}")
            return False
        if got.ok and not got.data.strip():
            got.error = f"HTTP {got.status}，但返回的是空文件"
        if not got.ok:
            row.error = got.error or ""
            self.result.failed += 1
            return False
        return True

    def _keep(self, art: ListedArticle, url: str, role: str, hint: str, row: Row, got, have):
        """Save the fetched bytes unless they change nothing a reader sees; (row, bytes)."""
        ctype = got.headers.get("content-type", "")
        sha = hashlib.sha256(got.data).hexdigest()
        row.etag, row.last_modified = (
            got.headers.get("etag", ""),
            got.headers.get("last-modified", ""),
        )
        row.error = ""
        if have is not None and (
            sha == row.sha256 or (role == ROLE_PAGE and article.same_text(url, have, got.data))
        ):
            self.result.unchanged += 1  # the saved bytes stay: nothing a reader sees changed
            return row, have
        rel = row.file or self.store.place(
            self.site.label,
            art.year,
            url,
            hint,
            role == ROLE_PAGE and pages.is_html(got.data, ctype),
            ctype,
        )
        try:
            self.store.save(rel, got.data, replaces=row.file if have is not None else "")
        except PlantedLink as exc:  # a link planted in the output folder: not written through
            row.error = "输出文件夹中的同名位置是符号链接，没有写入"
            self._refused.add(url)  # the portal is not at fault: no broken-link finding
            self.result.failed += 1
            self.result.problems.append(f"{self.site.label}：{exc}")
            return row, None
        if have is not None:
            row.previous_sha256, self.result.changed = row.sha256, self.result.changed + 1
        else:
            self.result.new += 1
        row.sha256, row.file = sha, rel
        return row, got.data

    def _broken(self, art: ListedArticle, url: str, row: Row) -> None:
        what = "报告页面" if row.role == ROLE_PAGE else "附件"
        self.result.problems.append(f"{self.site.label}：{what} {url} 下载失败：{row.error}")
        self._finding(
            Finding(
                "portal.broken_link",
                (),
                None,
                None,
                f"{self.site.label}网站上《{art.title}》的{what}无法下载（{url}：{row.error}）。"
                f"请通知该单位修复链接",
                "warning",
            ),
            art.year,
            url,
            [art.url],
        )

    def _finding(self, f: Finding, year: str, url: str = "", articles: list[str] = ()) -> None:
        self.result.findings.append(
            PortalFinding(
                self.site.agency,
                year,
                f.rule,
                f.severity,
                f.message,
                url or self.site.url,
                "|".join(articles),
            )
        )
