"""The offline CA, identity files (PKCS#12 + X25519 binding), fingerprints and trust stores."""

from __future__ import annotations

import hashlib
import re
import stat
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    NoEncryption,
    PrivateFormat,
    pkcs12,
)

from app.crypto import pki, profile
from app.crypto.identity import (
    PKCS12_KDF_ROUNDS,
    IdentityBindingError,
    IdentityExpiredError,
    IdentityFormatError,
    IdentityPassphraseError,
    derive_x25519_private_key,
    load_identity,
    protection_report,
    serialize_pkcs12,
)
from app.crypto.profile import Role
from tests.app.crypto.pki_fixtures import (
    CA_PASSPHRASE,
    EXPERT_NAME,
    EXPERT_ORG,
    EXPERT_PASSPHRASE,
    NOW,
    PkiFixture,
    needs_openssl,
    shared_pki,
)

FINGERPRINT = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$")


@pytest.fixture(scope="session")
def pkiset(tmp_path_factory: pytest.TempPathFactory) -> PkiFixture:
    return shared_pki(tmp_path_factory)


_E = TypeVar("_E", bound=x509.ExtensionType)


def _ext(cert: x509.Certificate, kind: type[_E]) -> x509.Extension[_E]:
    return cert.extensions.get_extension_for_class(kind)


# --- the CA ------------------------------------------------------------------------------


def test_ca_files_are_written_with_restrictive_key_permissions(pkiset: PkiFixture) -> None:
    assert stat.S_IMODE((pkiset.ca_dir / "ca.p12").stat().st_mode) == 0o600
    assert stat.S_IMODE((pkiset.ca_dir / "ca.pem").stat().st_mode) == 0o644
    assert x509.load_pem_x509_certificate(pkiset.root_pem.read_bytes()) == pkiset.ca.certificate
    assert not [p for p in pkiset.ca_dir.iterdir() if p.name.endswith(".tmp")]


def test_ca_certificate_profile(pkiset: PkiFixture) -> None:
    cert = pkiset.ca.certificate
    bc = _ext(cert, x509.BasicConstraints)
    assert bc.critical and bc.value.ca and bc.value.path_length == 0
    ku = _ext(cert, x509.KeyUsage)
    assert ku.critical and ku.value.key_cert_sign and ku.value.crl_sign
    assert not ku.value.digital_signature
    ski = _ext(cert, x509.SubjectKeyIdentifier).value
    assert _ext(cert, x509.AuthorityKeyIdentifier).value.key_identifier == ski.digest
    with pytest.raises(x509.ExtensionNotFound):
        cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert profile.certificate_role(cert) is Role.CA
    assert profile.common_name(cert) == "评审测试根CA"
    assert cert.not_valid_after_utc - NOW == pki.DEFAULT_CA_VALIDITY
    cert.verify_directly_issued_by(cert)


def test_init_ca_refuses_to_overwrite_an_existing_authority(pkiset: PkiFixture) -> None:
    before = (pkiset.ca_dir / "ca.p12").read_bytes()
    with pytest.raises(pki.PkiError, match="already exists"):
        pki.init_ca(pkiset.ca_dir, "Again", CA_PASSPHRASE, NOW)
    assert (pkiset.ca_dir / "ca.p12").read_bytes() == before


def test_load_ca_refuses_a_wrong_passphrase_and_a_missing_folder(
    pkiset: PkiFixture, tmp_path: Path
) -> None:
    with pytest.raises(IdentityPassphraseError):
        pki.load_ca(pkiset.ca_dir, b"wrong passphrase")
    with pytest.raises(pki.PkiError, match="No certificate authority"):
        pki.load_ca(tmp_path, CA_PASSPHRASE)


def test_load_ca_refuses_a_mismatched_root_certificate(pkiset: PkiFixture, tmp_path: Path) -> None:
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "ca.p12").write_bytes((pkiset.ca_dir / "ca.p12").read_bytes())
    (mixed / "ca.pem").write_bytes(pkiset.other_root_pem.read_bytes())
    with pytest.raises(pki.PkiError, match="does not belong"):
        pki.load_ca(mixed, CA_PASSPHRASE)


