"""Writers for DOCX (hand-built WordprocessingML, merged cells), XLSX and PDF (fpdf2 + Noto CJK).

All output is byte-for-byte deterministic: fixed document properties, fixed zip timestamps, fixed
PDF creation date. The PDF font is subset once per corpus (see `PdfFont`) because loading the
full Noto CJK collection per file would dominate the generation time.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from demo.layout import Block, Table, grid

FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def _zip(files: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()


def normalize_zip(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return _zip([(i.filename, z.read(i.filename)) for i in z.infolist()])


# ------------------------------------------------------------------------------------ DOCX
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>"""
_DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>"""


def _core(title: str, date: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{escape(title)}</dc:title><dc:creator>demo</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">{date}T00:00:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{date}T00:00:00Z</dcterms:modified></cp:coreProperties>"""  # noqa: E501


def _para(text: str, bold: bool = False, center: bool = False, right: bool = False) -> str:
    ppr = ""
    if center or right:
        ppr = f'<w:pPr><w:jc w:val="{"center" if center else "right"}"/></w:pPr>'
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def _docx_table(table: Table) -> str:
    g = grid(table)
    out = [
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
        '<w:tblBorders><w:top w:val="single" w:sz="4"/><w:left w:val="single" w:sz="4"/>'
        '<w:bottom w:val="single" w:sz="4"/><w:right w:val="single" w:sz="4"/>'
        '<w:insideH w:val="single" w:sz="4"/><w:insideV w:val="single" w:sz="4"/></w:tblBorders>'
        "</w:tblPr><w:tblGrid>" + '<w:gridCol w:w="900"/>' * table.ncols + "</w:tblGrid>"
    ]
    for r, row in enumerate(g):
        out.append("<w:tr>")
        c = 0
        while c < table.ncols:
            cell, origin = row[c]
            cs = cell.cs if cell else 1
            tcpr = f'<w:gridSpan w:val="{cs}"/>' if cs > 1 else ""
            if cell and cell.rs > 1:
                tcpr += '<w:vMerge w:val="restart"/>' if origin else "<w:vMerge/>"
            text = cell.text if (cell and origin) else ""
            out.append(f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{_para(text, center=True)}</w:tc>")
            c += cs
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def write_docx(blocks: list[Block], date: str) -> bytes:
    body = []
    title = ""
    for b in blocks:
        if b.kind == "title":
            title = b.text
            body.append(_para(b.text, bold=True, center=True))
        elif b.kind == "h":
            body.append(_para(b.text, bold=True))
        elif b.kind == "table":
            body.append(_docx_table(b.table))
            body.append(_para(""))
        elif b.kind == "sign":
            body.extend(_para(x, right=True) for x in b.text.split("\n"))
        else:
            body.append(_para(b.text))
    doc = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_W}><w:body>'
        + "".join(body)
        + '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
    )
    return _zip(
        [
            ("[Content_Types].xml", _CT.encode()),
            ("_rels/.rels", _RELS.encode()),
            ("word/_rels/document.xml.rels", _DOC_RELS.encode()),
            ("word/document.xml", doc.encode("utf-8")),
            ("docProps/core.xml", _core(title, date).encode()),
        ]
    )


# ------------------------------------------------------------------------------------ XLSX
def write_xlsx(blocks: list[Block], date: str) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties({"created": dt.datetime.fromisoformat(date), "author": "demo"})
    ws = wb.add_worksheet("年度报告")
    ws.set_column(0, 0, 48)
    ws.set_column(1, 15, 10)
    wrap = wb.add_format({"text_wrap": False})
    r = 0
    for b in blocks:
        if b.kind == "table":
            t = b.table
            for ri, row in enumerate(grid(t)):
                for ci, (cell, origin) in enumerate(row):
                    if not cell or not origin:
                        continue
                    val = cell.text
                    out = int(val) if val.isascii() and val.isdigit() else val
                    if cell.rs > 1 or cell.cs > 1:
                        ws.merge_range(
                            r + ri, ci, r + ri + cell.rs - 1, ci + cell.cs - 1, out, wrap
                        )
                    else:
                        ws.write(r + ri, ci, out)
            r += len(t.rows) + 1
        elif b.kind == "sign":
            for x in b.text.split("\n"):
                ws.write(r, 0, x)
                r += 1
        else:
            ws.write(r, 0, b.text)
            r += 1
    wb.close()
    return normalize_zip(buf.getvalue())


# ------------------------------------------------------------------------------------ PDF
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
