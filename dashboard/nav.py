"""The page registry: imported by app.py (st.navigation) and by the tests (one test per page).

A new page is one PageSpec line here (file, Chinese title, icon, section, url path); the first
page is the default one at "/".
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard.safe_text import echo


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


_MISSING = "_nav_missing_page"


def catch_unknown_pages() -> None:
    """Before st.navigation: an unknown page name is remembered (said in Chinese by
    say_unknown_page) instead of Streamlit's English "Page not found" dialog.

    Streamlit has no option for this; it sends the dialog from one module-level function,
    which is replaced here. If a Streamlit upgrade renames it, its own dialog shows again.
    """
    from streamlit.commands import navigation as st_navigation

    def remember(ctx) -> None:
        name = getattr(ctx.pages_manager, "intended_page_name", None) or ""
        st.session_state[_MISSING] = name

    if hasattr(st_navigation, "send_page_not_found"):
        st_navigation.send_page_not_found = remember


def say_unknown_page() -> None:
    """After st.navigation: the default page's own name is no error; any other unknown name is."""
    name = (st.session_state.pop(_MISSING, None) or "").strip("/")
    if name and name != PAGES[0].url_path:
        titles = "、".join(p.title for p in PAGES)
        st.warning(
            f"没有名为“{echo(name)}”的页面，已打开“{PAGES[0].title}”。可用的页面：{titles}。",
            icon="⚠️",
        )
