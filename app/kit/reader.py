"""Opening a meeting kit in the stages of kit v1, each with its own error class.

1. Bounded, strict parse of the ZIP layer (:func:`app.package.zipcheck.read_directory`);
   ``manifest.json`` (<= 1 MiB) and ``manifest.json.p7s`` (<= 64 KiB) read, CRC-checked.
2. The secretary's signature over the exact manifest bytes, against the **reader's own**
   trust roots only (never the kit's ``trust-roots.pem``), secretary role, valid at ``now``.
3. Strict manifest parse, format/version, members reconciled with the ZIP directory.
4. Every member's SHA-256 checked (packages streamed) before any of it is used.
5. Content: meeting and rubric parsed strictly and matched; every roster expert has a
   fingerprint; ``trust-roots.pem`` holds the root the secretary chains to, and its
   revocation lists pass the trust-file rules (kit-v1 §4.1) and do not revoke the secretary;
   ``secretary.pem`` is the signer's certificate with its X25519 binding; the meeting key
   is a sealed meeting key; exactly one package per application, each a binary age file to
   keys. Packages stay encrypted: an expert opens them later (:mod:`app.expert.package_materials`).

Only then does :func:`open_kit` return.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Final, cast

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from app.crypto import profile
from app.crypto.age_errors import AgeError
from app.crypto.age_file import inspect_header
from app.crypto.cms import SignatureError, SignerInfo, verify_detached
from app.crypto.pki import TrustStoreError, trust_data
from app.crypto.profile import Role
from app.crypto.revocation import RevocationLists, listed_revocation, revoked_error
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.errors import RubricError
from app.formats.canonical_json import JsonFormatError, loads_strict
from app.formats.meeting_file import (
    MeetingFileError,
    MeetingFormTextError,
    check_rubric,
    parse_agenda_meeting,
)
from app.formats.rubric_file import parse_rubric
from app.i18n import Msg
from app.kit.errors import (
    KitContainerError,
    KitContentError,
    KitError,
    KitMemberError,
    KitSignatureError,
)
from app.kit.files import write_stream_atomically
from app.kit.manifest import (
    MANIFEST_NAME,
    MAX_MANIFEST_SIZE,
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
    package_application_id,
    package_name,
    parse_manifest,
    reconcile,
)
from app.kit.record import KitRecord
from app.kit.trust import issuing_root, sealed_key_problem
from app.package.errors import PackageContainerError
from app.package.zipcheck import ZipDirectory, ZipEntry, iter_entry, read_directory, read_entry

_SECRETARY: Collection[Role] = frozenset({Role.SECRETARY})
MAX_KIT_SIZE: Final = 0xFFFFFFFF


@dataclass(frozen=True)
class KitInspection:
    """What ``kit inspect`` shows: the manifest as found, **not verified**."""

    kit_hash: str
    kit_id: str
    meeting_id: str
    created_at: datetime
    members: tuple[KitMember, ...]
    size: int


class OpenedKit:
    """A kit that passed every stage. Holds the file open (use ``with``, or :meth:`close`).

    Package bytes are read again (and hashed again) when copied out, so a file changed on
    disk after opening is noticed rather than trusted.
    """

    def __init__(
        self,
        path: Path,
        file: BinaryIO,
        directory: ZipDirectory,
        manifest: KitManifest,
        manifest_data: bytes,
        signer: SignerInfo,
        meeting: Meeting,
        rubric: Rubric,
        trust_roots_pem: bytes,
        secretary_pem: bytes,
        sealed_meeting_key: bytes,
        crls: tuple[x509.CertificateRevocationList, ...] = (),
    ) -> None:
        self.path = path
        self._file = file
        self.directory = directory
        self.manifest = manifest
        self.manifest_data = manifest_data
        self.signer = signer
        self.meeting = meeting
        self.rubric = rubric
        self.trust_roots_pem = trust_roots_pem
        self.secretary_pem = secretary_pem
        self.sealed_meeting_key = sealed_meeting_key
        self.crls = crls
        """The revocation lists ``trust-roots.pem`` carries that the reader's roots signed
        (checked current when the kit was opened; kit-v1 §4)."""

    @property
    def kit_hash(self) -> str:
        return kit_hash(self.manifest_data)

    @property
    def kit_id(self) -> str:
        return self.manifest.kit_id

    @property
    def secretary_certificate(self) -> x509.Certificate:
        return self.signer.certificate

    @property
    def trust_roots(self) -> list[x509.Certificate]:
        return x509.load_pem_x509_certificates(self.trust_roots_pem)

    def iter_package(self, application_id: str) -> Iterator[bytes]:
        """The package's (encrypted) bytes in blocks; hash checked after the last block."""
        name = package_name(application_id)
        entry = self.directory.get(name)
        member = self.manifest.member(name)
        if entry is None or member is None:
            raise KeyError(application_id)
        yield from _hashed(self._file, entry, member)

    def copy_package(self, application_id: str, out: Path) -> int:
        """Write the package (still encrypted) to ``out`` atomically; returns its size.
        A mismatching hash leaves ``out`` untouched (:class:`KitMemberError`)."""
        return write_stream_atomically(out, self.iter_package(application_id))

    def record(self, imported_at: datetime) -> KitRecord:
        """What an expert-side workspace keeps of this kit."""
        return KitRecord(
            kit_hash=self.kit_hash,
            kit_id=self.kit_id,
            meeting_id=str(self.meeting.id),
            secretary_certificate_pem=self.secretary_pem.decode("ascii"),
            trust_roots_pem=self.trust_roots_pem.decode("ascii"),
            sealed_meeting_key=self.sealed_meeting_key,
            imported_at=imported_at,
        )

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> OpenedKit:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_kit(
    path: str | os.PathLike[str],
    trust_roots: Sequence[x509.Certificate],
    now: datetime,
    *,
    crls: Sequence[x509.CertificateRevocationList] = (),
) -> OpenedKit:
    """Open and check a kit (the stages of the module doc) and return it.

    ``trust_roots`` are the reader's own roots (an expert's: the CA chain in their own
    PKCS#12 file) and ``crls`` the revocation lists of the reader's trust file (a revoked
    secretary is refused); ``now`` the moment of verification.
    """
    if not trust_roots:
        raise ValueError("at least one trust root is needed")
    source = Path(path)
    fh = _open_file(source)
    try:
        return _open_stages(source, fh, trust_roots, now, crls)
    except BaseException:
        fh.close()
        raise


