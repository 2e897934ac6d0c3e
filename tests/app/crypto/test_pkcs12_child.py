"""Identity files decrypted in a child process (the window's way, app/crypto/pkcs12_child.py):
the same identity, the same refusals, and the thread that waits lets go of the GIL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

from app import unlocking
from app.crypto import pkcs12_child
from app.crypto.identity import (
    IdentityFormatError,
    IdentityPassphraseError,
    load_identity,
)
from app.crypto.profile import Role
from tests.app.crypto.pki_fixtures import (
    EXPERT_PASSPHRASE,
    PkiFixture,
    shared_pki,
)


@pytest.fixture(scope="module")
def pkiset(tmp_path_factory: pytest.TempPathFactory) -> PkiFixture:
    return shared_pki(tmp_path_factory)


@pytest.fixture
def in_child() -> Iterator[None]:
    unlocking.decrypt_in_child_processes()
    try:
        yield
    finally:
        unlocking.decrypt_in_child_processes(False)


def _der(identity: object) -> bytes:
    return identity.certificate.public_bytes(Encoding.DER)  # type: ignore[attr-defined]


def test_the_child_gives_the_identity_the_process_itself_gives(
    pkiset: PkiFixture, in_child: None
) -> None:
    data = pkiset.expert_p12.read_bytes()
    here = pkcs12.load_pkcs12(data, EXPERT_PASSPHRASE)
    there = pkcs12_child.load_pkcs12(data, EXPERT_PASSPHRASE)
    assert there.key is not None and here.key is not None
    assert there.key.private_numbers() == here.key.private_numbers()  # type: ignore[union-attr]
    assert there.cert == here.cert
    assert there.additional_certs == here.additional_certs

    identity = load_identity(data, EXPERT_PASSPHRASE)  # through app.unlocking's switch
    assert identity.fingerprint == pkiset.expert.fingerprint
    assert identity.role is Role.EXPERT
    assert _der(identity) == _der(pkiset.expert)


def test_the_child_refuses_what_the_process_refuses(pkiset: PkiFixture, in_child: None) -> None:
    data = pkiset.expert_p12.read_bytes()
    with pytest.raises(IdentityPassphraseError):
        load_identity(data, b"not the passphrase")
    flipped = bytearray(data)
    flipped[-40] ^= 0x01  # inside the MAC data
    with pytest.raises((IdentityPassphraseError, IdentityFormatError)):
        load_identity(bytes(flipped), EXPERT_PASSPHRASE)
    with pytest.raises(IdentityFormatError, match="not a PKCS#12"):
        load_identity(b"hello", EXPERT_PASSPHRASE)


def test_a_child_that_cannot_start_leaves_the_unlock_to_this_process(
    pkiset: PkiFixture, in_child: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(data: bytes, passphrase: bytes) -> pkcs12.PKCS12KeyAndCertificates:
        raise pkcs12_child.ChildUnavailable("cannot start")

    monkeypatch.setattr(pkcs12_child, "load_pkcs12", unavailable)
    identity = load_identity(pkiset.expert_p12.read_bytes(), EXPERT_PASSPHRASE)
    assert identity.fingerprint == pkiset.expert.fingerprint


def test_the_decryption_runs_in_the_child_not_here(
    pkiset: PkiFixture, in_child: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This process never runs the key derivation (its own ``load_pkcs12`` is broken here:
    the child, a fresh interpreter, has the real one); so a worker thread that waits for it
    only waits on a pipe, which lets go of the GIL, and the GUI thread keeps running."""

    def not_here(data: bytes, passphrase: bytes) -> pkcs12.PKCS12KeyAndCertificates:
        raise AssertionError("decrypted in the parent process")

    monkeypatch.setattr(pkcs12, "load_pkcs12", not_here)
    identity = load_identity(pkiset.expert_p12.read_bytes(), EXPERT_PASSPHRASE)
    assert identity.fingerprint == pkiset.expert.fingerprint
