"""The stream check (etl.extract.pdf_streams) for an encrypted PDF, on its decrypted copy.

A PDF encrypted with an owner password only (RC4 or AES, empty user password: it opens without
asking, printing or copying restricted) is common among government reports. Its streams are
ciphertext on disk, so the byte scan before pdfium sees no zlib header and a Flate bomb inside
reached pdfium uncounted. pdfium already holds the key once the file is open: it writes a copy
with the security removed (FPDF_REMOVE_SECURITY), whose streams are decrypted but still
compressed, and that copy is checked with the same limits before any page is loaded.

pdfium writes every stream as it is, except the document's XMP /Metadata, which it re-encodes,
and it writes the objects of compressed object streams unpacked, so a /Contents array packed in
one is counted on the copy. But the object streams themselves (the catalog and pages packed in
them) are ciphertext on disk and pdfium inflates them whole to open the file, before any check
can run: the memory cap every parse runs under (etl.parse_worker, LIMITS.worker_memory_bytes)
is what bounds them (an encrypted 2 GB object stream: refused too_much_memory in 3 s).
"""

from __future__ import annotations

import io

from etl.extract.pdf_streams import check_pdf_streams
from etl.limits import refuse


def check_decrypted_streams(path: str, pdf) -> None:
    """Refuse the open pypdfium2 document `pdf` when it is encrypted and a stream of its
    decrypted copy inflates past the limit (code inflates_too_far)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    if pdfium_c.FPDF_GetSecurityHandlerRevision(pdf) < 0:
        return  # not encrypted: the file itself was checked
    copy = io.BytesIO()
    try:
        pdf.save(copy, flags=pdfium_c.FPDF_REMOVE_SECURITY)
    except pdfium.PdfiumError:
        raise refuse(
            path,
            "encrypted",
            "is an encrypted PDF whose content cannot be checked before it is read",
            "ask the publisher for an unprotected copy or load the HTML page",
        ) from None
    check_pdf_streams(path, copy.getvalue())
