"""Hostile PDFs whose objects hide in a compressed object stream (PDF 1.5), for bench/hostile_files
and tests/etl/test_packed_objects.py. Not a test.

In such a file the catalog, the page tree and the pages are not in the bytes at all: they are
inside an /ObjStm stream that pdfium inflates to read them, found through a cross-reference
stream. So a page's /Contents array (pdfium joins the streams it lists into one buffer) cannot be
seen by a scan of the file's bytes, and in an encrypted file the object stream itself is
ciphertext until pdfium, holding the key, inflates it to open the document.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zlib

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


# --- RC4, 40-bit, revision 2 (ISO 32000-1 7.6.3): an owner password, the empty user password ---

PASSWORD_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
_FILE_ID = b"0123456789abcdef"
_PERMISSIONS = -3904  # printing and copying refused


def rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out, i, j = bytearray(len(data)), 0, 0
    for n, byte in enumerate(data):
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out[n] = byte ^ state[(state[i] + state[j]) % 256]
    return bytes(out)


def _security() -> tuple[bytes, bytes, bytes]:
    """(file key, /O, /U) of the owner-password-only security handler."""
    owner = rc4(hashlib.md5(b"owner-secret" + PASSWORD_PAD[:20]).digest()[:5], PASSWORD_PAD)
    key = hashlib.md5(PASSWORD_PAD + owner + struct.pack("<i", _PERMISSIONS) + _FILE_ID).digest()[
        :5
    ]
    return key, owner, rc4(key, PASSWORD_PAD)


# --- RC4 128-bit (revision 3), AES-128 (revision 4), AES-256 (revision 6) ----------------------

CIPHERS = ("rc4-40", "rc4-128", "aes-128", "aes-256")


class Encryptor:
    """An owner-password-only security handler of one of CIPHERS (ISO 32000-2 7.6.4): its
    /Encrypt dictionary and the enciphering of each object's stream."""

    def __init__(self, cipher: str, file_id: bytes = _FILE_ID):
        self.cipher, self.file_id = cipher, file_id
        self.aes = cipher.startswith("aes")
        if cipher == "rc4-40" and file_id == _FILE_ID:
            self.key, owner, user = _security()
            self.entries = b"/V 1 /R 2 /O <%s> /U <%s>" % (
                owner.hex().encode(),
                user.hex().encode(),
            )
        elif cipher == "aes-256":
            self._aes256()
        else:
            self._md5_revision3()

    def _md5_revision3(self) -> None:
        length = 16
        owner_key = hashlib.md5(b"owner-secret" + PASSWORD_PAD[:20]).digest()
        for _ in range(50):
            owner_key = hashlib.md5(owner_key).digest()
        owner = _twenty_rounds(owner_key[:length], PASSWORD_PAD)
        key = hashlib.md5(PASSWORD_PAD + owner + struct.pack("<i", _PERMISSIONS) + self.file_id)
        key = key.digest()[:length]
        for _ in range(50):
            key = hashlib.md5(key).digest()[:length]
        self.key = key
        user = _twenty_rounds(key, hashlib.md5(PASSWORD_PAD + self.file_id).digest()) + bytes(16)
        strings = b"/O <%s> /U <%s>" % (owner.hex().encode(), user.hex().encode())
        if self.aes:
            method = b"/CF << /StdCF << /AuthEvent /DocOpen /CFM /AESV2 /Length 16 >> >> "
            self.entries = b"/V 4 /R 4 /Length 128 " + method + b"/StmF /StdCF /StrF /StdCF "
        else:
            self.entries = b"/V 2 /R 3 /Length 128 "
        self.entries += strings

    def _aes256(self) -> None:
        from etl.extract.pdf_cipher import aes_cbc
        from etl.extract.pdf_security import hash_2b

        self.key = hashlib.sha256(b"file key").digest()
        salts = [hashlib.md5(bytes((n,))).digest()[:8] for n in range(4)]
        user = hash_2b(b"", salts[0]) + salts[0] + salts[1]
        user_key = aes_cbc(hash_2b(b"", salts[1]), bytes(16), self.key, encrypt=True)
        owner = hash_2b(b"owner-secret", salts[2], user=user) + salts[2] + salts[3]
        owner_key = hash_2b(b"owner-secret", salts[3], user=user)
        wrapped = aes_cbc(owner_key, bytes(16), self.key, encrypt=True)
        perms = struct.pack("<i", _PERMISSIONS) + b"\xff\xff\xff\xffTadb" + b"0123"
        perms = aes_cbc(self.key, bytes(16), perms, encrypt=True)
        values = [v.hex().encode() for v in (owner, user, wrapped, user_key, perms)]
        self.entries = (
            b"/V 5 /R 6 /Length 256 /CF << /StdCF << /AuthEvent /DocOpen /CFM /AESV3 "
            b"/Length 32 >> >> /StmF /StdCF /StrF /StdCF "
            b"/O <%s> /U <%s> /OE <%s> /UE <%s> /Perms <%s>" % tuple(values)
        )

    def dictionary(self) -> bytes:
        return b"<< /Filter /Standard %s /P %d >>" % (self.entries, _PERMISSIONS)

    def stream(self, number: int, data: bytes) -> bytes:
        """The stream of object `number` (generation 0) enciphered."""
        if self.cipher == "aes-256":
            key = self.key
        else:
            salt = b"sAlT" if self.aes else b""
            seed = self.key + struct.pack("<I", number)[:3] + b"\x00\x00" + salt
            key = hashlib.md5(seed).digest()[: min(len(self.key) + 5, 16)]
        if not self.aes:
            return rc4(key, data)
        from etl.extract.pdf_cipher import aes_cbc

        iv = hashlib.md5(b"iv%d" % number).digest()
        pad = 16 - len(data) % 16
        return iv + aes_cbc(key, iv, data + bytes((pad,)) * pad, encrypt=True)


def _twenty_rounds(key: bytes, data: bytes) -> bytes:
    """RC4 under `key`, then 19 more times under `key` with each byte XORed with the round."""
    for round_ in range(20):
        data = rc4(bytes(b ^ round_ for b in key), data)
    return data


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
    `cipher` one of CIPHERS. `metadata`: the zlib bytes of the catalog's XMP /Metadata (9)."""
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
        identity = _FILE_ID.hex().encode()
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


_STREAM_OBJECT = re.compile(
    rb"(\d+) (\d+) obj\s*<<((?:(?!endobj).){0,2000}?)>>\s*stream\r?\n", re.S
)
_DIRECT_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\d)(?!\s+\d+\s+R)")


def encrypt_in_place(data: bytes) -> bytes:
    """A real PDF (a cross-reference stream, /ID and direct stream lengths, as hongze_2024.pdf)
    encrypted with an owner password only, as a publisher's "protected" copy: every stream
    enciphered with 128-bit RC4 in place (same length, so every offset holds) and the /Encrypt
    dictionary written into the cross-reference stream's. Strings outside streams stay clear."""
    from etl.extract.pdf_security import pdf_string

    found = re.search(rb"/ID\s*\[\s*<", data)
    encryptor = Encryptor("rc4-128", pdf_string(data, found.end() - 1))
    out = bytearray(data)
    for match in _STREAM_OBJECT.finditer(data):
        dictionary = match.group(3)
        if b"/XRef" in dictionary:
            xref = match.start(3)
            continue
        start, length = match.end(), int(_DIRECT_LENGTH.search(dictionary).group(1))
        out[start : start + length] = encryptor.stream(
            int(match.group(1)), data[start : start + length]
        )
    return bytes(out[:xref] + b"/Encrypt " + encryptor.dictionary() + out[xref:])


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
