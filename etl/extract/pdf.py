"""PDF with a text layer, read line by line with pdfium (fast enough for thousands of files).

Table rows come out as lines of label text followed by the row's numbers; a table split over
a page break is just more lines, since parsers read blocks in order across pages.

A text layer prints nothing for a blank cell, so a 表三 row with one empty party cell is a line
with six numbers. Such a row is placed by its characters' x positions under 表三's column
headings (自然人 … 总计, found once in the document): it becomes a table row whose blank cell
stays blank in its own column. Rows with all seven numbers need no placement and stay lines,
which keeps the cost to a few character boxes per short row.

A PDF without a text layer (a scan) is read by OCR (etl/extract/ocr.py).
"""

from __future__ import annotations

import re

from etl.document import Location, RawDocument
from etl.errors import ReportError
from etl.extract.build import build_document
from etl.extract.pdf_decrypted import check_decrypted_streams, check_packed_before_open
from etl.extract.pdf_streams import check_pdf_streams
from etl.fields import T3_COLUMNS
from etl.limits import LIMITS, check_count, check_time, extend_time, ocr_allowance, refuse
from etl.normalize import parse_cell, squash

_T4_HEADING = re.compile(r"行政复议|行政诉讼")  # where 表三's columns end
_GROUP_HEADINGS = re.compile(r"法人或其他组织|申请人情况")
_HEADING_PATTERNS = [re.compile(r"\s?".join(map(re.escape, label))) for _, label in T3_COLUMNS]


class _Columns:
    """表三's column centres (x in PDF units), learnt from the heading fragments that follow
    自然人 (headings wrap inside their cells: 商业/企业, 社会/公益/组织 …)."""

    def __init__(self) -> None:
        self.centres: dict[int, float] = {}
        self.collecting = False
        self.found = False  # all seven headings seen, left to right
        self.done = False

    def see_heading(self, textpage, raw_line: str, line_start: int) -> None:
        if len(squash(raw_line)) > 40:  # prose, not a heading cell: start again at the next 自然人
            self.collecting = False
            return
        # spanning headings are blanked (same length, so indices hold) before the leaf ones
        # are looked for: 其他 must not be found inside 法人或其他组织
        line = _GROUP_HEADINGS.sub(lambda m: " " * len(m.group()), raw_line)
        if T3_COLUMNS[0][1] in line:
            self.collecting, self.centres = True, {}
        if not self.collecting:
            return
        tokens = _tokens(line, line_start)
        for i, (_, label) in enumerate(T3_COLUMNS):
            if i in self.centres:
                continue
            whole = _HEADING_PATTERNS[i].search(
                line
            )  # 社会公益组织法律服务机构 glued, 总 计 spaced
            if whole:
                self.centres[i] = _centre(
                    textpage, line_start + whole.start(), line_start + whole.end()
                )
                continue
            part = next((t for t in tokens if len(t[0]) >= 2 and label.startswith(t[0])), None)
            if part:  # the first line of a heading wrapped in its cell (商业 / 企业)
                self.centres[i] = _centre(textpage, part[1], part[2])
        self._check()

    def ready(self) -> bool:
        return self.found

    def _check(self) -> None:
        xs = [self.centres.get(i) for i in range(len(T3_COLUMNS))]
        self.found = None not in xs and all(a < b for a, b in zip(xs, xs[1:]))

    def place(self, textpage, values) -> list[str] | None:
        """The value tokens in their columns ("" where nothing is printed), or None when they
        do not fall one per column under the headings."""
        xs = [self.centres[i] for i in range(len(T3_COLUMNS))]
        half = min(b - a for a, b in zip(xs, xs[1:])) / 2
        cells = [""] * len(xs)
        for text, start, end in values:
            x = _centre(textpage, start, end)
            column = min(range(len(xs)), key=lambda i: abs(xs[i] - x))
            if abs(xs[column] - x) > half * 1.2 or cells[column]:
                return None
            cells[column] = text
        return cells


def _centre(textpage, start: int, end: int) -> float:
    left = textpage.get_charbox(start)[0]
    right = textpage.get_charbox(end - 1)[2]
    return (left + right) / 2


def _tokens(line: str, offset: int):
    """(text, first char index, end index) of each white-space separated token."""
    return [(m.group(), offset + m.start(), offset + m.end()) for m in re.finditer(r"\S+", line)]


def _trailing_values(tokens):
    values = []
    for token in reversed(tokens):
        cv = parse_cell(token[0])
        if not (cv.numeric or cv.blank or cv.malformed):
            break
        values.insert(0, token)
    return values