def test_a_person_identity_is_not_a_ca(pkiset: PkiFixture, tmp_path: Path) -> None:
    folder = tmp_path / "fake-ca"
    folder.mkdir()
    (folder / "ca.p12").write_bytes(pkiset.expert_p12.read_bytes())
    with pytest.raises(IdentityFormatError, match="not a certificate authority"):
        pki.load_ca(folder, EXPERT_PASSPHRASE)


# --- issued certificates -----------------------------------------------------------------


def test_expert_certificate_profile(pkiset: PkiFixture) -> None:
    cert = pkiset.expert.certificate
    cert.verify_directly_issued_by(pkiset.ca.certificate)
    assert profile.common_name(cert) == EXPERT_NAME
    assert profile.organisation(cert) == EXPERT_ORG
    ous = cert.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATIONAL_UNIT_NAME)
    assert [a.value for a in ous] == ["expert"]
    bc = _ext(cert, x509.BasicConstraints)
    assert bc.critical and not bc.value.ca
    ku = _ext(cert, x509.KeyUsage)
    assert ku.critical and ku.value.digital_signature and ku.value.content_commitment
    assert not (ku.value.key_cert_sign or ku.value.crl_sign or ku.value.key_agreement)
    eku = _ext(cert, x509.ExtendedKeyUsage)
    assert not eku.critical
    assert list(eku.value) == [profile.ROLE_EKU[Role.EXPERT], profile.DOCUMENT_SIGNING_EKU]
    ca_ski = _ext(pkiset.ca.certificate, x509.SubjectKeyIdentifier).value.digest
    assert _ext(cert, x509.AuthorityKeyIdentifier).value.key_identifier == ca_ski
    crldp = _ext(cert, x509.CRLDistributionPoints).value
    uri = crldp[0].full_name[0].value
    assert uri == f"http://crl.invalid/review-desk/{ca_ski.hex()}.crl"
    binding = cert.extensions.get_extension_for_oid(profile.X25519_BINDING_OID)
    assert not binding.critical
    assert profile.x25519_public_bytes(cert) == pkiset.expert.x25519_public_bytes
    assert cert.not_valid_before_utc == NOW - pki.BACKDATE
    assert cert.not_valid_after_utc == NOW + pki.DEFAULT_PERSON_VALIDITY
    assert profile.certificate_role(cert) is Role.EXPERT


def test_roles_have_distinct_purposes_and_units(pkiset: PkiFixture) -> None:
    assert len(set(profile.ROLE_EKU.values())) == len(profile.ROLE_EKU) == 4
    for role, person in pkiset.people.items():
        assert person.role is role
        assert profile.certificate_role(person.certificate) is role
        eku = list(_ext(person.certificate, x509.ExtendedKeyUsage).value)
        assert [oid for oid in eku if oid in profile.ROLE_EKU.values()] == [profile.ROLE_EKU[role]]


def _forged(
    ca: pki.CertificateAuthority,
    *,
    ou: str,
    ekus: list[x509.ObjectIdentifier],
    is_ca: bool = False,
    x25519: bytes | None = None,
    key: ec.EllipticCurvePrivateKey | None = None,
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A certificate signed by the real CA but built by hand, to break one rule at a time."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(x509.NameOID.COMMON_NAME, "Mallory"),
                    x509.NameAttribute(x509.NameOID.ORGANIZATIONAL_UNIT_NAME, ou),
                ]
            )
        )
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(hours=1))
        .not_valid_after(NOW + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
    )
    if ekus:
        builder = builder.add_extension(x509.ExtendedKeyUsage(ekus), critical=False)
    if x25519 is not None:
        builder = builder.add_extension(profile.x25519_binding_extension(x25519), critical=False)
    return key, builder.sign(ca.private_key, hashes.SHA256())


