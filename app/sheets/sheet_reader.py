"""Reading the per-expert sheet file ``*.oisheet`` (``docs/formats/sheet-v1.md`` section 4).

An age file encrypted to the secretary only (independence: no other expert can read it),
holding a signed envelope that lists the expert's individually signed sheets and recusals
verbatim, their hearing notes, and which applications they still hold only a draft for (when
it was last edited, never its content: :mod:`app.sheets.progress`). The envelope signature
binds the set (a dropped sheet or note shows); each item's own signature lets the result
bundle carry it unchanged to the ministry.

The reader works in the stages of the spec, one error class per stage. The writer
(:mod:`app.sheets.sheet_writer`) runs the same stages (:func:`open_plaintext`) over its own
output before encrypting.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from cryptography import x509

from app.crypto.age_errors import AgeError
from app.crypto.age_file import decrypt_bytes, read_age_header
from app.crypto.age_keys import X25519Identity
from app.crypto.cms import SignatureVerifier, SignerInfo
from app.crypto.identity import Identity
from app.crypto.profile import (
    normalize_fingerprint,
)
from app.domain.ids import ApplicationId, ExpertId, FactorKey, MeetingId, NoteId
from app.domain.meeting import Expert, Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import ConflictDeclaration, HearingNote, NoteKind, ScoreSheet
from app.formats.bounded_read import read_bounded
from app.formats.canonical_json import JsonFormatError, loads_strict
from app.i18n import Msg
from app.sheets import codec
from app.sheets.codec import FieldError
from app.sheets.documents import (
    MAX_DOCUMENT_SIZE,
    DocumentContext,
    RecusalDocument,
    SheetDocument,
    SignedDocument,
    check_equal,
    check_rubric,
    decode_context,
    decode_document,
    format_error,
    verify_expert_signature,
)
from app.sheets.errors import (
    SheetFileContentError,
    SheetFileContextError,
    SheetFileDecryptError,
    SheetFileFormatError,
    SheetFileSignatureError,
)
from app.sheets.progress import DraftReport, read_progress

SHEET_FILE_FORMAT: Final = "review-desk/sheet-file"
SHEET_FILE_TYPE: Final = "sheet-file"
CONTAINER_FORMAT: Final = "review-desk/signed-envelope"
EXTENSION: Final = ".oisheet"

MAX_FILE_SIZE: Final = 32 * 1024 * 1024
MAX_ENVELOPE_SIZE: Final = 24 * 1024 * 1024
MAX_ENVELOPE_SIGNATURE: Final = 1024 * 1024
MAX_ITEM_SIGNATURE: Final = 64 * 1024
MAX_ITEMS: Final = 4096
MAX_NOTES: Final = 20_000
NOTE_LIMIT: Final = 20_000
_AGE_MAGIC: Final = b"age-encryption.org/v1\n"
_ENVELOPE_MEMBERS: Final = (
    "format",
    "version",
    "document_type",
    "meeting_id",
    "kit_hash",
    "expert_id",
    "expert_fingerprint",
    "round",
    "signer_role",
    "recipient",
    "created_at",
    "items",
    "notes",
    "progress",
)
_KINDS: Final = {"sheet": SheetDocument, "recusal": RecusalDocument}
_NOTE_KINDS: Final = frozenset(k.value for k in NoteKind)


@dataclass(frozen=True)
class SheetFileContents:
    """Everything a verified sheet file holds; ``sheets`` and ``recusals`` keep each item's
    exact signed bytes for storage and the result bundle; ``drafts`` are the applications
    the expert reported a draft (and nothing of it but its time) for, in ``round``."""

    expert: Expert
    signer: SignerInfo
    round: int
    created_at: dt.datetime
    sheets: tuple[tuple[ScoreSheet, SignedDocument], ...]
    recusals: tuple[tuple[ConflictDeclaration, SignedDocument], ...]
    notes: tuple[HearingNote, ...]
    drafts: tuple[DraftReport, ...]


@dataclass(frozen=True)
class Expected:
    """What a file is held against: the secretary's meeting when reading, the expert's own
    context when the writer checks its output."""

    meeting_id: str
    kit_hash: str
    rubric: Rubric
    roster: Mapping[str, Expert]
    applications: frozenset[str] | None
    rounds: frozenset[int]
    recipient: str


def read_sheet_file(
    source: str | os.PathLike[str] | bytes,
    secretary_identity: Identity,
    trust_roots: Sequence[x509.Certificate],
    meeting: Meeting,
    rubric: Rubric,
    kit_hash: str,
    allowed_rounds: Collection[int],
    now: dt.datetime,
    *,
    verifier: SignatureVerifier | None = None,
    crls: Sequence[x509.CertificateRevocationList] = (),
) -> SheetFileContents:
    """Open a sheet file as the meeting's secretary, in the stages of the spec (§4.4).

    ``verifier`` keeps validated certificate paths across the files of an import (the
    shared default verifier of :mod:`app.crypto.cms` otherwise); ``crls`` are the revocation
    lists of the secretary's trust file (a revoked expert's file is refused with the date).

    Raises :class:`SheetFileDecryptError`, :class:`SheetFileFormatError`,
    :class:`SheetFileSignatureError`, :class:`SheetFileContextError` or
    :class:`SheetFileContentError`; nothing else escapes for any input bytes. Any refusal
    refuses the whole file.
    """
    data = _read_bounded(source)
    plaintext = _decrypt(data, secretary_identity)
    expected = Expected(
        meeting_id=meeting.id,
        kit_hash=kit_hash,
        rubric=rubric,
        roster={e.id: e for e in meeting.experts},
        applications=frozenset(a.id for a in meeting.applications),
        rounds=frozenset(allowed_rounds),
        recipient=secretary_identity.fingerprint,
    )
    return open_plaintext(plaintext, expected, trust_roots, now, verifier=verifier, crls=crls)


def _read_bounded(source: str | os.PathLike[str] | bytes) -> bytes:
    return read_bounded(source, MAX_FILE_SIZE, SheetFileDecryptError)


def _decrypt(data: bytes, identity: Identity) -> bytes:
    """Stage 1, then the one-recipient rule of stage 2."""
    if not data.startswith(_AGE_MAGIC):
        raise SheetFileDecryptError(
            Msg.of("it is not an encrypted sheet file."), "no binary age header"
        )
    secret = identity.x25519_private_key.private_bytes_raw()
    try:
        _, header, _ = read_age_header(io.BytesIO(data))
        plaintext = decrypt_bytes(data, [X25519Identity.from_secret_bytes(secret)])
    except AgeError as exc:
        raise SheetFileDecryptError.from_age(exc) from None
    if len(header.stanzas) != 1:
        raise SheetFileFormatError(
            Msg.of(
                "it is encrypted for other readers too; it must be readable by the secretary only."
            ),
            f"{len(header.stanzas)} recipient stanzas",
        )
    return plaintext


def open_plaintext(
    plaintext: bytes,
    expected: Expected,
    trust_roots: Sequence[x509.Certificate],
    now: dt.datetime,
    *,
    verifier: SignatureVerifier | None = None,
    crls: Sequence[x509.CertificateRevocationList] = (),
) -> SheetFileContents:
    """Stages 2–10 over the decrypted bytes (the writer runs them over its own output,
    :mod:`app.sheets.sheet_writer`)."""
    envelope_bytes, signature = _container(plaintext)
    signer = verify_expert_signature(
        envelope_bytes, signature, trust_roots, now, "envelope", verifier, crls
    )
    env, ctx = _envelope(envelope_bytes)
    check_equal(Msg.of("meeting"), expected.meeting_id, ctx.meeting_id, "meeting_id")
    check_equal(Msg.of("meeting kit hash"), expected.kit_hash, ctx.kit_hash, "kit_hash")
    check_equal(
        Msg.of("recipient (secretary)"),
        expected.recipient,
        ctx.recipient_fingerprint,
        "recipient",
    )
    expert = _rostered_signer(ctx.expert_id, ctx.expert_fingerprint, signer, expected)
    if ctx.round not in expected.rounds:
        raise SheetFileContextError(
            Msg.of("round"),
            ", ".join(str(r) for r in sorted(expected.rounds)) or "—",
            str(ctx.round),
            f"round {ctx.round} not in {sorted(expected.rounds)}",
        )
    try:
        created_at = codec.time(env["created_at"], "created_at")
        raw_items = codec.array(env["items"], "items", MAX_ITEMS)
        raw_notes = codec.array(env["notes"], "notes", MAX_NOTES)
    except FieldError as exc:
        raise format_error(exc, "envelope") from None
    verified = _Verified(signer, ctx, trust_roots, now, verifier, tuple(crls))
    sheets: list[tuple[ScoreSheet, SignedDocument]] = []
    recusals: list[tuple[ConflictDeclaration, SignedDocument]] = []
    for index, raw in enumerate(raw_items):
        signed, content = _item(raw, index, verified, expected)
        if isinstance(content, SheetDocument):
            sheets.append((content.sheet, signed))
        else:
            recusals.append((content.declaration, signed))
    _check_set(sheets, recusals)
    drafts = read_progress(
        env["progress"],
        ctx.round,
        expected.applications,
        {sheet.application_id for sheet, _signed in sheets},
        {declaration.application_id for declaration, _signed in recusals},
    )
    notes = tuple(_note(raw, i, ctx, expected) for i, raw in enumerate(raw_notes))
    if len({n.id for n in notes}) != len(notes):
        raise SheetFileContentError(
            Msg.of("two hearing notes have the same id."), "duplicate note id"
        )
    return SheetFileContents(
        expert=expert,
        signer=signer,
        round=ctx.round,
        created_at=created_at,
        sheets=tuple(sheets),
        recusals=tuple(recusals),
        notes=notes,
        drafts=drafts,
    )


def _container(plaintext: bytes) -> tuple[bytes, bytes]:
    """Stage 2: the signed-envelope container, parsed before anything is verified — it holds
    nothing but the version marker and two base64 blobs."""
    try:
        raw = loads_strict(plaintext, max_depth=4, max_size=MAX_FILE_SIZE)
    except JsonFormatError as exc:
        raise SheetFileFormatError(exc.msg, f"container JSON: {exc}") from None
    try:
        codec.version_marker(raw, "$", CONTAINER_FORMAT)
        doc = codec.fields(raw, "$", ("format", "version", "envelope", "signature"))
        envelope = codec.base64_bytes(doc["envelope"], "envelope", MAX_ENVELOPE_SIZE)
        signature = codec.base64_bytes(doc["signature"], "signature", MAX_ENVELOPE_SIGNATURE)
    except codec.VersionError as exc:
        raise _version_error(exc, "container") from None
    except FieldError as exc:
        raise format_error(exc, "container") from None
    return envelope, signature


def _envelope(data: bytes) -> tuple[dict[str, Any], DocumentContext]:
    """Stage 4: strict parse of the (verified) envelope bytes."""
    try:
        raw = loads_strict(data, max_depth=8, max_size=MAX_ENVELOPE_SIZE)
    except JsonFormatError as exc:
        raise SheetFileFormatError(exc.msg, f"envelope JSON: {exc}") from None
    try:
        codec.version_marker(raw, "$", SHEET_FILE_FORMAT)
        env = codec.fields(raw, "$", _ENVELOPE_MEMBERS)
        return env, decode_context(env, SHEET_FILE_TYPE)
    except codec.VersionError as exc:
        raise _version_error(exc, "envelope") from None
    except FieldError as exc:
        raise format_error(exc, "envelope") from None


def _version_error(exc: codec.VersionError, where: str) -> SheetFileFormatError:
    return SheetFileFormatError(
        exc.reason,
        f"{where}: {exc}",
        Msg.of("Open the file with a program version that reads this format version."),
    )


def _rostered_signer(expert_id: str, named: str, signer: SignerInfo, expected: Expected) -> Expert:
    """Stage 6: the signer is the rostered expert, by certificate fingerprint (threat T3: a
    certificate minted for a roster name by a secretary-run CA has another fingerprint)."""
    expert = expected.roster.get(expert_id)
    if expert is None:
        raise SheetFileSignatureError(
            Msg.of("{expert} is not on this meeting's roster.", expert=expert_id),
            f"expert {expert_id!r} not on roster",
        )
    rostered = normalize_fingerprint(expert.fingerprint)
    if rostered is None:
        raise SheetFileSignatureError(
            Msg.of(
                "the roster records no certificate fingerprint for {name}, so the signature "
                "cannot be matched to them.",
                name=expert.name,
            ),
            f"no roster fingerprint for {expert_id!r}",
            Msg.of("Record the expert's fingerprint from the sign-in sheet in the roster."),
        )
    if rostered != signer.fingerprint or named != signer.fingerprint:
        raise SheetFileSignatureError(
            Msg.of(
                "{name} is on the roster with certificate {expected}, but the file was signed "
                "with certificate {found} ({signer}).",
                name=expert.name,
                expected=rostered,
                found=signer.fingerprint,
                signer=signer.common_name,
            ),
            f"signer {signer.fingerprint} != roster {rostered} / named {named}",
        )
    return expert


def _item(
    raw: Any,
    index: int,
    envelope: _Verified,
    expected: Expected,
) -> tuple[SignedDocument, SheetDocument | RecusalDocument]:
    """Stage 8 for one item: its own signature, same signer, strict parse, same context."""
    where = f"items[{index}]"
    try:
        item = codec.fields(raw, where, ("kind", "document", "signature"))
        kind = codec.choice(item["kind"], f"{where}.kind", tuple(_KINDS))
        document = codec.base64_bytes(item["document"], f"{where}.document", MAX_DOCUMENT_SIZE)
        signature = codec.base64_bytes(item["signature"], f"{where}.signature", MAX_ITEM_SIGNATURE)
    except FieldError as exc:
        raise format_error(exc, "envelope") from None
    item_signer = verify_expert_signature(
        document,
        signature,
        envelope.trust_roots,
        envelope.now,
        where,
        envelope.verifier,
        envelope.crls,
    )
    if item_signer.certificate != envelope.signer.certificate:
        raise SheetFileSignatureError(
            Msg.of(
                "item {number} was signed by {found}, not by the expert who signed the file "
                "({expected}).",
                number=index + 1,
                found=item_signer.fingerprint,
                expected=envelope.signer.fingerprint,
            ),
            f"{where}: signer {item_signer.fingerprint} != {envelope.signer.fingerprint}",
        )
    try:
        content = decode_document(document)
    except SheetFileFormatError as exc:
        raise SheetFileFormatError(
            Msg.of("item {number}: {reason}", number=index + 1, reason=exc.msg),
            f"{where}: {exc.detail}",
            exc.rec,
        ) from None
    if not isinstance(content, _KINDS[kind]):
        raise SheetFileFormatError(
            Msg.of(
                "item {number} is marked “{kind}” but holds another kind of document.",
                number=index + 1,
                kind=kind,
            ),
            f"{where}: kind {kind!r} does not match the document",
        )
    _check_item_context(content.context, envelope.context, index)
    application = (
        content.sheet.application_id
        if isinstance(content, SheetDocument)
        else content.declaration.application_id
    )
    if expected.applications is not None and application not in expected.applications:
        raise SheetFileContentError(
            Msg.of(
                "item {number} is for application {application}, which is not in this meeting.",
                number=index + 1,
                application=application,
            ),
            f"{where}: unknown application {application!r}",
        )
    if isinstance(content, SheetDocument):
        check_rubric(content, expected.rubric, where)
    return SignedDocument(document, signature), content


def _check_item_context(item: DocumentContext, envelope: DocumentContext, index: int) -> None:
    """Every context member of an item equals the envelope's (no mix-and-match); the
    message of a mismatch is made only when there is one."""
    pairs = (
        ("meeting_id", envelope.meeting_id, item.meeting_id),
        ("kit_hash", envelope.kit_hash, item.kit_hash),
        ("expert_id", envelope.expert_id, item.expert_id),
        ("expert_fingerprint", envelope.expert_fingerprint, item.expert_fingerprint),
        ("round", str(envelope.round), str(item.round)),
        ("recipient", envelope.recipient_fingerprint, item.recipient_fingerprint),
    )
    for name, wanted, found in pairs:
        if wanted is not None and wanted != found:
            check_equal(
                Msg.of("item {number}: {field}", number=index + 1, field=_context_label(name)),
                wanted,
                found,
                f"items[{index}].{name}",
            )


def _context_label(name: str) -> Msg:
    """The label of a context member, for the message of a mismatch."""
    labels = {
        "meeting_id": Msg.of("meeting"),
        "kit_hash": Msg.of("meeting kit hash"),
        "expert_id": Msg.of("expert"),
        "expert_fingerprint": Msg.of("signer fingerprint"),
        "round": Msg.of("round"),
        "recipient": Msg.of("recipient (secretary)"),
    }
    return labels[name]


def _check_set(
    sheets: Sequence[tuple[ScoreSheet, SignedDocument]],
    recusals: Sequence[tuple[ConflictDeclaration, SignedDocument]],
) -> None:
    """No duplicate sheet version, no duplicate recusal, no sheet for a recused pair."""
    seen: set[tuple[str, int, int]] = set()
    ids: set[str] = set()
    for sheet, _signed in sheets:
        key = (sheet.application_id, sheet.round, sheet.version)
        if key in seen or sheet.id in ids:
            raise SheetFileContentError(
                Msg.of(
                    "the sheet for application {application}, round {round}, version {version} "
                    "appears twice.",
                    application=sheet.application_id,
                    round=sheet.round,
                    version=sheet.version,
                ),
                f"duplicate sheet {key} / id {sheet.id!r}",
            )
        seen.add(key)
        ids.add(sheet.id)
    recused: set[str] = set()
    for declaration, _signed in recusals:
        if declaration.application_id in recused:
            raise SheetFileContentError(
                Msg.of(
                    "the recusal from application {application} appears twice.",
                    application=declaration.application_id,
                ),
                f"duplicate recusal {declaration.application_id!r}",
            )
        recused.add(declaration.application_id)
    scored = {sheet.application_id for sheet, _signed in sheets}
    both = sorted(scored & recused)
    if both:
        raise SheetFileContentError(
            Msg.of(
                "the file holds both a sheet and a recusal for application {application}; a "
                "recused expert cannot score it.",
                application=both[0],
            ),
            f"sheet and recusal for {both[0]!r}",
        )


def _note(raw: Any, index: int, ctx: DocumentContext, expected: Expected) -> HearingNote:
    """Stage 10 for one hearing note."""
    where = f"notes[{index}]"
    try:
        doc = codec.fields(
            raw, where, ("id", "application_id", "kind", "text", "factor", "created_at")
        )
        note = HearingNote(
            id=NoteId(codec.identifier(doc["id"], f"{where}.id")),
            meeting_id=MeetingId(ctx.meeting_id),
            expert_id=ExpertId(ctx.expert_id),
            application_id=ApplicationId(
                codec.identifier(doc["application_id"], f"{where}.application_id")
            ),
            kind=NoteKind(codec.choice(doc["kind"], f"{where}.kind", _NOTE_KINDS)),
            text=codec.text(doc["text"], f"{where}.text", NOTE_LIMIT),
            factor=None
            if doc["factor"] is None
            else FactorKey(codec.identifier(doc["factor"], f"{where}.factor")),
            created_at=codec.time(doc["created_at"], f"{where}.created_at"),
        )
    except FieldError as exc:
        raise format_error(exc, "envelope") from None
    if expected.applications is not None and note.application_id not in expected.applications:
        raise SheetFileContentError(
            Msg.of(
                "a hearing note is for application {application}, which is not in this meeting.",
                application=note.application_id,
            ),
            f"{where}: unknown application {note.application_id!r}",
        )
    if note.factor is not None and note.factor not in expected.rubric.factor_keys():
        raise SheetFileContentError(
            Msg.of(
                "a hearing note names factor {factor}, which the rubric does not have.",
                factor=note.factor,
            ),
            f"{where}: unknown factor {note.factor!r}",
        )
    return note


@dataclass(frozen=True)
class _Verified:
    """The verified envelope's signer and context, and how items must be verified."""

    signer: SignerInfo
    context: DocumentContext
    trust_roots: Sequence[x509.Certificate]
    now: dt.datetime
    verifier: SignatureVerifier | None
    crls: tuple[x509.CertificateRevocationList, ...] = ()
