"""Importing application packages into the secretary's workspace.

Each package is copied into ``packages/`` first and the *copy* is verified in full with the
secretary's identity (age layer, issuer signature against the meeting's trust roots, manifest,
form, every member hash), so what is kept is exactly what was checked. It must also open with
the meeting key: age recipients are anonymous, so the secretary cannot see whether each
expert is among them, but every expert holds the meeting key (sealed in the kit under the
meeting passphrase), so a package the meeting key opens is one every expert can open. A
package that fails is recorded as refused with its reason and its copy removed; the others
still import. Packages stay encrypted on disk; only the application form (signed by the
issuer) is stored in the database. Importing the same file again changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import hashlib
import hmac
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cryptography import x509

from app.crypto.age_errors import AgeError
from app.crypto.age_file import read_age_header, unwrap_file_key
from app.crypto.age_header import MAX_HEADER_SIZE
from app.crypto.age_keys import X25519Identity
from app.crypto.age_stream import CHUNK_SIZE, NONCE_SIZE, TAG_SIZE
from app.crypto.cms import SignerInfo
from app.crypto.identity import Identity
from app.domain.meeting import AgendaItem, Application
from app.errors import UserFacingError, ValidationError
from app.formats.bounded_read import iter_bounded
from app.i18n import LocalizedText, Msg
from app.kit.files import write_stream_atomically
from app.package import decryption_identity, open_package
from app.package.zipwrite import MAX_ARCHIVE_SIZE
from app.secretary.errors import SetupFrozenError
from app.secretary.keys import no_meeting_key, not_this_meeting_key
from app.secretary.model import (
    DEFAULT_QA_MINUTES,
    DEFAULT_REPORT_MINUTES,
    PackageRecord,
    PackageStatus,
)
from app.secretary.ports import SecretaryStore
from app.secretary.progress import Cancel, Progress, check_cancel, report
from app.secretary.setup import packages_folder, require_secretary
from app.secretary.trust import meeting_crls

_BLOCK = 1 << 20
MAX_PACKAGE_FILE_SIZE: Final = (
    MAX_HEADER_SIZE
    + NONCE_SIZE
    + MAX_ARCHIVE_SIZE
    + (MAX_ARCHIVE_SIZE // CHUNK_SIZE + 1) * TAG_SIZE
)
"""The largest file a package can be (package v1: a ZIP without ZIP64, age-encrypted);
a larger file, or an endless one such as ``/dev/zero``, is refused while it is copied in."""
EXTENSION = ".oipkg"


class PackageOutcome(enum.Enum):
    IMPORTED = "imported"
    REFUSED = "refused"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class PackageImport:
    """One file's outcome; ``message`` says it in a sentence for the console's list."""

    source: Path
    outcome: PackageOutcome
    record: PackageRecord
    message: Msg


def import_packages(
    ws: SecretaryStore,
    identity: Identity,
    paths: Sequence[Path],
    *,
    meeting_key: X25519Identity,
    actor: str,
    now: dt.datetime,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> tuple[PackageImport, ...]:
    """Import ``paths`` one by one (one transaction each); returns every file's outcome.

    ``meeting_key`` is this meeting's key (:func:`app.secretary.keys.open_meeting_key`);
    a package it cannot open is refused. ``progress(done_bytes, total_bytes, file name)``
    during verification; ``cancel`` is polled between packages and between blocks
    (:class:`UserCancelled`: packages finished so far stay imported, the current one leaves
    nothing behind).
    """
    setup = require_secretary(ws, identity)
    if setup.kit is not None:
        raise SetupFrozenError(Msg.of("set of applications"), setup.kit.kit_hash)
    if setup.meeting_key_recipient is None:
        raise no_meeting_key()
    if str(meeting_key.recipient) != setup.meeting_key_recipient:
        raise not_this_meeting_key()
    roots = setup.trust_roots()
    crls = meeting_crls(setup, now)
    sizes = [_size(Path(p)) for p in paths]
    total = sum(sizes)
    base = 0
    results = []
    for path, size in zip(paths, sizes, strict=True):
        check_cancel(cancel)
        results.append(
            _import_one(
                ws,
                (identity, meeting_key),
                (roots, crls),
                Path(path),
                base,
                total,
                actor,
                now,
                progress,
                cancel,
            )
        )
        base += size
        report(progress, base, total, Path(path).name)
    return tuple(results)


def _import_one(
    ws: SecretaryStore,
    keys: tuple[Identity, X25519Identity],
    trust: tuple[Sequence[x509.Certificate], Sequence[x509.CertificateRevocationList]],
    path: Path,
    base: int,
    total: int,
    actor: str,
    now: dt.datetime,
    progress: Progress | None,
    cancel: Cancel | None,
) -> PackageImport:
    folder = packages_folder(ws)
    folder.mkdir(exist_ok=True)
    digest = hashlib.sha256()
    incoming = folder / f".incoming-{os.getpid()}-{path.name}"
    try:
        size = write_stream_atomically(incoming, _hashing(path, digest))
    except _Unreadable as exc:
        _remove(incoming)
        return _refuse(ws, path, "", 0, exc.reason, actor, now)
    except OSError as exc:
        return _refuse(
            ws,
            path,
            "",
            0,
            Msg.of("the file cannot be read ({error}).", error=exc.strerror or exc),
            actor,
            now,
        )
    sha = digest.hexdigest()
    known = {p.file_sha256: p for p in ws.packages()}
    if sha in known:
        _remove(incoming)
        old = known[sha]
        return PackageImport(
            path,
            PackageOutcome.DUPLICATE,
            old,
            Msg.of("{file}: already imported; nothing changed.", file=path.name),
        )
    try:
        application, issuer, package_id = _verify(
            incoming, keys, trust, now, base, total, path.name, progress, cancel
        )
    except UserFacingError as exc:
        _remove(incoming)
        return _refuse(ws, path, sha, size, exc.msg, actor, now)
    except BaseException:
        _remove(incoming)
        raise
    taken = {p.application_id for p in known.values() if p.status is PackageStatus.VERIFIED}
    if application.id in taken:
        _remove(incoming)
        return _refuse(
            ws,
            path,
            sha,
            size,
            Msg.of("a package for application {id} was already imported.", id=application.id),
            actor,
            now,
        )
    stored_name = f"{application.id}{EXTENSION}"
    record = PackageRecord(
        file_sha256=sha,
        source_name=path.name,
        size=size,
        status=PackageStatus.VERIFIED,
        imported_at=now,
        application=application,
        stored_name=stored_name,
        package_id=package_id,
        issuer_name=issuer.common_name,
        issuer_fingerprint=issuer.fingerprint,
    )
    target = folder / stored_name
    try:
        os.replace(incoming, target)
        agenda = ws.agenda()
        item = AgendaItem(
            application.id, len(agenda) + 1, DEFAULT_REPORT_MINUTES, DEFAULT_QA_MINUTES
        )
        with ws.transaction(actor, now):
            ws.add_package(record)
            ws.save_agenda((*agenda, item), "agenda.append")
    except BaseException:
        _remove(target)
        _remove(incoming)
        raise
    return PackageImport(
        path,
        PackageOutcome.IMPORTED,
        record,
        Msg.of(
            "{file}: verified and imported as application {id}.", file=path.name, id=application.id
        ),
    )


def _verify(
    path: Path,
    keys: tuple[Identity, X25519Identity],
    trust: tuple[Sequence[x509.Certificate], Sequence[x509.CertificateRevocationList]],
    now: dt.datetime,
    base: int,
    total: int,
    name: str,
    progress: Progress | None,
    cancel: Cancel | None,
) -> tuple[Application, SignerInfo, str]:
    identity, meeting_key = keys
    own = decryption_identity(identity)
    roots, crls = trust
    with open_package(path, [own], roots, now, crls=crls) as opened:
        # After the signature (the issuer is known), before hashing every member.
        _require_meeting_key(path, own, meeting_key)

        def step(done: int, _size: int) -> None:
            check_cancel(cancel)
            report(progress, base + done, total, name)

        opened.verify_all(step)
        return opened.application, opened.issuer, opened.manifest.package_id


def _require_meeting_key(path: Path, own: X25519Identity, meeting_key: X25519Identity) -> None:
    """The meeting key must unwrap the same file key as the secretary's own identity (the
    header MAC is checked with it too), or the experts could not open the package."""
    try:
        with path.open("rb") as fh:
            _stream, header, _length = read_age_header(fh)
        file_key = unwrap_file_key(header, [own])
        theirs = unwrap_file_key(header, [meeting_key])
    except (AgeError, OSError):
        theirs, file_key = b"", b"-"
    if not hmac.compare_digest(file_key, theirs):
        raise ValidationError(
            Msg.of(
                "it is not encrypted to this meeting's key, so the experts could not open it "
                "with the meeting passphrase. Ask the issuing office to build it again for the "
                "meeting key {recipient}.",
                recipient=str(meeting_key.recipient),
            ),
            Msg.of("Give the issuing office the meeting key recipient from the setup page."),
        )


def _refuse(
    ws: SecretaryStore,
    path: Path,
    sha: str,
    size: int,
    reason: Msg,
    actor: str,
    now: dt.datetime,
) -> PackageImport:
    record = PackageRecord(
        file_sha256=sha or hashlib.sha256(str(path).encode()).hexdigest(),
        source_name=path.name,
        size=size,
        status=PackageStatus.REFUSED,
        imported_at=now,
        reason=LocalizedText(reason.in_language("en"), reason.in_language("zh_CN")),
    )
    with ws.transaction(actor, now):
        ws.add_package(record)
    return PackageImport(
        path,
        PackageOutcome.REFUSED,
        record,
        Msg.of("{file}: refused: {reason}", file=path.name, reason=reason),
    )


def _hashing(path: Path, digest: hashlib._Hash) -> Iterator[bytes]:
    blocks = iter_bounded(path, MAX_PACKAGE_FILE_SIZE, _Unreadable, block=_BLOCK, regular_only=True)
    for block in blocks:
        digest.update(block)
        yield block


class _Unreadable(Exception):
    """The package file cannot be read, or is larger than a package can be."""

    def __init__(self, reason: Msg, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


__all__ = ["PackageImport", "PackageOutcome", "import_packages"]
