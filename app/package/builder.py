"""Building a package: validate, hash, sign, then stream ZIP -> age -> disk atomically.

Nothing is held in memory whole: a first pass streams every attachment once to learn its
size, SHA-256 and CRC-32 (and check the ``%PDF-`` magic); the manifest is then signed;
a second pass streams the archive - headers, then each member read afresh from its file
and hashed again (a file that changed in between is refused) - through the age encryption
into a temporary file next to ``out``, which is fsynced and renamed. On any failure the
temporary file is removed and ``out`` is untouched.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Final, cast

from app.crypto.age_file import encrypt
from app.crypto.age_keys import Recipient, ScryptRecipient, X25519Recipient
from app.crypto.cms import sign_detached
from app.crypto.identity import Identity as PersonIdentity
from app.crypto.profile import Role, role_label
from app.crypto.signer import require_signer
from app.domain.meeting import Application
from app.formats.atomic_file import create_temporary
from app.formats.bounded_read import iter_bounded
from app.i18n import LocalizedText, Msg
from app.package.errors import PackageBuildError, PackageFormError
from app.package.form import application_summary, check_title, form_bytes, validate_application
from app.package.manifest import (
    ATTACHMENT_PREFIX,
    FORM_NAME,
    MANIFEST_NAME,
    MAX_SIGNATURE_SIZE,
    PDF_MEDIA_TYPE,
    SIGNATURE_NAME,
    Manifest,
    ManifestMember,
    MemberKind,
    is_attachment_name,
    manifest_bytes,
    new_package_id,
)
from app.package.zipcheck import MAX_ENTRIES
from app.package.zipwrite import (
    MAX_ARCHIVE_SIZE,
    PlannedEntry,
    archive_size,
    central_directory,
    dos_timestamp,
    local_header,
)

PDF_MAGIC: Final = b"%PDF-"
_BLOCK: Final = 1 << 20

Progress = Callable[[int, int], None]
"""``progress(done, total)`` in plaintext bytes; called from the building thread."""


@dataclass(frozen=True)
class Attachment:
    """A PDF to include: a file (streamed, never loaded whole) or bytes already in memory.

    ``name`` is the file name inside ``attachments/`` (default: the file's name, or
    ``attachment-N.pdf`` for bytes); it gets a ``.pdf`` suffix if it lacks one.
    """

    source: Path | bytes
    title: LocalizedText
    name: str | None = None


@dataclass(frozen=True)
class PackageSummary:
    """What was written. ``encrypted_size`` is the size of the ``.oipkg`` file."""

    path: Path
    package_id: str
    created_at: datetime
    encrypted_size: int
    plaintext_size: int
    recipient_count: int
    manifest_sha256: str
    members: tuple[ManifestMember, ...]


@dataclass(frozen=True)
class _Scanned:
    member: ManifestMember
    crc32: int
    source: Path | bytes


def build_package(
    form: Application,
    attachments: Sequence[Attachment],
    signer: PersonIdentity,
    recipients: Sequence[Recipient],
    out: Path,
    now: datetime,
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> PackageSummary:
    """Write the package for ``form`` and ``attachments`` to ``out``; return its summary.

    Refuses (:class:`PackageBuildError`, nothing written): a signer without the issuer role
    or not valid at ``now``; no recipient, or any recipient that is not X25519 (a
    passphrase cannot share a file with keys - use the meeting key); an attachment that is
    not a PDF, unreadable, or changed during the build; an existing ``out`` unless
    ``overwrite``. An invalid form raises :class:`PackageFormError` naming the field.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    application = validate_application(form)
    for index, attachment in enumerate(attachments):
        check_title(attachment.title, f"attachments[{index}].title")
    _check_signer(signer, now)
    keys = _check_recipients(recipients)
    out = Path(out)
    if out.exists() and not overwrite:
        raise PackageBuildError(
            Msg.of("{path} already exists.", path=str(out)),
            Msg.of("Choose another file name, or remove the old package first."),
            "output exists",
        )
    form_data = form_bytes(application)
    scanned = [_scan_bytes(FORM_NAME, MemberKind.FORM, form_data, None)]
    scanned += _scan_attachments(attachments)
    manifest = Manifest(
        package_id=new_package_id(),
        created_at=now,
        application=application_summary(application),
        members=tuple(s.member for s in scanned),
    )
    manifest_data = manifest_bytes(manifest)
    signature = sign_detached(manifest_data, signer)
    if len(signature) > MAX_SIGNATURE_SIZE:
        raise PackageBuildError(
            Msg.of("The signature is too large for a package."),
            Msg.of("Use an identity whose certificate chain is short."),
            f"signature of {len(signature)} bytes",
        )
    entries = [
        _Scanned(
            ManifestMember(MANIFEST_NAME, len(manifest_data), "", MemberKind.FORM),
            zlib.crc32(manifest_data),
            manifest_data,
        ),
        _Scanned(
            ManifestMember(SIGNATURE_NAME, len(signature), "", MemberKind.FORM),
            zlib.crc32(signature),
            signature,
        ),
        *scanned,
    ]
    planned = [PlannedEntry(e.member.name, e.member.size, e.crc32) for e in entries]
    total = archive_size(planned)
    if total > MAX_ARCHIVE_SIZE:
        raise PackageBuildError(
            Msg.of("The package would be larger than 4 GiB."),
            Msg.of("Split the attachments over several packages or reduce their size."),
            f"archive of {total} bytes",
        )
    stream = _ArchiveStream(_archive_chunks(entries, planned, now, total, progress))
    size = _write_atomically(out, lambda fh: encrypt(cast(BinaryIO, stream), fh, keys))
    return PackageSummary(
        path=out,
        package_id=manifest.package_id,
        created_at=now,
        encrypted_size=size,
        plaintext_size=total,
        recipient_count=len(keys),
        manifest_sha256=hashlib.sha256(manifest_data).hexdigest(),
        members=manifest.members,
    )


