"""Opening a package in the stages of package v1, each with its own error class.

1. age: bounded header parse, file key, header MAC, final chunk (:class:`AgeReader`);
   a passphrase-protected or armored file is refused (packages are binary, to keys).
2. ZIP: :func:`app.package.zipcheck.read_directory`; ``manifest.json`` (<= 1 MiB) and
   ``manifest.json.p7s`` (<= 64 KiB) present and CRC-checked.
3. Signature over the exact manifest bytes, against the caller's roots only, issuer role.
4. Strict manifest parse, format/version, members reconciled with the ZIP directory.
5. ``form.json`` hash-checked, then parsed strictly and compared with the manifest.

Only then does :func:`open_package` return. Member data is decrypted on demand, in memory;
nothing decrypted is written to disk except by an explicit :func:`extract`.
"""

from __future__ import annotations

import hashlib
import io
import os
import zlib
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from cryptography import x509

from app.crypto.age_file import inspect_header
from app.crypto.age_keys import Identity
from app.crypto.age_reader import AgeReader
from app.crypto.cms import SignatureError, SignerInfo, verify_detached
from app.crypto.profile import Role
from app.domain.meeting import Application
from app.i18n import Msg
from app.package.errors import (
    PackageContainerError,
    PackageFormError,
    PackageMemberError,
    PackageSignatureError,
)
from app.package.form import application_summary, parse_form
from app.package.manifest import (
    FORM_NAME,
    MANIFEST_NAME,
    MAX_MANIFEST_SIZE,
    MAX_SIGNATURE_SIZE,
    SIGNATURE_NAME,
    Manifest,
    ManifestMember,
    parse_manifest,
    reconcile,
)
from app.package.zipcheck import (
    ZipDirectory,
    ZipEntry,
    check_crc,
    check_length,
    iter_entry,
    read_directory,
    read_entry,
)

Progress = Callable[[int, int], None]
_ISSUER: Collection[Role] = frozenset({Role.ISSUER})


@dataclass(frozen=True)
class PackageInspection:
    """What a package shows without any key. The content size is unknown until opened."""

    format: str
    armored: bool
    header_size: int
    stanza_counts: tuple[tuple[str, int], ...]
    passphrase_protected: bool
    encrypted_size: int

    @property
    def recipient_count(self) -> int:
        return sum(count for _, count in self.stanza_counts)


@dataclass(frozen=True)
class MemberCheck:
    """One member whose bytes were hashed and matched the signed manifest."""

    name: str
    size: int
    sha256: str


def inspect_package(path: str | os.PathLike[str]) -> PackageInspection:
    """Parse the age header of ``path`` (strictly, bounded); no secret needed or used."""
    with _open_file(Path(path)) as fh:
        info = inspect_header(fh)
        size = fh.seek(0, io.SEEK_END)
    return PackageInspection(
        format="age",
        armored=info.armored,
        header_size=info.header_size,
        stanza_counts=info.stanza_counts,
        passphrase_protected=info.passphrase_protected,
        encrypted_size=size,
    )


class OpenedPackage:
    """A package whose signature, manifest and form have been checked.

    Holds the file open (use it as a context manager, or :meth:`close`). Attachments are
    read on demand; :meth:`read_member` checks the SHA-256 before returning any byte.
    """

    def __init__(
        self,
        file: BinaryIO,
        reader: AgeReader,
        directory: ZipDirectory,
        manifest: Manifest,
        manifest_data: bytes,
        signature: bytes,
        issuer: SignerInfo,
        application: Application,
    ) -> None:
        self._file = file
        self._reader = reader
        self.directory = directory
        self.manifest = manifest
        self.issuer = issuer
        self.application = application
        self._verified = {MANIFEST_NAME: manifest_data, SIGNATURE_NAME: signature}

    @property
    def attachments(self) -> tuple[ManifestMember, ...]:
        return self.manifest.attachments

    @property
    def plaintext_size(self) -> int:
        return self._reader.size

    @property
    def member_names(self) -> tuple[str, ...]:
        """Every ZIP member, in archive order (the manifest and its signature first)."""
        return self.directory.names

    def read_member(self, name: str) -> bytes:
        """The member's bytes, in memory, after its size, CRC-32 and SHA-256 are checked.

        Raises :class:`KeyError` for a name the package does not hold, and
        :class:`PackageMemberError` / :class:`PackageContainerError` / age payload errors
        if the bytes are not the signed ones.
        """
        verified = self._verified.get(name)
        if verified is not None:
            return verified
        return b"".join(self.iter_member(name))

    def iter_member(self, name: str, block: int = 1 << 20) -> Iterator[bytes]:
        """The member in blocks. **Unverified until exhausted**: the hash is checked after
        the last block, so a consumer must discard what it got if iteration raises."""
        verified = self._verified.get(name)
        if verified is not None:
            yield verified
            return
        entry, member = self._lookup(name)
        digest = hashlib.sha256()
        for piece in iter_entry(self._reader, entry, block):
            digest.update(piece)
            yield piece
        _check_digest(member, digest.hexdigest())

    def verify_all(self, progress: Progress | None = None) -> tuple[MemberCheck, ...]:
        """Hash every member listed in the manifest (streaming); raise on the first mismatch."""
        total = sum(m.size for m in self.manifest.members)
        done = 0
        checks: list[MemberCheck] = []
        # This thread reads and decrypts (ChaCha20-Poly1305 holds the GIL); one helper
        # thread takes the SHA-256 and the CRC-32 of block n (hashlib and zlib release the
        # GIL on large buffers) while this one decrypts block n + 1, each 1 MiB block
        # decrypted straight into its own buffer (no copy); two blocks are held at a time.
        with ThreadPoolExecutor(max_workers=1) as pool:
            for entry in self.directory.entries:
                if entry.name in self._verified:
                    continue
                _, member = self._lookup(entry.name)
                sums = _MemberSums()
                pending: Future[None] | None = None
                read = 0
                for block in self._reader.blocks(entry.data_offset, entry.size):
                    if pending is not None:
                        pending.result()
                    pending = pool.submit(sums.update, block)
                    read += len(block)
                    done += len(block)
                    if progress is not None:
                        progress(done, total)
                if pending is not None:
                    pending.result()
                check_length(entry, read)
                check_crc(entry, sums.crc32)
                _check_digest(member, sums.sha256.hexdigest())
                checks.append(MemberCheck(member.name, member.size, member.sha256))
        return tuple(checks)

    def _lookup(self, name: str) -> tuple[ZipEntry, ManifestMember]:
        entry = self.directory.get(name)
        member = self.manifest.member(name)
        if entry is None or member is None:
            raise KeyError(name)
        return entry, member

    def close(self) -> None:
        self._reader.close()
        self._file.close()

    def __enter__(self) -> OpenedPackage:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class _MemberSums:
    """The SHA-256 and the CRC-32 of a member's data, fed in order."""

    def __init__(self) -> None:
        self.sha256 = hashlib.sha256()
        self.crc32 = 0

    def update(self, block: memoryview) -> None:
        self.sha256.update(block)
        self.crc32 = zlib.crc32(block, self.crc32)


