"""Detached CMS signatures: made with cryptography, checked by pyHanko and by openssl."""

from __future__ import annotations

import asyncio
import subprocess
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.crypto import cms
from app.crypto.cms import (
    SignatureError,
    SignatureInvalidError,
    SignerExpiredError,
    SignerRoleError,
    SignerUntrustedError,
)
from app.crypto.identity import Identity
from app.crypto.profile import Role, fingerprint
from tests.app.crypto.pki_fixtures import (
    EXPERT_NAME,
    EXPERT_ORG,
    NOW,
    PkiFixture,
    in_memory_identity,
    needs_openssl,
    shared_pki,
)

DATA = "评审意见 manifest bytes\x00\r\n".encode() * 10


@pytest.fixture(scope="session")
def pkiset(tmp_path_factory: pytest.TempPathFactory) -> PkiFixture:
    return shared_pki(tmp_path_factory)


@pytest.fixture(scope="session")
def signature(pkiset: PkiFixture) -> bytes:
    return cms.sign_detached(DATA, pkiset.expert)


def _verify(pkiset: PkiFixture, sig: bytes, data: bytes = DATA, **kw: object) -> cms.SignerInfo:
    kw.setdefault("roles", {Role.EXPERT})
    kw.setdefault("at", NOW)
    roots = kw.pop("roots", [pkiset.ca.certificate])
    return cms.verify_detached(data, sig, roots, **kw)  # type: ignore[arg-type]


def test_a_good_signature_names_its_signer(pkiset: PkiFixture, signature: bytes) -> None:
    signer = _verify(pkiset, signature)
    assert signer.common_name == EXPERT_NAME
    assert signer.organisation == EXPERT_ORG
    assert signer.role is Role.EXPERT
    assert signer.certificate == pkiset.expert.certificate
    assert signer.fingerprint == fingerprint(pkiset.expert.certificate)
    assert signer.signing_time is not None and signer.signing_time.tzinfo is not None


def test_the_signature_is_detached_der_with_the_chain(pkiset: PkiFixture, signature: bytes) -> None:
    assert signature[:1] == b"\x30"
    assert DATA not in signature
    certs = pkcs7.load_der_pkcs7_certificates(signature)
    assert set(certs) == {pkiset.expert.certificate, pkiset.ca.certificate}


@needs_openssl
def test_openssl_accepts_our_signature_and_rejects_changed_data(
    pkiset: PkiFixture, signature: bytes, tmp_path: Path
) -> None:
    sig = tmp_path / "data.p7s"
    sig.write_bytes(signature)
    content = tmp_path / "data"

    def openssl_verify(
        data: bytes, ca_file: Path, at: datetime = NOW
    ) -> subprocess.CompletedProcess[bytes]:
        content.write_bytes(data)
        return subprocess.run(
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
                str(content),
                "-purpose",
                "any",
                "-CAfile",
                str(ca_file),
                "-attime",
                str(int(at.timestamp())),
                "-out",
                str(tmp_path / "out"),
            ],
            capture_output=True,
        )

    good = openssl_verify(DATA, pkiset.root_pem)
    assert good.returncode == 0, good.stderr
    assert b"Verification successful" in good.stderr
    assert (tmp_path / "out").read_bytes() == DATA
    tampered = openssl_verify(DATA[:-1] + b"!", pkiset.root_pem)
    assert tampered.returncode != 0 and b"content verify error" in tampered.stderr
    foreign = openssl_verify(DATA, pkiset.other_root_pem)
    assert foreign.returncode != 0 and b"certificate verify error" in foreign.stderr
    late = openssl_verify(DATA, pkiset.root_pem, NOW + timedelta(days=800))
    assert late.returncode != 0 and b"certificate has expired" in late.stderr


def test_changed_data_is_invalid(pkiset: PkiFixture, signature: bytes) -> None:
    with pytest.raises(SignatureInvalidError, match="changed or damaged"):
        _verify(pkiset, signature, DATA + b" ")
    with pytest.raises(SignatureInvalidError):
        _verify(pkiset, signature, b"")


def test_a_flipped_signature_value_is_invalid(pkiset: PkiFixture, signature: bytes) -> None:
    broken = bytearray(signature)
    broken[-10] ^= 0x40  # inside the ECDSA signature value at the very end
    with pytest.raises(SignatureInvalidError):
        _verify(pkiset, bytes(broken))


