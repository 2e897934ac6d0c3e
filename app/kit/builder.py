"""Building a meeting kit: check the inputs, hash, sign the manifest, stream the ZIP atomically.

A first pass hashes every member (packages are streamed, never loaded whole); the manifest
is signed by the secretary; a second pass streams the STORED archive - headers, then each
member read afresh and hashed again (a package that changed in between is refused) - into a
temporary file next to ``out``, which is fsynced and renamed.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from app.crypto import profile
from app.crypto.age_errors import AgeError
from app.crypto.cms import sign_detached
from app.crypto.identity import Identity
from app.crypto.pki import TrustStoreError, trust_bytes, trust_data
from app.crypto.profile import Role, role_label
from app.crypto.revocation import listed_revocation
from app.crypto.signer import require_signer
from app.domain.ids import ApplicationId
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.formats.canonical_json import dumps_canonical
from app.formats.meeting_file import meeting_to_document
from app.formats.rubric_file import rubric_to_document
from app.i18n import Msg
from app.kit.errors import KitBuildError
from app.kit.files import write_stream_atomically
from app.kit.manifest import (
    MANIFEST_NAME,
    MAX_SIGNATURE_SIZE,
    MEETING_KEY_NAME,
    MEETING_NAME,
    MEMBER_LIMITS,
    RUBRIC_NAME,
    SECRETARY_NAME,
    SIGNATURE_NAME,
    TRUST_ROOTS_NAME,
    KitManifest,
    KitMember,
    kit_hash,
    manifest_bytes,
    new_kit_id,
    package_name,
)
from app.kit.trust import issuing_root, sealed_key_problem
from app.package.errors import PackageError
from app.package.reader import inspect_package
from app.package.zipcheck import MAX_ENTRIES
from app.package.zipwrite import (
    MAX_ARCHIVE_SIZE,
    PlannedEntry,
    archive_size,
    central_directory,
    dos_timestamp,
    local_header,
)

_BLOCK: Final = 1 << 20


@dataclass(frozen=True)
class KitSummary:
    """What was written. ``kit_hash`` is what every sheet of this meeting will name."""

    path: Path
    kit_id: str
    kit_hash: str
    meeting_id: str
    created_at: datetime
    size: int
    members: tuple[KitMember, ...]


@dataclass(frozen=True)
class _Member:
    name: str
    source: Path | bytes
    size: int
    sha256: str
    crc32: int


def build_kit(
    meeting: Meeting,
    rubric: Rubric,
    packages: Mapping[ApplicationId, Path],
    trust_roots: Sequence[x509.Certificate],
    secretary_identity: Identity,
    sealed_meeting_key: bytes,
    out: Path,
    now: datetime,
    *,
    overwrite: bool = False,
    crls: Sequence[x509.CertificateRevocationList] = (),
) -> KitSummary:
    """Write the kit for ``meeting`` to ``out``; return its summary (with the kit hash).

    Refuses (:class:`KitBuildError`, nothing written): a signer that is not a secretary or
    not valid at ``now``, whose certificate does not chain to ``trust_roots``; a roster
    expert without a certificate fingerprint; a rubric other than the meeting's; a package
    missing for an application, or one for an application the meeting does not have, or
    one that is not a package (age, to keys); a sealed meeting key that is not one; an
    existing ``out`` unless ``overwrite``; ``crls`` (the secretary's trust file's, carried in
    ``trust-roots.pem`` for the experts, kit-v1 §4) that the trust-file rules refuse
    (trust-v1: not signed by one of ``trust_roots``, two from one root, not current at
    ``now``) or that do not fit the member's 64 KiB, or that revoke the secretary.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    _check_secretary(secretary_identity, trust_roots, now)
    _check_meeting(meeting, rubric)
    ordered = _check_packages(meeting, packages)
    problem = sealed_key_problem(sealed_meeting_key)
    if problem is not None:
        raise KitBuildError(
            Msg.of("The sealed meeting key is not a meeting key file."),
            Msg.of("Seal the meeting key with the meeting passphrase, then build the kit again."),
            problem,
        )
    out = Path(out)
    if out.exists() and not overwrite:
        raise KitBuildError(
            Msg.of("{path} already exists.", path=str(out)),
            Msg.of("Choose another file name, or remove the old kit first."),
            "output exists",
        )
    roots_pem = _trust_member(trust_roots, crls, now)
    revoked_at = listed_revocation(secretary_identity.certificate, crls, now)
    if revoked_at is not None:
        raise KitBuildError(
            Msg.of(
                "Your certificate was revoked on {date}: the experts would refuse the kit.",
                date=revoked_at.strftime("%Y-%m-%d %H:%M UTC"),
            ),
            Msg.of("Sign the kit with a valid secretary identity."),
            "secretary listed in the kit's revocation lists",
        )
    members = [
        _from_bytes(MEETING_NAME, dumps_canonical(meeting_to_document(meeting))),
        _from_bytes(RUBRIC_NAME, dumps_canonical(rubric_to_document(rubric))),
        _from_bytes(TRUST_ROOTS_NAME, roots_pem),
        _from_bytes(SECRETARY_NAME, secretary_identity.certificate.public_bytes(Encoding.PEM)),
        _from_bytes(MEETING_KEY_NAME, sealed_meeting_key),
        *(_from_file(package_name(app_id), path) for app_id, path in ordered),
    ]
    manifest = KitManifest(
        kit_id=new_kit_id(),
        meeting_id=str(meeting.id),
        created_at=now,
        members=tuple(KitMember(m.name, m.size, m.sha256) for m in members),
    )
    manifest_data = manifest_bytes(manifest)
    signature = sign_detached(manifest_data, secretary_identity)
    if len(signature) > MAX_SIGNATURE_SIZE:
        raise KitBuildError(
            Msg.of("The signature is too large for a meeting kit."),
            Msg.of("Use an identity whose certificate chain is short."),
            f"signature of {len(signature)} bytes",
        )
    entries = [_from_bytes(MANIFEST_NAME, manifest_data), _from_bytes(SIGNATURE_NAME, signature)]
    entries += members
    planned = [PlannedEntry(e.name, e.size, e.crc32) for e in entries]
    if archive_size(planned) > MAX_ARCHIVE_SIZE:
        raise KitBuildError(
            Msg.of("The meeting kit would be larger than 4 GiB."),
            Msg.of("Reduce the size of the attachments in the packages."),
            "archive too large",
        )
    try:
        size = write_stream_atomically(out, _archive(entries, planned, now))
    except OSError as exc:
        raise KitBuildError(
            Msg.of("Cannot write {path}: {reason}", path=str(out), reason=exc.strerror or str(exc)),
            Msg.of("Check that the folder exists and that you may write to it."),
            f"OSError: {exc.strerror}",
        ) from exc
    return KitSummary(
        path=out,
        kit_id=manifest.kit_id,
        kit_hash=kit_hash(manifest_data),
        meeting_id=manifest.meeting_id,
        created_at=now,
        size=size,
        members=manifest.members,
    )


