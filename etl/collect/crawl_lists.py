"""The list pages of a site's 年报 column (for etl.collect.crawl.SiteWalk): pagination, the
column's sub-columns and frames, and the report articles they link to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from etl.collect import pages
from etl.collect.manifest import Row
from etl.collect.safe_files import PlantedLink

MAX_LIST_PAGES = 100  # per site: a column of annual reports never needs more
MAX_ARTICLES = 1000  # per site: a county column holding every office's reports for ten years
LIST_BYTES = 8 * 1024 * 1024


@dataclass
class ListedArticle:
    url: str
    title: str
    year: str
    list_date: str | None
    tentative: bool = False  # the list cut its title short: kept only if the page names a report
    files: list[Row] = field(default_factory=list)


class ListPages:
    """SiteWalk's walk over the list pages (a mixin: it uses the walk's site, client, store,
    progress and result)."""

    # --- list pages ----------------------------------------------------------------------------

    def _articles(self) -> list[ListedArticle]:
        queue: list[tuple[str, str, int]] = [
            (self.site.url, self.site.url, 0)
        ]  # url, column, depth
        seen: set[str] = set()
        found: dict[str, ListedArticle] = {}
        while queue and len(seen) < MAX_LIST_PAGES:
            url, column, depth = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            page = self._list_page(url, first=depth == 0 and url == self.site.url)
            if page is None:
                continue
            self._say_if_capped(page)
            for lk, tentative in [(lk, False) for lk in pages.report_links(page)] + [
                (lk, True) for lk in pages.maybe_report_links(page)
            ]:
                year = pages.report_year(lk.text)
                if (self.year is None or year == self.year) and lk.url not in found:
                    if len(found) == MAX_ARTICLES:
                        self.result.problems.append(
                            f"{self.site.label}：年报栏目中的年报链接超过 {MAX_ARTICLES} 篇，"
                            "只采集了前这些篇。请确认站点清单中的网址是年报栏目"
                        )
                        return list(found.values())
                    found[lk.url] = ListedArticle(
                        lk.url, lk.text, str(year or ""), lk.date, tentative
                    )
            queue += [(u, column, depth) for u in pages.page_links(page, column) if u not in seen]
            if depth == 0:
                queue += [
                    (u, u, 1)
                    for u in [lk.url for lk in pages.column_links(page)] + pages.frames(page)
                    if u not in seen and u not in found
                ]
        return list(found.values())

    def _list_page(self, url: str, first: bool):
        self.progress("list", url)
        entry, cached = self.store.cached_list(url)
        got = self.client.get(
            url,
            entry.get("etag") if cached else None,
            entry.get("last_modified") if cached else None,
            LIST_BYTES,
        )
        if got.not_modified and cached is not None:
            return pages.read_page(url, cached, entry.get("content_type", ""))
        if not got.ok:
            if first:
                self.result.reached = False
                self.result.problems.append(
                    f"{self.site.label}：无法打开年报栏目 {url}：{got.error}"
                )
            else:
                self.result.problems.append(f"{self.site.label}：列表页 {url} 打不开：{got.error}")
            return None
        ctype = got.headers.get("content-type", "")
        try:
            self.store.cache_list(
                url,
                got.data,
                got.headers.get("etag", ""),
                got.headers.get("last-modified", ""),
                ctype,
            )
        except PlantedLink as exc:  # the page is still read; only the cache is not kept
            self.result.problems.append(f"{self.site.label}：{exc}")
        return pages.read_page(got.final_url, got.data, ctype)

    def _say_if_capped(self, page) -> None:
        pages.links(page)
        if page.links_found > pages.MAX_LINKS:
            self.result.problems.append(
                f"{self.site.label}：页面 {page.url} 有 {page.links_found} 个链接，"
                f"超过 {pages.MAX_LINKS} 个上限，只读取了前 {pages.MAX_LINKS} 个"
            )
