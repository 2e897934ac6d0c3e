"""The CMS reader on hand-made edge cases, the path cache of :class:`SignatureVerifier`,
offline CRLs, and ``openssl cms -verify`` agreeing with our verdict on a corpus."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import cms as asn1_cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7

from app.crypto import cms
from app.crypto.cms import (
    SignatureInvalidError,
    SignatureVerifier,
    SignerExpiredError,
    SignerUntrustedError,
)
from app.crypto.cms_parse import CmsFormatError, parse_detached
from app.crypto.identity import Identity
from app.crypto.profile import Role
from tests.app.crypto.pki_fixtures import NOW, PkiFixture, in_memory_identity, shared_pki

DATA = "评审意见 sheet bytes\n".encode() * 20
OID_SIGNED_DATA = "signed_data"


@pytest.fixture(scope="module")
def pkiset(tmp_path_factory: pytest.TempPathFactory) -> PkiFixture:
    return shared_pki(tmp_path_factory)


@pytest.fixture(scope="module")
def signature(pkiset: PkiFixture) -> bytes:
    return cms.sign_detached(DATA, pkiset.expert)


# --- a small DER builder over the pieces of a real signature ------------------------------


def _tlv(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + content


def _attr(kind: str, value: object) -> bytes:
    attr = asn1_cms.CMSAttribute({"type": kind, "values": [value]})
    return bytes(attr.dump())


def _kind(attribute: bytes) -> str:
    return str(asn1_cms.CMSAttribute.load(attribute)["type"].native)


@dataclass
class Pieces:
    """A signature taken apart into the DER of its fields, to be put together changed."""

    sd_version: bytes
    digest_algorithms: bytes
    encap: bytes
    certificates: list[bytes]
    si_version: bytes
    sid: bytes
    digest_algorithm: bytes
    attributes: list[bytes]
    signature_algorithm: bytes

    @classmethod
    def of(cls, signature: bytes) -> Pieces:
        sd = asn1_cms.ContentInfo.load(signature)["content"]
        si = sd["signer_infos"][0]
        return cls(
            sd_version=sd["version"].dump(),
            digest_algorithms=sd["digest_algorithms"].dump(),
            encap=sd["encap_content_info"].dump(),
            certificates=[c.dump() for c in sd["certificates"]],
            si_version=si["version"].dump(),
            sid=si["sid"].dump(),
            digest_algorithm=si["digest_algorithm"].dump(),
            attributes=[a.dump() for a in si["signed_attrs"]],
            signature_algorithm=si["signature_algorithm"].dump(),
        )

    def attribute(self, kind: str) -> bytes:
        return next(a for a in self.attributes if _kind(a) == kind)

    def without(self, kind: str) -> list[bytes]:
        return [a for a in self.attributes if _kind(a) != kind]

    def build(
        self,
        key: ec.EllipticCurvePrivateKey,
        *,
        attributes: list[bytes] | None = None,
        sort: bool = True,
        signed_bytes: Callable[[bytes], bytes] | None = None,
        extra_signer: bool = False,
    ) -> bytes:
        attrs = list(self.attributes if attributes is None else attributes)
        if sort:
            attrs.sort()
        as_set = _tlv(0x31, b"".join(attrs))
        to_sign = signed_bytes(as_set) if signed_bytes else as_set
        value = key.sign(to_sign, ec.ECDSA(hashes.SHA256()))
        signer_info = _tlv(
            0x30,
            self.si_version
            + self.sid
            + self.digest_algorithm
            + _tlv(0xA0, b"".join(attrs))
            + self.signature_algorithm
            + _tlv(0x04, value),
        )
        infos = signer_info * (2 if extra_signer else 1)
        signed_data = _tlv(
            0x30,
            self.sd_version
            + self.digest_algorithms
            + self.encap
            + _tlv(0xA0, b"".join(self.certificates))
            + _tlv(0x31, infos),
        )
        oid = asn1_cms.ContentType(OID_SIGNED_DATA).dump()
        return _tlv(0x30, oid + _tlv(0xA0, signed_data))


def _check(pkiset: PkiFixture, sig: bytes, **kw: object) -> cms.SignerInfo:
    verifier = kw.pop("verifier", None) or SignatureVerifier()
    roots = kw.pop("roots", [pkiset.ca.certificate])
    return verifier.verify(  # type: ignore[union-attr]
        kw.pop("data", DATA),  # type: ignore[arg-type]
        sig,
        roots,  # type: ignore[arg-type]
        roles=kw.pop("roles", {Role.EXPERT}),  # type: ignore[arg-type]
        at=kw.pop("at", NOW),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def _key(pkiset: PkiFixture) -> ec.EllipticCurvePrivateKey:
    return pkiset.expert.signing_key


# --- the reader on hand-made edge cases ---------------------------------------------------


def test_the_rebuilt_signature_verifies(pkiset: PkiFixture, signature: bytes) -> None:
    rebuilt = Pieces.of(signature).build(_key(pkiset))
    assert rebuilt != signature
    assert _check(pkiset, rebuilt).certificate == pkiset.expert.certificate


def test_a_missing_message_digest_is_malformed(pkiset: PkiFixture, signature: bytes) -> None:
    pieces = Pieces.of(signature)
    sig = pieces.build(_key(pkiset), attributes=pieces.without("message_digest"))
    with pytest.raises(SignatureInvalidError, match="well-formed"):
        _check(pkiset, sig)


def test_a_missing_content_type_is_malformed(pkiset: PkiFixture, signature: bytes) -> None:
    pieces = Pieces.of(signature)
    sig = pieces.build(_key(pkiset), attributes=pieces.without("content_type"))
    with pytest.raises(SignatureInvalidError, match="well-formed"):
        _check(pkiset, sig)


def test_a_wrong_content_type_attribute_is_malformed(pkiset: PkiFixture, signature: bytes) -> None:
    pieces = Pieces.of(signature)
    attrs = [*pieces.without("content_type"), _attr("content_type", "signed_data")]
    with pytest.raises(SignatureInvalidError, match="well-formed"):
        _check(pkiset, pieces.build(_key(pkiset), attributes=attrs))


def test_a_repeated_attribute_is_malformed(pkiset: PkiFixture, signature: bytes) -> None:
    pieces = Pieces.of(signature)
    attrs = [*pieces.attributes, pieces.attribute("content_type")]
    with pytest.raises(SignatureInvalidError, match="well-formed"):
        _check(pkiset, pieces.build(_key(pkiset), attributes=attrs))


def test_a_message_digest_of_other_data_does_not_match(
    pkiset: PkiFixture, signature: bytes
) -> None:
    pieces = Pieces.of(signature)
    other = hashes.Hash(hashes.SHA256())
    other.update(DATA + b"x")
    attrs = [*pieces.without("message_digest"), _attr("message_digest", other.finalize())]
    sig = pieces.build(_key(pkiset), attributes=attrs)
    with pytest.raises(SignatureInvalidError, match="changed or damaged"):
        _check(pkiset, sig)
    assert _check(pkiset, sig, data=DATA + b"x").role is Role.EXPERT


def test_unsorted_signed_attributes_are_checked_as_sent(
    pkiset: PkiFixture, signature: bytes
) -> None:
    """RFC 5652 §5.3 wants the signed attributes in DER (a sorted SET OF); like pyHanko and
    OpenSSL we verify the signature over the bytes as sent, and only over those."""
    pieces = Pieces.of(signature)
    unsorted = sorted(pieces.attributes, reverse=True)
    as_sent = pieces.build(_key(pkiset), attributes=unsorted, sort=False)
    assert _check(pkiset, as_sent).role is Role.EXPERT
    sorted_set = _tlv(0x31, b"".join(sorted(unsorted)))
    over_sorted = pieces.build(
        _key(pkiset), attributes=unsorted, sort=False, signed_bytes=lambda _: sorted_set
    )
    with pytest.raises(SignatureInvalidError, match="changed or damaged"):
        _check(pkiset, over_sorted)


def test_a_signature_over_the_implicit_tag_is_invalid(pkiset: PkiFixture, signature: bytes) -> None:
    """The signature covers the attributes re-tagged as SET OF, not their [0] form."""
    pieces = Pieces.of(signature)
    sig = pieces.build(_key(pkiset), signed_bytes=lambda as_set: b"\xa0" + as_set[1:])
    with pytest.raises(SignatureInvalidError, match="changed or damaged"):
        _check(pkiset, sig)


def test_a_signer_certificate_not_in_the_bag_is_malformed(
    pkiset: PkiFixture, signature: bytes
) -> None:
    pieces = Pieces.of(signature)
    expert_der = pkiset.expert.certificate.public_bytes(Encoding.DER)
    pieces.certificates = [c for c in pieces.certificates if c != expert_der]
    assert len(pieces.certificates) == 1
    with pytest.raises(SignatureInvalidError, match="well-formed"):
        _check(pkiset, pieces.build(_key(pkiset)))


def test_a_signer_named_by_key_identifier_is_found(pkiset: PkiFixture, signature: bytes) -> None:
    pieces = Pieces.of(signature)
    ski = pkiset.expert.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    pieces.sid = _tlv(0x80, ski.value.digest)
    pieces.si_version = b"\x02\x01\x03"
    assert _check(pkiset, pieces.build(_key(pkiset))).role is Role.EXPERT
    pieces.sid = _tlv(0x80, b"\x00" * 20)
    with pytest.raises(SignatureInvalidError, match="well-formed"):
        _check(pkiset, pieces.build(_key(pkiset)))


def test_other_algorithms_are_malformed(pkiset: PkiFixture, signature: bytes) -> None:
    pieces = Pieces.of(signature)
    sha384 = bytes(asn1_cms.DigestAlgorithm({"algorithm": "sha384"}).dump())
    pieces.digest_algorithm = sha384
    with pytest.raises(SignatureInvalidError, match="well-formed"):
        _check(pkiset, pieces.build(_key(pkiset)))


def test_a_signing_certificate_attribute_is_refused(pkiset: PkiFixture, signature: bytes) -> None:
    """pyHanko would check an ESS signing-certificate attribute; our signers never write
    one, so a signature carrying it is refused rather than half-checked."""
    pieces = Pieces.of(signature)
    ess = _tlv(
        0x30,
        bytes(asn1_cms.ContentType("1.2.840.113549.1.9.16.2.47").dump())
        + _tlv(0x31, _tlv(0x30, _tlv(0x30, _tlv(0x30, _tlv(0x04, b"\x00" * 32))))),
    )
    with pytest.raises(SignatureInvalidError, match="well-formed"):
        _check(pkiset, pieces.build(_key(pkiset), attributes=[*pieces.attributes, ess]))


@pytest.mark.parametrize(
    "junk",
    [
        b"\x30\x81\x05" + b"\x00" * 5,  # a long length where a short one fits (not DER)
        b"\x30\x82\x00\x05" + b"\x00" * 5,
        b"\x30\x03\x06\x01\x00\x00",  # trailing bytes
        b"\x3f\x01\x00",  # high tag number
    ],
)
def test_non_der_lengths_and_trailing_bytes_are_refused(junk: bytes) -> None:
    with pytest.raises(CmsFormatError):
        parse_detached(junk)


def test_the_reader_returns_the_signed_pieces(pkiset: PkiFixture, signature: bytes) -> None:
    parsed = parse_detached(signature)
    assert parsed.signed_attributes[:1] == b"\x31"
    pkiset.expert.certificate.public_key().verify(
        parsed.signature, parsed.signed_attributes, ec.ECDSA(hashes.SHA256())
    )
    assert parsed.sid_serial == pkiset.expert.certificate.serial_number
    assert parsed.signing_time is not None  # the signer's own clock: now, give or take
    assert abs(parsed.signing_time - datetime.now(UTC)) < timedelta(hours=1)
    assert len(parsed.certificates) == 2


# --- the path cache ---------------------------------------------------------------------


def test_a_path_is_validated_once_per_certificate_roots_and_crls(pkiset: PkiFixture) -> None:
    verifier = SignatureVerifier()
    sigs = [cms.sign_detached(DATA, pkiset.expert) for _ in range(3)]
    for sig in sigs:
        _check(pkiset, sig, verifier=verifier)
    assert verifier.path_validations == 1
    secretary = pkiset.people[Role.SECRETARY]
    _check(pkiset, cms.sign_detached(DATA, secretary), verifier=verifier, roles={Role.SECRETARY})
    assert verifier.path_validations == 2
    # other roots: validated again (and refused there)
    with pytest.raises(SignerUntrustedError):
        _check(pkiset, sigs[0], verifier=verifier, roots=[pkiset.other_ca.certificate])
    with pytest.raises(SignerUntrustedError):
        _check(pkiset, sigs[0], verifier=verifier, roots=[pkiset.other_ca.certificate])
    assert verifier.path_validations == 4  # refusals are not kept
    _check(pkiset, sigs[1], verifier=verifier)
    assert verifier.path_validations == 4


def test_a_cached_path_is_refused_once_the_certificate_expired(pkiset: PkiFixture) -> None:
    brief = in_memory_identity(pkiset.ca, Role.EXPERT, "短期专家", validity=timedelta(days=2))
    sig = cms.sign_detached(DATA, brief)
    verifier = SignatureVerifier()
    _check(pkiset, sig, verifier=verifier)
    _check(pkiset, sig, verifier=verifier, at=NOW + timedelta(days=1))
    assert verifier.path_validations == 1
    end = brief.certificate.not_valid_after_utc.strftime("%Y-%m-%d %H:%M UTC")
    with pytest.raises(SignerExpiredError, match=f"短期专家 expired on {end}"):
        _check(pkiset, sig, verifier=verifier, at=NOW + timedelta(days=3))
    with pytest.raises(SignerExpiredError, match="not valid before"):
        _check(pkiset, sig, verifier=verifier, at=NOW - timedelta(days=1))
    report = verifier.inspect(DATA, sig, [pkiset.ca.certificate], roles=None, at=NOW + timedelta(3))
    assert (report.intact, report.trusted, report.time_ok) == (True, False, False)
    _check(pkiset, sig, verifier=verifier)  # the path is still good for its own window


def _with_key_usage(pkiset: PkiFixture, usage: x509.KeyUsage) -> Identity:
    base = in_memory_identity(pkiset.ca, Role.EXPERT, "用途")
    cert = base.certificate
    builder = (
        x509.CertificateBuilder()
        .subject_name(cert.subject)
        .issuer_name(cert.issuer)
        .public_key(base.signing_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(cert.not_valid_before_utc)
        .not_valid_after(cert.not_valid_after_utc)
    )
    for ext in cert.extensions:
        value = usage if isinstance(ext.value, x509.KeyUsage) else ext.value
        builder = builder.add_extension(value, critical=ext.critical)
    signed = builder.sign(pkiset.ca.private_key, hashes.SHA256())
    return Identity(signed, base.signing_key, base.chain, Role.EXPERT, base.x25519_private_key)


def _key_usage(*, digital_signature: bool, content_commitment: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=content_commitment,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


@pytest.mark.parametrize(("digital", "commitment"), [(True, False), (False, True)])
def test_a_signer_without_both_signing_key_usages_is_untrusted(
    pkiset: PkiFixture, digital: bool, commitment: bool
) -> None:
    person = _with_key_usage(
        pkiset, _key_usage(digital_signature=digital, content_commitment=commitment)
    )
    with pytest.raises(SignerUntrustedError, match="not trusted"):
        _check(pkiset, cms.sign_detached(DATA, person))


def _crl(pkiset: PkiFixture, revoked: list[x509.Certificate]) -> x509.CertificateRevocationList:
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(pkiset.ca.certificate.subject)
        .last_update(NOW - timedelta(hours=1))
        .next_update(NOW + timedelta(days=30))
    )
    for cert in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(cert.serial_number)
            .revocation_date(NOW - timedelta(minutes=30))
            .build()
        )
    return builder.sign(pkiset.ca.private_key, hashes.SHA256())


def test_offline_crls_refuse_a_revoked_signer(pkiset: PkiFixture, signature: bytes) -> None:
    verifier = SignatureVerifier()
    assert _check(pkiset, signature, verifier=verifier, crls=[_crl(pkiset, [])])
    revoked = _crl(pkiset, [pkiset.expert.certificate])
    with pytest.raises(SignerUntrustedError, match="not trusted"):
        _check(pkiset, signature, verifier=verifier, crls=[revoked])
    assert _check(pkiset, signature, verifier=verifier).role is Role.EXPERT


def test_a_verifier_works_across_threads_and_closes(pkiset: PkiFixture, signature: bytes) -> None:
    import threading

    with SignatureVerifier() as verifier:
        results: list[object] = []

        def worker() -> None:
            try:
                results.append(_check(pkiset, signature, verifier=verifier).role)
            except Exception as exc:  # pragma: no cover - reported below
                results.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results == [Role.EXPERT] * 4
    assert _check(pkiset, signature, verifier=verifier).role is Role.EXPERT  # usable again
    verifier.close()


# --- openssl agrees on a corpus ----------------------------------------------------------


def _corpus(pkiset: PkiFixture, signature: bytes) -> dict[str, tuple[bytes, bytes, datetime]]:
    pieces = Pieces.of(signature)
    key = _key(pkiset)
    stranger = in_memory_identity(pkiset.other_ca, Role.EXPERT, "外人")
    flipped = bytearray(signature)
    flipped[-10] ^= 0x40
    expert_der = pkiset.expert.certificate.public_bytes(Encoding.DER)
    without_signer = Pieces.of(signature)
    without_signer.certificates = [c for c in pieces.certificates if c != expert_der]
    two = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(DATA)
        .add_signer(pkiset.expert.certificate, key, hashes.SHA256())
        .add_signer(
            pkiset.people[Role.ISSUER].certificate,
            pkiset.people[Role.ISSUER].signing_key,
            hashes.SHA256(),
        )
        .sign(Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary])
    )
    late = NOW + timedelta(days=800)
    return {
        "good": (DATA, signature, NOW),
        "good, rebuilt": (DATA, pieces.build(key), NOW),
        "good, issuer role": (DATA, cms.sign_detached(DATA, pkiset.people[Role.ISSUER]), NOW),
        "changed data": (DATA + b"!", signature, NOW),
        "empty data": (b"", signature, NOW),
        "flipped signature value": (DATA, bytes(flipped), NOW),
        "another CA": (DATA, cms.sign_detached(DATA, stranger), NOW),
        "expired": (DATA, signature, late),
        "not yet valid": (DATA, signature, NOW - timedelta(days=1)),
        "no messageDigest": (
            DATA,
            pieces.build(key, attributes=pieces.without("message_digest")),
            NOW,
        ),
        "unsorted attributes, signed as sent": (
            DATA,
            pieces.build(key, attributes=sorted(pieces.attributes, reverse=True), sort=False),
            NOW,
        ),
        "unsorted attributes, signed sorted": (
            DATA,
            pieces.build(
                key,
                attributes=sorted(pieces.attributes, reverse=True),
                sort=False,
                signed_bytes=lambda _: _tlv(0x31, b"".join(sorted(pieces.attributes))),
            ),
            NOW,
        ),
        "signed over [0]": (
            DATA,
            pieces.build(key, signed_bytes=lambda s: b"\xa0" + s[1:]),
            NOW,
        ),
        "signer not in the bag": (DATA, without_signer.build(key), NOW),
        "two signers": (DATA, two, NOW),
        "garbage": (DATA, b"\x30\x03\x02\x01\x00", NOW),
    }


@pytest.mark.tool("openssl")
def test_openssl_agrees_with_our_verdict_on_a_corpus(
    pkiset: PkiFixture, signature: bytes, tmp_path: Path
) -> None:
    verdicts: dict[str, tuple[bool, bool]] = {}
    for name, (data, sig, at) in _corpus(pkiset, signature).items():
        sig_file = tmp_path / "sig.p7s"
        data_file = tmp_path / "data"
        sig_file.write_bytes(sig)
        data_file.write_bytes(data)
        openssl = subprocess.run(
            [
                "openssl",
                "cms",
                "-verify",
                "-binary",
                "-inform",
                "DER",
                "-in",
                str(sig_file),
                "-content",
                str(data_file),
                "-CAfile",
                str(pkiset.root_pem),
                "-purpose",
                "any",
                "-attime",
                str(int(at.timestamp())),
                "-out",
                "/dev/null",
            ],
            capture_output=True,
        )
        ours = cms.inspect_signature(
            data, sig, [pkiset.ca.certificate], roles=None, at=at, verifier=SignatureVerifier()
        )
        verdicts[name] = (ours.ok, openssl.returncode == 0)
    # our one deliberate difference: OpenSSL checks every signer, our profile (like pyHanko)
    # refuses a signature with more than one
    assert verdicts.pop("two signers") == (False, True)
    disagreements = {k: v for k, v in verdicts.items() if v[0] != v[1]}
    assert disagreements == {}, verdicts
    assert sum(ok for ok, _ in verdicts.values()) == 4
