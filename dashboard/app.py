"""Dashboard entrypoint: page config, navigation from nav.py, shared sidebar filters.

Run: `gongkai serve` or `streamlit run dashboard/app.py` (GONGKAI_DB picks the database).
Year and peer group are bound to the URL (?year=2024&peer=…) so a link reopens the same view.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app.py` puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import data, nav  # noqa: E402

st.set_page_config(page_title="政府信息公开年报监督", page_icon="📊", layout="wide")


def _page(spec: nav.PageSpec, default: bool) -> st.Page:
    return st.Page(str(Path(__file__).parent / spec.file), title=spec.title, icon=spec.icon,
                   url_path=spec.url_path, default=default)


page = st.navigation(nav.sections(_page))

try:
    version = data.db_version()
except data.NoDatabase as missing:
    st.title("政府信息公开年报监督")
    st.info(
        f"还没有数据库：{missing}。请先在项目目录运行 `gongkai build` 生成数据库，"
        "或设置环境变量 GONGKAI_DB 指向已有的数据库文件，然后刷新本页。",
        icon="ℹ️",
    )
    st.stop()



def sidebar(v: int) -> None:
    """Year and peer group for every page, bound to ?year= and ?peer= in the URL."""
    years = data.years(v)
    if not years:
        st.warning("数据库中还没有任何年报。请运行 `gongkai build` 或 `gongkai load <文件夹>` 加载年报。")
        st.stop()
    with st.sidebar:
        default = data.default_year(v)
        st.selectbox("年度", years, index=years.index(default) if default in years else 0,
                     key="year", bind="query-params",
                     help="报告所属年度（报告期），不是发布年份。")
        groups = [data.ALL, *data.peer_groups(v)]
        st.selectbox("对标组", groups, key="peer", bind="query-params",
                     help="同类单位（如同级政府、同类部门）之间比较；“全部”表示不分组。")
        st.caption(f"数据库：{data.db_path().name}")


sidebar(version)
page.run()
