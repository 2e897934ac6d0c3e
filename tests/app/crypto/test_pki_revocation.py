"""The CA's revocations and CRLs: ``pki.revoke`` records, ``pki.sign_crl`` signs, and both our
verifier (pyHanko's certvalidator) and ``openssl cms -verify -crl_check`` refuse a revoked signer
with the list."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from app.crypto import cms, pki
from app.crypto.cms import SignatureVerifier, SignerRevokedError
from app.crypto.profile import Role
from tests.app.crypto.pki_fixtures import NOW, PkiFixture, in_memory_identity, shared_pki

DATA = "评审意见 review".encode()


@pytest.fixture(scope="module")
def pkiset(tmp_path_factory: pytest.TempPathFactory) -> PkiFixture:
    return shared_pki(tmp_path_factory)


def _person(pkiset: PkiFixture, name: str = "李娜") -> x509.Certificate:
    return in_memory_identity(pkiset.ca, Role.EXPERT, name).certificate


def test_revoke_then_crl_lists_the_certificate_signed_by_the_ca(
    pkiset: PkiFixture, tmp_path: Path
) -> None:
    first, second = _person(pkiset, "甲"), _person(pkiset, "乙")
    entry = pki.revoke(pkiset.ca, tmp_path, first, NOW, reason="key-compromise")
    assert (entry.serial, entry.reason, entry.name) == (first.serial_number, "key-compromise", "甲")
    assert entry.fingerprint == pki.fingerprint(first)
    crl = pki.sign_crl(pkiset.ca, tmp_path, NOW, validity=timedelta(days=7))
    public_key = pkiset.ca.certificate.public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    assert crl.is_signature_valid(public_key)
    assert crl.issuer == pkiset.ca.certificate.subject
    assert crl.last_update_utc == NOW - pki.BACKDATE
    assert crl.next_update_utc == NOW + timedelta(days=7)
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == 1
    listed = crl.get_revoked_certificate_by_serial_number(first.serial_number)
    assert listed is not None and listed.revocation_date_utc == NOW
    reason = listed.extensions.get_extension_for_class(x509.CRLReason).value.reason
    assert reason is x509.ReasonFlags.key_compromise
    assert crl.get_revoked_certificate_by_serial_number(second.serial_number) is None

    pki.revoke(pkiset.ca, tmp_path, second, NOW + timedelta(days=1))
    again = pki.sign_crl(pkiset.ca, tmp_path, NOW + timedelta(days=1))
    assert again.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == 2
    assert len(again) == 2
    unspecified = again.get_revoked_certificate_by_serial_number(second.serial_number)
    assert unspecified is not None and len(unspecified.extensions) == 0  # RFC 5280 5.3.1
    assert [r.name for r in pki.revocations(tmp_path)] == ["甲", "乙"]
    record = json.loads((tmp_path / pki.CA_REVOCATIONS_FILE).read_text(encoding="utf-8"))
    assert record["crl_number"] == 2
    assert record["revoked"][0]["revoked_at"] == NOW.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_an_empty_record_signs_an_empty_list(pkiset: PkiFixture, tmp_path: Path) -> None:
    crl = pki.sign_crl(pkiset.ca, tmp_path, NOW)
    assert len(crl) == 0
    assert crl.next_update_utc == NOW + timedelta(days=pki.DEFAULT_CRL_VALIDITY_DAYS)


def test_revoke_refuses_a_foreign_certificate_the_root_and_a_second_revocation(
    pkiset: PkiFixture, tmp_path: Path
) -> None:
    foreign = in_memory_identity(pkiset.other_ca, Role.EXPERT, "外人").certificate
    with pytest.raises(pki.PkiError, match="not issued by this certificate authority"):
        pki.revoke(pkiset.ca, tmp_path, foreign, NOW)
    with pytest.raises(pki.PkiError, match="not issued by this certificate authority"):
        pki.revoke(pkiset.ca, tmp_path, pkiset.ca.certificate, NOW)
    person = _person(pkiset)
    pki.revoke(pkiset.ca, tmp_path, person, NOW)
    with pytest.raises(pki.PkiError, match="already revoked on 2026-03-02 09:00 UTC"):
        pki.revoke(pkiset.ca, tmp_path, person, NOW + timedelta(days=3))
    assert len(pki.revocations(tmp_path)) == 1


def test_a_damaged_record_is_refused_not_overwritten(pkiset: PkiFixture, tmp_path: Path) -> None:
    record = tmp_path / pki.CA_REVOCATIONS_FILE
    record.write_text('{"format": "review-desk/ca-revocations", "version": 1}', encoding="utf-8")
    with pytest.raises(pki.PkiError, match="is damaged"):
        pki.revoke(pkiset.ca, tmp_path, _person(pkiset), NOW)
    with pytest.raises(pki.PkiError, match="is damaged"):
        pki.sign_crl(pkiset.ca, tmp_path, NOW)
    assert "revoked" not in record.read_text(encoding="utf-8")


@pytest.mark.parametrize("days", [0, pki.MAX_CRL_VALIDITY_DAYS + 1])
def test_a_crl_validity_out_of_bounds_is_refused(
    pkiset: PkiFixture, tmp_path: Path, days: int
) -> None:
    with pytest.raises(pki.PkiError, match="between 1 and 366 days"):
        pki.sign_crl(pkiset.ca, tmp_path, NOW, validity=timedelta(days=days))
    assert not (tmp_path / pki.CA_REVOCATIONS_FILE).exists()


def test_write_crl_never_replaces_the_ca_files(pkiset: PkiFixture, tmp_path: Path) -> None:
    crl = pki.sign_crl(pkiset.ca, tmp_path, NOW)
    (tmp_path / pki.CA_CERT_FILE).write_bytes(b"root")
    with pytest.raises(pki.PkiError, match="is a file of the certificate authority"):
        pki.write_crl(tmp_path / pki.CA_CERT_FILE, crl, tmp_path)
    out = tmp_path / "ca.crl.pem"
    pki.write_crl(out, crl, tmp_path)
    assert x509.load_pem_x509_crl(out.read_bytes()) == crl


def test_our_verifier_refuses_a_signer_the_crl_revokes_and_clears_the_others(
    pkiset: PkiFixture, tmp_path: Path
) -> None:
    revoked = in_memory_identity(pkiset.ca, Role.EXPERT, "被撤销")
    kept = in_memory_identity(pkiset.ca, Role.EXPERT, "未撤销")
    pki.revoke(pkiset.ca, tmp_path, revoked.certificate, NOW)
    crl = pki.sign_crl(pkiset.ca, tmp_path, NOW)
    verifier = SignatureVerifier()
    at = NOW + timedelta(minutes=5)

    def check(person: object) -> cms.SignerInfo:
        return verifier.verify(
            DATA,
            cms.sign_detached(DATA, person),  # type: ignore[arg-type]
            [pkiset.ca.certificate],
            roles={Role.EXPERT},
            at=at,
            crls=[crl],
        )

    assert check(kept).common_name == "未撤销"
    with pytest.raises(SignerRevokedError, match="revoked on 2026-03-02 09:00 UTC") as caught:
        check(revoked)
    assert caught.value.revoked_at == NOW
    assert "被撤销" in str(caught.value)
    report = verifier.inspect(
        DATA,
        cms.sign_detached(DATA, revoked),
        [pkiset.ca.certificate],
        roles={Role.EXPERT},
        at=at,
        crls=[crl],
    )
    assert [c.name for c in report.checks if not c.passed] == ["trusted"]
    assert report.time_ok and report.signer is not None


@pytest.mark.tool("openssl")
def test_openssl_agrees_the_crl_revokes_the_signer(pkiset: PkiFixture, tmp_path: Path) -> None:
    revoked = in_memory_identity(pkiset.ca, Role.EXPERT, "被撤销")
    kept = in_memory_identity(pkiset.ca, Role.EXPERT, "未撤销")
    ca_dir = tmp_path / "ca"
    ca_dir.mkdir()
    pki.revoke(pkiset.ca, ca_dir, revoked.certificate, NOW)
    crl_file = tmp_path / "ca.crl.pem"
    pki.write_crl(crl_file, pki.sign_crl(pkiset.ca, ca_dir, NOW), ca_dir)
    root = tmp_path / "root.pem"
    # openssl cms reads CRLs from the CAfile: the root and its list in one file
    root.write_bytes(pkiset.ca.certificate.public_bytes(Encoding.PEM) + crl_file.read_bytes())
    data_file = tmp_path / "data"
    data_file.write_bytes(DATA)

    def openssl_accepts(person: object) -> bool:
        sig = tmp_path / "sig.p7s"
        sig.write_bytes(cms.sign_detached(DATA, person))  # type: ignore[arg-type]
        run = subprocess.run(
            [
                "openssl",
                "cms",
                "-verify",
                "-binary",
                "-inform",
                "DER",
                "-in",
                str(sig),
                "-content",
                str(data_file),
                "-CAfile",
                str(root),
                "-crl_check",
                "-purpose",
                "any",
                "-attime",
                str(int((NOW + timedelta(minutes=5)).timestamp())),
                "-out",
                "/dev/null",
            ],
            capture_output=True,
        )
        return run.returncode == 0

    assert openssl_accepts(kept)
    assert not openssl_accepts(revoked)


def test_a_path_checked_with_crls_is_reused_within_their_window_only(
    pkiset: PkiFixture, tmp_path: Path
) -> None:
    kept = in_memory_identity(pkiset.ca, Role.EXPERT, "未撤销")
    later = in_memory_identity(pkiset.ca, Role.EXPERT, "稍后撤销")
    # revoked a day after the list's thisUpdate: accepted before that moment, refused after
    pki.revoke(pkiset.ca, tmp_path, later.certificate, NOW + timedelta(days=1))
    crl = pki.sign_crl(pkiset.ca, tmp_path, NOW, validity=timedelta(days=3))
    verifier = SignatureVerifier()

    def check(person: object, at: object) -> cms.SignerInfo:
        return verifier.verify(
            DATA,
            cms.sign_detached(DATA, person),  # type: ignore[arg-type]
            [pkiset.ca.certificate],
            roles={Role.EXPERT},
            at=at,  # type: ignore[arg-type]
            crls=[crl],
        )

    for hours in (1, 5, 30, 70):
        check(kept, NOW + timedelta(hours=hours))
    assert verifier.path_validations == 1
    with pytest.raises(cms.SignerUntrustedError):  # past nextUpdate: the list vouches no more
        check(kept, NOW + timedelta(days=3, hours=1))
    assert verifier.path_validations == 2
    check(later, NOW + timedelta(hours=1))
    check(later, NOW + timedelta(hours=2))
    assert verifier.path_validations == 4  # a listed certificate's path is never kept
    with pytest.raises(SignerRevokedError, match="revoked on 2026-03-03 09:00 UTC"):
        check(later, NOW + timedelta(days=2))


def test_a_list_from_one_root_neither_refuses_nor_clears_the_signers_of_another(
    pkiset: PkiFixture, tmp_path: Path
) -> None:
    """trust-v1: a root without a CRL is used without revocation checking, even when the
    file has a list from another root (before issue 12 the other root's signers were
    refused as untrusted: hard-fail applied to every certificate)."""
    ours = in_memory_identity(pkiset.ca, Role.EXPERT, "本CA")
    theirs = in_memory_identity(pkiset.other_ca, Role.EXPERT, "他CA")
    pki.revoke(pkiset.ca, tmp_path, ours.certificate, NOW)
    crl = pki.sign_crl(pkiset.ca, tmp_path, NOW)
    roots = [pkiset.ca.certificate, pkiset.other_ca.certificate]
    at = NOW + timedelta(minutes=5)

    def check(person: object) -> cms.SignerInfo:
        return cms.verify_detached(
            DATA,
            cms.sign_detached(DATA, person),  # type: ignore[arg-type]
            roots,
            roles={Role.EXPERT},
            at=at,
            crls=[crl],
            verifier=SignatureVerifier(),
        )

    assert check(theirs).common_name == "他CA"
    with pytest.raises(SignerRevokedError, match="revoked on 2026-03-02 09:00 UTC"):
        check(ours)
