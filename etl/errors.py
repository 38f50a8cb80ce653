"""One error type for a file the ETL cannot use: which file, what is wrong, what to do."""

from __future__ import annotations


class ReportError(Exception):
    """A file that cannot be loaded. `problem` and `hint` are shown to the user verbatim."""

    def __init__(self, path: str, problem: str, hint: str = "", code: str = "bad_file"):
        self.path = str(path)
        self.problem = problem
        self.hint = hint
        self.code = code  # a stable machine-readable reason, stored with load errors
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = f"{self.path}: {self.problem}"
        return f"{text}. {self.hint}" if self.hint else text


# What each ReportError code means, for officials reading the 数据质量 page. A test checks that
# every code the ETL raises is listed here.
ERROR_CODES: dict[str, str] = {
    "empty": "空文件",
    "binary": "不是文本或网页（二进制内容）",
    "encoding": "无法识别文字编码",
    "bad_html": "网页无法解析",
    "no_text": "文件中没有文字",
    "bad_pdf": "PDF 损坏或不完整",
    "encrypted": "PDF 加密",
    "needs_ocr": "扫描件 PDF，需要先做文字识别（OCR）",
    "bad_zip": "Word/Excel 文件损坏或不是 Word/Excel 文件",
    "zip_bomb": "压缩炸弹（解压后异常巨大）",
    "bad_docx": "Word 文件无法读取",
    "bad_xlsx": "Excel 文件无法读取",
    "old_office": "旧版 .doc/.xls，请另存为 .docx/.xlsx 或 PDF",
    "too_large": "文件过大",
    "unreadable": "文件无法读取",
    "not_found": "文件或文件夹不存在",
    "download_failed": "下载失败",
    "bad_manifest": "清单文件有误",
    "bad_registry": "单位名录有误",
    "bad_ledger": "复议诉讼台账有误",
    "locked": "另一次载入正在进行",
    "no_agency": "报告未写明发布单位",
    "no_year": "报告未写明年度",
    "no_figures": "表二/表三/表四中找不到数字",
    "internal": "程序内部错误（请报告此文件）",
    "bad_file": "文件无法使用",
}
