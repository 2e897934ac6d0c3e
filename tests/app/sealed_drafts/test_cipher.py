"""Sealing one value: ChaCha20-Poly1305 under the draft key, bound to its place, padded."""

from __future__ import annotations

import os

import pytest

from app.sealed_drafts.cipher import (
    KEY_SIZE,
    OVERHEAD,
    PAD_BLOCK,
    DraftCipher,
    associated_data,
    pad,
    unpad,
)
from app.sealed_drafts.errors import SealedRecordError

KEY = bytes(range(KEY_SIZE))
BOUND = ("sheet-1", "a1", "1", "1")


@pytest.fixture
def cipher() -> DraftCipher:
    return DraftCipher(KEY, "m1", "e1")


def test_a_sealed_value_opens_at_its_place(cipher: DraftCipher) -> None:
    sealed = cipher.seal("sheet", BOUND, b'{"opinion":"fine"}')
    assert sealed[0] == 1 and len(sealed) == OVERHEAD + PAD_BLOCK
    assert cipher.open("sheet", BOUND, sealed) == b'{"opinion":"fine"}'
    assert DraftCipher(KEY, "m1", "e1").open("sheet", BOUND, sealed) == b'{"opinion":"fine"}'


def test_every_seal_uses_a_fresh_nonce(cipher: DraftCipher) -> None:
    assert cipher.seal("note", ("n",), b"x") != cipher.seal("note", ("n",), b"x")


@pytest.mark.parametrize(
    ("other", "kind", "bound"),
    [
        (DraftCipher(KEY, "m1", "e2"), "sheet", BOUND),  # another expert
        (DraftCipher(KEY, "m2", "e1"), "sheet", BOUND),  # another meeting
        (DraftCipher(os.urandom(KEY_SIZE), "m1", "e1"), "sheet", BOUND),  # another key
        (None, "note", BOUND),  # another kind
        (None, "sheet", ("sheet-2", "a1", "1", "1")),  # another row
        (None, "sheet", ("sheet-1", "a2", "1", "1")),  # its application changed
        (None, "sheet", ("sheet-1", "a1", "1", "2")),  # its version changed
        (None, "sheet", ("sheet-1", "a1", "1")),  # a bound column left out
    ],
)
def test_a_value_does_not_open_anywhere_else(
    cipher: DraftCipher, other: DraftCipher | None, kind: str, bound: tuple[str, ...]
) -> None:
    sealed = cipher.seal("sheet", BOUND, b"secret")
    with pytest.raises(SealedRecordError) as caught:
        (other or cipher).open(kind, bound, sealed)
    assert caught.value.recommendation
    assert caught.value.kind == kind


def test_fields_cannot_slide_into_each_other() -> None:
    assert associated_data("m", "e1", "sheet", ("x",)) != associated_data(
        "m", "e", "1sheet", ("x",)
    )
    assert associated_data("m", "e", "k", ("ab", "c")) != associated_data(
        "m", "e", "k", ("a", "bc")
    )
    assert associated_data("m", "e", "k", ()).startswith(b"\x00\x00\x00\x14review-desk/draft-v1")


def test_every_flipped_bit_is_refused(cipher: DraftCipher) -> None:
    sealed = cipher.seal("conflict", ("a1", "1", "t"), b'{"reason":"former employer"}')
    for position in range(len(sealed)):
        for bit in (0x01, 0x80):
            damaged = bytearray(sealed)
            damaged[position] ^= bit
            with pytest.raises(SealedRecordError):
                cipher.open("conflict", ("a1", "1", "t"), bytes(damaged))


@pytest.mark.parametrize("cut", [0, 1, 13, OVERHEAD + PAD_BLOCK - 1])
def test_short_and_extended_values_are_refused(cipher: DraftCipher, cut: int) -> None:
    sealed = cipher.seal("note", ("n1",), b"text")
    with pytest.raises(SealedRecordError):
        cipher.open("note", ("n1",), sealed[:cut])
    with pytest.raises(SealedRecordError):
        cipher.open("note", ("n1",), sealed + b"\x00")


def test_an_unknown_version_is_refused(cipher: DraftCipher) -> None:
    sealed = cipher.seal("note", ("n1",), b"text")
    with pytest.raises(SealedRecordError):
        cipher.open("note", ("n1",), b"\x02" + sealed[1:])


@pytest.mark.parametrize("size", [0, 1, 254, 255, 256, 511, 512, 1000])
def test_padding_hides_small_differences(size: int) -> None:
    padded = pad(b"x" * size)
    assert len(padded) % PAD_BLOCK == 0 and 0 < len(padded) - size <= PAD_BLOCK
    assert unpad(padded) == b"x" * size


@pytest.mark.parametrize(
    "padded",
    [
        b"",
        b"x" * 255,
        bytes(256),  # no 0x80
        b"x" * 255 + b"\x81",
        b"\x80" + bytes(511),  # more than one block of padding
    ],
)
def test_malformed_padding_is_refused(padded: bytes) -> None:
    assert unpad(padded) is None


def test_a_value_with_malformed_padding_does_not_open() -> None:
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    nonce = bytes(12)
    aad = associated_data("m1", "e1", "note", ("n1",))
    body = ChaCha20Poly1305(KEY).encrypt(nonce, bytes(PAD_BLOCK), aad)
    with pytest.raises(SealedRecordError):
        DraftCipher(KEY, "m1", "e1").open("note", ("n1",), b"\x01" + nonce + body)


def test_the_key_is_32_bytes_and_never_shown() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        DraftCipher(b"short", "m1", "e1")
    assert KEY.hex() not in repr(DraftCipher(KEY, "m1", "e1"))


def _spec_aad(*fields: bytes) -> bytes:
    """The AAD written out as workspace-drafts-v1 section 3 says, independently of the code."""
    return b"".join(len(f).to_bytes(4, "big") + f for f in (b"review-desk/draft-v1", *fields))


def test_the_layout_is_the_specified_one(cipher: DraftCipher) -> None:
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    content = '{"reason":"曾任职"}'.encode()
    aad = _spec_aad(b"m1", b"e1", b"conflict", b"a1", b"1", b"2026-03-02T09:00:00+00:00")
    padded = content + b"\x80" + bytes(PAD_BLOCK - len(content) - 1)
    # What the spec describes opens with the code ...
    nonce = bytes(range(12))
    by_hand = b"\x01" + nonce + ChaCha20Poly1305(KEY).encrypt(nonce, padded, aad)
    bound = ("a1", "1", "2026-03-02T09:00:00+00:00")
    assert cipher.open("conflict", bound, by_hand) == content
    # ... and what the code seals opens as the spec describes.
    sealed = cipher.seal("conflict", bound, content)
    assert ChaCha20Poly1305(KEY).decrypt(sealed[1:13], sealed[13:], aad) == padded
