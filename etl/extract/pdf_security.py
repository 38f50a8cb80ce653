"""The key of a PDF encrypted for its owner only, found as a reader finds it (ISO 32000-2 7.6.4).

Government reports are often published "protected": an owner password restricts printing or
copying, the user password is empty, and any reader opens the file without asking. Their
streams are ciphertext on disk. To count what a stream inflates to before pdfium opens such a
file (etl.extract.pdf_decrypted), the file key is derived here from the empty user password,
for each revision of the standard security handler: 2-4 (RC4 40-128 bit, AES-128; key from MD5)
and 5-6 (AES-256; key unwrapped from /UE with SHA-2). A file that needs a user password, or
another handler (certificates), gets no key: pdfium refuses it as encrypted anyway.
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass

from etl.extract.pdf_cipher import aes_available, aes_cbc, aes_cbc_pieces, rc4_pieces

PASSWORD_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
_ENCRYPT_REF = re.compile(rb"/Encrypt\s*(\d+)\s+(\d+)\s+R")
_ENCRYPT_INLINE = re.compile(rb"/Encrypt\s*<<")
_ID = re.compile(rb"/ID\s*\[\s*([<(])")
_DICT_REACH = 8192  # an encryption dictionary is a few hundred bytes
_CRYPT_FILTERS = re.compile(rb"/CF\s*<<.*?>>\s*>>", re.S)  # /CF << /StdCF << … >> >>
_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}


@dataclass(frozen=True)
class Security:
    """What deciphers the streams of one encrypted file."""

    key: bytes
    aes: bool
    revision: int

    def pieces(self, number: int, generation: int, body: bytes) -> Iterator[bytes]:
        """The stream `body` of object `number` deciphered, a piece at a time."""
        if self.revision >= 5:  # AES-256: one key for every object
            return aes_cbc_pieces(self.key, body)
        salt = b"sAlT" if self.aes else b""
        seed = self.key + struct.pack("<I", number)[:3] + struct.pack("<I", generation)[:2]
        key = hashlib.md5(seed + salt).digest()[: min(len(self.key) + 5, 16)]
        return aes_cbc_pieces(key, body) if self.aes else rc4_pieces(key, body)


def security_of(data: bytes) -> Security | None:
    """The stream cipher of an encrypted PDF that opens with the empty user password; None for
    a file that is not encrypted, needs a password, or whose handler is not the standard one."""
    entries = _encryption_dictionary(data)
    if entries is None or b"/Standard" not in entries:
        return None
    if re.search(rb"/StmF\s*/Identity\b", entries):
        return None  # streams left in the clear: the byte scan read them
    version, revision = _number(entries, b"V", 0), _number(entries, b"R", 0)
    method = re.search(rb"/CFM\s*/(\w+)", entries)
    aes = version >= 4 and method is not None and method.group(1).startswith(b"AESV")
    if aes and not aes_available():
        return None
    try:
        if revision >= 5:
            key = _key_aes256(entries, revision)
        else:
            key = _key_md5(data, entries, version, revision, aes)
    except (ValueError, IndexError):
        return None
    return None if key is None else Security(key, aes or revision >= 5, revision)


def _encryption_dictionary(data: bytes) -> bytes | None:
    """The text of the trailer's /Encrypt dictionary (the last one: the file's latest trailer)."""
    refs = list(_ENCRYPT_REF.finditer(data))
    if refs:
        number, generation = refs[-1].group(1), refs[-1].group(2)
        header = re.compile(rb"(?<!\d)" + number + rb"\s+" + generation + rb"\s+obj\s*<<")
        found = list(header.finditer(data))
        if not found:
            return None
        start = found[-1].end()
    else:
        inline = list(_ENCRYPT_INLINE.finditer(data))
        if not inline:
            return None
        start = inline[-1].end()
    end = data.find(b"endobj", start, start + _DICT_REACH)
    return data[start : start + _DICT_REACH if end < 0 else end]


def _number(entries: bytes, name: bytes, default: int) -> int:
    found = re.search(rb"/" + name + rb"\s+(-?\d+)", _CRYPT_FILTERS.sub(b"", entries))
    return int(found.group(1)) if found else default


def _string(entries: bytes, name: bytes) -> bytes:
    """The string entry /`name` (hex or literal) of the dictionary, b"" when missing."""
    found = re.search(rb"/" + name + rb"\s*([<(])", entries)
    return pdf_string(entries, found.start(1)) if found else b""


def pdf_string(data: bytes, at: int) -> bytes:
    """The PDF string starting at `at` (`<hex>` or `(literal)` with its escapes)."""
    if data[at : at + 1] == b"<":
        end = data.find(b">", at)
        digits = re.sub(rb"\s+", b"", data[at + 1 : end if end >= 0 else len(data)])
        return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))
    out, depth, pos = bytearray(), 1, at + 1
    while pos < len(data):
        byte = data[pos]
        pos += 1
        if byte == 0x5C:  # backslash
            pos = _escape(data, pos, out)
            continue
        depth += (byte == 0x28) - (byte == 0x29)
        if depth == 0:
            break
        out.append(byte)
    return bytes(out)


def _escape(data: bytes, pos: int, out: bytearray) -> int:
    """Append the escape at data[pos:] (after its backslash) to `out`; the position after it."""
    if pos >= len(data):
        return pos
    byte = data[pos]
    octal = re.match(rb"[0-7]{1,3}", data[pos : pos + 3])
    if octal:
        out.append(int(octal.group(), 8) & 0xFF)
        return pos + len(octal.group())
    if byte in (0x0D, 0x0A):  # a line continued: the break is not part of the string
        return pos + (2 if data[pos : pos + 2] == b"\r\n" else 1)
    out += _ESCAPES.get(byte, bytes((byte,)))
    return pos + 1


def _file_id(data: bytes) -> bytes:
    found = list(_ID.finditer(data))
    return pdf_string(data, found[-1].start(1)) if found else b""


def _key_md5(data: bytes, entries: bytes, version: int, revision: int, aes: bool) -> bytes:
    """Algorithm 2 of ISO 32000-1 with the empty user password (revisions 2-4)."""
    length = 16 if aes else (5 if revision == 2 else _number(entries, b"Length", 40) // 8)
    length = min(max(length, 5), 16)
    owner = _string(entries, b"O")[:32]
    permissions = struct.pack("<I", _number(entries, b"P", 0) & 0xFFFFFFFF)  # signed or not
    digest = hashlib.md5(PASSWORD_PAD + owner + permissions + _file_id(data))
    if revision >= 4 and re.search(rb"/EncryptMetadata\s+false\b", entries):
        digest.update(b"\xff\xff\xff\xff")
    key = digest.digest()[:length]
    if revision >= 3:
        for _ in range(50):
            key = hashlib.md5(key).digest()[:length]
    return key


def _key_aes256(entries: bytes, revision: int) -> bytes | None:
    """Algorithm 2.A of ISO 32000-2 with the empty user password (revisions 5 and 6)."""
    user, wrapped = _string(entries, b"U"), _string(entries, b"UE")
    if len(user) < 48 or len(wrapped) < 32:
        return None
    if hash_2b(b"", user[32:40], revision) != user[:32]:
        return None  # the user password is not empty: pdfium asks for it and refuses the file
    return aes_cbc(hash_2b(b"", user[40:48], revision), bytes(16), wrapped[:32])


def hash_2b(password: bytes, salt: bytes, revision: int = 6, user: bytes = b"") -> bytes:
    """Algorithm 2.B (revision 6; revision 5 is its first SHA-256 alone); `user` is /U when
    the hash is the owner password's."""
    k = hashlib.sha256(password + salt + user).digest()
    if revision == 5:
        return k
    rounds = 0
    while True:
        e = aes_cbc(k[:16], k[16:32], (password + k + user) * 64, encrypt=True)
        k = hashlib.new(("sha256", "sha384", "sha512")[sum(e[:16]) % 3], e).digest()
        rounds += 1
        if rounds >= 64 and e[-1] <= rounds - 32:
            return k[:32]
