"""A person's identity: one PKCS#12 file, one passphrase, two keys (identity v1).

The file holds the ECDSA P-256 signing key, the person's certificate and the CA chain.
The person's X25519 *decryption* key (for age) is not stored: it is derived from the
signing key with HKDF-SHA256, and the CA binds its public half into the certificate
(:data:`app.crypto.profile.X25519_BINDING_OID`). So one file and one passphrase unlock
both, and nobody can swap the encryption key without the CA's signature. Loading
recomputes the derived key and refuses the file if the certificate says otherwise.

Why not a second key bag in the PFX: ``cryptography`` reads and writes only one private
key per PKCS#12 file, pyHanko and ``openssl`` pick "the" key by matching the certificate,
and an extra unlabelled key would be an easy thing for another tool to drop silently.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PrivateFormat,
    PublicFormat,
    pkcs12,
)

from app import unlocking
from app.crypto import profile
from app.crypto.profile import Role
from app.errors import UserFacingError
from app.formats.bounded_read import read_input_file
from app.i18n import Msg

PKCS12_KDF_ROUNDS: Final = 600_000
MAX_IDENTITY_FILE_SIZE: Final = 64 * 1024
"""An identity file (PKCS#12, or an age key file) is a few kilobytes; larger is refused."""
X25519_DERIVATION_INFO: Final = b"review-desk/identity-v1/x25519"
_STRONG_HASHES: Final = frozenset({"sha256", "sha384", "sha512"})


class IdentityError(UserFacingError):
    """An identity file that cannot be used."""


class IdentityFormatError(IdentityError):
    """Not a PKCS#12 file, or one that lacks what an identity v1 needs."""

    def __init__(self, reason: Msg) -> None:
        super().__init__(
            Msg.of("This is not a usable identity file: {reason}", reason=reason),
            Msg.of("Choose the .p12 file the certificate authority issued to you."),
        )


class IdentityPassphraseError(IdentityError):
    """The passphrase does not open the file (or the file's integrity check fails)."""

    def __init__(self) -> None:
        super().__init__(
            Msg.of("The passphrase is wrong, or the identity file is damaged."),
            Msg.of("Type the passphrase again; if it still fails, use a backup copy of the file."),
        )


class IdentityBindingError(IdentityFormatError):
    """The certificate's X25519 key is missing or is not the one derived from the file's key."""


class IdentityExpiredError(IdentityError):
    """The certificate is not valid at the time asked about."""


@dataclass(frozen=True)
class ProtectionReport:
    """How a PKCS#12 file protects its contents, and what is too weak about it.

    ``schemes`` names each encryption found (technical names, not translated);
    ``warnings`` are for the person at the keyboard. An empty ``warnings`` means the file
    meets identity v1 (PBES2, PBKDF2-HMAC-SHA-2 with ≥ 600,000 rounds, AES-256, SHA-2 MAC).
    """

    schemes: tuple[str, ...]
    min_kdf_iterations: int | None
    mac_algorithm: str | None
    mac_iterations: int | None
    warnings: tuple[Msg, ...]

    @property
    def weak(self) -> bool:
        return bool(self.warnings)


@dataclass(frozen=True)
class Identity:
    """An unlocked identity. Keep it in memory only as long as needed; never log it.

    ``warnings`` carries the file's :class:`ProtectionReport` warnings (weak protection);
    the UI should show them and offer to re-protect the file. Validity in time is *not*
    checked on load (a clock is needed): call :meth:`check_valid_at`.
    """

    certificate: x509.Certificate
    signing_key: ec.EllipticCurvePrivateKey = field(repr=False)
    chain: tuple[x509.Certificate, ...]
    role: Role
    x25519_private_key: X25519PrivateKey = field(repr=False)
    warnings: tuple[Msg, ...] = ()

    @property
    def x25519_public_bytes(self) -> bytes:
        """The raw 32-byte X25519 public key (as bound in the certificate)."""
        return self.x25519_private_key.public_key().public_bytes_raw()

    @property
    def fingerprint(self) -> str:
        return profile.fingerprint(self.certificate)

    @property
    def common_name(self) -> str:
        return profile.common_name(self.certificate)

    @property
    def organisation(self) -> str:
        return profile.organisation(self.certificate)

    def check_valid_at(self, now: datetime) -> None:
        """Raise :class:`IdentityExpiredError` unless the certificate is valid at ``now``."""
        check_certificate_valid_at(self.certificate, now)


def check_certificate_valid_at(cert: x509.Certificate, now: datetime) -> None:
    """Raise :class:`IdentityExpiredError` unless ``cert`` is valid at ``now`` (aware)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    name = profile.common_name(cert)
    if now < cert.not_valid_before_utc:
        raise IdentityExpiredError(
            Msg.of(
                "The certificate of {name} is not valid before {start}.",
                name=name,
                start=cert.not_valid_before_utc.strftime("%Y-%m-%d %H:%M UTC"),
            ),
            Msg.of("Check this computer's date and time."),
        )
    if now > cert.not_valid_after_utc:
        raise IdentityExpiredError(
            Msg.of(
                "The certificate of {name} expired on {end}.",
                name=name,
                end=cert.not_valid_after_utc.strftime("%Y-%m-%d %H:%M UTC"),
            ),
            Msg.of("Ask the certificate authority for a new identity."),
        )


def derive_x25519_private_key(signing_key: ec.EllipticCurvePrivateKey) -> X25519PrivateKey:
    """The X25519 key that belongs with ``signing_key`` (identity v1 derivation).

    ``HKDF-SHA256(ikm = the 32-byte big-endian P-256 private scalar, salt = empty,
    info = "review-desk/identity-v1/x25519", L = 32)``, used as the X25519 private key.
    """
    if not isinstance(signing_key.curve, ec.SECP256R1):
        raise ValueError("identity v1 signing keys are P-256")
    scalar = signing_key.private_numbers().private_value.to_bytes(32, "big")
    okm = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=X25519_DERIVATION_INFO).derive(
        scalar
    )
    return X25519PrivateKey.from_private_bytes(okm)


def serialize_pkcs12(
    key: ec.EllipticCurvePrivateKey,
    cert: x509.Certificate,
    chain: Sequence[x509.Certificate],
    passphrase: bytes,
) -> bytes:
    """A PKCS#12 file with identity v1 protection (takes about 0.3 s on purpose).

    PBES2 / PBKDF2-HMAC-SHA256 with 600,000 rounds / AES-256-CBC for both the key and the
    certificates, HMAC-SHA256 integrity MAC.
    """
    if not passphrase:
        raise ValueError("an identity needs a passphrase")
    encryption = (
        PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(PKCS12_KDF_ROUNDS)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(passphrase)
    )
    return pkcs12.serialize_key_and_certificates(
        profile.common_name(cert).encode("utf-8") or None, key, cert, list(chain), encryption
    )


def read_identity_file(path: str | os.PathLike[str]) -> bytes:
    """The bytes of an identity file (.p12 or age key file) the user named, at most
    :data:`MAX_IDENTITY_FILE_SIZE` (:class:`~app.formats.bounded_read.InputFileError`)."""
    return read_input_file(path, MAX_IDENTITY_FILE_SIZE, Msg.of("the identity file"))


def _load_pkcs12(data: bytes, passphrase: bytes) -> pkcs12.PKCS12KeyAndCertificates:
    """``pkcs12.load_pkcs12``, in a child process when :mod:`app.unlocking` asks for it."""
    if unlocking.in_child_processes():
        from app.crypto import pkcs12_child

        try:
            return pkcs12_child.load_pkcs12(data, passphrase)
        except pkcs12_child.ChildUnavailable:
            pass  # decrypt here instead: the window pauses, the unlock still succeeds
    return pkcs12.load_pkcs12(data, passphrase)


def open_pkcs12(data: bytes, passphrase: bytes) -> pkcs12.PKCS12KeyAndCertificates:
    """Decrypt a PKCS#12 file, telling "not a PKCS#12" apart from "wrong passphrase"."""
    _parse_pfx(data)
    try:
        return _load_pkcs12(data, passphrase)
    except ValueError:
        # cryptography says "Invalid password or PKCS12 data"; the structure parsed, so the
        # MAC or the decryption failed: a wrong passphrase or a damaged file.
        raise IdentityPassphraseError() from None


def load_identity(p12_bytes: bytes, passphrase: bytes) -> Identity:
    """Unlock an identity file (about 0.3 s: the key derivation is slow on purpose).

    Refuses, with :class:`IdentityFormatError`, files that are not PKCS#12, lack a
    certificate or a P-256 key, whose key does not match the certificate, whose certificate
    names no end-entity role, and (:class:`IdentityBindingError`) whose certificate does not
    carry the X25519 key derived from the signing key. A wrong passphrase raises
    :class:`IdentityPassphraseError`. Weak protection is reported in ``warnings``.
    """
    report = protection_report(p12_bytes)
    loaded = open_pkcs12(p12_bytes, passphrase)
    key = loaded.key
    if loaded.cert is None:
        raise IdentityFormatError(Msg.of("it contains no certificate"))
    cert = loaded.cert.certificate
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise IdentityFormatError(Msg.of("it contains no ECDSA P-256 private key"))
    if _public_der(key.public_key()) != _public_der(cert.public_key()):
        raise IdentityFormatError(Msg.of("the private key does not belong to the certificate"))
    role = profile.certificate_role(cert)
    if role is None or role is Role.CA:
        raise IdentityFormatError(Msg.of("the certificate names no person's role"))
    x25519_key = derive_x25519_private_key(key)
    bound = profile.x25519_public_bytes(cert)
    if bound is None:
        raise IdentityBindingError(Msg.of("the certificate carries no encryption key"))
    if bound != x25519_key.public_key().public_bytes_raw():
        raise IdentityBindingError(
            Msg.of("the encryption key in the certificate does not belong to this file")
        )
    return Identity(
        certificate=cert,
        signing_key=key,
        chain=tuple(c.certificate for c in loaded.additional_certs),
        role=role,
        x25519_private_key=x25519_key,
        warnings=report.warnings,
    )


def _public_der(key: object) -> bytes:
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return b""
    return key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


# --- protection report -------------------------------------------------------------------


def _parse_pfx(data: bytes) -> object:
    from asn1crypto import pkcs12 as asn1_pkcs12

    try:
        pfx = asn1_pkcs12.Pfx.load(bytes(data), strict=True)
        if pfx["version"].native != "v3" or pfx["auth_safe"]["content_type"].native != "data":
            raise ValueError("unsupported PFX")
        pfx.native  # noqa: B018 - forces a full parse of the outer structure
    except Exception as exc:  # untrusted bytes: any parse failure is a format error
        raise IdentityFormatError(Msg.of("it is not a PKCS#12 (.p12) file")) from exc
    return pfx


def protection_report(p12_bytes: bytes) -> ProtectionReport:
    """Inspect how a PKCS#12 file is protected, without the passphrase.

    Warns about: legacy (non-PBES2) encryption, PBKDF2 with fewer than 600,000 rounds or a
    SHA-1 PRF, ciphers other than AES-256, an unencrypted private key, and a missing or
    SHA-1 integrity MAC. Raises :class:`IdentityFormatError` if the file is not PKCS#12.
    """
    from asn1crypto import algos, cms
    from asn1crypto import pkcs12 as asn1_pkcs12

    pfx = _parse_pfx(p12_bytes)
    assert isinstance(pfx, asn1_pkcs12.Pfx)
    schemes: list[str] = []
    iterations: list[int] = []
    warnings: list[Msg] = []

    def consider(alg: algos.EncryptionAlgorithm) -> None:
        name = alg["algorithm"].native
        if name != "pbes2":
            schemes.append(str(name))
            warnings.append(
                Msg.of("The file uses the outdated encryption {scheme}.", scheme=str(name))
            )
            try:
                iterations.append(int(alg.kdf_iterations))
            except (ValueError, TypeError, KeyError):
                pass
            return
        kdf, prf, rounds = alg.kdf, alg.kdf_hmac, int(alg.kdf_iterations)
        cipher = f"{alg.encryption_cipher}-{alg.key_length * 8}-{alg.encryption_mode}"
        schemes.append(f"pbes2/{kdf}-hmac-{prf}/{rounds}/{cipher}")
        iterations.append(rounds)
        if prf not in _STRONG_HASHES:
            warnings.append(Msg.of("The key derivation uses the weak hash {hash}.", hash=prf))
        if cipher != "aes-256-cbc":
            warnings.append(Msg.of("The file is encrypted with {cipher}.", cipher=cipher))

    try:
        auth_safe = asn1_pkcs12.AuthenticatedSafe.load(pfx["auth_safe"]["content"].native)
        for info in auth_safe:
            content_type = info["content_type"].native
            if content_type == "data":
                for bag in asn1_pkcs12.SafeContents.load(info["content"].native):
                    bag_id = bag["bag_id"].native
                    if bag_id == "pkcs8_shrouded_key_bag":
                        consider(bag["bag_value"]["encryption_algorithm"])
                    elif bag_id == "key_bag":
                        warnings.append(Msg.of("The private key in the file is not encrypted."))
            elif content_type == "encrypted_data":
                encrypted = info["content"]
                assert isinstance(encrypted, cms.EncryptedData)
                consider(encrypted["encrypted_content_info"]["content_encryption_algorithm"])
        mac_data = pfx["mac_data"]
        mac_algorithm: str | None = None
        mac_iterations: int | None = None
        if mac_data.native is None:
            warnings.append(Msg.of("The file has no integrity check (MAC)."))
        else:
            mac_algorithm = str(mac_data["mac"]["digest_algorithm"]["algorithm"].native)
            mac_iterations = int(mac_data["iterations"].native)
            if mac_algorithm not in _STRONG_HASHES:
                warnings.append(
                    Msg.of("The integrity check uses the weak hash {hash}.", hash=mac_algorithm)
                )
    except IdentityError:
        raise
    except Exception as exc:  # untrusted bytes: any parse failure is a format error
        raise IdentityFormatError(Msg.of("its protection cannot be read")) from exc

    lowest = min(iterations) if iterations else None
    if lowest is not None and lowest < PKCS12_KDF_ROUNDS:
        warnings.append(
            Msg.of(
                "The passphrase is stretched with only {rounds} rounds "
                "(at least {minimum} are expected).",
                rounds=lowest,
                minimum=PKCS12_KDF_ROUNDS,
            )
        )
    if not schemes:
        warnings.append(Msg.of("The file is not encrypted."))
    return ProtectionReport(
        schemes=tuple(schemes),
        min_kdf_iterations=lowest,
        mac_algorithm=mac_algorithm,
        mac_iterations=mac_iterations,
        warnings=tuple(dict.fromkeys(warnings)),
    )
