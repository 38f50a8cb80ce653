"""PDF with a text layer, read line by line with pdfium (fast enough for thousands of files).

Table rows come out as lines of label text followed by the row's numbers; a table split over
a page break is just more lines, since parsers read blocks in order across pages.
"""

from __future__ import annotations

from etl.document import Location, RawDocument
from etl.errors import ReportError
from etl.extract.build import build_document


def extract_pdf(path: str, data: bytes, sha256: str) -> RawDocument:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            raise ReportError(path, "the PDF is encrypted (password protected)",
                              "ask the publisher for an unprotected copy or load the HTML page", "encrypted")
        raise ReportError(path, f"the PDF is damaged or truncated ({exc})",
                          "download it again; if it still fails, load the HTML version", "bad_pdf")
    rows: list[tuple[list[str], Location, bool]] = []
    chars = 0
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            text = textpage.get_text_bounded() or ""
            chars += len(text.strip())
            for n, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
                line = line.strip()
                if line:
                    rows.append(([line], Location(page=index + 1, line=n), False))
            textpage.close()
            page.close()
        if chars < 20:  # no text layer: the pages are images
            from etl.extract.ocr import ocr_pdf
            return ocr_pdf(path, sha256, pdf)
    except pdfium.PdfiumError as exc:
        raise ReportError(path, f"the PDF could not be read past page {len(rows) and rows[-1][1].page} ({exc})",
                          "download it again or load the HTML version", "bad_pdf")
    finally:
        pdf.close()
    return build_document(path, sha256, "pdf", rows)
