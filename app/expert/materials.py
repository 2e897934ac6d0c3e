"""Application materials as the expert reads them: the form and its attachments.

Materials come from the application packages (``app.package``): decrypted in memory, their
issuer signature verified and every member's hash checked before use. Nothing decrypted is
written to disk, and the workspace holds no form text (DESIGN section 3): the form the
expert reads is the one of the package, every time. The window reads them only through
:class:`MaterialsSource`, so it never touches a package, a key or a file path itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from app.domain.ids import ApplicationId
from app.domain.meeting import FormPart
from app.i18n import LocalizedText


@dataclass(frozen=True)
class AttachmentInfo:
    name: str
    title: LocalizedText
    size: int
    sha256: str


@dataclass(frozen=True)
class IssuerSignature:
    """What the verification of a package's issuer signature found, for the signature panel."""

    signer_name: str
    organisation: str
    fingerprint: str
    verified_at: str
    """RFC 3339 time of the verification."""
    package_id: str


class MaterialsSource(Protocol):
    def form(self, application_id: ApplicationId) -> tuple[FormPart, ...]:
        """The application's form (parts I-IV) from its package, in memory only."""
        ...

    def attachments(self, application_id: ApplicationId) -> tuple[AttachmentInfo, ...]:
        """The attachments of an application, in the order the issuer listed them."""
        ...

    def read_attachment(self, application_id: ApplicationId, name: str) -> bytes:
        """The attachment's bytes, hash-checked, in memory only."""
        ...

    def issuer_signature(self, application_id: ApplicationId) -> IssuerSignature | None:
        """The verified issuer signature of the application's package, if it has one."""
        ...


class NoMaterials:
    """A source for a workspace whose applications came without packages (no form text, no
    attachments)."""

    def form(self, application_id: ApplicationId) -> tuple[FormPart, ...]:
        return ()

    def attachments(self, application_id: ApplicationId) -> tuple[AttachmentInfo, ...]:
        return ()

    def read_attachment(self, application_id: ApplicationId, name: str) -> bytes:
        raise KeyError(name)

    def issuer_signature(self, application_id: ApplicationId) -> IssuerSignature | None:
        return None