def _check_signer(signer: PersonIdentity, now: datetime) -> None:
    require_signer(
        signer,
        Role.ISSUER,
        now,
        PackageBuildError,
        wrong_role=Msg.of(
            "Only an issuer may sign a package; this identity is a {role}.",
            role=role_label(signer.role),
        ),
        recommendation=Msg.of("Sign with the issuing office's identity."),
    )


def _check_recipients(recipients: Sequence[Recipient]) -> list[X25519Recipient]:
    if not recipients:
        raise PackageBuildError(
            Msg.of("A package needs at least one recipient."),
            Msg.of("Add the experts, the secretary and the meeting key as recipients."),
            "no recipients",
        )
    keys: dict[bytes, X25519Recipient] = {}
    for recipient in recipients:
        if isinstance(recipient, ScryptRecipient):
            raise PackageBuildError(
                Msg.of("A package cannot be encrypted with a passphrase."),
                Msg.of("Encrypt it to the meeting key instead; the passphrase protects that key."),
                "scrypt recipient",
            )
        if not isinstance(recipient, X25519Recipient):
            raise PackageBuildError(
                Msg.of("Packages are encrypted to X25519 keys (age1…) only."),
                Msg.of("Use the recipients' certificates or age1… public keys."),
                f"recipient type {type(recipient).__name__}",
            )
        keys.setdefault(recipient.public_key, recipient)
    return list(keys.values())


def _scan_bytes(name: str, kind: MemberKind, data: bytes, title: LocalizedText | None) -> _Scanned:
    media = PDF_MEDIA_TYPE if kind is MemberKind.ATTACHMENT else None
    member = ManifestMember(name, len(data), hashlib.sha256(data).hexdigest(), kind, title, media)
    return _Scanned(member, zlib.crc32(data), data)


def _member_name(attachment: Attachment, index: int) -> str:
    base = attachment.name
    if base is None:
        base = attachment.source.name if isinstance(attachment.source, Path) else ""
    base = base or f"attachment-{index + 1}.pdf"
    if base.lower().endswith(".pdf"):
        base = base[: -len(".pdf")]
    name = f"{ATTACHMENT_PREFIX}{base}.pdf"
    if not is_attachment_name(name):
        raise PackageBuildError(
            Msg.of("The attachment name “{name}” cannot be used in a package.", name=base[:80]),
            Msg.of(
                "Rename the file: no slashes, backslashes or control characters, at most 180 bytes."
            ),
            "unacceptable attachment name",
        )
    return name


