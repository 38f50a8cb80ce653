"""The standard security handler of PDF, written out for the hostile PDFs of
bench/hostile_pdfs.py and the tests: an owner password, the empty user password (a file that
opens without asking, as publishers' "protected" reports do), for each cipher of CIPHERS; and a
real PDF encrypted in place. Not a test.
"""

from __future__ import annotations

import hashlib
import re
import struct

# --- RC4, 40-bit, revision 2 (ISO 32000-1 7.6.3): an owner password, the empty user password ---

PASSWORD_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
FILE_ID = b"0123456789abcdef"
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
    key = hashlib.md5(PASSWORD_PAD + owner + struct.pack("<i", _PERMISSIONS) + FILE_ID).digest()[:5]
    return key, owner, rc4(key, PASSWORD_PAD)


# --- RC4 128-bit (revision 3), AES-128 (revision 4), AES-256 (revision 6) ----------------------

CIPHERS = ("rc4-40", "rc4-128", "aes-128", "aes-256")


class Encryptor:
    """An owner-password-only security handler of one of CIPHERS (ISO 32000-2 7.6.4): its
    /Encrypt dictionary and the enciphering of each object's stream."""

    def __init__(self, cipher: str, file_id: bytes = FILE_ID):
        self.cipher, self.file_id = cipher, file_id
        self.aes = cipher.startswith("aes")
        if cipher == "rc4-40" and file_id == FILE_ID:
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
