"""导出: the assessment as Excel, Word, PDF and CSV (built on click), ready to file."""

import streamlit as st

from dashboard import data
from dashboard.safe_text import md
from dashboard.views import common

v, year, peer = data.selection()
st.title(f"{year} 年度考核结果导出")
name, path = common.scheme_picker()
st.caption(
    f"考核方案：{md(name)}。导出内容与“排名总览”页相同：同一年度、方案和对标组；含落款单位、日期、方法说明和"
    "制表人/审核人/负责人签字栏（取自 data/office.toml）。文件在点击时生成。"
)
try:
    data.scheme(path)  # a scheme that cannot be read is said now; nothing is scored until a click
    builders = data.export_builders(v, year, path, peer)
except data.AssessUnavailable as exc:
    st.error(f"所选考核方案无法使用：{md(exc)}")
    st.stop()

stem = f"政务公开年报考核_{year}年度" + (f"_{peer}" if peer else "")
FORMATS = (
    (
        "xlsx",
        "下载 Excel 工作簿",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "汇总（按对标组分节）、扣分明细、数据质量、方案说明，已设置打印格式。",
    ),
    (
        "docx",
        "下载 Word 文档",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "与汇总表相同，可在 Word 中修改后印发。",
    ),
    ("pdf", "下载 PDF 通报", "application/pdf", "A4 横向汇总表，可直接打印。"),
    ("csv", "下载 CSV", "text/csv", "UTF-8（带BOM），Excel 可直接打开；数值按页面显示取舍。"),
)
for box, (fmt, label, mime, note) in zip(st.columns(len(FORMATS)), FORMATS):
    box.download_button(
        label,
        builders[fmt],
        file_name=f"{stem}.{fmt}",
        mime=mime,
        key=f"dl_{fmt}",
        on_click="ignore",
        help=note,
        icon=":material/download:",
    )
