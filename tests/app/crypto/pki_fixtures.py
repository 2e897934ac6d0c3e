"""A throw-away PKI for the trust-layer tests, made once per session (PBKDF2 is slow).

Keys are generated here and live only in pytest's temporary directory; no key is committed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from app.crypto import pki
from app.crypto.identity import Identity, derive_x25519_private_key, load_identity
from app.crypto.profile import Role

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CA_PASSPHRASE = b"correct horse battery staple"
EXPERT_PASSPHRASE = "专家口令 expert-passphrase".encode()
EXPERT_NAME = "张伟"
EXPERT_ORG = "清华大学"

needs_openssl = pytest.mark.tool("openssl")


@dataclass(frozen=True)
class PkiFixture:
    base: Path
    ca_dir: Path
    ca: pki.CertificateAuthority
    other_ca_dir: Path
    other_ca: pki.CertificateAuthority
    expert_p12: Path
    expert: Identity
    people: dict[Role, Identity] = field(default_factory=dict)

    @property
    def root_pem(self) -> Path:
        return self.ca_dir / pki.CA_CERT_FILE

    @property
    def other_root_pem(self) -> Path:
        return self.other_ca_dir / pki.CA_CERT_FILE


def in_memory_identity(
    ca: pki.CertificateAuthority,
    role: Role,
    name: str,
    *,
    now: datetime = NOW,
    validity: timedelta = pki.DEFAULT_PERSON_VALIDITY,
) -> Identity:
    """An identity without the PKCS#12 round trip (fast), issued by ``ca``."""
    key = ec.generate_private_key(ec.SECP256R1())
    cert = pki.issue_certificate(ca, role, name, "测试单位", key, now, validity=validity)
    return Identity(
        certificate=cert,
        signing_key=key,
        chain=(ca.certificate,),
        role=role,
        x25519_private_key=derive_x25519_private_key(key),
    )


_CACHE: dict[int, PkiFixture] = {}


def shared_pki(factory: pytest.TempPathFactory) -> PkiFixture:
    cached = _CACHE.get(id(factory))
    if cached is not None:
        return cached
    base = factory.mktemp("pki")
    ca_dir = base / "ca"
    other_dir = base / "other-ca"
    pki.init_ca(ca_dir, "评审测试根CA", CA_PASSPHRASE, NOW, organisation="科技部测试")
    pki.init_ca(other_dir, "Other Root", CA_PASSPHRASE, NOW)
    expert_p12 = base / "expert.p12"
    pki.issue(
        ca_dir,
        CA_PASSPHRASE,
        Role.EXPERT,
        EXPERT_NAME,
        EXPERT_ORG,
        expert_p12,
        EXPERT_PASSPHRASE,
        NOW,
    )
    ca = pki.load_ca(ca_dir, CA_PASSPHRASE)
    other = pki.load_ca(other_dir, CA_PASSPHRASE)
    people = {
        role: in_memory_identity(ca, role, f"{role.value} 测试")
        for role in (Role.ISSUER, Role.SECRETARY, Role.MINISTRY)
    }
    result = PkiFixture(
        base=base,
        ca_dir=ca_dir,
        ca=ca,
        other_ca_dir=other_dir,
        other_ca=other,
        expert_p12=expert_p12,
        expert=load_identity(expert_p12.read_bytes(), EXPERT_PASSPHRASE),
        people=people,
    )
    _CACHE[id(factory)] = result
    return result
