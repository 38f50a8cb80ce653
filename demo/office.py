"""Writers for DOCX (hand-built WordprocessingML, merged cells) and XLSX; PDF is demo/pdf.py.

All output is byte-for-byte deterministic: fixed document properties, fixed zip timestamps.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
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