def inspect_kit(path: str | os.PathLike[str]) -> KitInspection:
    """The manifest of ``path`` as found (bounded, strict), without verifying the signature."""
    source = Path(path)
    with _open_file(source) as fh:
        size = fh.seek(0, io.SEEK_END)
        directory = _directory(fh, size)
        manifest_data = _read_bounded(fh, directory, MANIFEST_NAME, MAX_MANIFEST_SIZE)
        manifest = parse_manifest(manifest_data)
    return KitInspection(
        kit_hash=kit_hash(manifest_data),
        kit_id=manifest.kit_id,
        meeting_id=manifest.meeting_id,
        created_at=manifest.created_at,
        members=manifest.members,
        size=size,
    )


def _open_stages(
    path: Path,
    fh: BinaryIO,
    trust_roots: Sequence[x509.Certificate],
    now: datetime,
    crls: Sequence[x509.CertificateRevocationList],
) -> OpenedKit:
    size = fh.seek(0, io.SEEK_END)
    if size > MAX_KIT_SIZE:
        raise KitContainerError(Msg.of("it is larger than 4 GiB."), f"{size} bytes")
    directory = _directory(fh, size)
    manifest_data = _read_bounded(fh, directory, MANIFEST_NAME, MAX_MANIFEST_SIZE)
    signature = _read_bounded(fh, directory, SIGNATURE_NAME, MAX_SIGNATURE_SIZE)
    try:
        signer = verify_detached(
            manifest_data, signature, trust_roots, roles=_SECRETARY, at=now, crls=crls
        )
    except SignatureError as exc:
        raise KitSignatureError(exc) from exc
    manifest = parse_manifest(manifest_data)
    reconcile(manifest, directory)
    small = {name: _read_member(fh, directory, manifest, name) for name in MEMBER_LIMITS}
    for member in manifest.package_members:
        entry = directory.get(member.name)
        assert entry is not None  # reconcile guarantees it
        for _block in _hashed(fh, entry, member):
            pass
    meeting, rubric = _meeting_and_rubric(manifest, small[MEETING_NAME], small[RUBRIC_NAME])
    _check_trust_roots(small[TRUST_ROOTS_NAME], signer.certificate, trust_roots)
    kit_crls = _kit_crls(small[TRUST_ROOTS_NAME], trust_roots, now)
    revoked_at = listed_revocation(signer.certificate, kit_crls, now)
    if revoked_at is not None:  # the kit's own lists apply to its signer as well
        raise KitSignatureError(revoked_error(signer.certificate, revoked_at))
    _check_secretary(small[SECRETARY_NAME], signer.certificate)
    problem = sealed_key_problem(small[MEETING_KEY_NAME])
    if problem is not None:
        raise KitContentError(
            Msg.of("{name} is not a sealed meeting key.", name=MEETING_KEY_NAME), problem
        )
    _check_packages(fh, directory, manifest, meeting)
    return OpenedKit(
        path,
        fh,
        directory,
        manifest,
        manifest_data,
        signer,
        meeting,
        rubric,
        small[TRUST_ROOTS_NAME],
        small[SECRETARY_NAME],
        small[MEETING_KEY_NAME],
        kit_crls,
    )


