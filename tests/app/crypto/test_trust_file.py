"""Trust files (trust-v1): roots and the CRLs they signed, in one PEM file, checked on load."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from app.crypto import pki
from app.crypto.profile import Role
from tests.app.crypto.pki_fixtures import NOW, PkiFixture, in_memory_identity, shared_pki


@pytest.fixture(scope="module")
def pkiset(tmp_path_factory: pytest.TempPathFactory) -> PkiFixture:
    return shared_pki(tmp_path_factory)


def _pem(cert: object) -> bytes:
    return cert.public_bytes(Encoding.PEM)  # type: ignore[attr-defined, no-any-return]


def _crl_pem(ca: pki.CertificateAuthority, folder: Path, **kw: object) -> bytes:
    folder.mkdir(exist_ok=True)
    return pki.sign_crl(ca, folder, NOW, **kw).public_bytes(Encoding.PEM)  # type: ignore[arg-type]


def test_a_trust_file_holds_roots_and_their_lists(pkiset: PkiFixture, tmp_path: Path) -> None:
    person = in_memory_identity(pkiset.ca, Role.EXPERT, "周").certificate
    ca_dir = tmp_path / "ca"
    ca_dir.mkdir()
    pki.revoke(pkiset.ca, ca_dir, person, NOW)
    trust = tmp_path / "roots.pem"
    trust.write_bytes(
        b"# the meeting's roots\n"
        + _pem(pkiset.ca.certificate)
        + _crl_pem(pkiset.ca, ca_dir)
        + _pem(pkiset.other_ca.certificate)
    )
    loaded = pki.load_trust_file(trust, NOW + timedelta(days=1))
    assert loaded.roots == (pkiset.ca.certificate, pkiset.other_ca.certificate)
    assert len(loaded.crls) == 1
    assert loaded.crls[0].get_revoked_certificate_by_serial_number(person.serial_number)
    assert pki.load_trust_roots(trust) == list(loaded.roots)  # the roots-only reader agrees


def test_a_file_without_lists_has_none(pkiset: PkiFixture) -> None:
    loaded = pki.load_trust_file(pkiset.root_pem, NOW)
    assert loaded == pki.TrustFile(roots=(pkiset.ca.certificate,), crls=())


@pytest.mark.parametrize(
    ("at", "message"),
    [
        (NOW + timedelta(days=2, seconds=1), "out of date since 2026-03-04 09:00 UTC"),
        (NOW - timedelta(hours=2), "valid only from 2026-03-02 08:00 UTC"),
    ],
)
def test_a_list_not_current_is_refused_with_its_date(
    pkiset: PkiFixture, tmp_path: Path, at: object, message: str
) -> None:
    trust = tmp_path / "roots.pem"
    trust.write_bytes(
        _pem(pkiset.ca.certificate)
        + _crl_pem(pkiset.ca, tmp_path / "ca", validity=timedelta(days=2))
    )
    with pytest.raises(pki.TrustStoreError, match=message):
        pki.load_trust_file(trust, at)  # type: ignore[arg-type]


def test_a_list_no_root_signed_is_refused(pkiset: PkiFixture, tmp_path: Path) -> None:
    trust = tmp_path / "roots.pem"
    trust.write_bytes(_pem(pkiset.ca.certificate) + _crl_pem(pkiset.other_ca, tmp_path / "o"))
    with pytest.raises(pki.TrustStoreError, match="none of its roots signed"):
        pki.load_trust_file(trust, NOW)


def test_two_lists_from_one_root_are_refused(pkiset: PkiFixture, tmp_path: Path) -> None:
    folder = tmp_path / "ca"
    trust = tmp_path / "roots.pem"
    trust.write_bytes(
        _pem(pkiset.ca.certificate) + _crl_pem(pkiset.ca, folder) + _crl_pem(pkiset.ca, folder)
    )
    with pytest.raises(pki.TrustStoreError, match="two revocation lists from"):
        pki.load_trust_file(trust, NOW)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "PRIVATE KEY block"),
        (b"-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n", "cannot be read"),
    ],
)
def test_foreign_or_broken_blocks_are_refused(
    pkiset: PkiFixture, tmp_path: Path, extra: bytes, message: str
) -> None:
    trust = tmp_path / "roots.pem"
    trust.write_bytes(_pem(pkiset.ca.certificate) + extra)
    with pytest.raises(pki.TrustStoreError, match=message):
        pki.load_trust_file(trust, NOW)


def test_a_list_alone_is_no_trust_file(pkiset: PkiFixture, tmp_path: Path) -> None:
    trust = tmp_path / "roots.pem"
    trust.write_bytes(_crl_pem(pkiset.ca, tmp_path / "ca"))
    with pytest.raises(pki.TrustStoreError, match="no readable PEM certificates"):
        pki.load_trust_file(trust, NOW)


def test_an_oversized_trust_file_is_refused_unread(tmp_path: Path) -> None:
    trust = tmp_path / "roots.pem"
    trust.write_bytes(b"#" * (pki.MAX_TRUST_FILE_SIZE + 1))
    with pytest.raises(pki.TrustStoreError, match="Cannot read the trust roots"):
        pki.load_trust_file(trust, NOW)