@pytest.mark.parametrize(
    "junk",
    [b"", b"\x30\x00", b"not a signature", b"\x30\x80" + b"\x00" * 4],
)
def test_malformed_signatures_are_invalid(pkiset: PkiFixture, junk: bytes) -> None:
    with pytest.raises(SignatureInvalidError, match="well-formed"):
        _verify(pkiset, junk)


def test_attached_and_oversized_signatures_are_refused(pkiset: PkiFixture) -> None:
    attached = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(DATA)
        .add_signer(pkiset.expert.certificate, pkiset.expert.signing_key, hashes.SHA256())
        .sign(Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )
    with pytest.raises(SignatureInvalidError, match="detached"):
        _verify(pkiset, attached)
    with pytest.raises(SignatureInvalidError, match="too large"):
        _verify(pkiset, b"\x30" * (cms.MAX_SIGNATURE_SIZE + 1))


def test_two_signers_are_refused(pkiset: PkiFixture) -> None:
    issuer = pkiset.people[Role.ISSUER]
    double = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(DATA)
        .add_signer(pkiset.expert.certificate, pkiset.expert.signing_key, hashes.SHA256())
        .add_signer(issuer.certificate, issuer.signing_key, hashes.SHA256())
        .sign(Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary])
    )
    with pytest.raises(SignatureInvalidError, match="exactly one signer"):
        _verify(pkiset, double)


def test_another_root_is_untrusted(pkiset: PkiFixture, signature: bytes) -> None:
    with pytest.raises(SignerUntrustedError, match="not trusted"):
        _verify(pkiset, signature, roots=[pkiset.other_ca.certificate])


def test_a_signer_from_another_ca_is_untrusted(pkiset: PkiFixture) -> None:
    stranger = in_memory_identity(pkiset.other_ca, Role.EXPERT, "外人")
    sig = cms.sign_detached(DATA, stranger)
    with pytest.raises(SignerUntrustedError):
        _verify(pkiset, sig)
    # ...even when its chain names the trusted root (the path is built from our roots only)
    with pytest.raises(SignerUntrustedError):
        _verify(pkiset, sig, roots=[pkiset.ca.certificate])


def test_expired_and_not_yet_valid_certificates(pkiset: PkiFixture, signature: bytes) -> None:
    expires = pkiset.expert.certificate.not_valid_after_utc
    with pytest.raises(SignerExpiredError, match="expired on"):
        _verify(pkiset, signature, at=expires + timedelta(seconds=1))
    with pytest.raises(SignerExpiredError, match="not valid before"):
        _verify(pkiset, signature, at=NOW - timedelta(days=1))
    assert _verify(pkiset, signature, at=expires - timedelta(seconds=1)).role is Role.EXPERT


def test_a_short_lived_certificate_expires(pkiset: PkiFixture) -> None:
    brief = in_memory_identity(pkiset.ca, Role.ISSUER, "短期", validity=timedelta(days=1))
    sig = cms.sign_detached(DATA, brief)
    _verify(pkiset, sig, roles={Role.ISSUER})
    with pytest.raises(SignerExpiredError):
        _verify(pkiset, sig, roles={Role.ISSUER}, at=NOW + timedelta(days=2))


def test_wrong_role_is_refused(pkiset: PkiFixture, signature: bytes) -> None:
    with pytest.raises(SignerRoleError, match="not accepted"):
        _verify(pkiset, signature, roles={Role.ISSUER, Role.SECRETARY})
    assert _verify(pkiset, signature, roles=None).role is Role.EXPERT


def test_each_role_verifies_as_itself(pkiset: PkiFixture) -> None:
    for role, person in pkiset.people.items():
        signer = _verify(pkiset, cms.sign_detached(DATA, person), roles={role})
        assert signer.role is role


def test_the_ca_key_cannot_sign_as_a_person(pkiset: PkiFixture) -> None:
    ca_as_signer = Identity(
        certificate=pkiset.ca.certificate,
        signing_key=pkiset.ca.private_key,
        chain=(),
        role=Role.CA,
        x25519_private_key=pkiset.expert.x25519_private_key,  # unused by signing
    )
    sig = cms.sign_detached(DATA, ca_as_signer)
    with pytest.raises(SignerRoleError):
        _verify(pkiset, sig, roles={Role.EXPERT, Role.ISSUER, Role.SECRETARY, Role.MINISTRY})