def _check_digest(member: ManifestMember, actual: str) -> None:
    if actual != member.sha256:
        raise PackageMemberError(
            member.name,
            Msg.of("its SHA-256 differs from the signed manifest."),
            f"sha256 {actual} != {member.sha256}",
        )


def open_package(
    path: str | os.PathLike[str],
    identities: Sequence[Identity],
    trust_roots: Sequence[x509.Certificate],
    now: datetime,
    *,
    crls: Sequence[x509.CertificateRevocationList] = (),
) -> OpenedPackage:
    """Open and check a package (stages 1-5 of the module doc) and return it.

    ``identities`` are age identities (an expert's via
    :func:`app.package.keys.decryption_identity`, or the unlocked meeting key);
    ``trust_roots`` the reader's own roots and ``crls`` the revocation lists of its trust
    file (a revoked issuer is refused); ``now`` the moment of verification.
    """
    if not trust_roots:
        raise ValueError("at least one trust root is needed")
    fh = _open_file(Path(path))
    try:
        info = inspect_header(fh)
        if info.passphrase_protected or info.armored:
            raise PackageContainerError(
                Msg.of("it is not encrypted to keys (a meeting key file is not a package)."),
                "scrypt stanza or armor in a package",
            )
        fh.seek(0)
        reader = AgeReader(fh, identities)
    except BaseException:
        fh.close()
        raise
    try:
        return _open_stages(fh, reader, trust_roots, now, crls)
    except BaseException:
        reader.close()
        fh.close()
        raise


def _open_stages(
    fh: BinaryIO,
    reader: AgeReader,
    trust_roots: Sequence[x509.Certificate],
    now: datetime,
    crls: Sequence[x509.CertificateRevocationList],
) -> OpenedPackage:
    directory = read_directory(reader, reader.size)
    manifest_data = _read_bounded(reader, directory, MANIFEST_NAME, MAX_MANIFEST_SIZE)
    signature = _read_bounded(reader, directory, SIGNATURE_NAME, MAX_SIGNATURE_SIZE)
    try:
        issuer = verify_detached(
            manifest_data, signature, trust_roots, roles=_ISSUER, at=now, crls=crls
        )
    except SignatureError as exc:
        raise PackageSignatureError(exc) from exc
    manifest = parse_manifest(manifest_data)
    reconcile(manifest, directory)
    form_member = manifest.form
    form_entry = directory.get(FORM_NAME)
    assert form_entry is not None  # reconcile guarantees it
    form_data = read_entry(reader, form_entry)
    _check_digest(form_member, hashlib.sha256(form_data).hexdigest())
    application = parse_form(form_data)
    if application_summary(application) != manifest.application:
        raise PackageFormError(
            Msg.of("its applicant, platform or sub-domain differ from the signed manifest."),
            "form application summary != manifest application",
        )
    return OpenedPackage(
        fh, reader, directory, manifest, manifest_data, signature, issuer, application
    )


def _read_bounded(reader: AgeReader, directory: ZipDirectory, name: str, limit: int) -> bytes:
    entry = directory.get(name)
    if entry is None:
        raise PackageContainerError(Msg.of("it has no {name}.", name=name), f"missing {name}")
    if entry.size > limit:
        raise PackageContainerError(
            Msg.of("{name} is larger than {limit} bytes.", name=name, limit=limit),
            f"{name} has {entry.size} bytes",
        )
    return read_entry(reader, entry)


def _open_file(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as exc:
        raise PackageContainerError(
            Msg.of("the file {path} cannot be read.", path=str(path)), f"OSError: {exc.strerror}"
        ) from exc
