"""导出: the assessment as Excel, Word, PDF and CSV (built on click), ready to file."""

import streamlit as st

from dashboard import data
from dashboard.safe_text import md
from dashboard.views import widgets
from exports.formats import FORMATS, export_file_name

v, year, peer = data.selection()
st.title(f"{year} 年度考核结果导出")
name, path = widgets.scheme_picker()
st.caption(
    f"考核方案：{md(name)}。导出内容与“排名总览”页相同：同一年度、方案和对标组；含落款单位、日期、方法说明和"
    "制表人/审核人/负责人签字栏（取自本办设置）。文件在点击时生成。"
)
try:
    data.scheme(path)  # a scheme that cannot be read is said now; nothing is scored until a click
    builders = data.export_builders(v, year, path, peer)
except data.AssessUnavailable as exc:
    st.error(f"所选考核方案无法使用：{md(exc)}")
    st.stop()

for box, fmt in zip(st.columns(len(FORMATS)), FORMATS):  # exports/formats.py
    box.download_button(
        fmt.label,
        builders[fmt.suffix],
        file_name=export_file_name(year, peer, fmt.suffix),
        mime=fmt.mime,
        key=f"dl_{fmt.suffix}",
        on_click="ignore",
        help=fmt.note,
        icon=":material/download:",
    )
