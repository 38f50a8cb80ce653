"""The reading order of an HTML page's tree: prose lines and table rows (for etl.extract.html).

Every `<tr>` of a data table becomes one table row holding that row's own `<td>/<th>` texts:
rowspan cells are NOT repeated into later rows and a colspan cell stays one cell, so numeric rows
come out exactly as printed. Rows that only hold layout (a nested table, or a long multi-line
text cell) are read as prose and their nested tables as tables. Hidden elements (marked by
etl.extract.html_hidden while the tree was built) are never read.
"""

from __future__ import annotations

import re

from etl.document import Location
from etl.extract.html_hidden import MARK
from etl.normalize import strip_invisible

_CJK = "\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
WRAP = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n\s*(?=[{_CJK}])")  # source-line wrap inside CJK text
_SPACE = re.compile(r"[\s\u00a0\u3000]+")

DROP = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "svg",
        "canvas",
        "select",
        "option",
        "button",
        "input",
        "textarea",
        "nav",
        "map",
        "audio",
        "video",
        "head",
        "frameset",
        "math",
    }
)
BLOCK = frozenset(
    {
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "main",
        "blockquote",
        "pre",
        "address",
        "center",
        "form",
        "fieldset",
        "legend",
        "figure",
        "figcaption",
        "hr",
        "body",
        "html",
        "caption",
        "tr",
        "td",
        "th",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "details",
        "summary",
        "menu",
    }
)
ROW_GROUPS = frozenset({"thead", "tbody", "tfoot"})
MAX_TABLE_DEPTH = 100  # pages nesting tables deeper are read by html_flat (no tree, no depth limit)
LONG_CELL = 200  # a multi-line cell longer than this is page layout, not a table cell


def clean(text: str) -> str:
    return _SPACE.sub(" ", strip_invisible(text)).strip()


def _tag(el) -> str:
    tag = el.tag  # the lxml HTML parser lower-cases tag names
    return tag if isinstance(tag, str) else ""


def _hidden(el) -> bool:
    return el.get(MARK) is not None  # set by html_hidden while the tree was built


class Walker:
    """Turns an element tree into (cells, Location, is_table_row) rows in reading order."""

    def __init__(self) -> None:
        self.rows: list[tuple[list[str], Location, bool]] = []
        self.buf: list[str] = []
        self.tables = 0

    def add(self, text: str | None) -> None:
        if text:
            self.buf.append(WRAP.sub("", text))

    def flush(self) -> None:
        if self.buf:
            line = clean("".join(self.buf))
            self.buf = []
            if line:
                self.rows.append(([line], Location(line=len(self.rows)), False))

    def walk(self, root, depth: int) -> None:
        """Iterative pre-order walk (deep pages must not hit the recursion limit)."""
        stack: list[tuple[object, bool]] = [(root, False)]
        while stack:
            el, closing = stack.pop()
            tag = _tag(el)
            if closing:
                if tag in BLOCK:
                    self.flush()
                if el is not root:
                    self.add(el.tail)
                continue
            if not tag or tag in DROP or _hidden(el):
                if el is not root:
                    self.add(el.tail)
                continue
            if tag == "br":
                self.flush()
                self.add(el.tail)
                continue
            if tag == "table" and depth < MAX_TABLE_DEPTH:
                self.flush()
                self.table(el, depth + 1)
                if el is not root:
                    self.add(el.tail)
                continue
            if tag in BLOCK:
                self.flush()
            self.add(el.text)
            stack.append((el, True))
            stack.extend((child, False) for child in reversed(el))

    def table(self, table, depth: int) -> None:
        index: int | None = None
        row_no = 0
        for part in table:
            tag = _tag(part)
            if tag in ROW_GROUPS:
                trs = [tr for tr in part if _tag(tr) == "tr"]
            elif tag == "tr":
                trs = [part]
            else:
                if tag:  # caption, stray text or markup inside <table>
                    self.walk(part, depth)
                    self.flush()
                continue
            for tr in trs:
                if _hidden(tr):
                    continue
                cells = [c for c in tr if _tag(c) in ("td", "th") and not _hidden(c)]
                if not cells:
                    continue
                if any(_is_layout(c) for c in cells):
                    for cell in cells:
                        self.walk(cell, depth)
                        self.flush()
                    continue
                if index is None:
                    index = self.tables
                    self.tables += 1
                self.rows.append(
                    (
                        [_cell_text(c) for c in cells],
                        Location(table=index, row=row_no, line=len(self.rows)),
                        True,
                    )
                )
                row_no += 1


def _is_layout(cell) -> bool:
    """A cell holding a nested table, or several paragraphs of long text, is page layout."""
    if len(cell) == 0:
        return False
    if cell.find(".//table") is not None:
        return True
    blocks = 0
    for _ in cell.iter("p", "div", "br", "li"):
        blocks += 1
        if blocks > 2:
            return sum(map(len, cell.itertext())) > LONG_CELL
    return False


def _cell_text(cell) -> str:
    """The cell's text on one line: its lines (paragraphs, <br>) joined by a space."""
    if len(cell) == 0:
        return clean(WRAP.sub("", cell.text or ""))
    w = Walker()
    w.walk(cell, MAX_TABLE_DEPTH)
    w.flush()
    return " ".join(cells[0] for cells, _, _ in w.rows)