@pytest.mark.parametrize(
    ("ou", "roles", "is_ca"),
    [
        ("issuer", [Role.EXPERT], False),  # OU and EKU disagree
        ("expert", [Role.EXPERT, Role.ISSUER], False),  # two role purposes
        ("expert", [], False),  # no purpose
        ("ca", [], False),  # "ca" unit without cA=TRUE
        ("ca", [Role.EXPERT], True),  # a CA with a role purpose
        ("expert", [Role.EXPERT], True),  # a CA posing as an expert
    ],
)
def test_contradictory_role_markers_name_no_role(
    pkiset: PkiFixture, ou: str, roles: list[Role], is_ca: bool
) -> None:
    _key, cert = _forged(pkiset.ca, ou=ou, ekus=[profile.ROLE_EKU[r] for r in roles], is_ca=is_ca)
    assert profile.certificate_role(cert) is None


def test_names_are_checked(pkiset: PkiFixture) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    for bad in ("", "   ", "x" * 65, "line\nbreak"):
        with pytest.raises(pki.PkiError, match="cannot be used"):
            pki.issue_certificate(pkiset.ca, Role.EXPERT, bad, None, key, NOW)
    with pytest.raises(pki.PkiError, match="certificate authority"):
        pki.issue_certificate(pkiset.ca, Role.CA, "Nobody", None, key, NOW)
    with pytest.raises(ValueError, match="timezone"):
        pki.issue_certificate(pkiset.ca, Role.EXPERT, "Naive", None, key, NOW.replace(tzinfo=None))


def test_validity_never_outlives_the_ca(pkiset: PkiFixture) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = pki.issue_certificate(
        pkiset.ca, Role.EXPERT, "长期", None, key, NOW, validity=timedelta(days=365 * 20)
    )
    assert cert.not_valid_after_utc == pkiset.ca.certificate.not_valid_after_utc


def test_issue_refuses_to_overwrite(pkiset: PkiFixture) -> None:
    before = pkiset.expert_p12.read_bytes()
    with pytest.raises(pki.PkiError, match="already exists"):
        pki.issue(
            pkiset.ca_dir,
            CA_PASSPHRASE,
            Role.EXPERT,
            "X",
            None,
            pkiset.expert_p12,
            b"whatever-passphrase",
            NOW,
        )
    assert pkiset.expert_p12.read_bytes() == before


# --- identity files ----------------------------------------------------------------------


def test_identity_file_mode_and_contents(pkiset: PkiFixture) -> None:
    assert stat.S_IMODE(pkiset.expert_p12.stat().st_mode) == 0o600
    ident = pkiset.expert
    assert ident.role is Role.EXPERT
    assert ident.common_name == EXPERT_NAME and ident.organisation == EXPERT_ORG
    assert ident.chain == (pkiset.ca.certificate,)
    assert ident.warnings == ()
    assert ident.fingerprint == pki.fingerprint(ident.certificate)
    assert "signing_key" not in repr(ident) and "x25519_private_key" not in repr(ident)


def test_the_x25519_key_is_derived_and_usable(pkiset: PkiFixture) -> None:
    ident = pkiset.expert
    assert len(ident.x25519_public_bytes) == 32
    again = derive_x25519_private_key(ident.signing_key)
    assert again.public_key().public_bytes_raw() == ident.x25519_public_bytes
    peer = X25519PrivateKey.generate()
    assert ident.x25519_private_key.exchange(peer.public_key()) == peer.exchange(
        ident.x25519_private_key.public_key()
    )


# The P-256 test key of RFC 6979, appendix A.2.5, and its derived X25519 key (identity-v1.md).
_VECTOR_SCALAR = 0xC9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721
_VECTOR_X25519_PRIVATE = "fae4277827644783acc9c87593ccf78bbf982f578fb9acff0a867ad18f3c4a96"
_VECTOR_X25519_PUBLIC = "e1262b6c220496aa9a4dbea5da27c40d2b98c2fe6f052f3c3eb6a53ff1da777f"


