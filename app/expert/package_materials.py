"""Materials from the application packages of an expert-side workspace.

:class:`PackageMaterials` implements :class:`app.expert.materials.MaterialsSource` over
``packages/<application_id>.oipkg`` (as :func:`app.kit.import_kit` copied them). Each
package is opened on first use - the full staged check of :func:`app.package.open_package`
(issuer signature against the reader's own roots, manifest, form) - and kept open in
memory; attachments are decrypted on demand and returned as bytes only after their
SHA-256 matched the signed manifest. Nothing decrypted is ever written to disk. Opening
can take a moment: calling off the GUI thread is the caller's business; one instance is
meant for one thread at a time (a lock keeps concurrent first opens safe anyway).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from cryptography import x509

from app.crypto.age_keys import Identity as AgeIdentity
from app.crypto.cms import SignatureError
from app.crypto.revocation import RevocationLists
from app.domain.ids import ApplicationId
from app.domain.meeting import FormPart
from app.expert.materials import AttachmentInfo, IssuerSignature
from app.formats.signed_manifest import format_time
from app.i18n import LocalizedText, Msg
from app.package import OpenedPackage, PackageFormError, open_package
from app.package.errors import PackageSignatureError
from app.package.manifest import ATTACHMENT_PREFIX

PACKAGE_SUFFIX = ".oipkg"


class PackageMaterials:
    """A :class:`~app.expert.materials.MaterialsSource` reading encrypted packages in place.

    ``identities`` are age identities: the expert's own
    (:func:`app.package.decryption_identity`) or the unlocked meeting key. ``revocations``
    are the lists the meeting kit carried (:meth:`app.kit.record.KitRecord.revocations`): a
    revoked issuer's package is refused with the date.
    """

    def __init__(
        self,
        packages_dir: Path,
        identities: Sequence[AgeIdentity],
        trust_roots: Sequence[x509.Certificate],
        now: datetime,
        revocations: RevocationLists | None = None,
    ) -> None:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self._dir = Path(packages_dir)
        self._identities = tuple(identities)
        self._roots = tuple(trust_roots)
        self._now = now
        self._revocations = revocations if revocations is not None else RevocationLists()
        self._opened: dict[str, OpenedPackage] = {}
        self._lock = threading.Lock()

    def package(self, application_id: ApplicationId) -> OpenedPackage:
        """The opened (fully checked) package of the application, opened on first use."""
        key = str(application_id)
        with self._lock:
            found = self._opened.get(key)
            if found is None:
                found = open_package(
                    self._dir / f"{key}{PACKAGE_SUFFIX}",
                    self._identities,
                    self._roots,
                    self._now,
                    crls=self._revocations.current,
                )
                try:
                    self._revocations.check(found.issuer.certificate, self._now)
                except SignatureError as exc:
                    found.close()
                    raise PackageSignatureError(exc) from exc
                if str(found.application.id) != key:
                    found.close()
                    raise PackageFormError(
                        Msg.of(
                            "it carries the application {found}, not {expected}.",
                            found=found.application.id,
                            expected=key,
                        ),
                        "package application id != file name",
                    )
                self._opened[key] = found
            return found

    def form(self, application_id: ApplicationId) -> tuple[FormPart, ...]:
        """The form of the package, as its reader checked it (in memory)."""
        return self.package(application_id).application.form

    def attachments(self, application_id: ApplicationId) -> tuple[AttachmentInfo, ...]:
        return tuple(
            AttachmentInfo(
                name=m.name[len(ATTACHMENT_PREFIX) :],
                title=m.title or LocalizedText(m.name, m.name),
                size=m.size,
                sha256=m.sha256,
            )
            for m in self.package(application_id).attachments
        )

    def read_attachment(self, application_id: ApplicationId, name: str) -> bytes:
        """``name`` as :meth:`attachments` gives it (without ``attachments/``); in memory."""
        member = name if name.startswith(ATTACHMENT_PREFIX) else ATTACHMENT_PREFIX + name
        package = self.package(application_id)
        if package.manifest.member(member) is None or member not in package.member_names:
            raise KeyError(name)
        return package.read_member(member)

    def issuer_signature(self, application_id: ApplicationId) -> IssuerSignature | None:
        package = self.package(application_id)
        issuer = package.issuer
        return IssuerSignature(
            signer_name=issuer.common_name,
            organisation=issuer.organisation,
            fingerprint=issuer.fingerprint,
            verified_at=format_time(self._now),
            package_id=package.manifest.package_id,
        )

    def add_identity(self, identity: AgeIdentity) -> None:
        """Also try ``identity`` (the meeting key unlocked with the meeting passphrase).

        A package that did not open before is tried again on its next use; packages already
        open stay as they are. The key lives in memory only, for this session.
        """
        with self._lock:
            if identity not in self._identities:
                self._identities = (*self._identities, identity)

    def close(self) -> None:
        """Close every opened package (their keys and buffers go with them)."""
        with self._lock:
            for package in self._opened.values():
                package.close()
            self._opened.clear()

    def __enter__(self) -> PackageMaterials:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def add_meeting_key(
    materials: PackageMaterials, sealed_meeting_key: bytes, passphrase: str
) -> None:
    """Unlock the kit's meeting key with the meeting passphrase and let ``materials`` use it.

    For an expert whose own key a package does not name (DESIGN section 3: packages are also
    encrypted to the meeting key). Raises :class:`app.kit.meeting_key.MeetingKeyPassphraseError`
    for a wrong passphrase; slow on purpose (scrypt), so call it off the GUI thread.
    """
    from app.kit.meeting_key import unlock_meeting_key

    materials.add_identity(unlock_meeting_key(sealed_meeting_key, passphrase))
