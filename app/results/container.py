"""The container layers of a bundle: the optional age layer and the strict ZIP layer.

Writing lays out STORED entries with :mod:`app.package.zipwrite`; reading uses the strict
directory parser of :mod:`app.package.zipcheck` (shared with packages, with the larger entry
limit of bundle v1) and turns its errors and the age layer's into
:class:`BundleContainerError`. A bundle is read into memory: it is bounded by
:data:`MAX_BUNDLE_SIZE`, and every member must be hashed anyway.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Final

from cryptography import x509

from app.crypto import profile
from app.crypto.age_errors import AgeError
from app.crypto.age_file import decrypt_bytes, encrypt_bytes
from app.crypto.age_header import VERSION_LINE
from app.crypto.age_keys import X25519Identity, X25519Recipient
from app.crypto.identity import Identity
from app.crypto.profile import Role
from app.formats.bounded_read import read_bounded
from app.i18n import Msg
from app.package.errors import PackageContainerError
from app.package.zipcheck import ZipDirectory, ZipEntry, read_directory, read_entry
from app.package.zipwrite import (
    MAX_ARCHIVE_SIZE,
    PlannedEntry,
    central_directory,
    dos_timestamp,
    local_header,
)
from app.results.errors import BundleBuildError, BundleContainerError
from app.results.manifest import MANIFEST_NAME, MAX_ENTRIES, SIGNATURE_NAME

MAX_BUNDLE_SIZE: Final = 1024 * 1024 * 1024


def zip_bytes(members: Sequence[tuple[str, bytes]], moment: datetime) -> bytes:
    """A STORED ZIP of ``members`` in the given order (names already checked)."""
    if len(members) > MAX_ENTRIES:
        raise BundleBuildError(
            Msg.of(
                "The bundle would hold {count} files, more than {limit}.",
                count=len(members),
                limit=MAX_ENTRIES,
            ),
            Msg.of("Split the meeting's results, or ask for a newer program version."),
            f"{len(members)} entries",
        )
    archive = _layout(members, dos_timestamp(moment))
    if len(archive) > min(MAX_ARCHIVE_SIZE, MAX_BUNDLE_SIZE):
        raise BundleBuildError(
            Msg.of("The bundle would be larger than 1 GiB."),
            Msg.of("Leave out the report or the workbook, or reduce their size."),
            f"archive of {len(archive)} bytes",
        )
    return archive


def _layout(
    members: Sequence[tuple[str, bytes]],
    stamp: tuple[int, int],
    crcs: Sequence[int] | None = None,
) -> bytes:
    """The archive bytes; ``crcs`` (as the directory states them) instead of computing."""
    sums = crcs if crcs is not None else [zlib.crc32(data) for _name, data in members]
    planned = [
        PlannedEntry(name, len(data), crc) for (name, data), crc in zip(members, sums, strict=True)
    ]
    parts: list[bytes] = []
    for entry, (_name, data) in zip(planned, members, strict=True):
        parts.append(local_header(entry, stamp))
        parts.append(data)
    parts.append(central_directory(planned, stamp))
    return b"".join(parts)


def ministry_recipient_for(cert: x509.Certificate) -> X25519Recipient:
    """The ministry's age key, bound in its certificate; refused unless role *ministry*."""
    bound = profile.x25519_public_bytes(cert)
    if profile.certificate_role(cert) is not Role.MINISTRY or bound is None:
        raise BundleBuildError(
            Msg.of(
                "The certificate of {name} is not a ministry certificate with an encryption key.",
                name=profile.common_name(cert)[:80],
            ),
            Msg.of("Choose the ministry's certificate as the recipient."),
            "recipient is not a ministry certificate with an X25519 binding",
        )
    return X25519Recipient(bound)


def seal(archive: bytes, recipient: X25519Recipient) -> bytes:
    """The age layer: exactly one X25519 stanza, the ministry's."""
    return encrypt_bytes(archive, [recipient])


class OpenedArchive:
    """The checked ZIP layer of a bundle, with its hash and an index by name."""

    def __init__(self, data: bytes, directory: ZipDirectory) -> None:
        self.data = data
        self.directory = directory
        self.bundle_hash = hashlib.sha256(data).hexdigest()
        self._by_name = {e.name: e for e in directory.entries}

    def entry(self, name: str) -> ZipEntry | None:
        return self._by_name.get(name)

    def read(self, entry: ZipEntry) -> bytes:
        try:
            return read_entry(io.BytesIO(self.data), entry)
        except PackageContainerError as exc:
            raise _container(exc) from None


def load(source: Path | bytes) -> bytes:
    """The bundle file's bytes, refusing more than :data:`MAX_BUNDLE_SIZE` before reading."""
    return read_bounded(source, MAX_BUNDLE_SIZE, BundleContainerError)


def is_encrypted(data: bytes) -> bool:
    return data.startswith(VERSION_LINE + b"\n") or data.startswith(b"-----BEGIN AGE")


def unseal(data: bytes, ministry_identity: Identity | None) -> bytes:
    """The ZIP bytes: ``data`` itself, or its age plaintext for the ministry's identity."""
    if not is_encrypted(data):
        return data
    if ministry_identity is None:
        raise BundleContainerError(
            Msg.of("it is encrypted, and no ministry identity was given to open it."),
            "age-encrypted bundle without identity",
            Msg.of("Open it with the ministry's identity file (--identity)."),
        )
    try:
        return decrypt_bytes(data, [X25519Identity(ministry_identity.x25519_private_key)])
    except AgeError as exc:
        raise BundleContainerError(exc.msg, f"age: {exc.detail}", exc.rec) from None


def open_archive(archive: bytes) -> OpenedArchive:
    """Check the ZIP layer (bundle v1 section 2) and the first two entries."""
    try:
        directory = read_directory(io.BytesIO(archive), len(archive), max_entries=MAX_ENTRIES)
    except PackageContainerError as exc:
        raise _container(exc) from None
    names = directory.names[:2]
    if names != (MANIFEST_NAME, SIGNATURE_NAME):
        raise BundleContainerError(
            Msg.of("it does not start with manifest.json and its signature."),
            f"first entries {names!r}",
        )
    stamp = struct.unpack_from("<HH", archive, 10)
    members = [(e.name, archive[e.data_offset : e.end]) for e in directory.entries]
    crcs = [e.crc32 for e in directory.entries]  # CRC is judged with the hash, per member
    if _layout(members, (stamp[0], stamp[1]), crcs) != archive:
        # The strict directory parser already holds versions, flags, the shared time and
        # attributes to the one form (package v1 section 2); this re-layout is the bundle's
        # own last word on it: one content, one bundle hash.
        raise BundleContainerError(
            Msg.of("the archive is not in the one form bundle v1 writes."),
            "archive differs from its canonical re-serialisation",
        )
    return OpenedArchive(archive, directory)


def _container(exc: PackageContainerError) -> BundleContainerError:
    reason = dict(exc.msg.params).get("reason")
    return BundleContainerError(
        reason if isinstance(reason, Msg) else Msg.of("the archive is damaged."),
        f"zip: {exc.detail}",
    )