def _scan_attachments(attachments: Sequence[Attachment]) -> list[_Scanned]:
    if len(attachments) > MAX_ENTRIES - 3:
        raise PackageBuildError(
            Msg.of("A package holds at most {limit} attachments.", limit=MAX_ENTRIES - 3),
            Msg.of("Merge some attachments into one PDF."),
            f"{len(attachments)} attachments",
        )
    scanned: list[_Scanned] = []
    names: set[str] = set()
    for index, attachment in enumerate(attachments):
        name = _member_name(attachment, index)
        if name in names:
            raise PackageBuildError(
                Msg.of("Two attachments are named “{name}”.", name=name),
                Msg.of("Give each attachment its own file name."),
                "duplicate attachment name",
            )
        names.add(name)
        digest = hashlib.sha256()
        crc = 0
        size = 0
        for block in _blocks(attachment.source, name):
            if size == 0 and not block.startswith(PDF_MAGIC):
                raise _not_pdf(name)
            digest.update(block)
            crc = zlib.crc32(block, crc)
            size += len(block)
        if size < len(PDF_MAGIC):
            raise _not_pdf(name)
        member = ManifestMember(
            name, size, digest.hexdigest(), MemberKind.ATTACHMENT, attachment.title, PDF_MEDIA_TYPE
        )
        scanned.append(_Scanned(member, crc, attachment.source))
    return scanned


def _not_pdf(name: str) -> PackageBuildError:
    return PackageBuildError(
        Msg.of("The attachment {name} is not a PDF file.", name=name),
        Msg.of("Attach PDF documents only; convert other documents to PDF first."),
        "missing %PDF- magic",
    )


def _blocks(source: Path | bytes, name: str) -> Iterator[bytes]:
    """The source in blocks; the first block has at least 5 bytes when the source does."""
    if isinstance(source, bytes):
        for start in range(0, len(source), _BLOCK):
            yield source[start : start + _BLOCK]
        return

    def refuse(reason: Msg, detail: str) -> PackageBuildError:
        return PackageBuildError(
            Msg.of("Cannot read the attachment {path}: {reason}", path=str(source), reason=reason),
            Msg.of("Check the file name and its permissions."),
            f"{name}: {detail}",
        )

    # bounded: a pipe or device that never ends is refused once a package could not hold it
    yield from iter_bounded(source, MAX_ARCHIVE_SIZE, refuse, block=_BLOCK)


def _archive_chunks(
    entries: list[_Scanned],
    planned: list[PlannedEntry],
    now: datetime,
    total: int,
    progress: Progress | None,
) -> Iterator[bytes]:
    stamp = dos_timestamp(now)
    done = 0
    for entry, plan in zip(entries, planned, strict=True):
        header = local_header(plan, stamp)
        done += len(header)
        yield header
        digest = hashlib.sha256()
        for block in _blocks(entry.source, entry.member.name):
            digest.update(block)
            done += len(block)
            yield block
            if progress is not None:
                progress(done, total)
        if entry.member.sha256 and digest.hexdigest() != entry.member.sha256:
            raise PackageBuildError(
                Msg.of(
                    "The attachment {name} changed while the package was being built.",
                    name=entry.member.name,
                ),
                Msg.of("Build the package again once the file is no longer being edited."),
                "attachment hash changed between passes",
            )
    yield central_directory(planned, stamp)
    if progress is not None:
        progress(total, total)


class _ArchiveStream(io.RawIOBase):
    """A readable file object over an iterator of byte blocks (the archive being produced)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        while not self._pending:
            nxt = next(self._chunks, None)
            if nxt is None:
                return 0
            self._pending = memoryview(nxt)
        count = min(len(view), len(self._pending))
        view[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count


def _write_atomically(out: Path, write: Callable[[BinaryIO], None]) -> int:
    """Temporary file in ``out``'s folder (mode 0600), fsync, rename, fsync the folder.

    Streaming counterpart of :func:`app.formats.atomic_file.atomic_write`; returns the size written.
    """
    directory = out.parent if str(out.parent) else Path(".")
    try:
        fd, tmp_name = create_temporary(directory, out.name)
    except OSError as exc:
        raise _write_error(out, exc) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            if hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), 0o600)
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
            size = fh.tell()
        os.replace(tmp_name, out)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise _write_error(out, exc) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    if os.name != "nt":
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return size


def _write_error(out: Path, exc: OSError) -> PackageBuildError:
    return PackageBuildError(
        Msg.of("Cannot write {path}.", path=str(out)),
        Msg.of("Check that the folder exists, is writable and has enough free space."),
        f"OSError: {exc.strerror}",
    )


__all__ = ["Attachment", "PackageFormError", "PackageSummary", "Progress", "build_package"]
