"""The certificate profile of identity v1 (``docs/formats/identity-v1.md``): roles, OIDs,
the X25519 binding extension and fingerprints.

Only reading and naming lives here, so both the identity loader and the CA can use it
without importing each other.

OIDs sit under ``1.3.6.1.4.1.99999``, a **placeholder** private enterprise number: it must
be replaced by a registered number (or a ``2.25.<uuid>`` arc) before identity v1 is
released, because a released format never changes in place.
"""

from __future__ import annotations

import enum
import hashlib
import re
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from app.i18n import N_, Msg

ARC: Final = "1.3.6.1.4.1.99999"  # PLACEHOLDER private enterprise number, see the spec


class Role(enum.Enum):
    """What a certificate holder may do. The value is the ``OU`` written in the subject."""

    ISSUER = "issuer"
    SECRETARY = "secretary"
    EXPERT = "expert"
    MINISTRY = "ministry"
    CA = "ca"


_ROLE_NAMES: Final[dict[Role, str]] = {
    Role.ISSUER: N_("issuer"),
    Role.SECRETARY: N_("secretary"),
    Role.EXPERT: N_("expert"),
    Role.MINISTRY: N_("ministry"),
    Role.CA: N_("certificate authority"),
}


def role_label(role: Role | None) -> Msg:
    """The role's name for people (translated when shown); ``None`` reads "no role"."""
    return Msg.of(_ROLE_NAMES[role]) if role is not None else Msg.of("no role")


# One ExtendedKeyUsage purpose per end-entity role. The CA has no EKU at all (EKU on a CA
# certificate constrains, through "EKU chaining" in some validators, everything it issues);
# it is recognised by basicConstraints cA=TRUE instead.
ROLE_EKU: Final[dict[Role, x509.ObjectIdentifier]] = {
    Role.ISSUER: x509.ObjectIdentifier(f"{ARC}.1.1"),
    Role.SECRETARY: x509.ObjectIdentifier(f"{ARC}.1.2"),
    Role.EXPERT: x509.ObjectIdentifier(f"{ARC}.1.3"),
    Role.MINISTRY: x509.ObjectIdentifier(f"{ARC}.1.4"),
}
_EKU_ROLE: Final = {oid: role for role, oid in ROLE_EKU.items()}

#: id-kp-documentSigning (RFC 9336), listed next to the role purpose so PDF readers that
#: look for a document-signing purpose accept our PAdES signatures.
DOCUMENT_SIGNING_EKU: Final = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")

#: Non-critical extension carrying the holder's X25519 public key: OCTET STRING (32 bytes).
X25519_BINDING_OID: Final = x509.ObjectIdentifier(f"{ARC}.2.1")
X25519_PUBLIC_KEY_SIZE: Final = 32

_CROCKFORD: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CROCKFORD_ALIASES: Final = {"O": "0", "I": "1", "L": "1"}
FINGERPRINT_GROUPS: Final = 5
FINGERPRINT_GROUP_SIZE: Final = 4
FINGERPRINT_BITS: Final = FINGERPRINT_GROUPS * FINGERPRINT_GROUP_SIZE * 5  # 100
_GROUP: Final = f"[{_CROCKFORD}]{{{FINGERPRINT_GROUP_SIZE}}}"
_CANONICAL_FINGERPRINT: Final = re.compile(f"{_GROUP}(?:-{_GROUP}){{{FINGERPRINT_GROUPS - 1}}}")
"""What :func:`normalize_fingerprint` returns: checked first, it needs no rewriting."""


def certificate_role(cert: x509.Certificate) -> Role | None:
    """The holder's role, or ``None`` if the certificate names none *or contradicts itself*.

    A CA is a certificate with basicConstraints cA=TRUE, no role EKU and ``OU=ca``. An
    end entity has cA=FALSE (or no basicConstraints), exactly one role purpose in its EKU,
    and that role's name as its only role ``OU``. Any disagreement between these markers
    yields ``None``, which every role check then refuses.
    """
    is_ca = is_ca_certificate(cert)
    eku_roles = {_EKU_ROLE[oid] for oid in _eku(cert) if oid in _EKU_ROLE}
    ou_roles = {
        role
        for attr in cert.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATIONAL_UNIT_NAME)
        for role in Role
        if attr.value == role.value
    }
    if is_ca:
        return Role.CA if not eku_roles and ou_roles == {Role.CA} else None
    if len(eku_roles) == 1 and ou_roles == eku_roles:
        return next(iter(eku_roles))
    return None


