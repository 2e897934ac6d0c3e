"""Fixtures for the export tests: a small offline PKI and the signed demo report (signing is
slow enough to do once per session)."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509

from app.crypto import pki
from app.crypto.identity import Identity
from app.crypto.profile import Role
from tests.app.crypto.pki_fixtures import NOW, in_memory_identity


@dataclass(frozen=True)
class Signers:
    root: x509.Certificate
    ca: pki.CertificateAuthority
    chair: Identity
    secretary: Identity
    other_expert: Identity
    stranger: Identity
    """Issued by another CA."""


@pytest.fixture(scope="session")
def signers(tmp_path_factory: pytest.TempPathFactory) -> Signers:
    base = tmp_path_factory.mktemp("export-pki")
    pki.init_ca(base / "ca", "评审测试根CA", b"ca-pass", NOW, organisation="科技部测试")
    pki.init_ca(base / "other", "Other Root", b"ca-pass", NOW)
    ca = pki.load_ca(base / "ca", b"ca-pass")
    other = pki.load_ca(base / "other", b"ca-pass")
    return Signers(
        root=ca.certificate,
        ca=ca,
        chair=in_memory_identity(ca, Role.EXPERT, "周明远"),
        secretary=in_memory_identity(ca, Role.SECRETARY, "王秘书"),
        other_expert=in_memory_identity(ca, Role.EXPERT, "林婉清"),
        stranger=in_memory_identity(other, Role.SECRETARY, "冒名者"),
    )


SIGNED_AT = NOW + dt.timedelta(days=1)


def run(*args: str | Path) -> str:
    return subprocess.run(
        [str(a) for a in args], check=True, capture_output=True, text=True, timeout=120
    ).stdout
