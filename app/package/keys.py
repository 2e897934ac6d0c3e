"""Bridging identity v1 (PKCS#12 + certificate) and the age keys a package uses.

A person's X25519 key is bound into their certificate by the CA, so a package can be
encrypted to "the expert" given only their certificate, and opened with their PKCS#12
identity. A certificate without the binding (e.g. a CA certificate) cannot be a recipient.
"""

from __future__ import annotations

from cryptography import x509

from app.crypto import profile
from app.crypto.age_keys import X25519Identity, X25519Recipient
from app.crypto.identity import Identity
from app.i18n import Msg
from app.package.errors import PackageBuildError


def recipient_for_certificate(cert: x509.Certificate) -> X25519Recipient:
    """The age recipient bound in ``cert``; :class:`PackageBuildError` if it carries none.

    The certificate's trust is the caller's business (it chose whom to encrypt to).
    """
    bound = profile.x25519_public_bytes(cert)
    if bound is None:
        raise PackageBuildError(
            Msg.of(
                "The certificate of {name} carries no encryption key; it cannot be a recipient.",
                name=profile.common_name(cert) or cert.subject.rfc4514_string(),
            ),
            Msg.of("Use the person's certificate issued by the meeting's certificate authority."),
            "certificate has no X25519 binding extension",
        )
    return X25519Recipient(bound)


def decryption_identity(identity: Identity) -> X25519Identity:
    """The age identity that opens packages encrypted to ``identity``'s certificate."""
    return X25519Identity(identity.x25519_private_key)