def is_ca_certificate(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _eku(cert: x509.Certificate) -> list[x509.ObjectIdentifier]:
    try:
        return list(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    except x509.ExtensionNotFound:
        return []


def common_name(cert: x509.Certificate) -> str:
    """The subject's first commonName, or ``""``."""
    return _first(cert, x509.NameOID.COMMON_NAME)


def organisation(cert: x509.Certificate) -> str:
    """The subject's first organizationName, or ``""``."""
    return _first(cert, x509.NameOID.ORGANIZATION_NAME)


def _first(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> str:
    attrs = cert.subject.get_attributes_for_oid(oid)
    value = attrs[0].value if attrs else ""
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def x25519_binding_extension(public_bytes: bytes) -> x509.UnrecognizedExtension:
    """The extension value binding ``public_bytes`` (raw X25519) into a certificate."""
    if len(public_bytes) != X25519_PUBLIC_KEY_SIZE:
        raise ValueError("an X25519 public key has 32 bytes")
    return x509.UnrecognizedExtension(X25519_BINDING_OID, b"\x04\x20" + public_bytes)


def x25519_public_bytes(cert: x509.Certificate) -> bytes | None:
    """The X25519 public key the CA bound into ``cert``, or ``None`` if absent or malformed.

    The value must be exactly the DER ``OCTET STRING`` of 32 bytes (``04 20 || key``);
    anything else counts as absent, so a caller that needs the key refuses the certificate.
    """
    try:
        ext = cert.extensions.get_extension_for_oid(X25519_BINDING_OID)
    except x509.ExtensionNotFound:
        return None
    value = ext.value
    if not isinstance(value, x509.UnrecognizedExtension) or ext.critical:
        return None
    raw = value.value
    if len(raw) != 2 + X25519_PUBLIC_KEY_SIZE or raw[:2] != b"\x04\x20":
        return None
    return raw[2:]


def fingerprint(cert: x509.Certificate) -> str:
    """A fingerprint short enough to read aloud and compare on paper: ``K3QF-9ZPA-…``.

    The first 100 bits of SHA-256 over the certificate's DER, in Crockford base32
    (no I, L, O, U), as 5 groups of 4 characters. 100 bits keep a second-preimage search
    (making *another* certificate with the same fingerprint) at 2**100 work; the full
    SHA-256 is available from :func:`fingerprint_sha256`.
    """
    digest = hashlib.sha256(cert.public_bytes(Encoding.DER)).digest()
    value = int.from_bytes(digest, "big") >> (256 - FINGERPRINT_BITS)
    chars = [
        _CROCKFORD[(value >> (5 * (19 - i))) & 0x1F]
        for i in range(FINGERPRINT_GROUPS * FINGERPRINT_GROUP_SIZE)
    ]
    groups = [
        "".join(chars[i : i + FINGERPRINT_GROUP_SIZE])
        for i in range(0, len(chars), FINGERPRINT_GROUP_SIZE)
    ]
    return "-".join(groups)


def fingerprint_sha256(cert: x509.Certificate) -> str:
    """The full SHA-256 of the certificate's DER, lower-case hex (what ``openssl`` prints)."""
    return hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()


def normalize_fingerprint(text: str) -> str | None:
    """Canonical form of a typed fingerprint, or ``None`` if it cannot be one.

    Case, spaces and hyphens are ignored and the Crockford look-alikes O→0, I/L→1 are
    mapped, so ``k3qf 9zpa …`` written down by hand compares equal.
    """
    if _CANONICAL_FINGERPRINT.fullmatch(text):
        return text  # already canonical (as every fingerprint the program writes)
    compact = "".join(ch for ch in text.upper() if ch not in " -\t")
    compact = "".join(_CROCKFORD_ALIASES.get(ch, ch) for ch in compact)
    if len(compact) != FINGERPRINT_GROUPS * FINGERPRINT_GROUP_SIZE or any(
        ch not in _CROCKFORD for ch in compact
    ):
        return None
    return "-".join(
        compact[i : i + FINGERPRINT_GROUP_SIZE]
        for i in range(0, len(compact), FINGERPRINT_GROUP_SIZE)
    )
