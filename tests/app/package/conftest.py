"""Session-wide identities and packages for the package tests (PKCS#12 loading is slow)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from app.crypto.age_keys import X25519Identity
from app.crypto.identity import Identity
from app.crypto.profile import Role
from app.i18n import LocalizedText
from app.kit.meeting_key import generate_meeting_key, seal_meeting_key
from app.package import Attachment, build_package, decryption_identity, recipient_for_certificate
from tests.app.crypto.pki_fixtures import PkiFixture, in_memory_identity, shared_pki
from tests.app.package.helpers import NOW, pdf_bytes, small_application, template_application

MEETING_PASSPHRASE = "4821-0937-5566-1200-7384-9051"


@dataclass(frozen=True)
class World:
    pki: PkiFixture
    issuer: Identity
    expert: Identity
    secretary: Identity
    outsider: Identity
    meeting_key: X25519Identity
    sealed_meeting_key: bytes
    base: Path

    @property
    def roots(self) -> list:  # type: ignore[type-arg]
        return [self.pki.ca.certificate]

    @property
    def recipients(self) -> list:  # type: ignore[type-arg]
        return [
            recipient_for_certificate(self.expert.certificate),
            recipient_for_certificate(self.secretary.certificate),
            self.meeting_key.recipient,
        ]

    def expert_key(self) -> X25519Identity:
        return decryption_identity(self.expert)


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    pkix = shared_pki(tmp_path_factory)
    key = generate_meeting_key()
    return World(
        pki=pkix,
        issuer=pkix.people[Role.ISSUER],
        expert=pkix.expert,
        secretary=pkix.people[Role.SECRETARY],
        outsider=in_memory_identity(pkix.ca, Role.EXPERT, "局外人"),
        meeting_key=key,
        sealed_meeting_key=seal_meeting_key(key, MEETING_PASSPHRASE, log_n=10),
        base=tmp_path_factory.mktemp("packages"),
    )


@pytest.fixture(scope="session")
def two_pdf_package(world: World) -> Path:
    """The template application with two PDF attachments, for every recipient."""
    out = world.base / "two-pdfs.oipkg"
    first = world.base / "可行性报告.pdf"
    first.write_bytes(pdf_bytes(70_000, seed=1))  # spans two STREAM chunks
    build_package(
        template_application(),
        [
            Attachment(first, LocalizedText("Feasibility report", "可行性报告")),
            Attachment(pdf_bytes(3_000, seed=2), LocalizedText("Letter", "推荐函"), "letter.pdf"),
        ],
        world.issuer,
        world.recipients,
        out,
        NOW,
    )
    return out


@pytest.fixture(scope="session")
def small_package(world: World) -> bytes:
    """A package of a few KB, encrypted to the expert only (for exhaustive tampering)."""
    out = world.base / "small.oipkg"
    build_package(
        small_application(),
        [Attachment(pdf_bytes(300, seed=3), LocalizedText("A", "甲"), "a.pdf")],
        world.issuer,
        [recipient_for_certificate(world.expert.certificate)],
        out,
        NOW,
    )
    return out.read_bytes()
