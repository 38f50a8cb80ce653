"""Hostile PDFs whose objects hide in a compressed object stream (PDF 1.5), for bench/hostile_files
and tests/etl/test_packed_objects.py. Not a test.

In such a file the catalog, the page tree and the pages are not in the bytes at all: they are
inside an /ObjStm stream that pdfium inflates to read them, found through a cross-reference
stream. So a page's /Contents array (pdfium joins the streams it lists into one buffer) cannot be
seen by a scan of the file's bytes, and in an encrypted file the object stream itself is
ciphertext until pdfium, holding the key, inflates it to open the document.
"""

from __future__ import annotations

import io
import struct
import zlib

from bench.hostile_crypt import (  # noqa: F401 -- PASSWORD_PAD, rc4: tests take them from here
    CIPHERS,
    FILE_ID,
    PASSWORD_PAD,
    Encryptor,
    encrypt_in_place,
    rc4,
)

_BLOCK = b" " * (1 << 22)


def deflate_of_spaces(total: int, inner: bytes = b"") -> bytes:
    """A zlib stream of `inner` then `total` spaces, built in milliseconds: after a full flush
    the compressor keeps no history, so one flushed segment repeated is a valid deflate stream."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(inner) + compressor.flush(zlib.Z_FULL_FLUSH)
    segment = compressor.compress(_BLOCK) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = total // len(_BLOCK)
    checksum = zlib.adler32(inner)
    for _ in range(count):
        checksum = zlib.adler32(_BLOCK, checksum)
    final_empty_block = b"\x03\x00"
    return b"\x78\xda" + head + segment * count + final_empty_block + struct.pack(">I", checksum)


# --- the file --------------------------------------------------------------------------------

_FONT = b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"


def packed_pdf(
    content: bytes,
    contents: bytes = b"3 0 R",
    array: bytes | None = None,
    padding: int = 0,
    encrypted: bool = False,
    cipher: str = "rc4-40",
    metadata: bytes | None = None,
) -> bytes:
    """A PDF 1.5 of one page whose catalog (1), page tree (2), page (4) and, when given, the
    array object `array` (6) are packed in the object stream 5, found by the cross-reference
    stream 7. Object 3 is the content stream: the zlib bytes `content`. The page's /Contents is
    `contents` (b"[3 0 R 3 0 R]", or b"6 0 R" for the packed array). `padding` spaces follow
    the packed objects (an object stream that inflates far). `encrypted`: RC4 with an owner
    password only, so that it opens without asking and its streams are ciphertext on disk;
    `cipher` one of CIPHERS. `metadata`: the zlib bytes of the catalog's XMP /Metadata (9).

    Over 80 lines on purpose: one file written object by object, top to bottom as it lies on
    disk (offsets, the cross-reference stream and the trailer depend on every byte before);
    split, the offsets would be passed between pieces and the layout harder to check."""
    packed = {
        1: b"<< /Type /Catalog /Pages 2 0 R%s >>"
        % (b"" if metadata is None else b" /Metadata 9 0 R"),
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        4: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents "
        + contents
        + b" "
        + _FONT
        + b" >>",
    }
    if array is not None:
        packed[6] = array
    header, body = b"", b""
    for number, text in packed.items():
        header += b"%d %d " % (number, len(body))
        body += text + b"\n"
    objstm = deflate_of_spaces(padding, header + body)
    encryptor = Encryptor(cipher)
    if encrypted:
        content = encryptor.stream(3, content)
        objstm = encryptor.stream(5, objstm)
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    offsets[3] = len(out)
    out += b"3 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
    out += content + b"\nendstream\nendobj\n"
    offsets[5] = len(out)
    out += b"5 0 obj\n<< /Type /ObjStm /N %d /First %d /Length %d /Filter /FlateDecode >>\n" % (
        len(packed),
        len(header),
        len(objstm),
    )
    out += b"stream\n" + objstm + b"\nendstream\nendobj\n"
    trailer = b""
    if encrypted:
        offsets[8] = len(out)
        out += b"8 0 obj\n" + encryptor.dictionary() + b"\nendobj\n"
        identity = FILE_ID.hex().encode()
        trailer = b"/Encrypt 8 0 R /ID [<%s> <%s>] " % (identity, identity)
    if metadata is not None:
        metadata = encryptor.stream(9, metadata) if encrypted else metadata
        offsets[9] = len(out)
        out += b"9 0 obj\n<< /Type /Metadata /Subtype /XML /Length %d /Filter /FlateDecode >>\n" % (
            len(metadata)
        )
        out += b"stream\n" + metadata + b"\nendstream\nendobj\n"
    size = 10 if metadata is not None else 9 if encrypted else 8
    offsets[7] = len(out)
    rows = b""
    for number in range(size):
        if number == 0:
            rows += struct.pack(">BIH", 0, 0, 0xFFFF)
        elif number in packed:
            rows += struct.pack(">BIH", 2, 5, list(packed).index(number))
        elif number in offsets:
            rows += struct.pack(">BIH", 1, offsets[number], 0)
        else:
            rows += struct.pack(">BIH", 0, 0, 0)
    out += b"7 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R %s/Length %d >>\n" % (
        size,
        trailer,
        len(rows),
    )
    out += b"stream\n" + rows + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[7]
    return bytes(out)


TEXT = b"BT /F1 24 Tf 72 720 Td (Hello) Tj ET\n"


def packed_contents_bomb(stream_bytes: int, times: int) -> bytes:
    """One content stream of `stream_bytes` listed `times` in a page's /Contents, the page
    packed in an object stream."""
    listed = b"[" + b"3 0 R " * times + b"]"
    return packed_pdf(deflate_of_spaces(stream_bytes, TEXT), listed)


def packed_array_bomb(stream_bytes: int, times: int) -> bytes:
    """The same, the page's /Contents an array object packed in the object stream."""
    listed = b"[" + b"3 0 R " * times + b"]"
    return packed_pdf(deflate_of_spaces(stream_bytes, TEXT), b"6 0 R", array=listed)


def encrypted_object_stream_bomb(padding: int, cipher: str = "rc4-40") -> bytes:
    """An owner-password PDF whose object stream (catalog, pages) inflates past `padding`."""
    return packed_pdf(zlib.compress(TEXT), padding=padding, encrypted=True, cipher=cipher)


XMP = b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"/>'


def encrypted_metadata_bomb(size: int, cipher: str = "aes-128") -> bytes:
    """An owner-password PDF whose XMP /Metadata inflates past `size` (pdfium re-encodes it,
    inflated whole, when it writes the file's decrypted copy)."""
    bomb = deflate_of_spaces(size, XMP)
    return packed_pdf(zlib.compress(TEXT), encrypted=True, cipher=cipher, metadata=bomb)


def noise_scan_pdf(pages: int, seed: int = 0) -> bytes:
    """An image-only PDF of `pages` A4 pages (150 dpi, bilevel) of blots: random noise blurred
    and cut at 15 % ink, so that it has the few thousand specks and the ink of print (it passes
    etl.extract.ocr_noise's speck count) and Tesseract reads dozens of lines of junk from it,
    slowly (50-80 s a page on the busy 2-core machine)."""
    import cv2
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    field = cv2.GaussianBlur(rng.random((1754, 1240)).astype(np.float32), (0, 0), 3.0)
    blots = np.where(field < np.quantile(field, 0.15), 0, 255).astype(np.uint8)
    page = Image.fromarray(blots).convert("1")
    buffer = io.BytesIO()
    page.save(buffer, "PDF", resolution=150, save_all=True, append_images=[page] * (pages - 1))
    return buffer.getvalue()
