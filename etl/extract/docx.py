"""Word .docx: body paragraphs and table rows in document order.

python-docx opens the package (it finds the main part through the relationships); the body is
then read from its XML directly, which gives one cell per `<w:tc>` as printed: a horizontally
merged cell (gridSpan) stays one cell, a vertically merged continuation cell is "" instead of a
repeated label, and text in hyperlinks, tracked insertions and content controls is kept while
deleted text is not. Rows holding a nested table are read as layout (prose + the inner table).
"""

from __future__ import annotations

import zipfile
from io import BytesIO

from etl.document import Location, RawDocument
from etl.errors import ReportError
from etl.extract.build import build_document
from etl.extract.package import open_package

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
P, TBL, TR, TC = W + "p", W + "tbl", W + "tr", W + "tc"
WRAPPERS = frozenset(
    {W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag", W + "ins", W + "moveTo"}
)
SKIP = frozenset(
    {
        W + "del",
        W + "moveFrom",
        W + "txbxContent",
        MC + "Fallback",
        W + "pPr",
        W + "rPr",
        W + "sdtPr",
        W + "tcPr",
        W + "trPr",
        W + "tblPr",
        W + "tblGrid",
        W + "instrText",
        W + "delText",
        W + "footnoteReference",
    }
)


def extract_docx(path: str, data: bytes, sha256: str) -> RawDocument:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    archive = open_package(path, data, "docx")
    if not any(n.startswith("word/") for n in archive.namelist()):
        raise ReportError(
            path,
            "is a zip archive without a Word document inside",
            "check that this is the .docx report",
            "bad_zip",
        )
    try:
        document = docx.Document(BytesIO(data))
        body = document.element.body
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ReportError(
            path,
            f"the Word file could not be opened ({type(exc).__name__}: {exc})",
            "open it in Word or WPS and save it again as .docx",
            "bad_docx",
        )
    except Exception as exc:  # noqa: BLE001 -- a third-party reader on hostile bytes: whatever it raises means a malformed file, refused as one (1,200 mutations each of a real file raised nine kinds: an open list)
        raise ReportError(
            path,
            f"the Word file is malformed ({type(exc).__name__}: {exc})",
            "open it in Word or WPS and save it again as .docx (or load the PDF)",
            "bad_docx",
        )
    reader = _Reader()
    reader.blocks(body)
    if not reader.rows:
        raise ReportError(
            path,
            "the Word document has no text",
            "the report may be pasted as images; load the PDF/HTML version or run OCR",
            "no_text",
        )
    return build_document(path, sha256, "docx", reader.rows, _meta(document))


def _meta(document) -> dict:
    meta: dict = {}
    try:
        props = document.core_properties
        if props.title and props.title.strip():
            meta["title"] = props.title.strip()
        for key in ("created", "modified"):
            value = getattr(props, key)
            if value is not None:
                meta[key] = value.isoformat()
    # core properties are optional and often malformed (a missing element reads as None,
    # hence AttributeError; a bad date, ValueError); never fatal
    except (AttributeError, ValueError, TypeError, KeyError):
        pass
    return meta


def _children(el, wanted: str):
    """Children with tag `wanted`, looking through content-control and custom-XML wrappers."""
    for child in el:
        tag = child.tag
        if tag == wanted:
            yield child
        elif tag in WRAPPERS:
            yield from _children(child, wanted)


class _Reader:
    def __init__(self) -> None:
        self.rows: list[tuple[list[str], Location, bool]] = []
        self.tables = 0

    def blocks(self, container) -> None:
        for child in container:
            tag = child.tag
            if tag == P:
                for line in _paragraph_lines(child):
                    self.rows.append(([line], Location(line=len(self.rows)), False))
                for box in child.iter(W + "txbxContent"):
                    if not any(a.tag == MC + "Fallback" for a in box.iterancestors()):
                        self.blocks(box)
            elif tag == TBL:
                self.table(child)
            elif tag in WRAPPERS:
                self.blocks(child)

    def table(self, tbl) -> None:
        index: int | None = None
        row_no = 0
        for tr in _children(tbl, TR):
            cells = list(_children(tr, TC))
            if not cells:
                continue
            if any(tc.find(".//" + TBL) is not None for tc in cells):
                for tc in cells:  # layout row: read what it holds as ordinary content
                    self.blocks(tc)
                continue
            if index is None:
                index, self.tables = self.tables, self.tables + 1
            texts = ["" if _continues_vmerge(tc) else " ".join(_cell_lines(tc)) for tc in cells]
            self.rows.append((texts, Location(table=index, row=row_no, line=len(self.rows)), True))
            row_no += 1


def _continues_vmerge(tc) -> bool:
    pr = tc.find(W + "tcPr")
    if pr is None:
        return False
    vmerge = pr.find(W + "vMerge")
    return vmerge is not None and vmerge.get(W + "val", "continue") == "continue"


def _cell_lines(tc) -> list[str]:
    lines: list[str] = []
    for p in tc.iter(P):
        if not any(
            a.tag in (W + "txbxContent", MC + "Fallback") for a in p.iterancestors() if a is not tc
        ):
            lines.extend(_paragraph_lines(p))
    return lines


def _paragraph_lines(p) -> list[str]:
    """The paragraph's text, split at manual line breaks; text boxes are read separately."""
    parts: list[str] = []
    lines: list[str] = []
    stack = list(reversed(p))
    while stack:
        el = stack.pop()
        tag = el.tag
        if tag in SKIP or not isinstance(tag, str):
            continue
        if tag == W + "t":
            parts.append(el.text or "")
        elif tag == W + "tab":
            parts.append(" ")
        elif tag in (W + "br", W + "cr"):
            if el.get(W + "type") != "page":
                lines.append("".join(parts))
                parts = []
        elif tag == W + "noBreakHyphen":
            parts.append("-")
        else:
            stack.extend(reversed(el))
    lines.append("".join(parts))
    return [line.strip() for line in lines if line.strip()]
