"""HTML nested too deep for a tree: read from the parser's events, with no depth limit.

libxml2 stops building the tree a few hundred elements deep (the rest of the page is silently
lost: a page of ~700 nested layout tables came out as "has no text"), and walking a deep tree
recursively costs a stack frame per level. Pages whose tables nest deeper than
html.MAX_TABLE_DEPTH are therefore read here, from html.parser's start/end/data events, into the
same rows the tree walker makes: a `<tr>` whose cells hold no table is one table row of its
cells' texts; a row holding a nested table is layout, its cells' text read as prose lines, and
text outside tables is prose split at block elements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from etl.document import Location
from etl.extract.html_hidden import PageStyle

VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)


@dataclass
class _Table:
    index: int | None = None
    row_no: int = 0
    row: list[str] | None = None  # finished cell texts of the open row
    cell: list[str] | None = None  # text parts of the open cell
    layout: bool = False  # the open row holds a nested table


@dataclass
class _State:
    rows: list = field(default_factory=list)
    buf: list[str] = field(default_factory=list)
    tables: list[_Table] = field(default_factory=list)
    count: int = 0


class FlatReader(HTMLParser):
    def __init__(
        self, clean, wrap, drop: frozenset[str], block: frozenset[str], style: PageStyle
    ) -> None:
        super().__init__(convert_charrefs=True)
        self.clean, self.wrap, self.drop, self.block = clean, wrap, drop, block
        self.style = style
        self.s = _State()
        self.skip_tag: str | None = None
        self.skip_depth = 0

    # -- prose
    def flush(self) -> None:
        if self.s.buf:
            line = self.clean("".join(self.s.buf))
            self.s.buf = []
            if line:
                self.s.rows.append(([line], Location(line=len(self.s.rows)), False))

    def prose(self, text: str) -> None:
        self.flush()
        self.s.buf.append(text)
        self.flush()

    # -- tables
    def _top(self) -> _Table | None:
        return self.s.tables[-1] if self.s.tables else None

    def _lines(self, parts: list[str]) -> list[str]:
        """The cell's lines (split where a block element or <br> was), cleaned, non-empty."""
        lines = (self.clean(self.wrap.sub("", line)) for line in "".join(parts).split("\n"))
        return [line for line in lines if line]

    def _close_cell(self, t: _Table) -> None:
        if t.cell is None:
            return
        lines = self._lines(t.cell)
        t.cell = None
        if t.layout:
            for line in lines:
                self.prose(line)
        elif t.row is not None:
            t.row.append(" ".join(lines))

    def _close_row(self, t: _Table) -> None:
        self._close_cell(t)
        if t.row is not None and not t.layout and t.row:
            if t.index is None:
                t.index, self.s.count = self.s.count, self.s.count + 1
            self.s.rows.append(
                (t.row, Location(table=t.index, row=t.row_no, line=len(self.s.rows)), True)
            )
            t.row_no += 1
        t.row, t.layout = None, False

    def _become_layout(self, t: _Table) -> None:
        """A nested table starts in this row: what the row held so far is prose, in order."""
        if not t.layout:
            t.layout = True
            for text in t.row or []:
                if text:
                    self.prose(text)
            t.row = []
        for line in self._lines(t.cell or []):
            self.prose(line)
        t.cell = []

    # -- parser events
    def handle_starttag(self, tag: str, attrs) -> None:
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_depth += 1
            return
        if tag not in VOID and (tag in self.drop or (attrs and self.style.hides_flat(tag, attrs))):
            self.skip_tag, self.skip_depth = tag, 1
            return
        t = self._top()
        if tag == "table":
            if t is not None and t.cell is not None:
                self._become_layout(t)
            self.flush()
            self.s.tables.append(_Table())
        elif tag == "tr" and t is not None:
            self._close_row(t)
            t.row = []
        elif tag in ("td", "th") and t is not None:
            if t.row is None:
                t.row = []
            self._close_cell(t)
            t.cell = []
        elif tag == "br" or tag in self.block:
            if t is not None and t.cell is not None:
                t.cell.append("\n")
            else:
                self.flush()

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_depth -= 1
                if self.skip_depth == 0:
                    self.skip_tag = None
            return
        t = self._top()
        if tag == "table" and t is not None:
            self._close_row(t)
            self.s.tables.pop()
            outer = self._top()
            if outer is not None and outer.cell is not None:
                outer.layout = True
        elif tag == "tr" and t is not None:
            self._close_row(t)
        elif tag in ("td", "th") and t is not None:
            self._close_cell(t)
        elif tag in self.block:
            if t is not None and t.cell is not None:
                t.cell.append("\n")
            else:
                self.flush()

    def handle_data(self, data: str) -> None:
        if self.skip_tag is not None or not data:
            return
        t = self._top()
        if t is not None and t.cell is not None:
            t.cell.append(data)
        elif t is None or t.row is None:
            self.s.buf.append(self.wrap.sub("", data))

    def result(self) -> list:
        while self.s.tables:
            self._close_row(self.s.tables.pop())
        self.flush()
        return self.s.rows


def flat_rows(text: str, clean, wrap, drop, block, style: PageStyle | None = None) -> list:
    reader = FlatReader(clean, wrap, drop, block, style or PageStyle())
    reader.feed(text)
    reader.close()
    return reader.result()
