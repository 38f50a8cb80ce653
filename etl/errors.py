"""One error type for a file the ETL cannot use: which file, what is wrong, what to do."""

from __future__ import annotations

import os
import re
import zipfile

from etl.gongkai_error import BAD_INPUT, GongkaiError

_LINE_BREAKS = re.compile(r"\s*[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+\s*")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


# What the Office readers (python-docx, openpyxl, and the lxml / ElementTree parsers under them)
# raise on a file whose XML is malformed: measured by mutating the XML parts of a real .docx and
# .xlsx (truncated, characters replaced, ids and targets broken) 1,200 times each. lxml's
# XMLSyntaxError and ElementTree's ParseError are SyntaxErrors; the rest come from a part that
# parses but lacks what the reader expects; a damaged zip member (bad CRC, cut short) is one of
# the last three. Anything else is a bug, left to the worker's boundary (etl/parse_worker.py).
MALFORMED_OFFICE_FILE: tuple[type[Exception], ...] = (
    SyntaxError,
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    zipfile.BadZipFile,
    EOFError,
    OSError,
)


def one_line_message(text: str) -> str:
    """Library messages (openpyxl, pdfium, lxml) span lines; a user message is one line.

    Joins the lines with one space and strips the ends; tabs and other characters stay. Not
    etl.safe_text.one_line, which is for a sheet or file name: every control character dropped,
    nothing stripped (a different job, and exports' output must not change)."""
    return _LINE_BREAKS.sub(" ", str(text)).strip()


def display_name(name: str | os.PathLike) -> str:
    """A file name as it may be printed and stored: one line, valid Unicode.

    A name unzip made from a Chinese Windows zip holds GBK bytes (surrogate escapes in Python);
    they are decoded as GB18030 when that reads, else shown as \\xNN. Control characters (a
    newline in a name would forge an extra output line) are shown escaped, e.g. \\n.
    """
    name = os.fspath(name)
    if isinstance(name, bytes):
        raw = name
    else:
        try:
            name.encode("utf-8")
            raw = None
        except UnicodeEncodeError:
            raw = name.encode("utf-8", "surrogateescape")
    if raw is not None:
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                name = raw.decode("gb18030")
            except UnicodeDecodeError:
                name = raw.decode("utf-8", "backslashreplace")
    return _CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), name)


class ReportError(GongkaiError):
    """A file that cannot be loaded. `problem` and `hint` are shown to the user verbatim, on one
    line; the path is shown as `display_name` gives it. It pickles (GongkaiError), so a worker of
    the parsing pool returns it as it is."""

    exit_code = BAD_INPUT

    def __init__(self, path: str, problem: str, hint: str = "", code: str = "bad_file"):
        self.code = code  # a stable machine-readable reason, stored with load errors
        super().__init__(
            one_line_message(problem), path=display_name(path), hint=one_line_message(hint)
        )

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
    "needs_ocr": "扫描件，需要文字识别（OCR）：请安装 tesseract-ocr 与 tesseract-ocr-chi-sim",
    "bad_image": "图片文件损坏或无法识别",
    "bad_zip": "Word/Excel 文件损坏或不是 Word/Excel 文件",
    "zip_bomb": "压缩炸弹（解压后异常巨大）",
    "bad_docx": "Word 文件无法读取",
    "bad_xlsx": "Excel 文件无法读取",
    "old_office": "旧版 .doc/.xls 文件损坏或无法识别，请另存为 .docx/.xlsx 或 PDF",
    "needs_converter": "旧版 .doc/.wps/.xls/.et 需要 LibreOffice 转换（未安装）",
    "convert_failed": "旧版 Office 文件转换失败",
    "too_large": "文件过大",
    "not_regular": "不是普通文件（管道、设备或特殊文件）",
    "changed": "读取期间文件被改写",
    "unreadable": "文件无法读取",
    "bad_link": "符号链接无效（循环或指向不存在的文件）",
    "not_found": "文件或文件夹不存在",
    "download_failed": "下载失败",
    "bad_manifest": "清单文件有误",
    "bad_registry": "单位名录有误",
    "bad_ledger": "复议诉讼台账有误",
    "locked": "另一次载入正在进行",
    "bad_choice": "版本选择有误（版本不存在或未写明理由）",
    "no_agency": "报告未写明发布单位",
    "no_year": "报告未写明年度",
    "no_figures": "表二/表三/表四中找不到数字",
    "internal": "程序内部错误（请报告此文件）",
    "bad_file": "文件无法使用",
    # bounded work per file (issue 23): a file past a limit of etl/limits.py
    "too_many_pages": "页数过多，超出年度报告的合理范围",
    "page_too_large": "页面或图片尺寸过大",
    "too_many_frames": "图片帧数过多",
    "too_many_parts": "压缩包内文件过多",
    "inflates_too_far": "解压后体积过大（压缩炸弹）",
    "xml_too_large": "文档内部数据过大",
    "too_many_cells": "表格单元格或字符串过多",
    "too_many_lines": "文字行数过多",
    "too_many_tags": "网页标签过多",
    "too_many_characters": "文字过多",
    "too_slow": "读取耗时过长",
    # issue 23, fourth round (h23h): a parse worker's memory cap, scans of noise
    "too_much_memory": "读取所需内存过多",
    "illegible_scan": "扫描件无法识别（像是噪点而非印刷文字）",
    # --cluster (h25c): the Dask scheduler cannot be reached or used
    "cluster": "并行集群无法连接或使用",
    "worker_died": "读取时并行节点的进程退出",
}
