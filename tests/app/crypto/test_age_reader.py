"""AgeReader: random access equals plaintext slices; zipfile works; damage found at open."""

from __future__ import annotations

import io
import os
import random
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.crypto import (
    AgePayloadError,
    AgeReader,
    X25519Identity,
    age_reader,
    encrypt_bytes,
)
from app.crypto.age_stream import CHUNK_SIZE, ENCRYPTED_CHUNK_SIZE

IDENTITY = X25519Identity.generate()
PLAINTEXT = os.urandom(4 * CHUNK_SIZE + 1234)
ENCRYPTED = encrypt_bytes(PLAINTEXT, [IDENTITY.recipient])


@settings(max_examples=200, deadline=None)
@given(
    reads=st.lists(
        st.tuples(
            st.integers(0, len(PLAINTEXT) + 100),
            st.integers(-1, 3 * CHUNK_SIZE),
            st.sampled_from([io.SEEK_SET, io.SEEK_CUR, io.SEEK_END]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_random_seeks_and_reads_equal_plaintext_slices(
    reads: list[tuple[int, int, int]],
) -> None:
    with AgeReader(io.BytesIO(ENCRYPTED), [IDENTITY]) as reader:
        assert reader.size == len(PLAINTEXT)
        for offset, size, whence in reads:
            base = {io.SEEK_SET: 0, io.SEEK_CUR: reader.tell(), io.SEEK_END: len(PLAINTEXT)}
            target = max(0, base[whence] + (offset if whence != io.SEEK_END else -offset))
            position = reader.seek(target - base[whence], whence)
            assert position == target == reader.tell()
            expected = PLAINTEXT[target:] if size < 0 else PLAINTEXT[target : target + size]
            assert reader.read(size) == expected
            assert reader.tell() == target + len(expected)


@settings(max_examples=200, deadline=None)
@given(
    offset=st.integers(0, len(PLAINTEXT) + 10),
    size=st.integers(0, len(PLAINTEXT) + 10),
    block_chunks=st.sampled_from([1, 2, age_reader.BLOCK_CHUNKS]),
)
def test_blocks_and_pieces_give_the_plaintext_range(
    offset: int, size: int, block_chunks: int
) -> None:
    """Any range, aligned to chunks or not, across one block or several (a block smaller
    than the file is forced by making blocks small), as pieces or blocks."""
    expected = PLAINTEXT[offset : offset + size]
    original = age_reader.BLOCK_CHUNKS
    age_reader.BLOCK_CHUNKS = block_chunks
    try:
        with AgeReader(io.BytesIO(ENCRYPTED), [IDENTITY]) as reader:
            blocks = list(reader.blocks(offset, size))
            assert b"".join(blocks) == expected
            assert all(len(b) <= block_chunks * CHUNK_SIZE for b in blocks)
            assert b"".join(reader.pieces(offset, size)) == expected
            assert reader.tell() == 0  # neither moves the position
    finally:
        age_reader.BLOCK_CHUNKS = original


def test_blocks_refuse_a_damaged_chunk_before_yielding_its_block() -> None:
    damaged = bytearray(ENCRYPTED)
    payload = len(ENCRYPTED) - (4 * ENCRYPTED_CHUNK_SIZE + 1234 + 16)  # five chunks
    damaged[payload + 3 * ENCRYPTED_CHUNK_SIZE + 5] ^= 1  # chunk 3, in the second block
    original = age_reader.BLOCK_CHUNKS
    age_reader.BLOCK_CHUNKS = 2
    try:
        with AgeReader(io.BytesIO(bytes(damaged)), [IDENTITY]) as reader:
            got: list[bytes] = []
            with pytest.raises(AgePayloadError):
                for block in reader.blocks(0, reader.size):
                    got.append(bytes(block))
            assert got == [PLAINTEXT[: 2 * CHUNK_SIZE]]  # the first block, none of the second
            with pytest.raises(AgePayloadError):
                b"".join(reader.pieces(0, reader.size))
    finally:
        age_reader.BLOCK_CHUNKS = original


def test_readinto_and_buffered_wrapping() -> None:
    with AgeReader(io.BytesIO(ENCRYPTED), [IDENTITY]) as reader:
        reader.seek(CHUNK_SIZE - 10)
        buffer = bytearray(20)
        assert reader.readinto(buffer) == 20
        assert bytes(buffer) == PLAINTEXT[CHUNK_SIZE - 10 : CHUNK_SIZE + 10]
        reader.seek(0)
        assert io.BufferedReader(reader).read() == PLAINTEXT


def test_zipfile_reads_members_through_the_reader(tmp_path: Path) -> None:
    members = {"manifest.json": b'{"format":"x"}', "a.pdf": os.urandom(300_000), "empty": b""}
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    path = tmp_path / "package.age"
    path.write_bytes(encrypt_bytes(archive.getvalue(), [IDENTITY.recipient]))
    with AgeReader(path, [IDENTITY]) as reader, zipfile.ZipFile(reader) as zf:
        assert sorted(zf.namelist()) == sorted(members)
        for name, data in members.items():
            assert zf.read(name) == data


@pytest.mark.parametrize(
    "cut",
    [1, 15, 16, 17, ENCRYPTED_CHUNK_SIZE, ENCRYPTED_CHUNK_SIZE + 1, 2 * ENCRYPTED_CHUNK_SIZE],
)
def test_truncated_file_fails_at_open(cut: int) -> None:
    with pytest.raises(AgePayloadError):
        AgeReader(io.BytesIO(ENCRYPTED[:-cut]), [IDENTITY])


@pytest.mark.parametrize(
    "extra",
    [b"\x00", random.Random(7).randbytes(ENCRYPTED_CHUNK_SIZE)],
    ids=["one-zero-byte", "a-chunk-of-noise"],
)
def test_appended_data_fails_at_open(extra: bytes) -> None:
    with pytest.raises(AgePayloadError):
        AgeReader(io.BytesIO(ENCRYPTED + extra), [IDENTITY])


def test_damaged_middle_chunk_fails_only_the_read_that_needs_it() -> None:
    damaged = bytearray(ENCRYPTED)
    damaged[len(ENCRYPTED) - 3 * ENCRYPTED_CHUNK_SIZE] ^= 1
    with AgeReader(io.BytesIO(bytes(damaged)), [IDENTITY]) as reader:
        assert reader.read(100) == PLAINTEXT[:100]
        with pytest.raises(AgePayloadError):
            reader.read()


def test_open_does_not_decrypt_everything() -> None:
    opened: list[int] = []
    with AgeReader(io.BytesIO(ENCRYPTED), [IDENTITY]) as reader:
        original = reader._chunk

        def spy(index: int) -> bytes:
            opened.append(index)
            return original(index)

        reader._chunk = spy  # type: ignore[method-assign]
        reader.seek(2 * CHUNK_SIZE + 5)
        assert reader.read(10) == PLAINTEXT[2 * CHUNK_SIZE + 5 : 2 * CHUNK_SIZE + 15]
    assert opened == [2]


def test_non_seekable_source_is_refused() -> None:
    class Pipe(io.BytesIO):
        def seekable(self) -> bool:
            return False

    with pytest.raises(ValueError):
        AgeReader(Pipe(ENCRYPTED), [IDENTITY])


def test_closed_reader_refuses_io() -> None:
    reader = AgeReader(io.BytesIO(ENCRYPTED), [IDENTITY])
    reader.close()
    with pytest.raises(ValueError):
        reader.read(1)


def test_armored_file_opens_in_the_reader() -> None:
    armored = encrypt_bytes(PLAINTEXT, [IDENTITY.recipient], armor=True)
    with AgeReader(io.BytesIO(b"\r\n " + armored), [IDENTITY]) as reader:
        assert reader.size == len(PLAINTEXT)
        reader.seek(CHUNK_SIZE + 3)
        assert reader.read(5) == PLAINTEXT[CHUNK_SIZE + 3 : CHUNK_SIZE + 8]


def test_reader_opens_a_file_that_starts_mid_stream() -> None:
    source = io.BytesIO(b"prefix" + ENCRYPTED)
    source.seek(6)
    with AgeReader(source, [IDENTITY]) as reader:
        assert reader.read() == PLAINTEXT
