"""CCTV age conformance: every vector in the shared testkit, read in place.

All 143 vectors are claimed: binary X25519/scrypt/header/STREAM, armor, and the
post-quantum mlkem768x25519 hybrid ones. Outcome class and the SHA-256 of all plaintext
released before a failure must match exactly.
"""

from __future__ import annotations

import hashlib
import io

import pytest

from app.crypto import (
    AgeArmorError,
    AgeError,
    AgeHeaderError,
    AgeHmacError,
    AgeNoMatchError,
    AgePayloadError,
    AgeReader,
    Identity,
    ScryptIdentity,
    decrypt,
    parse_identity,
)
from app.crypto.age_armor import dearmor
from app.crypto.age_header import encode_header, parse_header
from tests.app.crypto.vectors import Vector, all_vectors

VECTORS = all_vectors()
OUTCOME: dict[type[AgeError], str] = {
    AgeHeaderError: "header failure",
    AgeNoMatchError: "no match",
    AgeHmacError: "HMAC failure",
    AgePayloadError: "payload failure",
    AgeArmorError: "armor failure",
}


def _identities(vector: Vector) -> list[Identity]:
    found: list[Identity] = [parse_identity(text) for text in vector.identities]
    return found + [ScryptIdentity(p) for p in vector.passphrases]


def _binary(vector: Vector) -> bytes:
    """The binary age file; armored vectors go through the armor decoder (as in age's own
    testkit), so that an armor failure is not masked as a header failure."""
    return dearmor(vector.data) if vector.armored else vector.data


def test_the_whole_testkit_is_present() -> None:
    assert len(VECTORS) == 143
    assert {v.expect for v in VECTORS} == {"success", *OUTCOME.values()}


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v.name)
def test_streaming_decrypt_matches_vector(vector: Vector) -> None:
    released = io.BytesIO()
    try:
        decrypt(io.BytesIO(_binary(vector)), released, _identities(vector))
        outcome = "success"
    except AgeError as error:
        outcome = OUTCOME[type(error)]
    assert outcome == vector.expect
    if vector.payload_sha256 is not None:
        assert hashlib.sha256(released.getvalue()).hexdigest() == vector.payload_sha256
    else:
        assert released.getvalue() == b""


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v.name)
def test_age_reader_matches_vector(vector: Vector) -> None:
    """The random-access reader reaches the same verdict (at open or while reading)."""
    try:
        with AgeReader(io.BytesIO(_binary(vector)), _identities(vector)) as reader:
            size = reader.size
            content = reader.read()
        outcome = "success"
    except AgeError as error:
        outcome = OUTCOME[type(error)]
    assert outcome == vector.expect
    if outcome == "success":
        assert len(content) == size
        assert hashlib.sha256(content).hexdigest() == vector.payload_sha256


PARSEABLE = []
for _vector in VECTORS:
    try:
        parse_header(_binary(_vector))
    except AgeError:
        continue
    PARSEABLE.append(_vector)


def test_most_vectors_have_a_parseable_header() -> None:
    assert len(PARSEABLE) >= 80


@pytest.mark.parametrize("vector", PARSEABLE, ids=lambda v: v.name)
def test_header_round_trips_byte_for_byte(vector: Vector) -> None:
    data = _binary(vector)
    header, length = parse_header(data)
    assert encode_header(header) == data[:length]