def test_derivation_matches_the_spec_vector() -> None:
    derived = derive_x25519_private_key(ec.derive_private_key(_VECTOR_SCALAR, ec.SECP256R1()))
    assert derived.private_bytes_raw().hex() == _VECTOR_X25519_PRIVATE
    assert derived.public_key().public_bytes_raw().hex() == _VECTOR_X25519_PUBLIC


def test_derivation_refuses_other_curves() -> None:
    with pytest.raises(ValueError, match="P-256"):
        derive_x25519_private_key(ec.generate_private_key(ec.SECP384R1()))


@needs_openssl
def test_openssl_reports_pbes2_aes256_and_600000_rounds(pkiset: PkiFixture, tmp_path: Path) -> None:
    pass_file = tmp_path / "pass"
    pass_file.write_bytes(EXPERT_PASSPHRASE)
    result = subprocess.run(
        [
            "openssl",
            "pkcs12",
            "-info",
            "-noout",
            "-in",
            str(pkiset.expert_p12),
            "-passin",
            f"file:{pass_file}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    report = result.stdout + result.stderr
    assert "MAC: sha256" in report
    bags = [line for line in report.splitlines() if "PBES2" in line]
    assert len(bags) == 2  # the certificates and the shrouded key bag
    for line in bags:
        assert "PBKDF2, AES-256-CBC, Iteration 600000, PRF hmacWithSHA256" in line


def test_wrong_passphrase_and_non_pkcs12_are_told_apart(pkiset: PkiFixture) -> None:
    data = pkiset.expert_p12.read_bytes()
    with pytest.raises(IdentityPassphraseError) as caught:
        load_identity(data, b"not the passphrase")
    assert b"not the passphrase".decode() not in str(caught.value)
    for junk in (b"", b"hello", data[:100], pkiset.root_pem.read_bytes()):
        with pytest.raises(IdentityFormatError, match="not a PKCS#12"):
            load_identity(junk, EXPERT_PASSPHRASE)


def test_a_flipped_byte_is_refused(pkiset: PkiFixture) -> None:
    data = bytearray(pkiset.expert_p12.read_bytes())
    data[-40] ^= 0x01  # inside the MAC data
    with pytest.raises((IdentityPassphraseError, IdentityFormatError)):
        load_identity(bytes(data), EXPERT_PASSPHRASE)


def _p12(
    key: ec.EllipticCurvePrivateKey,
    cert: x509.Certificate,
    encryption: object,
) -> bytes:
    return pkcs12.serialize_key_and_certificates(b"t", key, cert, None, encryption)  # type: ignore[arg-type]


def test_a_certificate_whose_x25519_key_does_not_match_is_refused(pkiset: PkiFixture) -> None:
    wrong = X25519PrivateKey.generate().public_key().public_bytes_raw()
    key, cert = _forged(pkiset.ca, ou="expert", ekus=[profile.ROLE_EKU[Role.EXPERT]], x25519=wrong)
    data = _p12(key, cert, BestAvailableEncryption(b"pw"))
    with pytest.raises(IdentityBindingError, match="does not belong"):
        load_identity(data, b"pw")


def test_a_certificate_without_x25519_key_is_refused(pkiset: PkiFixture) -> None:
    key, cert = _forged(pkiset.ca, ou="expert", ekus=[profile.ROLE_EKU[Role.EXPERT]])
    with pytest.raises(IdentityBindingError, match="no encryption key"):
        load_identity(_p12(key, cert, BestAvailableEncryption(b"pw")), b"pw")


def test_a_file_without_its_own_certificate_is_refused(pkiset: PkiFixture) -> None:
    # (cryptography refuses to even write a key with someone else's certificate as its own.)
    ident = pkiset.expert
    data = pkcs12.serialize_key_and_certificates(
        b"t", ident.signing_key, None, [pkiset.ca.certificate], BestAvailableEncryption(b"pw")
    )
    with pytest.raises(IdentityFormatError, match="no certificate"):
        load_identity(data, b"pw")


def test_a_file_with_another_kind_of_key_is_refused(pkiset: PkiFixture) -> None:
    other = ec.generate_private_key(ec.SECP384R1())
    data = pkcs12.serialize_key_and_certificates(
        b"t", other, None, None, BestAvailableEncryption(b"pw")
    )
    with pytest.raises(IdentityFormatError, match="no certificate"):
        load_identity(data, b"pw")


def test_a_roleless_certificate_is_refused(pkiset: PkiFixture) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    x = derive_x25519_private_key(key).public_key().public_bytes_raw()
    key, cert = _forged(pkiset.ca, ou="expert", ekus=[], x25519=x, key=key)
    with pytest.raises(IdentityFormatError, match="no person's role"):
        load_identity(_p12(key, cert, BestAvailableEncryption(b"pw")), b"pw")


def test_check_valid_at(pkiset: PkiFixture) -> None:
    ident = pkiset.expert
    ident.check_valid_at(NOW)
    with pytest.raises(IdentityExpiredError, match="expired on"):
        ident.check_valid_at(NOW + timedelta(days=2 * 365 + 1))
    with pytest.raises(IdentityExpiredError, match="not valid before"):
        ident.check_valid_at(NOW - timedelta(days=1))
    with pytest.raises(ValueError, match="timezone"):
        ident.check_valid_at(NOW.replace(tzinfo=None))


# --- protection report -------------------------------------------------------------------


def test_our_protection_has_no_warnings(pkiset: PkiFixture) -> None:
    report = protection_report(pkiset.expert_p12.read_bytes())
    assert not report.weak
    assert report.min_kdf_iterations == PKCS12_KDF_ROUNDS
    assert report.mac_algorithm == "sha256"
    assert set(report.schemes) == {"pbes2/pbkdf2-hmac-sha256/600000/aes-256-cbc"}


def _texts(report_warnings: tuple[object, ...]) -> str:
    return "\n".join(str(w) for w in report_warnings)


def test_best_available_encryption_is_flagged_for_its_20000_rounds(pkiset: PkiFixture) -> None:
    ident = pkiset.expert
    data = _p12(ident.signing_key, ident.certificate, BestAvailableEncryption(b"pw"))
    report = protection_report(data)
    assert report.weak and report.min_kdf_iterations == 20_000
    assert "only 20000 rounds" in _texts(report.warnings)
    loaded = load_identity(data, b"pw")  # usable, but the warning travels with it
    assert loaded.warnings == report.warnings


def test_legacy_and_unencrypted_files_are_flagged(pkiset: PkiFixture) -> None:
    ident = pkiset.expert
    legacy = (
        PrivateFormat.PKCS12.encryption_builder()
        .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
        .hmac_hash(hashes.SHA1())
        .build(b"pw")
    )
    report = protection_report(_p12(ident.signing_key, ident.certificate, legacy))
    text = _texts(report.warnings)
    assert "outdated encryption pkcs12_sha1_tripledes_3key" in text
    assert "weak hash sha1" in text
    plain = protection_report(_p12(ident.signing_key, ident.certificate, NoEncryption()))
    assert "not encrypted" in _texts(plain.warnings)


def test_too_few_rounds_with_pbes2_are_flagged(pkiset: PkiFixture) -> None:
    ident = pkiset.expert
    weak = (
        PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(100_000)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(b"pw")
    )
    report = protection_report(_p12(ident.signing_key, ident.certificate, weak))
    assert report.min_kdf_iterations == 100_000
    assert _texts(report.warnings).count("rounds") == 1


def test_serialize_refuses_an_empty_passphrase(pkiset: PkiFixture) -> None:
    with pytest.raises(ValueError, match="passphrase"):
        serialize_pkcs12(pkiset.expert.signing_key, pkiset.expert.certificate, [], b"")


# --- fingerprints ------------------------------------------------------------------------


def test_fingerprint_is_the_first_100_bits_of_sha256_in_crockford_base32(
    pkiset: PkiFixture,
) -> None:
    cert = pkiset.expert.certificate
    fp = pki.fingerprint(cert)
    assert FINGERPRINT.match(fp), fp
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    value = 0
    for ch in fp.replace("-", ""):
        value = value * 32 + alphabet.index(ch)
    digest = hashlib.sha256(cert.public_bytes(Encoding.DER)).digest()
    assert value == int.from_bytes(digest, "big") >> 156
    assert pki.fingerprint_sha256(cert) == digest.hex()
    assert pki.fingerprint(pkiset.ca.certificate) != fp


def test_typed_fingerprints_are_normalised(pkiset: PkiFixture) -> None:
    fp = pki.fingerprint(pkiset.expert.certificate)
    sloppy = fp.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert pki.normalize_fingerprint(sloppy) == fp
    assert pki.normalize_fingerprint(fp[:-1]) is None
    assert pki.normalize_fingerprint(fp[:-1] + "U") is None


# --- trust store -------------------------------------------------------------------------


def test_trust_store_round_trip(pkiset: PkiFixture, tmp_path: Path) -> None:
    bundle = tmp_path / "roots.pem"
    roots = [pkiset.ca.certificate, pkiset.other_ca.certificate, pkiset.ca.certificate]
    pki.write_trust_roots(bundle, roots)
    assert stat.S_IMODE(bundle.stat().st_mode) == 0o644
    assert pki.load_trust_roots(bundle) == roots[:2]


def test_trust_store_refuses_end_entities_and_junk(pkiset: PkiFixture, tmp_path: Path) -> None:
    bundle = tmp_path / "roots.pem"
    bundle.write_bytes(
        pkiset.root_pem.read_bytes() + pkiset.expert.certificate.public_bytes(Encoding.PEM)
    )
    with pytest.raises(pki.TrustStoreError, match="is not a certificate authority"):
        pki.load_trust_roots(bundle)
    bundle.write_bytes(b"not pem")
    with pytest.raises(pki.TrustStoreError, match="no readable PEM"):
        pki.load_trust_roots(bundle)
    with pytest.raises(pki.TrustStoreError, match="Cannot read"):
        pki.load_trust_roots(tmp_path / "missing.pem")
    with pytest.raises(ValueError):
        pki.write_trust_roots(bundle, [])


def _normalize_the_long_way(text: str) -> str | None:
    """``profile.normalize_fingerprint`` without its fast path for canonical text."""
    compact = "".join(ch for ch in text.upper() if ch not in " -\t")
    compact = "".join({"O": "0", "I": "1", "L": "1"}.get(ch, ch) for ch in compact)
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    if len(compact) != 20 or any(ch not in alphabet for ch in compact):
        return None
    return "-".join(compact[i : i + 4] for i in range(0, 20, 4))


def test_the_fingerprint_fast_path_gives_what_the_long_way_gives() -> None:
    import random

    rng = random.Random(16)
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ" + "abcxyzOIL" + " -\t\n"
    samples = ["QCCV-N974-GS9J-RBQ3-MMRB", "QCCV-N974-GS9J-RBQ3-MMRO", "QCCV-N974-GS9J-RBQ3-MMRB\n"]
    for _ in range(3000):
        canonical = "-".join("".join(rng.choice(alphabet[:32]) for _ in range(4)) for _ in range(5))
        samples.append(canonical)
        chars = list(canonical)
        chars[rng.randrange(len(chars))] = rng.choice(alphabet)  # one change anywhere
        samples.append("".join(chars))
        samples.append("".join(rng.choice(alphabet) for _ in range(rng.randrange(30))))
    for text in samples:
        assert profile.normalize_fingerprint(text) == _normalize_the_long_way(text), text
