"""Random access to an age file: decrypt only the 64 KiB chunks a read needs.

Opening an :class:`AgeReader` parses the header, unwraps the file key, checks the header
MAC and authenticates the *final* chunk, so truncation or appended data is refused at
open time and the plaintext size is known exactly. Each later read authenticates the
chunks it touches (a damaged middle chunk fails that read with :class:`AgePayloadError`).
It is a read-only, seekable binary file object, fit for :class:`zipfile.ZipFile`.
"""

from __future__ import annotations

import io
import os
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import BinaryIO

from app.crypto.age_errors import AgeHeaderError, AgePayloadError
from app.crypto.age_file import read_age_header, unwrap_file_key
from app.crypto.age_keys import Identity
from app.crypto.age_stream import (
    CHUNK_SIZE,
    ENCRYPTED_CHUNK_SIZE,
    NONCE_SIZE,
    TAG_SIZE,
    open_chunk,
    open_chunk_into,
    payload_key,
    read_exact,
)

_CACHE_CHUNKS = 4
BLOCK_CHUNKS = 16
"""Chunks per block of :meth:`AgeReader.blocks` (1 MiB of plaintext)."""


class AgeReader(io.RawIOBase):
    """Seekable, read-only view of the plaintext of an age file.

    ``source`` is a path (opened and closed by the reader) or a seekable binary file object
    positioned at the start of the age file (left open; the reader moves its position).
    Armored files are decoded into memory first. Reads return the full requested length
    except at end of file.
    """

    def __init__(
        self, source: str | os.PathLike[str] | BinaryIO, identities: Sequence[Identity]
    ) -> None:
        super().__init__()
        if isinstance(source, str | os.PathLike):
            self._file: BinaryIO = open(source, "rb")
            self._owns_file = True
        else:
            if not source.seekable():
                raise ValueError("AgeReader needs a seekable file object")
            self._file = source
            self._owns_file = False
        try:
            self._open(identities)
        except BaseException:
            self.close()
            raise

    def _open(self, identities: Sequence[Identity]) -> None:
        start = self._file.tell()
        stream, header, length = read_age_header(self._file)
        file_key = unwrap_file_key(header, identities)
        if stream is self._file:
            self._base = start + length + NONCE_SIZE
            stream.seek(start + length)
        else:  # armored: ``stream`` is the decoded file in memory, positioned after the header
            self._file, self._owns_file = self._swap(stream), True
            self._base = length + NONCE_SIZE
        nonce = read_exact(self._file, NONCE_SIZE)
        if len(nonce) != NONCE_SIZE:
            raise AgeHeaderError("payload nonce missing or short")
        self._aead = payload_key(file_key, nonce)
        sealed_size = self._file.seek(0, io.SEEK_END) - self._base
        if sealed_size <= 0:
            raise AgePayloadError("payload ends without a final chunk")
        self._chunks = -(-sealed_size // ENCRYPTED_CHUNK_SIZE)
        self._cache: OrderedDict[int, bytes] = OrderedDict()
        last = self._chunk(self._chunks - 1)
        self._size = (self._chunks - 1) * CHUNK_SIZE + len(last)
        self._position = 0

    def _swap(self, replacement: BinaryIO) -> BinaryIO:
        if self._owns_file:
            self._file.close()
        return replacement

    def _chunk(self, index: int) -> bytes:
        cached = self._cache.get(index)
        if cached is not None:
            self._cache.move_to_end(index)
            return cached
        self._file.seek(self._base + index * ENCRYPTED_CHUNK_SIZE)
        sealed = read_exact(self._file, ENCRYPTED_CHUNK_SIZE)
        last = index == self._chunks - 1
        if (not last and len(sealed) != ENCRYPTED_CHUNK_SIZE) or len(sealed) < TAG_SIZE:
            raise AgePayloadError(f"chunk {index} is short (the file changed while open?)")
        plain = open_chunk(self._aead, index, sealed, last=last)
        self._cache[index] = plain
        if len(self._cache) > _CACHE_CHUNKS:
            self._cache.popitem(last=False)
        return plain

    @property
    def size(self) -> int:
        """The exact plaintext length (known since open)."""
        return self._size

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        self._checkClosed()
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._checkClosed()
        if whence == io.SEEK_SET:
            target = offset
        elif whence == io.SEEK_CUR:
            target = self._position + offset
        elif whence == io.SEEK_END:
            target = self._size + offset
        else:
            raise ValueError(f"invalid whence: {whence}")
        if target < 0:
            raise ValueError("negative seek position")
        self._position = target
        return target

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        self._checkClosed()
        view = memoryview(buffer).cast("B")
        wanted = min(len(view), max(0, self._size - self._position))
        done = 0
        while done < wanted:
            index, offset = divmod(self._position, CHUNK_SIZE)
            piece = self._chunk(index)[offset : offset + wanted - done]
            view[done : done + len(piece)] = piece
            done += len(piece)
            self._position += len(piece)
        return done

    def read(self, size: int | None = -1) -> bytes:
        self._checkClosed()
        available = max(0, self._size - self._position)
        wanted = available if size is None or size < 0 else min(size, available)
        data = b"".join(self.pieces(self._position, wanted))  # the one copy
        self._position += len(data)
        return data

    def pieces(self, offset: int, size: int) -> Iterator[bytes | memoryview]:
        """The plaintext from ``offset``, ``size`` bytes (fewer at end of file), chunk by
        chunk and without copying: a whole chunk as decrypted, a part of one as a view.

        Each chunk is authenticated before any of it is yielded (a damaged one raises
        :class:`AgePayloadError` there); the position is not moved.
        """
        self._checkClosed()
        position, end = offset, min(offset + size, self._size)
        while position < end:
            index, start = divmod(position, CHUNK_SIZE)
            plain = self._chunk(index)
            stop = min(len(plain), start + end - position)
            yield plain if start == 0 and stop == len(plain) else memoryview(plain)[start:stop]
            position += stop - start

    def blocks(self, offset: int, size: int) -> Iterator[memoryview]:
        """The plaintext from ``offset``, ``size`` bytes (fewer at end of file), for one pass
        over a large range: up to :data:`BLOCK_CHUNKS` chunks read at once and decrypted
        straight into a buffer of their own (no copy, no cache), each block authenticated
        whole before it is yielded (a damaged chunk raises :class:`AgePayloadError`
        there). A yielded view stays valid; the position is not moved.
        """
        self._checkClosed()
        position, end = offset, min(offset + size, self._size)
        while position < end:
            first = position // CHUNK_SIZE
            count = min(BLOCK_CHUNKS, (end - 1) // CHUNK_SIZE - first + 1)
            plain = self._decrypt_block(first, count)
            base = first * CHUNK_SIZE
            yield plain[position - base : min(len(plain), end - base)]
            position = min(base + len(plain), end)

    def _decrypt_block(self, first: int, count: int) -> memoryview:
        """Chunks ``first`` .. ``first + count - 1``, decrypted into one new buffer."""
        self._file.seek(self._base + first * ENCRYPTED_CHUNK_SIZE)
        sealed = memoryview(read_exact(self._file, count * ENCRYPTED_CHUNK_SIZE))
        out = memoryview(bytearray(count * CHUNK_SIZE))
        filled = 0
        for k in range(count):
            index = first + k
            part = sealed[k * ENCRYPTED_CHUNK_SIZE : (k + 1) * ENCRYPTED_CHUNK_SIZE]
            last = index == self._chunks - 1
            if (not last and len(part) != ENCRYPTED_CHUNK_SIZE) or len(part) < TAG_SIZE:
                raise AgePayloadError(f"chunk {index} is short (the file changed while open?)")
            length = len(part) - TAG_SIZE
            open_chunk_into(self._aead, index, part, last, out[filled : filled + length])
            filled += length
        return out[:filled]

    def readall(self) -> bytes:
        return self.read(-1)

    def close(self) -> None:
        if not self.closed:
            if getattr(self, "_owns_file", False):
                self._file.close()
            self.__dict__.pop("_cache", None)
        super().close()
