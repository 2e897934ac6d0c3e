"""Signed score sheets and signed recusals (``docs/formats/sheet-v1.md`` sections 1–3).

Each document is canonical JSON naming its full context (meeting, kit hash, subject, round,
version, signer role, recipient), signed as its exact bytes with a detached CMS signature by
the expert. The bytes and the signature travel together, unchanged, from the expert to the
secretary and on to the ministry, so anyone holding the trust roots can re-check every sheet
version without trusting whoever carried it (threat T3), and a sheet cannot be replayed into
another meeting, kit or round (threat T6).

Readers verify first and parse second; the writer refuses to sign anything the reader would
refuse, so every document we sign can be read back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from cryptography import x509

from app.crypto import cms
from app.crypto.cms import SignatureError, SignatureVerifier, SignerInfo
from app.crypto.identity import Identity
from app.crypto.profile import Role, normalize_fingerprint
from app.crypto.signer import require_signer
from app.domain.ids import ApplicationId, CriterionKey, ExpertId, FactorKey, MeetingId, SheetId
from app.domain.meeting import Expert
from app.domain.rubric import Rubric
from app.domain.rules import SheetInvalid, Violation, require_valid
from app.domain.sheet import (
    ConflictDeclaration,
    CriterionAnswer,
    CriterionVerdict,
    FactorScore,
    Recommendation,
    ScoreSheet,
    SheetStatus,
)
from app.domain.signed import SignedDocument as SignedDocument  # the value lives in app.domain
from app.formats.canonical_json import JsonFormatError, dumps_canonical, loads_strict
from app.i18n import Msg
from app.sheets import codec
from app.sheets.codec import FieldError
from app.sheets.errors import (
    SheetFileContentError,
    SheetFileContextError,
    SheetFileFormatError,
    SheetFileSignatureError,
    SheetSigningError,
)

SHEET_FORMAT: Final = "review-desk/sheet"
RECUSAL_FORMAT: Final = "review-desk/recusal"
SHEET_TYPE: Final = "score-sheet"
RECUSAL_TYPE: Final = "recusal"
SIGNER_ROLE: Final = Role.EXPERT.value
RECIPIENT_ROLE: Final = Role.SECRETARY.value

MAX_DOCUMENT_SIZE: Final = 256 * 1024
MAX_DOCUMENT_DEPTH: Final = 4
MAX_ENTRIES: Final = 32
COMMENT_LIMIT: Final = 5_000
OPINION_LIMIT: Final = 20_000
REASON_LIMIT: Final = 5_000

_CONTEXT_MEMBERS: Final = (
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
    "application_id",
)
_SHEET_MEMBERS: Final = (
    *_CONTEXT_MEMBERS,
    "sheet_id",
    "sheet_version",
    "rubric",
    "scores",
    "criteria",
    "opinion",
    "recommendation",
    "conditions",
    "updated_at",
    "submitted_at",
)
_RECUSAL_MEMBERS: Final = (*_CONTEXT_MEMBERS, "reason", "declared_at")


@dataclass(frozen=True)
class SheetContext:
    """What the expert signs *into* every document: the meeting, the kit they worked from,
    the rubric, who they are on the roster, and the secretary the documents are for."""

    meeting_id: str
    kit_hash: str
    rubric: Rubric
    expert: Expert
    secretary_fingerprint: str


@dataclass(frozen=True)
class DocumentContext:
    """The context members every signed sheet-v1 document carries."""

    meeting_id: str
    kit_hash: str
    expert_id: str
    expert_fingerprint: str
    round: int
    recipient_fingerprint: str


@dataclass(frozen=True)
class SheetDocument:
    context: DocumentContext
    sheet: ScoreSheet
    rubric_id: str
    rubric_revision: int


@dataclass(frozen=True)
class RecusalDocument:
    context: DocumentContext
    declaration: ConflictDeclaration


@dataclass(frozen=True)
class VerifiedDocument:
    """A document whose signature was verified before it was parsed."""

    signer: SignerInfo
    content: SheetDocument | RecusalDocument
    signed: SignedDocument


# --- signing ------------------------------------------------------------------------------


def sign_sheet(
    sheet: ScoreSheet, context: SheetContext, identity: Identity, now: dt.datetime
) -> SignedDocument:
    """Sign a submitted, valid sheet as the rostered expert.

    Raises :class:`app.domain.rules.SheetInvalid` (with every rule violation) for a sheet the
    rubric refuses, and :class:`SheetSigningError` for a sheet that is not submitted, belongs
    to another meeting or expert, or an identity that is not the roster's for this expert.
    The document bytes depend only on ``sheet`` and ``context``: signing twice gives the same
    bytes (the CMS signature differs, ECDSA being randomised).
    """
    check_signer(identity, context, now)
    if sheet.status is not SheetStatus.SUBMITTED or sheet.submitted_at is None:
        raise SheetSigningError(
            Msg.of(
                "only a submitted sheet can be signed (this one is “{status}”).",
                status=Msg.of(sheet.status.label),
            )
        )
    _check_subject(sheet.meeting_id, sheet.expert_id, context)
    require_valid(sheet, context.rubric)
    return _sign(encode_sheet(sheet, context), identity)


def sign_recusal(
    declaration: ConflictDeclaration,
    context: SheetContext,
    identity: Identity,
    now: dt.datetime,
    *,
    round: int = 1,
) -> SignedDocument:
    """Sign a declared conflict of interest, recusing the expert from one application.

    A declaration of *no* conflict, or one without a reason, is refused: the recusal is what
    takes the expert out of the application's arithmetic, and its reason is recorded.
    """
    check_signer(identity, context, now)
    if not declaration.has_conflict:
        raise SheetSigningError(Msg.of("a declaration of no conflict is not a recusal."))
    if not declaration.reason.strip():
        raise SheetSigningError(Msg.of("a recusal needs the reason for the conflict."))
    _check_subject(declaration.meeting_id, declaration.expert_id, context)
    return _sign(encode_recusal(declaration, context, round), identity)


def check_signer(identity: Identity, context: SheetContext, now: dt.datetime) -> None:
    """The identity is an expert's, valid at ``now``, and the one the roster records."""
    require_signer(
        identity,
        Role.EXPERT,
        now,
        lambda reason, _rec, _detail: SheetSigningError(reason),
        wrong_role=Msg.of("only an identity with the expert role signs sheets."),
        recommendation=Msg.of(
            "Check that you are logged in with your own identity for this meeting."
        ),
        expected_fingerprint=context.expert.fingerprint or "",
        not_expected=Msg.of(
            "your certificate {found} is not the one the roster records for {name} ({expected}).",
            found=identity.fingerprint,
            name=context.expert.name,
            expected=context.expert.fingerprint or "—",
        ),
        wrap_expiry=False,
    )


