"""The two ciphers of PDF's standard security handler, for the check before pdfium opens a file.

Both come from the OpenSSL library the Python interpreter itself is linked with (its hashlib and
ssl modules), through ctypes: no package is added. OpenSSL 3 keeps RC4 in its legacy provider,
loaded here into a library context of its own (the process's default context, which hashlib
uses, is left as it is); where that provider is missing, RC4 is the few lines below, ~0.6 MB/s
(enough for the object streams and metadata it deciphers). Where the library cannot be loaded
at all, AES is unavailable (aes_available() is False) and an AES-encrypted file is left to the
bounds pdfium is read under (etl.extract.pdf_decrypted says which).
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Iterator

from etl.limits import check_time

_PIECE = 1 << 16  # bytes deciphered between two looks at the clock


def rc4_pieces(key: bytes, data: bytes | memoryview) -> Iterator[bytes]:
    """`data` deciphered with RC4 under `key`, a piece at a time (the caller may stop early)."""
    if _rc4_cipher() is not None:
        yield from _openssl_rc4(key, data)
        return
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) & 0xFF
        state[i], state[j] = state[j], state[i]
    i = j = 0
    for start in range(0, len(data), _PIECE):
        check_time()
        piece = data[start : start + _PIECE]
        out = bytearray(len(piece))
        for n, byte in enumerate(piece):
            i = (i + 1) & 0xFF
            si = state[i]
            j = (j + si) & 0xFF
            sj = state[j]
            state[i], state[j] = sj, si
            out[n] = byte ^ state[(si + sj) & 0xFF]
        yield bytes(out)


def rc4(key: bytes, data: bytes) -> bytes:
    return b"".join(rc4_pieces(key, data))


# --- AES through the interpreter's own OpenSSL -------------------------------------------------

_crypto = None
_loaded = False
_rc4 = None  # OpenSSL's RC4 from the legacy provider, in a library context of its own
_rc4_looked = False


def _library():
    """libcrypto (the one hashlib uses), or None where it cannot be loaded."""
    global _crypto, _loaded
    if _loaded:
        return _crypto
    _loaded = True
    for name in ("libcrypto.so.3", ctypes.util.find_library("crypto")):
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
            for cipher in ("EVP_aes_128_cbc", "EVP_aes_256_cbc", "EVP_aes_256_ecb"):
                getattr(lib, cipher).restype = ctypes.c_void_p
            lib.EVP_CIPHER_CTX_new.restype = ctypes.c_void_p
            lib.EVP_CIPHER_CTX_free.argtypes = [ctypes.c_void_p]
            lib.EVP_CipherInit_ex.argtypes = [ctypes.c_void_p] * 5 + [ctypes.c_int]
            lib.EVP_CIPHER_CTX_set_padding.argtypes = [ctypes.c_void_p, ctypes.c_int]
            lib.EVP_CIPHER_CTX_set_key_length.argtypes = [ctypes.c_void_p, ctypes.c_int]
            lib.EVP_CipherUpdate.argtypes = [
                ctypes.c_void_p,
                ctypes.c_char_p,
                ctypes.POINTER(ctypes.c_int),
                ctypes.c_char_p,
                ctypes.c_int,
            ]
        except (OSError, AttributeError):
            continue
        _crypto = lib
        break
    return _crypto


def aes_available() -> bool:
    return _library() is not None


def aes_cbc(key: bytes, iv: bytes, data: bytes, encrypt: bool = False) -> bytes:
    """`data` (a whole number of 16-byte blocks; the rest is dropped) through AES-CBC with
    `key` (16 or 32 bytes), no padding added or removed. Needs aes_available()."""
    lib = _library()
    data = bytes(data[: len(data) - len(data) % 16])
    cipher = lib.EVP_aes_128_cbc() if len(key) == 16 else lib.EVP_aes_256_cbc()
    ctx = lib.EVP_CIPHER_CTX_new()
    try:
        if not lib.EVP_CipherInit_ex(ctx, cipher, None, key, iv, int(encrypt)):
            raise ValueError("AES could not be set up")
        lib.EVP_CIPHER_CTX_set_padding(ctx, 0)
        out = ctypes.create_string_buffer(len(data) + 32)
        written = ctypes.c_int(0)
        if not lib.EVP_CipherUpdate(ctx, out, ctypes.byref(written), data, len(data)):
            raise ValueError("AES failed")
        return out.raw[: written.value]
    finally:
        lib.EVP_CIPHER_CTX_free(ctx)


def aes_cbc_pieces(key: bytes, data: bytes | memoryview) -> Iterator[bytes]:
    """A PDF AES stream (its first 16 bytes the IV) deciphered, a piece at a time."""
    iv = bytes(data[:16])
    for start in range(16, len(data), _PIECE):
        check_time()
        piece = bytes(data[start : start + _PIECE])
        out = aes_cbc(key, iv, piece)
        if len(piece) >= 16:
            iv = piece[len(piece) - len(piece) % 16 - 16 : len(piece) - len(piece) % 16]
        yield out


def _rc4_cipher():
    """OpenSSL's RC4 (EVP_CIPHER*), or None where the legacy provider cannot be loaded."""
    global _rc4, _rc4_looked
    if _rc4_looked:
        return _rc4
    _rc4_looked = True
    lib = _library()
    if lib is None:
        return None
    try:
        lib.OSSL_LIB_CTX_new.restype = ctypes.c_void_p
        lib.OSSL_PROVIDER_load.restype = ctypes.c_void_p
        lib.OSSL_PROVIDER_load.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.EVP_CIPHER_fetch.restype = ctypes.c_void_p
        lib.EVP_CIPHER_fetch.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        context = lib.OSSL_LIB_CTX_new()
        if context and lib.OSSL_PROVIDER_load(context, b"legacy"):
            _rc4 = lib.EVP_CIPHER_fetch(context, b"RC4", None) or None
    except AttributeError:  # OpenSSL 1.1: no providers
        _rc4 = None
    return _rc4


def _openssl_rc4(key: bytes, data: bytes | memoryview) -> Iterator[bytes]:
    lib = _library()
    ctx = lib.EVP_CIPHER_CTX_new()
    try:
        if not (
            lib.EVP_CipherInit_ex(ctx, _rc4, None, None, None, 0)
            and lib.EVP_CIPHER_CTX_set_key_length(ctx, len(key))
            and lib.EVP_CipherInit_ex(ctx, None, None, key, None, 0)
        ):
            raise ValueError("RC4 could not be set up")
        out = ctypes.create_string_buffer(_PIECE)
        written = ctypes.c_int(0)
        for start in range(0, len(data), _PIECE):
            check_time()
            piece = bytes(data[start : start + _PIECE])
            if not lib.EVP_CipherUpdate(ctx, out, ctypes.byref(written), piece, len(piece)):
                raise ValueError("RC4 failed")
            yield out.raw[: written.value]
    finally:
        lib.EVP_CIPHER_CTX_free(ctx)
