"""The age payload: a 16-byte nonce, then ChaCha20-Poly1305 STREAM in 64 KiB chunks.

Chunk ``i`` is sealed with the nonce ``i`` (11 bytes, big-endian) followed by a flag byte,
1 for the last chunk and 0 otherwise, under ``HKDF(file key, salt=nonce, info="payload")``.
The last chunk may be full; it may be empty only when it is the only chunk. Anything after
the last chunk is an error. Chunks are independent, which is what makes random access
(:class:`app.crypto.age_file.AgeReader`) possible.
"""

from __future__ import annotations

from typing import BinaryIO, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.crypto.age_errors import AgePayloadError

CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
ENCRYPTED_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE
NONCE_SIZE = 16


class Sink(Protocol):
    """Where plaintext or ciphertext goes: anything with a binary ``write``."""

    def write(self, data: bytes, /) -> object: ...


def payload_key(file_key: bytes, nonce: bytes) -> ChaCha20Poly1305:
    """The STREAM AEAD for one file: HKDF-SHA256(file key, salt = payload nonce)."""
    key = HKDF(hashes.SHA256(), length=32, salt=nonce, info=b"payload").derive(file_key)
    return ChaCha20Poly1305(key)


def chunk_nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def open_chunk(aead: ChaCha20Poly1305, index: int, sealed: bytes, last: bool) -> bytes:
    """Decrypt chunk ``index``; raise :class:`AgePayloadError` if it does not authenticate."""
    if len(sealed) < TAG_SIZE or (last and index > 0 and len(sealed) == TAG_SIZE):
        raise AgePayloadError(f"chunk {index} is too short")
    try:
        return aead.decrypt(chunk_nonce(index, last), sealed, None)
    except InvalidTag:
        raise AgePayloadError(f"chunk {index} does not authenticate") from None


def open_chunk_into(
    aead: ChaCha20Poly1305, index: int, sealed: bytes | memoryview, last: bool, out: memoryview
) -> None:
    """:func:`open_chunk` into ``out`` (``len(sealed) - TAG_SIZE`` bytes), without a copy.
    On failure ``out`` holds bytes that did not authenticate: the caller discards it."""
    if len(sealed) < TAG_SIZE or (last and index > 0 and len(sealed) == TAG_SIZE):
        raise AgePayloadError(f"chunk {index} is too short")
    try:
        aead.decrypt_into(chunk_nonce(index, last), sealed, None, out)
    except InvalidTag:
        raise AgePayloadError(f"chunk {index} does not authenticate") from None


def read_exact(src: BinaryIO, size: int) -> bytes:
    """Read up to ``size`` bytes, looping over short reads; fewer only at end of file."""
    data = src.read(size)
    if len(data) == size or not data:
        return data
    parts = [data]
    remaining = size - len(data)
    while remaining:
        more = src.read(remaining)
        if not more:
            break
        parts.append(more)
        remaining -= len(more)
    return b"".join(parts)


def encrypt_payload(aead: ChaCha20Poly1305, src: BinaryIO, dst: Sink) -> None:
    """Seal ``src`` to ``dst`` chunk by chunk, holding at most two chunks in memory."""
    index = 0
    current = read_exact(src, CHUNK_SIZE)
    while True:
        following = read_exact(src, CHUNK_SIZE) if len(current) == CHUNK_SIZE else b""
        last = not following
        dst.write(aead.encrypt(chunk_nonce(index, last), current, None))
        if last:
            return
        current = following
        index += 1


def decrypt_payload(aead: ChaCha20Poly1305, src: BinaryIO, dst: Sink) -> None:
    """Open ``src`` chunk by chunk, writing each chunk to ``dst`` once it authenticates.

    On failure, ``dst`` holds exactly the chunks verified before it (the CCTV "released
    plaintext"); the caller must discard them, since the file as a whole is not valid.
    """
    index = 0
    while True:
        sealed = read_exact(src, ENCRYPTED_CHUNK_SIZE)
        if not sealed:
            raise AgePayloadError("payload ends without a final chunk")
        if len(sealed) < ENCRYPTED_CHUNK_SIZE:
            plain = open_chunk(aead, index, sealed, last=True)
            last = True
        else:
            try:
                plain = open_chunk(aead, index, sealed, last=False)
                last = False
            except AgePayloadError:  # a full chunk may be the last one
                plain = open_chunk(aead, index, sealed, last=True)
                last = True
        dst.write(plain)
        if last:
            if src.read(1):
                raise AgePayloadError("data after the final chunk")
            return
        index += 1
