"""The full demo material: a CA, identities, signed encrypted packages, a kit, a workspace.

``build_demo`` plays every part of a meeting on one machine, so a trainer (or a test) can
walk through the real files: the issuing office builds a package per application, the
secretary builds and signs the kit, an expert imports it. Every secret is a fixed,
documented **demo** passphrase (README, "Demo material") - never use them for real work.

Layout of the folder (all created by one call; moved into place only when complete)::

    ca/ca.p12, ca/ca.pem       the demo certificate authority (passphrase DEMO_CA_PASSPHRASE)
    trust-roots.pem            the CA certificate, as an expert configures it
    identities/issuer.p12      the issuing office      (DEMO_ISSUER_PASSPHRASE)
    identities/secretary.p12   the meeting secretary   (DEMO_SECRETARY_PASSPHRASE)
    identities/expert-eNN.p12  each of the 7 experts   (demo-expert-eNN)
    meeting-key.age            the meeting key sealed with DEMO_MEETING_PASSPHRASE
    issued/<id>.oipkg          the issuer's packages, as the secretary received them
    meeting.oikit              the meeting kit signed by the secretary
    workspace.sqlite           the expert-side workspace imported from the kit
    packages/<id>.oipkg        the packages copied (still encrypted) by the import

PDF attachments come from ``attachment_maker`` (injected: ``app`` does not import
``export``/reportlab; the CLI, the composition root, passes
``export.demo_attachments.demo_attachments``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from app.demo.attachments import AttachmentMaker as AttachmentMaker  # re-exported
from app.demo.attachments import default_attachment_maker as default_attachment_maker
from app.demo.attachments import no_attachments as no_attachments
from app.demo.attachments import use_attachment_maker as use_attachment_maker
from app.domain.ids import ApplicationId
from app.errors import StorageError
from app.i18n import Msg
from app.ports import ExpertStores

DEMO_CA_PASSPHRASE: Final = "demo-ca"
DEMO_ISSUER_PASSPHRASE: Final = "demo-issuer"
DEMO_SECRETARY_PASSPHRASE: Final = "demo-secretary"
DEMO_EXPERT_PASSPHRASE: Final = "demo-expert-{expert_id}"
DEMO_MEETING_PASSPHRASE: Final = "2026-0416-0000-1111-2222-3333"

CA_DIR: Final = "ca"
TRUST_ROOTS_FILE: Final = "trust-roots.pem"
IDENTITIES_DIR: Final = "identities"
ISSUED_DIR: Final = "issued"
MEETING_KEY_FILE: Final = "meeting-key.age"
KIT_FILE: Final = "meeting.oikit"
_STAGING: Final = ".demo-build.partial"


def expert_passphrase(expert_id: str) -> str:
    """The documented demo passphrase of expert ``expert_id`` (``demo-expert-e01``, ...)."""
    return DEMO_EXPERT_PASSPHRASE.format(expert_id=expert_id)


@dataclass(frozen=True)
class DemoSummary:
    """Where everything is; paths are inside ``directory``."""

    directory: Path
    ca_dir: Path
    trust_roots: Path
    identities: dict[str, Path]
    """``issuer``, ``secretary`` and each expert id -> their ``.p12``."""
    meeting_key: Path
    issued_packages: tuple[Path, ...]
    kit: Path
    kit_hash: str
    workspace: Path
    packages_dir: Path

    @property
    def passphrases(self) -> dict[str, str]:
        """Every demo passphrase by what it opens (for the CLI's hint)."""
        found = {
            "ca": DEMO_CA_PASSPHRASE,
            "issuer": DEMO_ISSUER_PASSPHRASE,
            "secretary": DEMO_SECRETARY_PASSPHRASE,
            "meeting": DEMO_MEETING_PASSPHRASE,
        }
        for name in self.identities:
            if name not in ("issuer", "secretary"):
                found[name] = expert_passphrase(name)
        return found


def demo_summary(directory: Path, kit_hash: str = "") -> DemoSummary:
    """The summary of the demo material in ``directory`` (as :func:`build_demo` lays it out)."""
    from app.demo.meeting import load_demo

    meeting, _rubric = load_demo()
    ids = ["issuer", "secretary", *(str(e.id) for e in meeting.experts)]
    return DemoSummary(
        directory=directory,
        ca_dir=directory / CA_DIR,
        trust_roots=directory / TRUST_ROOTS_FILE,
        identities={name: directory / IDENTITIES_DIR / _p12_name(name) for name in ids},
        meeting_key=directory / MEETING_KEY_FILE,
        issued_packages=tuple(
            directory / ISSUED_DIR / f"{a.id}.oipkg" for a in meeting.applications
        ),
        kit=directory / KIT_FILE,
        kit_hash=kit_hash,
        workspace=directory / "workspace.sqlite",
        packages_dir=directory / "packages",
    )


def _p12_name(name: str) -> str:
    return f"{name}.p12" if name in ("issuer", "secretary") else f"expert-{name}.p12"


def build_demo(
    stores: ExpertStores, directory: Path, now: datetime, attachment_maker: AttachmentMaker
) -> DemoSummary:
    """Build the whole demo in ``directory`` (see the module doc; the workspace is made in
    ``stores``) and return where it is.

    Everything is built in a hidden staging folder inside ``directory`` and moved into
    place at the end, the workspace last, so an interrupted build leaves no half demo.
    Refuses (:class:`StorageError`) a folder that already holds a workspace or a kit.
    """
    directory = Path(directory)
    summary = demo_summary(directory)
    for existing in (summary.workspace, summary.kit, summary.ca_dir):
        if existing.exists():
            raise StorageError(
                Msg.of("{path} already exists; the demo is not built over it.", path=str(existing)),
                Msg.of("Choose an empty folder for the demo."),
            )
    staging = directory / _STAGING
    try:
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
    except OSError as exc:
        raise _folder_error(directory, exc) from exc
    try:
        kit_hash = _build(stores, staging, now, attachment_maker)
        _move_into_place(staging, directory)
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
    return demo_summary(directory, kit_hash)


def _build(
    stores: ExpertStores, base: Path, now: datetime, attachment_maker: AttachmentMaker
) -> str:
    # Heavy modules only when a demo is really built (the CLI imports this module early).
    from dataclasses import replace

    from cryptography.hazmat.primitives.asymmetric import ec

    from app.crypto import pki, profile
    from app.crypto.identity import Identity, derive_x25519_private_key, serialize_pkcs12
    from app.crypto.profile import Role
    from app.demo.meeting import load_demo
    from app.expert.kit_import import import_kit
    from app.formats.atomic_file import atomic_write
    from app.kit.builder import build_kit
    from app.kit.meeting_key import generate_meeting_key, seal_meeting_key
    from app.package import Attachment, build_package, recipient_for_certificate

    meeting, rubric = load_demo()
    summary = demo_summary(base)
    pki.init_ca(
        summary.ca_dir,
        "Review Desk DEMO CA 示例根证书",
        DEMO_CA_PASSPHRASE.encode(),
        now,
        organisation="DEMO 示例",
    )
    ca = pki.load_ca(summary.ca_dir, DEMO_CA_PASSPHRASE.encode())
    pki.write_trust_roots(summary.trust_roots, [ca.certificate])
    (base / IDENTITIES_DIR).mkdir()

    def person(name: str, role: Role, cn: str, org: str, passphrase: str) -> Identity:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = pki.issue_certificate(ca, role, cn, org, key, now)
        p12 = serialize_pkcs12(key, cert, [ca.certificate], passphrase.encode())
        atomic_write(summary.identities[name], p12, mode=0o600)
        return Identity(cert, key, (ca.certificate,), role, derive_x25519_private_key(key))

    issuer = person(
        "issuer", Role.ISSUER, "示例受理处 DEMO Issuing Office", "DEMO 示例", DEMO_ISSUER_PASSPHRASE
    )
    secretary = person(
        "secretary",
        Role.SECRETARY,
        "示例会议秘书 DEMO Secretary",
        "DEMO 示例",
        DEMO_SECRETARY_PASSPHRASE,
    )
    experts = []
    expert_certs = []
    for expert in meeting.experts:
        identity = person(
            str(expert.id),
            Role.EXPERT,
            expert.name.zh_CN,
            expert.organisation.zh_CN,
            expert_passphrase(str(expert.id)),
        )
        experts.append(replace(expert, fingerprint=profile.fingerprint(identity.certificate)))
        expert_certs.append(identity.certificate)
    meeting = replace(meeting, experts=tuple(experts))
    key = generate_meeting_key()
    sealed = seal_meeting_key(key, DEMO_MEETING_PASSPHRASE)
    atomic_write(summary.meeting_key, sealed, mode=0o644)
    recipients = [
        *(recipient_for_certificate(c) for c in expert_certs),
        recipient_for_certificate(secretary.certificate),
        key.recipient,
    ]
    (base / ISSUED_DIR).mkdir()
    packages: dict[ApplicationId, Path] = {}
    for application, out in zip(meeting.applications, summary.issued_packages, strict=True):
        attachments = [
            Attachment(data, title, name) for name, title, data in attachment_maker(application)
        ]
        build_package(application, attachments, issuer, recipients, out, now)
        packages[application.id] = out
    kit = build_kit(
        meeting, rubric, packages, [ca.certificate], secretary, sealed, summary.kit, now
    )
    import_kit(stores, summary.kit, base, [ca.certificate], now)
    return kit.kit_hash


def _move_into_place(staging: Path, directory: Path) -> None:
    """Move each built item from ``staging`` into ``directory``; the workspace last, so
    its presence means the demo is complete."""
    names = sorted(p.name for p in staging.iterdir())
    last = "workspace.sqlite"
    try:
        for name in [n for n in names if n != last] + [last]:
            target = directory / name
            if target.is_dir():
                shutil.rmtree(target)
            os.replace(staging / name, target)
    except OSError as exc:
        raise _folder_error(directory, exc) from exc


def _folder_error(directory: Path, exc: OSError) -> StorageError:
    return StorageError(
        Msg.of(
            "Cannot write the demo to {path}: {reason}",
            path=str(directory),
            reason=exc.strerror or str(exc),
        ),
        Msg.of("Check that the location exists and is writable."),
    )
