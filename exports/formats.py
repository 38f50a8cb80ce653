"""The export formats, declared once: the file suffix, the builder that makes its bytes from an
`AssessmentExport`, and what the dashboard's 导出 page says about it. `gongkai export` (which
file names it accepts, what a folder receives) and the page (its buttons, their files) both read
this tuple, so a new format is one entry here; both name their files with `export_file_name`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import exports
from etl.safe_text import portable_name
from exports.model import AssessmentExport


@dataclass(frozen=True)
class ExportFormat:
    suffix: str  # without the dot, e.g. "xlsx"
    builder: Callable[..., bytes]  # looked up in `exports` at each call (tests replace them)
    label: str  # the download button
    mime: str
    note: str  # the button's help: what the file holds
    per_agency: bool = False  # the builder can add one sheet per agency (`--per-agency`)

    def build(self, export: AssessmentExport, per_agency: bool = False) -> bytes:
        if self.per_agency:
            return self.builder(export, per_agency=per_agency)
        return self.builder(export)


FORMATS: tuple[ExportFormat, ...] = (  # the page's order: what an office files first
    ExportFormat(
        "xlsx",
        lambda export, **how: exports.assessment_workbook(export, **how),
        "下载 Excel 工作簿",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "汇总（按对标组分节）、扣分明细、数据质量、方案说明，已设置打印格式。",
        per_agency=True,
    ),
    ExportFormat(
        "docx",
        lambda export: exports.assessment_docx(export),
        "下载 Word 文档",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "与汇总表相同，可在 Word 中修改后印发。",
    ),
    ExportFormat(
        "pdf",
        lambda export: exports.summary_pdf(export),
        "下载 PDF 汇总表",
        "application/pdf",
        "A4 横向汇总表，可直接打印。",
    ),
    ExportFormat(
        "csv",
        lambda export: exports.summary_csv(export),
        "下载 CSV",
        "text/csv",
        "UTF-8（带BOM），Excel 可直接打开；数值按页面显示取舍。",
    ),
)
BY_SUFFIX: dict[str, ExportFormat] = {f.suffix: f for f in FORMATS}


def export_file_name(year: int, peer_group: str | None, suffix: str, *, what_if=False) -> str:
    """The one name of an export file, the same from the dashboard's 导出 and 假设分析 pages and
    from `gongkai export` into a folder: 政务公开年报考核_2024年度[_县级政府][_假设分析].xlsx, made
    portable (a peer group comes from the registry and may hold characters Windows refuses)."""
    stem = f"政务公开年报考核_{year}年度" + (f"_{peer_group}" if peer_group else "")
    stem += "_假设分析" if what_if else ""
    return portable_name(stem, ext=f".{suffix.lower().lstrip('.')}")


def format_of(suffix: str) -> ExportFormat | None:
    """The format of a file suffix (".XLSX", "xlsx"), or None."""
    return BY_SUFFIX.get(suffix.lower().lstrip("."))
