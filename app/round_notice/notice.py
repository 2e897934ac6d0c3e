"""The signed round notice ``*.oiround`` (``docs/formats/round-notice-v1.md``).

The secretary opens a later scoring round for some applications; the notice tells each
expert's workspace so. It is canonical JSON signed by the secretary (detached CMS) inside the
``review-desk/signed-envelope`` container of sheet-v1 §4.2, not encrypted: it carries no
scores. Field spellings (identifiers, times, base64, …) are those of :mod:`app.sheets.codec`.

The reader works in the stages of the spec, one error class per stage; the writer runs the
same checks over its own output, writes atomically and reads the file back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from cryptography import x509

from app.crypto import cms
from app.crypto.cms import SignatureError, SignerInfo
from app.crypto.identity import Identity
from app.crypto.profile import Role, fingerprint
from app.crypto.revocation import RevocationLists
from app.crypto.signer import require_signer
from app.domain.meeting import Meeting
from app.domain.signed import SignedDocument
from app.formats.atomic_file import atomic_write
from app.formats.bounded_read import read_bounded
from app.formats.canonical_json import JsonFormatError, dumps_canonical, loads_strict
from app.i18n import Msg
from app.kit.record import KitRecord
from app.round_notice.codec import (
    MAX_DEPTH,
    MAX_NOTICE_SIZE,
    decode_notice,
    encode_notice,
)
from app.round_notice.errors import (
    RoundNoticeContainerError,
    RoundNoticeContentError,
    RoundNoticeContextError,
    RoundNoticeFormatError,
    RoundNoticeSignatureError,
    RoundNoticeSigningError,
    RoundNoticeStaleError,
    RoundNoticeWriteError,
)
from app.round_notice.model import RoundNotice
from app.sheets import codec
from app.sheets.codec import FieldError

CONTAINER_FORMAT: Final = "review-desk/signed-envelope"
EXTENSION: Final = ".oiround"

MAX_FILE_SIZE: Final = 1024 * 1024
MAX_SIGNATURE_SIZE: Final = 64 * 1024

_CONTAINER_MEMBERS: Final = ("format", "version", "envelope", "signature")


@dataclass(frozen=True)
class NoticeExpectations:
    """What a reader checks a notice against: its own meeting, kit, trust roots and the kit's
    secretary certificate, and the notices it already holds (round -> SHA-256 of the exact
    notice bytes)."""

    meeting: Meeting
    kit_hash: str
    secretary_certificate: x509.Certificate
    trust_roots: tuple[x509.Certificate, ...]
    held: Mapping[int, str] = field(default_factory=dict)
    revocations: RevocationLists = field(default_factory=RevocationLists)
    """The revocation lists the reader applies (an expert's: those its kit carried)."""

    @classmethod
    def from_kit(
        cls,
        kit: KitRecord,
        meeting: Meeting,
        held: Mapping[int, str] | None = None,
        *,
        now: dt.datetime | None = None,
    ) -> NoticeExpectations:
        """An expert workspace's expectations: the kit it was created from, with the
        revocation lists it carried as they stand at ``now`` (none without ``now``)."""
        roots = tuple(x509.load_pem_x509_certificates(kit.trust_roots_pem.encode("ascii")))
        return cls(
            meeting=meeting,
            kit_hash=kit.kit_hash,
            secretary_certificate=x509.load_pem_x509_certificate(
                kit.secretary_certificate_pem.encode("ascii")
            ),
            trust_roots=roots,
            held=dict(held or {}),
            revocations=RevocationLists() if now is None else kit.revocations(roots, now),
        )

    @property
    def latest_round(self) -> int:
        """The newest round held (1: the kit's own round, when no notice is held)."""
        return max(self.held, default=1)


@dataclass(frozen=True)
class VerifiedRoundNotice:
    """A notice that passed every stage: the content, its exact signed bytes, the signer,
    and whether the reader already held this very notice (importing it changes nothing)."""

    notice: RoundNotice
    signed: SignedDocument
    signer: SignerInfo
    already_held: bool


@dataclass(frozen=True)
class WrittenRoundNotice:
    path: Path
    size: int
    sha256: str
    notice: RoundNotice


# --- encoding -----------------------------------------------------------------------------


def container_bytes(signed: SignedDocument) -> bytes:
    """The file's bytes: the signed-envelope container around the notice and its signature."""
    return dumps_canonical(
        {
            "format": CONTAINER_FORMAT,
            "version": 1,
            "envelope": codec.encode_base64(signed.document),
            "signature": codec.encode_base64(signed.signature),
        }
    )


def sign_round_notice(notice: RoundNotice, identity: Identity, now: dt.datetime) -> SignedDocument:
    """Sign ``notice`` as the secretary; :class:`RoundNoticeSigningError` for an identity
    that is not a secretary's, not valid at ``now`` or not the one the notice names, and for
    a notice a reader would refuse as malformed."""
    require_signer(
        identity,
        Role.SECRETARY,
        now,
        lambda reason, _rec, _detail: RoundNoticeSigningError(reason),
        wrong_role=Msg.of("only the meeting secretary signs a round notice."),
        recommendation=Msg.of(
            "Sign in with the meeting secretary's own identity and open the round first."
        ),
        expected_fingerprint=notice.secretary_fingerprint,
        not_expected=Msg.of(
            "the notice names the secretary {named}, but the identity is {found}.",
            named=notice.secretary_fingerprint,
            found=identity.fingerprint,
        ),
        wrap_expiry=False,
    )
    document = encode_notice(notice)
    try:
        decode_notice(document)
    except RoundNoticeFormatError as exc:
        raise RoundNoticeSigningError(exc.msg) from exc
    return SignedDocument(document, cms.sign_detached(document, identity))


# --- writing ------------------------------------------------------------------------------


def write_round_notice(
    path: str | os.PathLike[str],
    notice: RoundNotice,
    identity: Identity,
    now: dt.datetime,
    *,
    meeting: Meeting,
    trust_roots: Sequence[x509.Certificate],
) -> WrittenRoundNotice:
    """Sign ``notice``, check it as a reader would (stages 2–6), write it atomically, read
    it back (bytes compared, stages 1–6 again).

    :class:`RoundNoticeSigningError` for what must not be signed, the reader's own errors
    for a notice it would refuse, :class:`RoundNoticeWriteError` if writing fails or the copy
    read back differs.
    """
    signed = sign_round_notice(notice, identity, now)
    data = container_bytes(signed)
    expected = NoticeExpectations(
        meeting=meeting,
        kit_hash=notice.kit_hash,
        secretary_certificate=identity.certificate,
        trust_roots=tuple(trust_roots),
    )
    read_round_notice(data, expected, now)
    target = Path(path)
    try:
        atomic_write(target, data, mode=0o644)
        written = target.read_bytes()
    except OSError as exc:
        raise RoundNoticeWriteError(
            str(target), Msg.of("the system reported: {error}", error=exc.strerror or str(exc))
        ) from exc
    if written != data:
        raise RoundNoticeWriteError(
            str(target), Msg.of("the copy read back differs from what was written.")
        )
    read_round_notice(target, expected, now)
    return WrittenRoundNotice(target, len(data), hashlib.sha256(data).hexdigest(), notice)


def notice_file_name(meeting_id: str, round: int) -> str:
    return f"{meeting_id}-round-{round}{EXTENSION}"


# --- reading ------------------------------------------------------------------------------


def read_round_notice(
    source: str | os.PathLike[str] | bytes,
    expected: NoticeExpectations,
    now: dt.datetime,
) -> VerifiedRoundNotice:
    """Open a round notice in the stages of the spec; any refusal refuses it whole.

    Raises :class:`RoundNoticeContainerError`, :class:`RoundNoticeSignatureError`,
    :class:`RoundNoticeFormatError`, :class:`RoundNoticeContextError`,
    :class:`RoundNoticeContentError` or :class:`RoundNoticeStaleError`; nothing else escapes
    for any input bytes.
    """
    data = _read_bounded(source)
    document, signature = _container(data)
    signer = _verify(document, signature, expected, now)
    notice = decode_notice(document)
    _check_context(notice, signer, expected)
    _check_applications(notice, expected.meeting)
    held = _check_round(notice, hashlib.sha256(document).hexdigest(), expected)
    return VerifiedRoundNotice(notice, SignedDocument(document, signature), signer, held)


def _read_bounded(source: str | os.PathLike[str] | bytes) -> bytes:
    """Stage 1."""
    return read_bounded(source, MAX_FILE_SIZE, RoundNoticeContainerError)


def _container(data: bytes) -> tuple[bytes, bytes]:
    """Stage 2: the signed-envelope container (nothing in it is trusted yet)."""
    try:
        raw = loads_strict(data, max_depth=MAX_DEPTH, max_size=MAX_FILE_SIZE)
    except JsonFormatError as exc:
        raise RoundNoticeContainerError(exc.msg, f"container JSON: {exc}") from None
    try:
        codec.version_marker(raw, "$", CONTAINER_FORMAT)
        doc = codec.fields(raw, "$", _CONTAINER_MEMBERS)
        envelope = codec.base64_bytes(doc["envelope"], "envelope", MAX_NOTICE_SIZE)
        signature = codec.base64_bytes(doc["signature"], "signature", MAX_SIGNATURE_SIZE)
    except FieldError as exc:
        raise RoundNoticeContainerError(
            Msg.of("member {field} {reason}", field=exc.path, reason=exc.reason),
            f"container: {exc}",
        ) from None
    return envelope, signature


def _verify(
    document: bytes, signature: bytes, expected: NoticeExpectations, now: dt.datetime
) -> SignerInfo:
    """Stage 3: own trust roots and revocation lists, secretary role, and the kit's very
    secretary certificate."""
    try:
        signer = cms.verify_detached(
            document,
            signature,
            expected.trust_roots,
            roles={Role.SECRETARY},
            at=now,
            crls=expected.revocations.current,
        )
        expected.revocations.check(signer.certificate, now)
    except SignatureError as exc:
        raise RoundNoticeSignatureError.from_signature(exc) from None
    wanted = fingerprint(expected.secretary_certificate)
    if signer.fingerprint != wanted:
        raise RoundNoticeSignatureError(
            Msg.of(
                "it was signed by {name} ({found}), but this meeting's secretary - who signed "
                "your meeting kit - is {expected}.",
                name=signer.common_name,
                found=signer.fingerprint,
                expected=wanted,
            ),
            f"signer {signer.fingerprint} != kit secretary {wanted}",
            Msg.of(
                "Do not use this notice. Only the secretary who issued the meeting kit can "
                "open a new round; ask them for the notice."
            ),
        )
    return signer


def _check_context(notice: RoundNotice, signer: SignerInfo, expected: NoticeExpectations) -> None:
    """Stage 5."""
    pairs = (
        (Msg.of("meeting"), expected.meeting.id, notice.meeting_id, "meeting_id"),
        (Msg.of("meeting kit hash"), expected.kit_hash, notice.kit_hash, "kit_hash"),
        (
            Msg.of("secretary fingerprint"),
            signer.fingerprint,
            notice.secretary_fingerprint,
            "secretary_fingerprint",
        ),
    )
    for name, wanted, found, member in pairs:
        if wanted != found:
            raise RoundNoticeContextError(name, wanted, found, f"{member}: {found!r} != {wanted!r}")


def _check_applications(notice: RoundNotice, meeting: Meeting) -> None:
    """Stage 6."""
    known = {a.id for a in meeting.applications}
    seen: set[str] = set()
    for app_id in notice.application_ids:
        if app_id not in known:
            raise RoundNoticeContentError(
                Msg.of(
                    "it names application {application}, which is not in this meeting.",
                    application=app_id,
                ),
                f"unknown application {app_id!r}",
            )
        if app_id in seen:
            raise RoundNoticeContentError(
                Msg.of("it names application {application} twice.", application=app_id),
                f"duplicate application {app_id!r}",
            )
        seen.add(app_id)


def _check_round(notice: RoundNotice, sha256: str, expected: NoticeExpectations) -> bool:
    """Stage 7; ``True`` when the reader already holds this very notice."""
    held = expected.held.get(notice.round)
    if held == sha256:
        return True
    if held is not None:
        raise RoundNoticeStaleError(
            Msg.of(
                "a different notice for round {round} was already imported.",
                round=notice.round,
            ),
            f"round {notice.round}: held {held[:16]}…, got {sha256[:16]}…",
        )
    latest = expected.latest_round
    if notice.round <= latest:
        raise RoundNoticeStaleError(
            Msg.of(
                "it opens round {round}, but round {latest} is already open here: the notice "
                "is older than one already imported.",
                round=notice.round,
                latest=latest,
            ),
            f"round {notice.round} <= latest {latest}",
        )
    return False
