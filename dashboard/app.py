"""Dashboard entrypoint: page config, navigation from nav.py, shared sidebar filters.

Run: `gongkai serve` or `streamlit run dashboard/app.py` (GONGKAI_DB picks the database).
Year and peer group are bound to the URL (?year=2024&peer=…) so a link reopens the same view;
a year in the URL that the database does not have is said in Chinese, never silently replaced.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app.py` puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import data, nav, urlstate, visitors  # noqa: E402
from dashboard.safe_text import echo, md  # noqa: E402

st.set_page_config(page_title="政府信息公开年报监督", page_icon="📊", layout="wide")
# Streamlit's table toolbar (search / download / full screen) has English tooltips only; the
# 导出 page gives the files an office files.
st.html("<style>[data-testid='stElementToolbar']{display:none !important}</style>")


def _page(spec: nav.PageSpec, default: bool) -> st.Page:
    return st.Page(
        str(Path(__file__).parent / spec.file),
        title=spec.title,
        icon=spec.icon,
        url_path=spec.url_path,
        default=default,
    )


nav.catch_unknown_pages()
page = st.navigation(nav.sections(_page))
nav.say_unknown_page()

try:
    version = data.db_version()
except data.NoDatabase as missing:
    st.title("政府信息公开年报监督")
    st.info(
        f"还没有数据库：{md(Path(str(missing)).name)}。请先在项目目录运行 `gongkai build` 生成数据库，"
        "或设置环境变量 GONGKAI_DB 指向已有的数据库文件，然后刷新本页。",
        icon="ℹ️",
    )
    st.stop()


def sidebar(v: int) -> None:
    """Year and peer group for every page, kept in ?year= and ?peer= (the year even when default)."""
    years = data.years(v)
    if not years:
        st.warning(
            "数据库中还没有任何年报。请运行 `gongkai build` 或 `gongkai load <文件夹>` 加载年报。"
        )
        st.stop()
    with st.sidebar:
        urlstate.select(
            st,
            "年度",
            years,
            key="year",
            param="year",
            default=data.default_year(v),
            parse=int,
            what="年度",
            placeholder="请选择年度",
            warn_now=False,
            format_func=lambda y: f"{y} 年度",
            help="报告所属年度（报告期），不是发布年份。",
        )
        urlstate.select(
            st,
            "对标组",
            [data.ALL, *data.peer_groups(v)],
            key="peer",
            param="peer",
            what="对标组",
            placeholder="请选择对标组",
            warn_now=False,
            help="同类单位（如同级政府、同类部门）之间比较；“全部”表示各组分别排名。",
        )
        st.caption(f"数据库：{md(data.db_path().name)}")
    problem = data.store_problem()
    if problem:
        st.warning(f"{md(problem)}。在恢复之前，评分未计入分析人员的修正和误报。", icon="⚠️")
    for what, raw in urlstate.bad_params():
        st.warning(
            f"链接中的{what}“{echo(raw)}”在数据库中没有，已改为显示 "
            f"{st.session_state.get('year')} 年度、{md(st.session_state.get('peer'))}。",
            icon="⚠️",
        )


with visitors.visitor_run():  # the server's warm-up steps aside meanwhile
    sidebar(version)
    page.run()