def _check_subject(meeting_id: str, expert_id: str, context: SheetContext) -> None:
    if meeting_id != context.meeting_id:
        raise SheetSigningError(
            Msg.of(
                "it belongs to meeting {found}, not {expected}.",
                found=meeting_id,
                expected=context.meeting_id,
            )
        )
    if expert_id != context.expert.id:
        raise SheetSigningError(
            Msg.of(
                "it belongs to expert {found}, not {expected}.",
                found=expert_id,
                expected=context.expert.id,
            )
        )


def _sign(document: bytes, identity: Identity) -> SignedDocument:
    try:
        decode_document(document)  # refuse to sign what a reader would refuse
    except SheetFileFormatError as exc:
        raise SheetSigningError(exc.msg) from exc
    return SignedDocument(document, cms.sign_detached(document, identity))


# --- encoding -----------------------------------------------------------------------------


def _context_doc(
    fmt: str,
    doc_type: str,
    context: SheetContext,
    application_id: str,
    round: int,
) -> dict[str, Any]:
    return {
        "format": fmt,
        "version": 1,
        "document_type": doc_type,
        "meeting_id": context.meeting_id,
        "kit_hash": context.kit_hash,
        "expert_id": context.expert.id,
        "expert_fingerprint": normalize_fingerprint(context.expert.fingerprint)
        or context.expert.fingerprint,
        "round": round,
        "signer_role": SIGNER_ROLE,
        "recipient": {"role": RECIPIENT_ROLE, "fingerprint": context.secretary_fingerprint},
        "application_id": application_id,
    }


