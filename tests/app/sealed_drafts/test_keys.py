"""The draft key: made at the first sign-in, wrapped to the expert (age, one X25519 stanza),
signed by the expert, and refused when it belongs to someone else or was tampered with."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from app.crypto import age_file, pki
from app.crypto.age_keys import X25519Identity, X25519Recipient
from app.crypto.identity import Identity
from app.crypto.profile import Role
from app.sealed_drafts.cipher import DraftCipher
from app.sealed_drafts.errors import DraftKeyDamagedError, WrongDraftKeyError
from app.sealed_drafts.keys import create_draft_key, signed_bytes, unlock_draft_key
from app.sealed_drafts.record import DraftKeyRecord
from tests.app.crypto.pki_fixtures import NOW
from tests.app.sealed_drafts.conftest import Cast


def _signed_as(record: DraftKeyRecord, signer: Identity, **changes: object) -> DraftKeyRecord:
    """``record`` with ``changes``, signed (validly) by ``signer``."""
    unsigned = dataclasses.replace(record, **changes)  # type: ignore[arg-type]
    signature = signer.signing_key.sign(signed_bytes(unsigned), ec.ECDSA(hashes.SHA256()))
    return dataclasses.replace(unsigned, signature=signature)


def test_the_key_unwraps_for_its_expert_only(cast: Cast) -> None:
    record, cipher = create_draft_key(cast.first, "m1", "e1", NOW)
    assert record.fingerprint == cast.first.fingerprint and record.created_at == NOW
    header = age_file.inspect_header(io.BytesIO(record.wrapped_key))
    assert header.stanza_counts == (("X25519", 1),) and not header.armored
    sealed = cipher.seal("note", ("n1",), b"hello")
    again = unlock_draft_key(record, cast.first)
    assert again.open("note", ("n1",), sealed) == b"hello"
    assert "wrapped_key" not in repr(record) and "signature" not in repr(record)
    with pytest.raises(WrongDraftKeyError) as caught:
        unlock_draft_key(record, cast.second)
    assert cast.first.fingerprint in caught.value.message
    assert caught.value.recommendation


@pytest.mark.tool("age")
def test_the_wrapped_key_is_an_age_file_the_reference_tool_opens(
    cast: Cast, tmp_path: Path
) -> None:
    record, cipher = create_draft_key(cast.first, "m1", "e1", NOW)
    keyfile = tmp_path / "key.txt"
    keyfile.write_text(X25519Identity(cast.first.x25519_private_key).secret_text() + "\n")
    keyfile.chmod(0o600)
    wrapped = tmp_path / "wrapped.age"
    wrapped.write_bytes(record.wrapped_key)
    key = subprocess.run(
        ["age", "-d", "-i", str(keyfile), str(wrapped)], check=True, capture_output=True
    ).stdout
    assert len(key) == 32
    sealed = cipher.seal("note", ("n1",), b"x")
    assert DraftCipher(key, "m1", "e1").open("note", ("n1",), sealed) == b"x"


def test_a_key_planted_for_another_expert_is_refused(cast: Cast) -> None:
    """The second expert knows a key, wraps it to the first's public key and stores it as the
    first's before the first signs in: without the first's signature it is never used."""
    known = os.urandom(32)
    wrapped = age_file.encrypt_bytes(known, [X25519Recipient(cast.first.x25519_public_bytes)])
    genuine, _ = create_draft_key(cast.first, "m1", "e1", NOW)
    planted = _signed_as(genuine, cast.second, wrapped_key=wrapped)
    with pytest.raises(DraftKeyDamagedError):
        unlock_draft_key(planted, cast.first)
    as_self = _signed_as(planted, cast.second, fingerprint=cast.second.fingerprint)
    with pytest.raises(WrongDraftKeyError):
        unlock_draft_key(as_self, cast.first)


@pytest.mark.parametrize(
    "change",
    [
        {"signature": b"\x30\x06\x02\x01\x01\x02\x01\x01"},
        {"meeting_id": "m2"},
        {"expert_id": "e2"},
        {"created_at": NOW + dt.timedelta(seconds=1)},
    ],
)
def test_a_changed_record_is_damaged(cast: Cast, change: dict[str, object]) -> None:
    record, _ = create_draft_key(cast.first, "m1", "e1", NOW)
    with pytest.raises(DraftKeyDamagedError) as caught:
        unlock_draft_key(dataclasses.replace(record, **change), cast.first)  # type: ignore[arg-type]
    assert caught.value.recommendation


def test_every_flipped_bit_of_the_wrapped_key_is_refused(cast: Cast) -> None:
    record, _ = create_draft_key(cast.first, "m1", "e1", NOW)
    for position in range(0, len(record.wrapped_key), 7):
        damaged = bytearray(record.wrapped_key)
        damaged[position] ^= 0x04
        with pytest.raises(DraftKeyDamagedError):
            unlock_draft_key(dataclasses.replace(record, wrapped_key=bytes(damaged)), cast.first)


@pytest.mark.parametrize(
    "wrap",
    [
        # a second recipient
        lambda c: age_file.encrypt_bytes(
            os.urandom(32),
            [
                X25519Recipient(c.first.x25519_public_bytes),
                X25519Recipient(c.second.x25519_public_bytes),
            ],
        ),
        # armored
        lambda c: age_file.encrypt_bytes(
            os.urandom(32), [X25519Recipient(c.first.x25519_public_bytes)], armor=True
        ),
        # not a 32-byte key
        lambda c: age_file.encrypt_bytes(
            os.urandom(16), [X25519Recipient(c.first.x25519_public_bytes)]
        ),
        # not an age file
        lambda c: b"not an age file",
    ],
)
def test_a_malformed_wrapping_signed_by_the_expert_is_still_refused(
    cast: Cast, wrap: object
) -> None:
    record, _ = create_draft_key(cast.first, "m1", "e1", NOW)
    odd = _signed_as(record, cast.first, wrapped_key=wrap(cast))  # type: ignore[operator]
    with pytest.raises(DraftKeyDamagedError):
        unlock_draft_key(odd, cast.first)


def test_a_key_wrapped_to_someone_else_but_signed_by_the_expert_is_the_wrong_identity(
    cast: Cast,
) -> None:
    record, _ = create_draft_key(cast.first, "m1", "e1", NOW)
    other = age_file.encrypt_bytes(
        os.urandom(32), [X25519Recipient(cast.second.x25519_public_bytes)]
    )
    with pytest.raises(WrongDraftKeyError):
        unlock_draft_key(_signed_as(record, cast.first, wrapped_key=other), cast.first)


def test_a_certificate_reissued_for_the_same_key_still_opens_the_drafts(cast: Cast) -> None:
    record, cipher = create_draft_key(cast.first, "m1", "e1", NOW)
    certificate = pki.issue_certificate(
        cast.pki.ca, Role.EXPERT, "Li Wei", "测试单位", cast.first.signing_key, NOW
    )
    reissued = dataclasses.replace(cast.first, certificate=certificate)
    assert reissued.fingerprint != cast.first.fingerprint
    sealed = cipher.seal("note", ("n1",), b"kept")
    assert unlock_draft_key(record, reissued).open("note", ("n1",), sealed) == b"kept"