def _open_file(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as exc:
        raise KitContainerError(
            Msg.of("the file {path} cannot be read.", path=str(path)), f"OSError: {exc.strerror}"
        ) from exc


def _container(exc: PackageContainerError) -> KitContainerError:
    """The ZIP checker speaks of packages; the same reason, told about a kit."""
    reason = dict(exc.msg.params).get("reason")
    return KitContainerError(
        reason if isinstance(reason, Msg) else Msg.of("it is not a ZIP archive."), exc.detail
    )


def _directory(fh: BinaryIO, size: int) -> ZipDirectory:
    try:
        return read_directory(fh, size)
    except PackageContainerError as exc:
        raise _container(exc) from exc


def _read_bounded(fh: BinaryIO, directory: ZipDirectory, name: str, limit: int) -> bytes:
    entry = directory.get(name)
    if entry is None:
        raise KitContainerError(Msg.of("it has no {name}.", name=name), f"missing {name}")
    if entry.size > limit:
        raise KitContainerError(
            Msg.of("{name} is larger than {limit} bytes.", name=name, limit=limit),
            f"{name} has {entry.size} bytes",
        )
    try:
        return read_entry(fh, entry)
    except PackageContainerError as exc:
        raise _container(exc) from exc


def _read_member(fh: BinaryIO, directory: ZipDirectory, manifest: KitManifest, name: str) -> bytes:
    member = manifest.member(name)
    assert member is not None  # parse_manifest requires every fixed member
    data = _read_bounded(fh, directory, name, MEMBER_LIMITS[name])
    actual = hashlib.sha256(data).hexdigest()
    if actual != member.sha256:
        raise KitMemberError(name, f"sha256 {actual} != {member.sha256}")
    return data


def _hashed(fh: BinaryIO, entry: ZipEntry, member: KitMember) -> Iterator[bytes]:
    digest = hashlib.sha256()
    try:
        for piece in iter_entry(fh, entry):
            digest.update(piece)
            yield piece
    except PackageContainerError as exc:
        raise KitMemberError(member.name, exc.detail) from exc
    if digest.hexdigest() != member.sha256:
        raise KitMemberError(member.name, f"sha256 {digest.hexdigest()} != {member.sha256}")


def _meeting_and_rubric(
    manifest: KitManifest, meeting_data: bytes, rubric_data: bytes
) -> tuple[Meeting, Rubric]:
    try:
        meeting = parse_agenda_meeting(
            loads_strict(meeting_data, max_size=MEMBER_LIMITS[MEETING_NAME])
        )
    except MeetingFormTextError as exc:
        # A v1 meeting (or a form slipped into v2): application content in the clear.
        raise KitContentError(
            Msg.of(
                "its meeting definition carries the applications' form text in the clear, "
                "which a kit must not: the forms travel only in the encrypted packages."
            ),
            f"meeting.json: {exc.field}: {exc.msg.in_language('en')}",
        ) from exc
    except MeetingFileError as exc:
        raise KitContentError(
            Msg.of("its meeting definition is not valid ({reason}).", reason=exc.msg),
            f"meeting.json: {exc.msg.in_language('en')}",
        ) from exc
    except JsonFormatError as exc:
        raise KitContentError(
            Msg.of("its meeting definition is not valid ({reason}).", reason=exc.msg),
            f"meeting.json: {exc.msg.in_language('en')}",
        ) from exc
    if str(meeting.id) != manifest.meeting_id:
        raise KitContentError(
            Msg.of(
                "its meeting is {found}, but the signed manifest names {expected}.",
                found=meeting.id,
                expected=manifest.meeting_id,
            ),
            "meeting id != manifest meeting_id",
        )
    try:
        rubric = parse_rubric(loads_strict(rubric_data, max_size=MEMBER_LIMITS[RUBRIC_NAME]))
        check_rubric(meeting, rubric)
    except (RubricError, MeetingFileError, JsonFormatError) as exc:
        raise KitContentError(
            Msg.of("its rubric is not valid for the meeting ({reason}).", reason=exc.msg),
            f"rubric.json: {exc.msg.in_language('en')}",
        ) from exc
    for expert in meeting.experts:
        if profile.normalize_fingerprint(expert.fingerprint) is None:
            raise KitContentError(
                Msg.of(
                    "the roster lists {name} ({id}) without a certificate fingerprint.",
                    name=expert.name,
                    id=expert.id,
                ),
                f"expert {expert.id} without fingerprint",
            )
    return meeting, rubric


def _check_trust_roots(
    data: bytes, signer: x509.Certificate, reader_roots: Sequence[x509.Certificate]
) -> None:
    try:
        announced = x509.load_pem_x509_certificates(data)
    except ValueError as exc:
        raise KitContentError(
            Msg.of("{name} holds no readable certificates.", name=TRUST_ROOTS_NAME),
            "trust-roots.pem unreadable",
        ) from exc
    if not all(profile.is_ca_certificate(cert) for cert in announced):
        raise KitContentError(
            Msg.of("{name} lists a certificate that is not an authority.", name=TRUST_ROOTS_NAME),
            "end-entity certificate among the announced roots",
        )
    anchor = issuing_root(signer, reader_roots)
    der = {cert.public_bytes(Encoding.DER) for cert in announced}
    if anchor is None or anchor.public_bytes(Encoding.DER) not in der:
        raise KitContentError(
            Msg.of(
                "{name} does not list the authority you trust for this meeting.",
                name=TRUST_ROOTS_NAME,
            ),
            "reader's anchoring root not among the kit's trust roots",
        )


def _kit_crls(
    data: bytes, reader_roots: Sequence[x509.Certificate], now: datetime
) -> tuple[x509.CertificateRevocationList, ...]:
    """The lists of ``trust-roots.pem``, checked by the trust-file rules against the roots
    the kit announces (trust-v1: signed by one of them, one per root, current at ``now``),
    then those a root of the reader's own signed: the others concern no signer it accepts."""
    try:
        announced = trust_data(data, now, Msg.of("the meeting kit's {name}", name=TRUST_ROOTS_NAME))
    except TrustStoreError as exc:
        raise KitContentError(exc.msg, f"trust-roots.pem: {exc.msg.in_language('en')}") from exc
    return RevocationLists.of(announced.crls, reader_roots, now).current


def _check_secretary(data: bytes, signer: x509.Certificate) -> None:
    try:
        certs = x509.load_pem_x509_certificates(data)
    except ValueError as exc:
        raise KitContentError(
            Msg.of("{name} holds no readable certificate.", name=SECRETARY_NAME),
            "secretary.pem unreadable",
        ) from exc
    if len(certs) != 1 or certs[0] != signer:
        raise KitContentError(
            Msg.of(
                "{name} is not the certificate of the secretary who signed the kit.",
                name=SECRETARY_NAME,
            ),
            "secretary.pem != signer certificate",
        )
    if profile.certificate_role(certs[0]) is not Role.SECRETARY:
        raise KitContentError(
            Msg.of("{name} is not a secretary's certificate.", name=SECRETARY_NAME),
            "secretary.pem role",
        )
    if profile.x25519_public_bytes(certs[0]) is None:
        raise KitContentError(
            Msg.of("the secretary's certificate carries no encryption key."),
            "secretary.pem without X25519 binding",
        )


def _check_packages(
    fh: BinaryIO, directory: ZipDirectory, manifest: KitManifest, meeting: Meeting
) -> None:
    listed = {package_application_id(m.name) for m in manifest.package_members}
    wanted = {str(a.id) for a in meeting.applications}
    missing = sorted(wanted - {i for i in listed if i is not None})
    if missing:
        raise KitContentError(
            Msg.of("it holds no package for the application {id}.", id=missing[0]),
            f"missing package {missing[0]}",
        )
    extra = sorted(i for i in listed if i is not None and i not in wanted)
    if extra:
        raise KitContentError(
            Msg.of(
                "it holds a package for {id}, which is not an application of the meeting.",
                id=extra[0],
            ),
            f"extra package {extra[0]}",
        )
    for app_id in sorted(wanted):
        entry = directory.get(package_name(app_id))
        assert entry is not None
        try:
            info = inspect_header(cast(BinaryIO, _Slice(fh, entry.data_offset, entry.size)))
        except AgeError as exc:
            raise _not_a_package(app_id, repr(exc)) from exc
        if info.armored or info.passphrase_protected or info.plaintext_size is None:
            raise _not_a_package(app_id, "armored, passphrase or impossible size")


def _not_a_package(app_id: str, detail: str) -> KitError:
    return KitContentError(
        Msg.of("the package for {id} is not an encrypted application package.", id=app_id),
        f"{app_id}: {detail}",
    )


class _Slice(io.RawIOBase):
    """A read-only, seekable view of ``size`` bytes at ``start`` of ``file``."""

    def __init__(self, file: BinaryIO, start: int, size: int) -> None:
        super().__init__()
        self._file = file
        self._start = start
        self._size = size
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, min(self._size, base + offset))
        return self._pos

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        count = min(len(view), self._size - self._pos)
        if count <= 0:
            return 0
        self._file.seek(self._start + self._pos)
        data = self._file.read(count)
        view[: len(data)] = data
        self._pos += len(data)
        return len(data)