def encode_sheet(sheet: ScoreSheet, context: SheetContext) -> bytes:
    """The canonical document bytes for ``sheet`` — no rule checks (:func:`sign_sheet` does
    them); exposed so tools and tests can build a document exactly as the writer would."""
    doc = _context_doc(SHEET_FORMAT, SHEET_TYPE, context, sheet.application_id, sheet.round)
    doc.update(
        {
            "sheet_id": sheet.id,
            "sheet_version": sheet.version,
            "rubric": {"id": context.rubric.id, "revision": context.rubric.version},
            "scores": [
                {
                    "factor": s.factor,
                    "score": codec.encode_score(s.score) if s.score is not None else None,
                    "comment": s.comment,
                }
                for s in sheet.scores
            ],
            "criteria": [
                {
                    "criterion": c.criterion,
                    "verdict": c.verdict.value if c.verdict is not None else None,
                    "note": c.note,
                }
                for c in sheet.criteria
            ],
            "opinion": sheet.opinion,
            "recommendation": sheet.recommendation.value if sheet.recommendation else None,
            "conditions": sheet.conditions,
            "updated_at": codec.encode_time(sheet.updated_at),
            "submitted_at": codec.encode_time(sheet.submitted_at or sheet.updated_at),
        }
    )
    return dumps_canonical(doc)


def encode_recusal(
    declaration: ConflictDeclaration,
    context: SheetContext,
    round: int = 1,
) -> bytes:
    """The canonical document bytes for a recusal (no checks; see :func:`sign_recusal`)."""
    doc = _context_doc(RECUSAL_FORMAT, RECUSAL_TYPE, context, declaration.application_id, round)
    doc["reason"] = declaration.reason
    doc["declared_at"] = codec.encode_time(declaration.declared_at)
    return dumps_canonical(doc)


# --- decoding -----------------------------------------------------------------------------


def decode_document(data: bytes) -> SheetDocument | RecusalDocument:
    """Strictly parse a signed sheet or recusal. Call only after verifying its signature.

    Raises :class:`SheetFileFormatError` naming the member and the reason.
    """
    try:
        doc = loads_strict(data, max_depth=MAX_DOCUMENT_DEPTH, max_size=MAX_DOCUMENT_SIZE)
    except JsonFormatError as exc:
        raise SheetFileFormatError(exc.msg, f"document JSON: {exc}") from None
    try:
        if isinstance(doc, dict) and doc.get("format") == RECUSAL_FORMAT:
            return _decode_recusal(doc)
        return _decode_sheet(doc)
    except codec.VersionError as exc:
        raise SheetFileFormatError(
            exc.reason,
            f"document {exc}",
            Msg.of("Open the file with a program version that reads this format version."),
        ) from None
    except FieldError as exc:
        raise format_error(exc, "document") from None


def format_error(exc: FieldError, where: str) -> SheetFileFormatError:
    """A :class:`SheetFileFormatError` naming the member path."""
    return SheetFileFormatError(
        Msg.of("member {field} {reason}", field=exc.path, reason=exc.reason),
        f"{where}: {exc}",
    )


def decode_context(doc: dict[str, Any], doc_type: str) -> DocumentContext:
    """The signing-context members (spec: "Signing context"), already known to exist."""
    codec.exact(doc["document_type"], "document_type", doc_type)
    codec.exact(doc["signer_role"], "signer_role", SIGNER_ROLE)
    recipient = codec.fields(doc["recipient"], "recipient", ("role", "fingerprint"))
    codec.exact(recipient["role"], "recipient.role", RECIPIENT_ROLE)
    return DocumentContext(
        meeting_id=codec.identifier(doc["meeting_id"], "meeting_id"),
        kit_hash=codec.kit_hash(doc["kit_hash"], "kit_hash"),
        expert_id=codec.identifier(doc["expert_id"], "expert_id"),
        expert_fingerprint=codec.fingerprint(doc["expert_fingerprint"], "expert_fingerprint"),
        round=codec.whole(doc["round"], "round", 1, codec.MAX_ROUND),
        recipient_fingerprint=codec.fingerprint(recipient["fingerprint"], "recipient.fingerprint"),
    )


