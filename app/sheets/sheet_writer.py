"""Writing the per-expert sheet file ``*.oisheet`` (``docs/formats/sheet-v1.md`` section 4).

The writer signs the envelope over the expert's signed sheets and recusals, their hearing
notes and draft progress, runs the reader's checks
(:func:`app.sheets.sheet_reader.open_plaintext`) over its own output, encrypts to the
meeting's secretary only, writes atomically and reads the file back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509

from app.crypto import cms
from app.crypto.age_file import encrypt_bytes
from app.crypto.age_keys import X25519Recipient
from app.crypto.identity import Identity
from app.crypto.profile import (
    Role,
    certificate_role,
    fingerprint,
    normalize_fingerprint,
    x25519_public_bytes,
)
from app.domain.sheet import HearingNote
from app.formats.atomic_file import atomic_write
from app.formats.canonical_json import dumps_canonical
from app.i18n import Msg
from app.sheets import codec
from app.sheets.documents import (
    RECIPIENT_ROLE,
    SIGNER_ROLE,
    SheetContext,
    SheetDocument,
    SignedDocument,
    check_signer,
    decode_document,
)
from app.sheets.errors import SheetFileWriteError, SheetSigningError
from app.sheets.progress import DraftReport, progress_doc
from app.sheets.sheet_reader import (
    CONTAINER_FORMAT,
    SHEET_FILE_FORMAT,
    SHEET_FILE_TYPE,
    Expected,
    open_plaintext,
)


@dataclass(frozen=True)
class WrittenSheetFile:
    """What was written and read back: for the expert's log and the hand-over receipt."""

    path: Path
    size: int
    sha256: str


def write_sheet_file(
    path: str | os.PathLike[str],
    items: Sequence[SignedDocument],
    notes: Sequence[HearingNote],
    context: SheetContext,
    identity: Identity,
    secretary_certificate: x509.Certificate,
    now: dt.datetime,
    *,
    round: int,
    trust_roots: Sequence[x509.Certificate],
    progress: Sequence[DraftReport] = (),
) -> WrittenSheetFile:
    """Sign the envelope, encrypt it to the secretary only, write atomically, read back.

    ``progress`` reports the applications the expert holds only a draft for in ``round``
    (:func:`app.sheets.progress.draft_reports`); it carries no draft content.

    Before encrypting, the reader's checks (stages 2–10) run over the plaintext, so the file
    cannot hold anything the secretary's reader would refuse (they raise the reader's error
    classes). The secretary's X25519 key is taken only from a certificate with the secretary
    role, issued by one of ``trust_roots``, valid at ``now``, whose fingerprint is the
    context's. :class:`SheetFileWriteError` if writing fails or the copy read back differs.
    """
    check_signer(identity, context, now)
    recipient = _secretary_recipient(secretary_certificate, context, trust_roots, now)
    envelope = dumps_canonical(
        {
            "format": SHEET_FILE_FORMAT,
            "version": 1,
            "document_type": SHEET_FILE_TYPE,
            "meeting_id": context.meeting_id,
            "kit_hash": context.kit_hash,
            "expert_id": context.expert.id,
            "expert_fingerprint": identity.fingerprint,
            "round": round,
            "signer_role": SIGNER_ROLE,
            "recipient": {"role": RECIPIENT_ROLE, "fingerprint": context.secretary_fingerprint},
            "created_at": codec.encode_time(now),
            "items": [_item_doc(item) for item in items],
            "notes": [_note_doc(note, context) for note in notes],
            "progress": [progress_doc(report) for report in progress],
        }
    )
    plaintext = dumps_canonical(
        {
            "format": CONTAINER_FORMAT,
            "version": 1,
            "envelope": codec.encode_base64(envelope),
            "signature": codec.encode_base64(cms.sign_detached(envelope, identity)),
        }
    )
    expected = Expected(
        meeting_id=context.meeting_id,
        kit_hash=context.kit_hash,
        rubric=context.rubric,
        roster={context.expert.id: context.expert},
        applications=None,
        rounds=frozenset({round}),
        recipient=context.secretary_fingerprint,
    )
    open_plaintext(plaintext, expected, trust_roots, now)
    data = encrypt_bytes(plaintext, [recipient])
    target = Path(path)
    try:
        atomic_write(target, data, mode=0o600)
        written = target.read_bytes()
    except OSError as exc:
        raise SheetFileWriteError(
            str(target), Msg.of("the system reported: {error}", error=exc.strerror or str(exc))
        ) from exc
    if written != data:
        raise SheetFileWriteError(
            str(target), Msg.of("the copy read back differs from what was written.")
        )
    return WrittenSheetFile(target, len(data), hashlib.sha256(data).hexdigest())


def _secretary_recipient(
    cert: x509.Certificate,
    context: SheetContext,
    trust_roots: Sequence[x509.Certificate],
    now: dt.datetime,
) -> X25519Recipient:
    """The secretary's age recipient, only from a certificate we have checked ourselves."""
    if certificate_role(cert) is not Role.SECRETARY:
        raise SheetSigningError(Msg.of("the recipient's certificate is not a secretary's."))
    if fingerprint(cert) != normalize_fingerprint(context.secretary_fingerprint):
        raise SheetSigningError(
            Msg.of(
                "the secretary certificate {found} is not the meeting's secretary ({expected}).",
                found=fingerprint(cert),
                expected=context.secretary_fingerprint,
            )
        )
    if not any(_issued_by(cert, root) for root in trust_roots):
        raise SheetSigningError(
            Msg.of("the secretary certificate is not issued by this meeting's trust roots.")
        )
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise SheetSigningError(Msg.of("the secretary certificate is not valid now."))
    public = x25519_public_bytes(cert)
    if public is None:
        raise SheetSigningError(Msg.of("the secretary certificate carries no encryption key."))
    return X25519Recipient(public)


def _issued_by(cert: x509.Certificate, root: x509.Certificate) -> bool:
    """Identity v1 CAs have pathLen 0: a person's certificate is issued by a root directly."""
    try:
        cert.verify_directly_issued_by(root)
    except Exception:  # wrong issuer, wrong key type, bad signature: all mean "no"
        return False
    return True


def _item_doc(item: SignedDocument) -> dict[str, str]:
    content = decode_document(item.document)
    kind = "sheet" if isinstance(content, SheetDocument) else "recusal"
    return {
        "kind": kind,
        "document": codec.encode_base64(item.document),
        "signature": codec.encode_base64(item.signature),
    }


def _note_doc(note: HearingNote, context: SheetContext) -> dict[str, Any]:
    if note.meeting_id != context.meeting_id or note.expert_id != context.expert.id:
        raise SheetSigningError(
            Msg.of("a hearing note belongs to another meeting or another expert.")
        )
    return {
        "id": note.id,
        "application_id": note.application_id,
        "kind": note.kind.value,
        "text": note.text,
        "factor": note.factor,
        "created_at": codec.encode_time(note.created_at),
    }