def test_inspect_reports_each_flag(pkiset: PkiFixture, signature: bytes) -> None:
    roots = [pkiset.ca.certificate]

    def flags(**kw: object) -> tuple[bool, bool, bool, bool, type | None]:
        data = kw.pop("data", DATA)
        sig = kw.pop("sig", signature)
        r = cms.inspect_signature(
            data,  # type: ignore[arg-type]
            sig,  # type: ignore[arg-type]
            kw.pop("roots", roots),  # type: ignore[arg-type]
            roles=kw.pop("roles", {Role.EXPERT}),  # type: ignore[arg-type]
            at=kw.pop("at", NOW),  # type: ignore[arg-type]
        )
        return r.intact, r.trusted, r.time_ok, r.role_ok, type(r.problem) if r.problem else None

    assert flags() == (True, True, True, True, None)
    assert flags(data=b"x") == (False, False, True, True, SignatureInvalidError)
    assert flags(roots=[pkiset.other_ca.certificate])[:2] == (True, False)
    assert flags(at=NOW + timedelta(days=800)) == (True, False, False, True, SignerExpiredError)
    assert flags(roles={Role.MINISTRY}) == (True, True, True, False, SignerRoleError)
    assert flags(sig=b"junk") == (False, False, False, False, SignatureInvalidError)
    report = cms.inspect_signature(DATA, signature, roots, roles=None, at=NOW)
    assert report.ok and report.signer is not None and report.signer.common_name == EXPERT_NAME


def test_inspect_names_its_checks_and_the_refusing_one_says_why(
    pkiset: PkiFixture, signature: bytes
) -> None:
    roots = [pkiset.ca.certificate]
    good = cms.inspect_signature(DATA, signature, roots, roles={Role.EXPERT}, at=NOW)
    assert [c.name for c in good.checks] == list(cms.CHECKS)
    assert good.ok and good.refused == () and all(c.message is None for c in good.checks)
    wrong = cms.inspect_signature(DATA, signature, roots, roles={Role.MINISTRY}, at=NOW)
    assert not wrong.ok and [c.name for c in wrong.refused] == ["role"]
    assert wrong.problem is not None and wrong.check("role").message == wrong.problem.msg
    assert wrong.passed("intact") and wrong.passed("trusted") and not wrong.passed("role")


def test_verification_needs_an_aware_time_and_a_root(pkiset: PkiFixture, signature: bytes) -> None:
    with pytest.raises(ValueError, match="timezone"):
        _verify(pkiset, signature, at=NOW.replace(tzinfo=None))
    with pytest.raises(ValueError, match="trust root"):
        _verify(pkiset, signature, roots=[])


def test_sync_verification_works_inside_a_running_loop_and_in_threads(
    pkiset: PkiFixture, signature: bytes
) -> None:
    async def inside_loop() -> cms.SignerInfo:
        sync_result = _verify(pkiset, signature)  # a running loop in this thread
        async_result = await cms.averify_detached(
            DATA, signature, [pkiset.ca.certificate], roles={Role.EXPERT}, at=NOW
        )
        assert sync_result == async_result
        return sync_result

    assert asyncio.run(inside_loop()).role is Role.EXPERT

    results: list[object] = []

    def worker() -> None:
        try:
            results.append(_verify(pkiset, signature).role)
        except Exception as exc:  # pragma: no cover - reported below
            results.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [Role.EXPERT] * 3


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_mutated_signatures_only_raise_signature_errors(
    pkiset: PkiFixture, signature: bytes, data: st.DataObject
) -> None:
    mutated = bytearray(signature)
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(mutated) - 1))
        mutated[index] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(mutated)))
    candidate = bytes(mutated[:cut]) if data.draw(st.booleans()) else bytes(mutated)
    try:
        signer = _verify(pkiset, candidate)
    except SignatureError:
        return
    # a mutation that leaves a valid signature must still name the real signer
    assert signer.certificate == pkiset.expert.certificate


def test_a_name_the_path_builder_cannot_compare_is_a_malformed_signature(
    pkiset: PkiFixture, signature: bytes
) -> None:
    """Regression (M7 fuzz run, issue 12): the signer's organisation attribute turned into
    an unknown type (2.5.4.50) holding an OCTET STRING loads in cryptography, but made
    asn1crypto's name comparison in pyHanko's path builder raise TypeError."""
    cert = pkiset.expert.certificate.public_bytes(Encoding.DER)
    org = EXPERT_ORG.encode()
    attribute = bytes.fromhex("0603 55040a 0c") + bytes([len(org)]) + org
    assert cert.count(attribute) == 1
    at = signature.index(cert) + cert.index(attribute)
    forged = signature[:at] + bytes.fromhex("0603 550432 04") + signature[at + 6 :]
    with pytest.raises(SignatureInvalidError, match="not a well-formed CMS signature"):
        _verify(pkiset, forged)