def _decode_sheet(raw: Any) -> SheetDocument:
    codec.version_marker(raw, "$", SHEET_FORMAT)
    doc = codec.fields(raw, "$", _SHEET_MEMBERS)
    context = decode_context(doc, SHEET_TYPE)
    rubric = codec.fields(doc["rubric"], "rubric", ("id", "revision"))
    scores: list[FactorScore] = []
    factors: set[str] = set()
    for i, item in enumerate(codec.array(doc["scores"], "scores", MAX_ENTRIES)):
        where = f"scores[{i}]"
        entry = codec.fields(item, where, ("factor", "score", "comment"))
        key = codec.identifier(entry["factor"], f"{where}.factor")
        if key in factors:
            raise FieldError(f"{where}.factor", Msg.of("“{key}” is listed twice.", key=key))
        factors.add(key)
        scores.append(
            FactorScore(
                FactorKey(key),
                codec.score(entry["score"], f"{where}.score"),
                codec.text(entry["comment"], f"{where}.comment", COMMENT_LIMIT),
            )
        )
    criteria: list[CriterionAnswer] = []
    answered: set[str] = set()
    for i, item in enumerate(codec.array(doc["criteria"], "criteria", MAX_ENTRIES)):
        where = f"criteria[{i}]"
        entry = codec.fields(item, where, ("criterion", "verdict", "note"))
        key = codec.identifier(entry["criterion"], f"{where}.criterion")
        if key in answered:
            raise FieldError(f"{where}.criterion", Msg.of("“{key}” is listed twice.", key=key))
        answered.add(key)
        verdict = codec.choice(entry["verdict"], f"{where}.verdict", _VERDICTS)
        criteria.append(
            CriterionAnswer(
                CriterionKey(key),
                CriterionVerdict(verdict),
                codec.text(entry["note"], f"{where}.note", COMMENT_LIMIT),
            )
        )
    recommendation = codec.choice(doc["recommendation"], "recommendation", _RECOMMENDATIONS)
    sheet = ScoreSheet(
        id=SheetId(codec.identifier(doc["sheet_id"], "sheet_id")),
        meeting_id=MeetingId(context.meeting_id),
        expert_id=ExpertId(context.expert_id),
        application_id=ApplicationId(codec.identifier(doc["application_id"], "application_id")),
        round=context.round,
        version=codec.whole(doc["sheet_version"], "sheet_version", 1, codec.MAX_SHEET_VERSION),
        status=SheetStatus.SUBMITTED,
        scores=tuple(scores),
        criteria=tuple(criteria),
        opinion=codec.text(doc["opinion"], "opinion", OPINION_LIMIT),
        recommendation=Recommendation(recommendation),
        conditions=codec.text(doc["conditions"], "conditions", OPINION_LIMIT),
        updated_at=codec.time(doc["updated_at"], "updated_at"),
        submitted_at=codec.time(doc["submitted_at"], "submitted_at"),
    )
    return SheetDocument(
        context=context,
        sheet=sheet,
        rubric_id=codec.identifier(rubric["id"], "rubric.id"),
        rubric_revision=codec.whole(rubric["revision"], "rubric.revision", 1, 2**53 - 1),
    )


def _decode_recusal(raw: dict[str, Any]) -> RecusalDocument:
    codec.version_marker(raw, "$", RECUSAL_FORMAT)
    doc = codec.fields(raw, "$", _RECUSAL_MEMBERS)
    context = decode_context(doc, RECUSAL_TYPE)
    declaration = ConflictDeclaration(
        meeting_id=MeetingId(context.meeting_id),
        expert_id=ExpertId(context.expert_id),
        application_id=ApplicationId(codec.identifier(doc["application_id"], "application_id")),
        has_conflict=True,
        reason=codec.text(doc["reason"], "reason", REASON_LIMIT, required=True),
        declared_at=codec.time(doc["declared_at"], "declared_at"),
    )
    return RecusalDocument(context=context, declaration=declaration)


_VERDICTS: Final = frozenset(v.value for v in CriterionVerdict)
_RECOMMENDATIONS: Final = frozenset(r.value for r in Recommendation)


# --- verifying ----------------------------------------------------------------------------