def _check_secretary(
    identity: Identity, trust_roots: Sequence[x509.Certificate], now: datetime
) -> None:
    require_signer(
        identity,
        Role.SECRETARY,
        now,
        KitBuildError,
        wrong_role=Msg.of(
            "Only the meeting secretary may sign a meeting kit; this identity is a {role}.",
            role=role_label(identity.role),
        ),
        recommendation=Msg.of("Sign with the meeting secretary's identity."),
    )
    if issuing_root(identity.certificate, trust_roots) is None:
        raise KitBuildError(
            Msg.of("The secretary's certificate was not issued by the meeting's trust roots."),
            Msg.of("Use the trust roots of the authority that issued the secretary's identity."),
            "secretary not issued by any given root",
        )
    if profile.x25519_public_bytes(identity.certificate) is None:
        raise KitBuildError(
            Msg.of("The secretary's certificate carries no encryption key."),
            Msg.of("Issue the secretary a certificate from the meeting's certificate authority."),
            "no X25519 binding",
        )


def _trust_member(
    trust_roots: Sequence[x509.Certificate],
    crls: Sequence[x509.CertificateRevocationList],
    now: datetime,
) -> bytes:
    """``trust-roots.pem``: the roots, then their current lists (a trust-v1 text)."""
    data = trust_bytes(trust_roots, crls)
    try:
        trust_data(data, now, Msg.of("the meeting's trust file"))
    except TrustStoreError as exc:
        raise KitBuildError(exc.msg, exc.rec or exc.msg, "trust-roots.pem refused") from exc
    limit = MEMBER_LIMITS[TRUST_ROOTS_NAME]
    if len(data) > limit:
        raise KitBuildError(
            Msg.of(
                "The trust roots and revocation lists take {size} bytes; a meeting kit holds "
                "at most {limit}.",
                size=len(data),
                limit=limit,
            ),
            Msg.of("Keep only the meeting's certificate authority in the trust file."),
            f"trust-roots.pem of {len(data)} bytes",
        )
    return data


