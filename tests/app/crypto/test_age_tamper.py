"""Non-malleability in practice: no flipped bit, truncation or extension is accepted, and
every refusal is one of our typed errors (never another exception type)."""

from __future__ import annotations

import io
import os
import random

import pytest

from app.crypto import (
    AgeError,
    AgeHeaderError,
    AgeHmacError,
    AgeNoMatchError,
    AgePayloadError,
    AgeReader,
    X25519Identity,
    decrypt_bytes,
    encrypt_bytes,
)
from app.crypto.age_stream import ENCRYPTED_CHUNK_SIZE

IDENTITY = X25519Identity.generate()
SMALL_PLAIN = os.urandom(200)
SMALL = encrypt_bytes(SMALL_PLAIN, [IDENTITY.recipient])
LARGE_PLAIN = os.urandom(200 * 1024)
LARGE = encrypt_bytes(LARGE_PLAIN, [IDENTITY.recipient])
TYPED = (AgeHeaderError, AgeNoMatchError, AgeHmacError, AgePayloadError)


def _flip(data: bytes, bit: int) -> bytes:
    damaged = bytearray(data)
    damaged[bit // 8] ^= 1 << (bit % 8)
    return bytes(damaged)


def _refused(data: bytes) -> type[AgeError]:
    with pytest.raises(AgeError) as caught:
        decrypt_bytes(data, [IDENTITY])
    assert isinstance(caught.value, TYPED)
    return type(caught.value)


def test_fixtures_decrypt_untouched() -> None:
    assert decrypt_bytes(SMALL, [IDENTITY]) == SMALL_PLAIN
    assert decrypt_bytes(LARGE, [IDENTITY]) == LARGE_PLAIN


def test_every_single_bit_flip_of_a_small_file_is_refused() -> None:
    seen = {_refused(_flip(SMALL, bit)) for bit in range(len(SMALL) * 8)}
    # Flips land in the header text, the share, the MAC and the payload: several classes.
    assert {AgeHeaderError, AgeHmacError, AgePayloadError} <= seen


def test_sampled_bit_flips_of_a_200_kib_file_are_refused() -> None:
    rng = random.Random(20240601)
    header_bits = 8 * 200
    bits = list(range(0, header_bits, 3))
    bits += [rng.randrange(len(LARGE) * 8) for _ in range(300)]
    bits += [len(LARGE) * 8 - 1 - i for i in range(0, 256, 7)]  # the last tag
    for bit in bits:
        _refused(_flip(LARGE, bit))


def test_sampled_bit_flips_fail_the_reader_at_open_or_read() -> None:
    rng = random.Random(7)
    for _ in range(200):
        damaged = _flip(LARGE, rng.randrange(len(LARGE) * 8))
        with pytest.raises(TYPED):
            with AgeReader(io.BytesIO(damaged), [IDENTITY]) as reader:
                reader.read()


def test_every_truncation_of_a_small_file_is_refused() -> None:
    for length in range(len(SMALL)):
        _refused(SMALL[:length])


@pytest.mark.parametrize(
    "extra", [b"\x00", b"\n", os.urandom(16), os.urandom(ENCRYPTED_CHUNK_SIZE)], ids=len
)
def test_trailing_data_is_refused(extra: bytes) -> None:
    assert _refused(SMALL + extra) is AgePayloadError
    assert _refused(LARGE + extra) is AgePayloadError


def test_chunk_boundary_truncations_of_the_large_file_are_refused() -> None:
    header_and_nonce = len(LARGE) - (len(LARGE_PLAIN) + 4 * 16)
    boundaries = [header_and_nonce + c * ENCRYPTED_CHUNK_SIZE for c in range(4)] + [len(LARGE)]
    cuts = {b + delta for b in boundaries for delta in (-16, -1, 0, 1, 16)}
    for cut in sorted(c for c in cuts if header_and_nonce <= c < len(LARGE)):
        assert _refused(LARGE[:cut]) is AgePayloadError
