"""The demo's PDF files (fpdf2 + a Noto CJK subset), byte-for-byte deterministic.

The creation date is fixed to the report's date. The font is subset once per corpus (see
`PdfFont`) because loading the full Noto CJK collection per file would dominate the generation
time.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from demo.layout import Block, Table


class PdfFont:
    """A Noto Sans CJK SC subset holding exactly the characters of this corpus's PDFs.

    The font file comes from etl.fonts, the PDF export's lookup too, so both find the same one
    and a missing font is the same one-line MissingFontError.
    """

    def __init__(self, chars: set[str]):
        from fontTools import subset
        from fontTools.ttLib import TTCollection, TTFont

        from etl.fonts import cjk_fonts

        source = cjk_fonts()[""]
        if source.path.suffix.lower() in (".ttc", ".otc"):
            font = TTCollection(str(source.path), lazy=True).fonts[source.index]
        else:
            font = TTFont(str(source.path), lazy=True)
        self._dir = tempfile.TemporaryDirectory(prefix="gongkai-demo-font-")
        self.path = Path(self._dir.name) / "noto-sc-subset.otf"
        opts = subset.Options()
        opts.name_IDs = ["*"]
        opts.notdef_outline = True
        opts.layout_features = []
        s = subset.Subsetter(opts)
        s.populate(text="".join(sorted(chars | set(map(chr, range(0x20, 0x7F))))))
        s.subset(font)
        _cff_to_glyf(
            font
        )  # fpdf2 re-subsets per file; TrueType outlines compile ~10x faster than CFF
        font.recalcTimestamp = False  # the head table's "modified" would otherwise be the clock
        font["head"].modified = font["head"].created
        font.save(str(self.path))

    def close(self) -> None:
        self._dir.cleanup()


def _cff_to_glyf(font) -> None:
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    if "CFF " not in font:  # already TrueType outlines (a .ttf given as GONGKAI_CJK_FONT)
        return
    order, glyphs = font.getGlyphOrder(), font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(None)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["loca"], font["glyf"] = newTable("loca"), glyf
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for a in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, a, 0)
    maxp.maxZones = 1
    font["maxp"] = maxp
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    font.sfntVersion = "\0\1\0\0"


def pdf_chars(blocks: list[Block]) -> set[str]:
    chars: set[str] = set()
    for b in blocks:
        chars |= set(b.text)
        if b.table:
            for row in b.table.rows:
                for c in row:
                    chars |= set(c.text)
    return chars


def write_pdf(blocks: list[Block], font: PdfFont, date: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("noto", "", str(font.path))
    pdf.set_creation_date(dt.datetime.fromisoformat(date).replace(tzinfo=dt.timezone.utc))
    pdf.set_producer("demo")
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    width = pdf.w - 30
    for b in blocks:
        if b.kind == "title":
            pdf.set_font("noto", size=15)
            pdf.multi_cell(width, 9, b.text, align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif b.kind in ("h", "meta"):
            pdf.set_font("noto", size=11.5)
            pdf.multi_cell(width, 7, b.text, new_x="LMARGIN", new_y="NEXT")
        elif b.kind == "p":
            pdf.set_font("noto", size=10.5)
            pdf.multi_cell(width, 6.5, b.text, new_x="LMARGIN", new_y="NEXT")
        elif b.kind == "sign":
            pdf.set_font("noto", size=10.5)
            pdf.ln(4)
            for x in b.text.split("\n"):
                pdf.cell(width, 7, x, align="R", new_x="LMARGIN", new_y="NEXT")
        elif b.kind == "table":
            _pdf_table(pdf, b.table, width)
    return bytes(pdf.output())


def _pdf_table(pdf, table: Table, width: float) -> None:
    """One printed line per grid row: labels in a left band, values in fixed columns."""
    nvals = {"t3": 7, "t4": 15, "t2": 3, "legacy": 2}[table.kind]
    valw = {"t3": 12, "t4": 11.3, "t2": 26, "legacy": 18}[table.kind]
    labw = width - nvals * valw
    h = 6.2
    pdf.ln(1)
    for row in table.rows:
        if pdf.get_y() + h > pdf.h - 15:
            pdf.add_page()
        y = pdf.get_y()
        x0 = pdf.l_margin
        labels = [c for c in row if c.key is None]
        values = [c for c in row if c.key is not None]
        if table.kind == "legacy" and len(row) == 3:
            labels, values = row[:1], row[1:]
        if table.kind == "t4" or (table.kind == "t3" and len(values) == 0 and len(labels) > 1):
            # header rows spread over the whole width
            txt = " ".join(c.text for c in row)
            _fit(pdf, x0, y, width, h, txt, 9)
        else:
            txt = " ".join(c.text for c in labels)
            _fit(pdf, x0, y, labw if values else width, h, txt, 9)
            for i, c in enumerate(values):
                _fit(pdf, x0 + labw + i * valw, y, valw, h, c.text or "", 9, align="C")
        pdf.set_xy(x0, y + h)
    pdf.ln(2)


def _fit(pdf, x, y, w, h, txt, size, align="L") -> None:
    pdf.set_font("noto", size=size)
    while size > 4 and pdf.get_string_width(txt) > w - 1:
        size -= 0.5
        pdf.set_font("noto", size=size)
    pdf.rect(x, y, w, h)
    pdf.set_xy(x, y)
    pdf.cell(w, h, txt, align=align)