def _page_rows(textpage, index: int, columns: _Columns, rows: list) -> int:
    """Append the page's lines to `rows`; returns the number of characters read."""
    text = textpage.get_text_range() or ""
    positioned = len(text) == textpage.count_chars()  # text[i] is char i: its box can be had
    if not positioned:
        text = textpage.get_text_bounded() or ""
    breaks = list(re.finditer(r"\r\n|\r|\n", text))
    starts = [0] + [b.end() for b in breaks]
    ends = [b.start() for b in breaks] + [len(text)]
    for n, (line_start, line_end) in enumerate(zip(starts, ends)):
        raw_line = text[line_start:line_end]
        line = raw_line.strip()
        if not line:
            continue
        location = Location(page=index + 1, line=n)
        if positioned and not columns.done:
            if columns.ready():
                if _T4_HEADING.search(line):
                    columns.done = True
                else:
                    values = _trailing_values(_tokens(raw_line, line_start))
                    cells = (
                        columns.place(textpage, values)
                        if 3 <= len(values) < len(T3_COLUMNS)
                        else None
                    )
                    if cells is not None:
                        label = raw_line[: values[0][1] - line_start].strip()
                        rows.append(([label, *cells], location, True))
                        continue
            elif columns.collecting or T3_COLUMNS[0][1] in line:
                columns.see_heading(textpage, raw_line, line_start)
        rows.append(([line], location, False))
    return len(text.strip())


def extract_pdf(path: str, data: bytes, sha256: str) -> RawDocument:
    import pypdfium2 as pdfium

    check_pdf_streams(path, data)
    check_packed_before_open(path, data)  # an encrypted file's: deciphered first
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            raise ReportError(
                path,
                "the PDF is encrypted (password protected)",
                "ask the publisher for an unprotected copy or load the HTML page",
                "encrypted",
            )
        raise ReportError(
            path,
            f"the PDF is damaged or truncated ({exc})",
            "download it again; if it still fails, load the HTML version",
            "bad_pdf",
        )
    rows: list[tuple[list[str], Location, bool]] = []
    chars = 0
    columns = _Columns()
    imaged: list[int] = []  # pages without text: scanned pages inside a text PDF
    meta: dict = {}
    try:
        check_decrypted_streams(path, pdf)
        _check_pages(path, pdf)
        for index in range(len(pdf)):
            check_time()
            page = pdf[index]
            textpage = page.get_textpage()
            page_chars = _page_rows(textpage, index, columns, rows)
            if page_chars < 20:
                imaged.append(index)
            chars += page_chars
            textpage.close()
            page.close()
        if chars < 20:  # no text layer: the pages are images
            from etl.extract.ocr import ocr_pdf

            return ocr_pdf(path, sha256, pdf)
        if imaged:
            rows, meta = _ocr_imaged_pages(path, pdf, imaged, rows)
    except pdfium.PdfiumError as exc:
        raise ReportError(
            path,
            f"the PDF could not be read past page {len(rows) and rows[-1][1].page} ({exc})",
            "download it again or load the HTML version",
            "bad_pdf",
        )
    finally:
        pdf.close()
    return build_document(path, sha256, "pdf", rows, meta)


def _check_pages(path: str, pdf) -> None:
    """Refuse a PDF with too many pages, or a page larger than A0, before any page is read
    (the page sizes come from the page tree; no page is loaded)."""
    check_count(path, "too_many_pages", "pages", len(pdf), LIMITS.pages)
    for index in range(len(pdf)):
        width, height = pdf.get_page_size(index)
        if width * height > LIMITS.page_area:
            raise refuse(
                path,
                "page_too_large",
                f"page {index + 1} measures {width / 72 * 2.54:,.0f} x "
                f"{height / 72 * 2.54:,.0f} cm, larger than the limit (A0, 84 x 119 cm)",
            )


def _ocr_imaged_pages(path: str, pdf, imaged: list[int], rows: list) -> tuple[list, dict]:
    """A text PDF with scanned pages (a 统计表 pasted as a picture): those pages are read by
    OCR when Tesseract is installed, and put in their place among the text pages."""
    from etl.extract.ocr import UNREAD_PAGES, ocr_rows
    from etl.extract.page_images import render_pages, scanned_indexes
    from etl.extract.tesseract import tesseract_missing

    if tesseract_missing():
        return rows, {"pages_without_text": [i + 1 for i in imaged]}
    imaged = scanned_indexes(path, pdf, imaged)  # blank pages are not read
    numbers = [i + 1 for i in imaged]
    extend_time(ocr_allowance(len(numbers)))  # the text layer showed text: not held (ocr_rows)
    pages = zip(numbers, render_pages(pdf, imaged))
    scanned, confidence, readings, watch = ocr_rows(path, pages, numbers, held=False)
    if not scanned:
        return rows, {}
    merged = sorted(rows + scanned, key=lambda r: r[1].page)  # stable: lines keep their order
    meta = {"ocr": True, "ocr_confidence": confidence, "ocr_readings": readings}
    return merged, meta | {"ocr_pages": numbers, UNREAD_PAGES: watch.unread()}
