"""The page registry: imported by app.py (st.navigation) and by the tests (one test per page)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    file: str  # relative to dashboard/ (AppTest.switch_page takes this path)
    title: str
    icon: str
    section: str
    url_path: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec("views/ranking.py", "排名总览", ":material/leaderboard:", "领导视图", "ranking"),
    PageSpec("views/profile.py", "单位画像", ":material/account_balance:", "分析", "profile"),
    PageSpec("views/review.py", "复议诉讼", ":material/gavel:", "分析", "review"),
    PageSpec("views/quality.py", "数据质量", ":material/fact_check:", "分析", "quality"),
    PageSpec("views/rectification.py", "整改跟踪", ":material/task_alt:", "分析", "rectification"),
    PageSpec("views/downloads.py", "导出", ":material/download:", "导出", "export"),
)

BY_URL = {p.url_path: p for p in PAGES}


def page(url_path: str) -> str:
    """File of a page by its url path, for st.switch_page / st.page_link."""
    return BY_URL[url_path].file


def sections(make_page) -> dict[str, list]:
    """{section: [make_page(spec), ...]} in registry order; make_page is st.Page in the app."""
    out: dict[str, list] = {}
    for i, spec in enumerate(PAGES):
        out.setdefault(spec.section, []).append(make_page(spec, default=(i == 0)))
    return out
