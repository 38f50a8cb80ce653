"""The same report published on two URLs of a site with different content (for
etl.collect.crawl.SiteWalk): a portal.conflicting_versions finding naming both.
"""

from __future__ import annotations

import re

from etl.collect.crawl_lists import ListedArticle
from etl.collect.manifest import ROLE_ATTACHMENT
from etl.errors import ReportError
from etl.report import Finding


class SameReportTwice:
    """SiteWalk's check of the articles it saved (a mixin: it uses the walk's site, store and
    _finding)."""

    # --- the same report on two URLs -----------------------------------------------------------

    def _conflicts(self, articles: list[ListedArticle]) -> None:
        groups: dict[tuple[str, str], list[ListedArticle]] = {}
        for art in articles:
            groups.setdefault((art.year, _title_key(art.title)), []).append(art)
        for (year, _), same in groups.items():
            if len(same) < 2:
                continue
            contents = {a.url: self._content(a) for a in same}
            if len({c for c in contents.values() if c}) > 1:
                urls = "、".join(contents)
                self._finding(
                    Finding(
                        "portal.conflicting_versions",
                        (),
                        None,
                        None,
                        f"{self.site.label}网站上的《{same[0].title}》在 {len(same)} 个网址上发布，内容不同：{urls}。"
                        f"请核实哪一份是正式版本",
                        "warning",
                    ),
                    year,
                    same[0].url,
                    list(contents),
                )

    def _content(self, art: ListedArticle) -> str | None:
        """What the report says: its figures when one of its files parses, else its bytes."""
        # a portal's file: read under the memory cap; a bad file, or a bug while reading it,
        # comes back as its ReportError, and then the bytes are compared instead
        from etl.parse_pool import parse_alone_or_refusal

        shas = []
        for row in art.files:
            data = self.store.read(row.file) if row.file else None
            if data is None:
                continue
            report = parse_alone_or_refusal(row.file, data)
            if not isinstance(report, ReportError) and report.values:
                return repr(sorted((k, v.value) for k, v in report.values.items()))
            shas.append(row.sha256 if row.role == ROLE_ATTACHMENT else "")
        return "|".join(s for s in shas if s) or None


def _title_key(title: str) -> str:
    t = re.sub(r"[（(【\[][^）)】\]]*[）)】\]]", "", title).replace("年度", "年")
    return re.sub(r"[\s\W_]+", "", t)