def _check_meeting(meeting: Meeting, rubric: Rubric) -> None:
    if meeting.rubric_id != rubric.id:
        raise KitBuildError(
            Msg.of(
                "The meeting uses rubric {expected}, but rubric {given} was supplied.",
                expected=meeting.rubric_id,
                given=rubric.id,
            ),
            Msg.of("Build the kit with the rubric the meeting names."),
            "rubric mismatch",
        )
    for expert in meeting.experts:
        if not expert.fingerprint or profile.normalize_fingerprint(expert.fingerprint) is None:
            raise KitBuildError(
                Msg.of(
                    "The expert {name} ({id}) has no certificate fingerprint on the roster.",
                    name=expert.name,
                    id=expert.id,
                ),
                Msg.of("Record every expert's certificate fingerprint before building the kit."),
                f"expert {expert.id} without fingerprint",
            )


def _check_packages(
    meeting: Meeting, packages: Mapping[ApplicationId, Path]
) -> list[tuple[str, Path]]:
    wanted = [str(a.id) for a in meeting.applications]
    given = {str(k): Path(v) for k, v in packages.items()}
    for app_id in wanted:
        if app_id not in given:
            raise KitBuildError(
                Msg.of("There is no package for the application {id}.", id=app_id),
                Msg.of("Add the issuing office's package of every application of the meeting."),
                f"missing package {app_id}",
            )
    extra = sorted(set(given) - set(wanted))
    if extra:
        raise KitBuildError(
            Msg.of("The package for {id} belongs to no application of this meeting.", id=extra[0]),
            Msg.of("Remove packages of other meetings from the kit."),
            f"extra package {extra[0]}",
        )
    if len(wanted) + 7 > MAX_ENTRIES:
        raise KitBuildError(
            Msg.of("A meeting kit holds at most {limit} packages.", limit=MAX_ENTRIES - 7),
            Msg.of("Split the meeting into smaller sessions."),
            "too many packages",
        )
    for app_id in wanted:
        path = given[app_id]
        try:
            info = inspect_package(path)
        except (PackageError, AgeError) as exc:
            raise KitBuildError(
                Msg.of("{path} is not an application package.", path=str(path)),
                Msg.of("Use the .oipkg file the issuing office sent."),
                f"{app_id}: {exc!r}",
            ) from exc
        if info.armored or info.passphrase_protected:
            raise KitBuildError(
                Msg.of("{path} is not an application package.", path=str(path)),
                Msg.of("Use the .oipkg file the issuing office sent."),
                f"{app_id}: armored or passphrase-protected",
            )
    return [(app_id, given[app_id]) for app_id in wanted]


def _from_bytes(name: str, data: bytes) -> _Member:
    return _Member(name, data, len(data), hashlib.sha256(data).hexdigest(), zlib.crc32(data))


def _from_file(name: str, path: Path) -> _Member:
    digest = hashlib.sha256()
    crc = 0
    size = 0
    for block in _blocks(path):
        digest.update(block)
        crc = zlib.crc32(block, crc)
        size += len(block)
    return _Member(name, path, size, digest.hexdigest(), crc)


def _blocks(source: Path | bytes) -> Iterator[bytes]:
    if isinstance(source, bytes):
        yield source
        return
    try:
        with source.open("rb") as fh:
            while block := fh.read(_BLOCK):
                yield block
    except OSError as exc:
        raise KitBuildError(
            Msg.of("Cannot read the package {path}.", path=str(source)),
            Msg.of("Check the file name and its permissions."),
            f"OSError: {exc.strerror}",
        ) from exc


def _archive(entries: list[_Member], planned: list[PlannedEntry], now: datetime) -> Iterator[bytes]:
    stamp = dos_timestamp(now)
    for entry, plan in zip(entries, planned, strict=True):
        yield local_header(plan, stamp)
        digest = hashlib.sha256()
        for block in _blocks(entry.source):
            digest.update(block)
            yield block
        if digest.hexdigest() != entry.sha256:
            raise KitBuildError(
                Msg.of(
                    "The package {name} changed while the kit was being built.", name=entry.name
                ),
                Msg.of("Build the kit again once the packages are no longer being copied."),
                "package hash changed between passes",
            )
    yield central_directory(planned, stamp)