def open_signed_document(
    signed: SignedDocument,
    trust_roots: Sequence[x509.Certificate],
    *,
    at: dt.datetime,
    verifier: SignatureVerifier | None = None,
    crls: Sequence[x509.CertificateRevocationList] = (),
) -> VerifiedDocument:
    """Verify (own trust roots and their ``crls``, expert role, moment ``at``), then parse
    strictly, then bind the document's ``expert_fingerprint`` to the signing certificate.
    ``verifier`` keeps the validated certificate paths of the file or session being read.

    Raises :class:`SheetFileSignatureError` or :class:`SheetFileFormatError`.
    """
    signer = verify_expert_signature(
        signed.document, signed.signature, trust_roots, at, "document", verifier, crls
    )
    content = decode_document(signed.document)
    if content.context.expert_fingerprint != signer.fingerprint:
        raise SheetFileSignatureError(
            Msg.of(
                "the document names the certificate {named}, but {signer} signed it.",
                named=content.context.expert_fingerprint,
                signer=signer.fingerprint,
            ),
            "document expert_fingerprint differs from the signer's",
        )
    return VerifiedDocument(signer=signer, content=content, signed=signed)


def verify_expert_signature(
    data: bytes,
    signature: bytes,
    trust_roots: Sequence[x509.Certificate],
    at: dt.datetime,
    what: str,
    verifier: SignatureVerifier | None = None,
    crls: Sequence[x509.CertificateRevocationList] = (),
) -> SignerInfo:
    """:func:`app.crypto.cms.verify_detached` with role *expert*, as a sheet-file error."""
    try:
        return cms.verify_detached(
            data,
            signature,
            trust_roots,
            roles={Role.EXPERT},
            at=at,
            verifier=verifier,
            crls=crls,
        )
    except SignatureError as exc:
        raise SheetFileSignatureError.from_signature(exc, what) from None


def parse_signed_sheet(
    signed: SignedDocument,
    trust_roots: Sequence[x509.Certificate],
    *,
    at: dt.datetime,
    meeting_id: str | None = None,
    kit_hash: str | None = None,
    rubric: Rubric | None = None,
    expert_fingerprint: str | None = None,
) -> ScoreSheet:
    """Verify a signed sheet and return the domain sheet it records, exactly.

    Each given expectation is checked (:class:`SheetFileContextError` names what was
    expected and found); with ``rubric`` the sheet must also pass the rubric's rules
    (:class:`SheetFileContentError`). A signed recusal is refused here.
    """
    verified = open_signed_document(signed, trust_roots, at=at)
    content = verified.content
    if not isinstance(content, SheetDocument):
        raise SheetFileFormatError(
            Msg.of("a score sheet was expected, but this is a signed recusal."),
            "expected a sheet, found a recusal",
        )
    ctx = content.context
    check_equal(Msg.of("meeting"), meeting_id, ctx.meeting_id, "meeting_id")
    check_equal(Msg.of("meeting kit hash"), kit_hash, ctx.kit_hash, "kit_hash")
    if expert_fingerprint is not None:
        check_equal(
            Msg.of("signer fingerprint"),
            normalize_fingerprint(expert_fingerprint) or expert_fingerprint,
            ctx.expert_fingerprint,
            "expert_fingerprint",
        )
    if rubric is not None:
        check_rubric(content, rubric, "document")
    return content.sheet


def check_equal(field: Msg, expected: str | None, found: str, detail: str) -> None:
    """Raise :class:`SheetFileContextError` unless ``found`` is ``expected`` (if given)."""
    if expected is not None and expected != found:
        raise SheetFileContextError(field, expected, found, f"{detail}: {found!r} != {expected!r}")


def check_rubric(content: SheetDocument, rubric: Rubric, where: str) -> None:
    """The sheet names this rubric, and passes its rules."""
    expected = f"{rubric.id} r{rubric.version}"
    found = f"{content.rubric_id} r{content.rubric_revision}"
    if found != expected:  # the message only for a refusal (this runs for every sheet)
        check_equal(Msg.of("rubric"), expected, found, f"{where} rubric")
    try:
        require_valid(content.sheet, rubric)
    except SheetInvalid as exc:
        raise SheetFileContentError(
            Msg.of(
                "the sheet of {expert} for {application} breaks the rubric's rules:\n{problems}",
                expert=content.sheet.expert_id,
                application=content.sheet.application_id,
                problems=_Problems(exc.violations),
            ),
            f"{where}: invalid sheet: {exc}",
        ) from None


@dataclass(frozen=True)
class _Problems:
    """Rule violations as a bulleted list, translated when shown."""

    violations: tuple[Violation, ...]

    def in_language(self, language: str) -> str:
        return "\n".join(f"- {v.message.in_language(language)}" for v in self.violations)

    def __str__(self) -> str:
        return "\n".join(f"- {v.message}" for v in self.violations)
