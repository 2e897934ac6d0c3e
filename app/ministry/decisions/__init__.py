"""The ministry's signed decisions and batches (``docs/formats/decision-v1.md``).

A :class:`DecisionRecord` is what one decision document says (confirm / not confirm / defer
one application, citing the verified bundle, with a reason and its place in the
application's chain of versions); a :class:`BatchRecord` the list of decisions a closed batch
stands behind. Both are canonical JSON signed by a ministry officer (detached CMS); the
reader verifies the signature before it parses a byte and then reads strictly, so
``decode(encode(x)) == x`` and a document that does not follow the spec is refused whole.
What the desk keeps of them reads back as :class:`RecordedDecision` and
:class:`RecordedBatch`; the application a decision is about as :class:`DecisionSubject`.
The values are in :mod:`app.ministry.decisions.model` (what storage may import) and are
re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

from cryptography import x509

from app.crypto import cms
from app.crypto.cms import SignatureError, SignatureVerifier, SignerInfo
from app.crypto.identity import Identity
from app.crypto.profile import Role, normalize_fingerprint
from app.crypto.signer import require_signer
from app.domain.signed import SignedDocument
from app.errors import UserFacingError
from app.formats import fields
from app.formats.canonical_json import dumps_canonical
from app.formats.signed_manifest import ManifestShape, format_time
from app.formats.text import codepoint, first_unsafe
from app.i18n import Msg
from app.ministry.decisions.model import (
    BatchEntry,
    BatchRecord,
    Decision,
    DecisionRecord,
    DecisionSubject,
    RecordedBatch,
    RecordedDecision,
)

DECISION_FORMAT: Final = "review-desk/ministry-decision"
BATCH_FORMAT: Final = "review-desk/ministry-batch"
MAX_REASON: Final = 2000
"""A reason's length limit in code points."""
MAX_DECISION_SIZE: Final = 64 * 1024
MAX_BATCH_SIZE: Final = 4 * 1024 * 1024
MAX_DECISION_VERSION: Final = 10_000
MAX_BATCH_ID: Final = 1_000_000
MAX_BATCH_ENTRIES: Final = 100_000
MAX_BUNDLE_VERSION: Final = 1_000_000
MAX_DEPTH: Final = 4

_DECISION_MEMBERS: Final = (
    "format",
    "version",
    "meeting_id",
    "application_id",
    "bundle_version",
    "bundle_sha256",
    "decision",
    "reason",
    "decision_version",
    "previous_sha256",
    "officer_fingerprint",
    "signer_role",
    "decided_at",
)
_BATCH_MEMBERS: Final = (
    "format",
    "version",
    "batch_id",
    "previous_sha256",
    "closed_at",
    "officer_fingerprint",
    "signer_role",
    "entries",
)
_ENTRY_MEMBERS: Final = (
    "meeting_id",
    "application_id",
    "decision_version",
    "decision",
    "decision_sha256",
)


# --- errors ------------------------------------------------------------------------------


class DecisionDocumentError(UserFacingError):
    """A decision or batch document that does not follow decision-v1, or cannot be signed."""

    def __init__(self, reason: Msg, detail: str = "") -> None:
        super().__init__(
            Msg.of("The ministry decision document is refused: {reason}", reason=reason),
            Msg.of(
                "The document was not written by this program or was changed; keep the "
                "database's own copy."
            ),
        )
        self.detail = detail


class DecisionSignatureError(UserFacingError):
    """The signature over a decision or batch document is not a ministry officer's."""

    def __init__(self, reason: Msg) -> None:
        super().__init__(
            Msg.of(
                "The signature of the ministry decision document is refused: {reason}",
                reason=reason,
            ),
            Msg.of("Do not rely on this document; ask the ministry desk for its own copy."),
        )


class DecisionSignerError(UserFacingError):
    """The identity may not sign a ministry decision (role, validity)."""


# --- the reason ----------------------------------------------------------------------------


def reason_problem(reason: str) -> Msg | None:
    """Why ``reason`` cannot be a decision's reason, or ``None`` when it can."""
    if not reason.strip():
        return Msg.of("a reason is required.")
    if len(reason) > MAX_REASON:
        return Msg.of("the reason is longer than {limit} characters.", limit=MAX_REASON)
    unsafe = first_unsafe(reason)
    if unsafe is not None:
        return Msg.of(
            "the reason contains the formatting character {char}.", char=codepoint(unsafe)
        )
    return None


# --- decision documents ----------------------------------------------------------------------


def encode_decision(record: DecisionRecord) -> bytes:
    """The canonical bytes of ``record`` (sign and hash exactly these)."""
    return dumps_canonical(
        {
            "format": DECISION_FORMAT,
            "version": 1,
            "meeting_id": record.meeting_id,
            "application_id": record.application_id,
            "bundle_version": record.bundle_version,
            "bundle_sha256": record.bundle_sha256,
            "decision": record.decision.value,
            "reason": record.reason,
            "decision_version": record.version,
            "previous_sha256": record.previous_sha256,
            "officer_fingerprint": record.officer_fingerprint,
            "signer_role": Role.MINISTRY.value,
            "decided_at": format_time(record.decided_at),
        }
    )


def decode_decision(data: bytes) -> DecisionRecord:
    """Read a decision document strictly; :class:`DecisionDocumentError` otherwise."""
    shape = _shape(DECISION_FORMAT, MAX_DECISION_SIZE)
    doc = shape.open(data, _DECISION_MEMBERS)
    version = shape.check(
        fields.whole, doc["decision_version"], "decision_version", 1, MAX_DECISION_VERSION
    )
    previous = _optional_hash(shape, doc["previous_sha256"], "previous_sha256")
    if (version == 1) != (previous is None):
        raise shape.bad("previous_sha256", "null exactly for decision version 1")
    reason = shape.check(fields.text, doc["reason"], "reason", MAX_REASON)
    if reason_problem(reason) is not None:
        raise shape.bad("reason", "empty or holds formatting characters")
    shape.check(fields.exact, doc["signer_role"], "signer_role", Role.MINISTRY.value)
    return DecisionRecord(
        meeting_id=shape.check(fields.identifier, doc["meeting_id"], "meeting_id"),
        application_id=shape.check(fields.identifier, doc["application_id"], "application_id"),
        bundle_version=shape.check(
            fields.whole, doc["bundle_version"], "bundle_version", 1, MAX_BUNDLE_VERSION
        ),
        bundle_sha256=shape.check(fields.sha256_hex, doc["bundle_sha256"], "bundle_sha256"),
        decision=_decision(shape, doc["decision"], "decision"),
        reason=reason,
        version=version,
        previous_sha256=previous,
        officer_fingerprint=_fingerprint(shape, doc["officer_fingerprint"], "officer_fingerprint"),
        decided_at=shape.time(doc["decided_at"], "decided_at"),
    )


def sign_decision(record: DecisionRecord, identity: Identity) -> SignedDocument:
    """Sign ``record`` as the officer it names, valid at its ``decided_at``.

    :class:`DecisionSignerError` for an identity without the ministry role, not valid then
    or not the officer named; :class:`DecisionDocumentError` for a record a reader would
    refuse (the writer reads its own output back)."""
    _require_officer(identity, record.decided_at, record.officer_fingerprint)
    document = encode_decision(record)
    if decode_decision(document) != record:
        raise DecisionDocumentError(Msg.of("the decision does not read back as written."))
    return SignedDocument(document, cms.sign_detached(document, identity))


def verify_decision(
    signed: SignedDocument,
    trust_roots: Sequence[x509.Certificate],
    at: datetime,
    *,
    verifier: SignatureVerifier | None = None,
) -> tuple[DecisionRecord, SignerInfo]:
    """Verify the officer's signature (own trust roots, ministry role, at ``at``), then read
    the document and check it names the signing certificate (decision-v1 section 3)."""
    signer = _verify(signed, trust_roots, at, verifier)
    record = decode_decision(signed.document)
    _check_named(record.officer_fingerprint, signer)
    return record, signer


def check_chain(versions: Sequence[RecordedDecision]) -> None:
    """Refuse (:class:`DecisionDocumentError`) the versions of one application's decision,
    oldest first, unless they form the chain of decision-v1 section 1: versions 1, 2, …
    without a gap or a repeat, each citing the exact bytes of the one before, all about the
    same application, and each document saying what its values say."""
    previous: RecordedDecision | None = None
    for number, d in enumerate(versions, start=1):
        r = d.record
        if decode_decision(d.signed.document) != r:
            raise DecisionDocumentError(
                Msg.of("version {version} does not say what was recorded.", version=r.version)
            )
        if r.version != number:
            raise DecisionDocumentError(
                Msg.of(
                    "version {found} is where version {expected} should be.",
                    found=r.version,
                    expected=number,
                )
            )
        cited = None if previous is None else previous.sha256
        same = previous is None or (previous.record.meeting_id, previous.record.application_id) == (
            r.meeting_id,
            r.application_id,
        )
        if r.previous_sha256 != cited or not same:
            raise DecisionDocumentError(
                Msg.of("version {version} does not cite the version before it.", version=number)
            )
        previous = d


# --- batch documents -------------------------------------------------------------------------


def encode_batch(record: BatchRecord) -> bytes:
    return dumps_canonical(
        {
            "format": BATCH_FORMAT,
            "version": 1,
            "batch_id": record.batch_id,
            "previous_sha256": record.previous_sha256,
            "closed_at": format_time(record.closed_at),
            "officer_fingerprint": record.officer_fingerprint,
            "signer_role": Role.MINISTRY.value,
            "entries": [
                {
                    "meeting_id": e.meeting_id,
                    "application_id": e.application_id,
                    "decision_version": e.decision_version,
                    "decision": e.decision.value,
                    "decision_sha256": e.decision_sha256,
                }
                for e in record.entries
            ],
        }
    )


def decode_batch(data: bytes) -> BatchRecord:
    """Read a batch document strictly; :class:`DecisionDocumentError` otherwise."""
    shape = _shape(BATCH_FORMAT, MAX_BATCH_SIZE)
    doc = shape.open(data, _BATCH_MEMBERS)
    batch_id = shape.check(fields.whole, doc["batch_id"], "batch_id", 1, MAX_BATCH_ID)
    previous = _optional_hash(shape, doc["previous_sha256"], "previous_sha256")
    if (batch_id == 1) != (previous is None):
        raise shape.bad("previous_sha256", "null exactly for batch 1")
    shape.check(fields.exact, doc["signer_role"], "signer_role", Role.MINISTRY.value)
    raw = shape.check(fields.array, doc["entries"], "entries", MAX_BATCH_ENTRIES)
    if not raw:
        raise shape.bad("entries", "empty")
    entries = tuple(_entry(shape, item, f"entries[{i}]") for i, item in enumerate(raw))
    keys = [(e.meeting_id, e.application_id) for e in entries]
    if keys != sorted(set(keys)):
        raise shape.bad("entries", "not sorted by meeting and application, or a pair twice")
    return BatchRecord(
        batch_id=batch_id,
        previous_sha256=previous,
        closed_at=shape.time(doc["closed_at"], "closed_at"),
        officer_fingerprint=_fingerprint(shape, doc["officer_fingerprint"], "officer_fingerprint"),
        entries=entries,
    )


def sign_batch(record: BatchRecord, identity: Identity) -> SignedDocument:
    """Sign ``record`` as the officer it names, valid at its ``closed_at``."""
    _require_officer(identity, record.closed_at, record.officer_fingerprint)
    document = encode_batch(record)
    if decode_batch(document) != record:
        raise DecisionDocumentError(Msg.of("the batch does not read back as written."))
    return SignedDocument(document, cms.sign_detached(document, identity))


def verify_batch(
    signed: SignedDocument,
    trust_roots: Sequence[x509.Certificate],
    at: datetime,
    *,
    verifier: SignatureVerifier | None = None,
) -> tuple[BatchRecord, SignerInfo]:
    """As :func:`verify_decision`, for a batch document."""
    signer = _verify(signed, trust_roots, at, verifier)
    record = decode_batch(signed.document)
    _check_named(record.officer_fingerprint, signer)
    return record, signer


# --- shared ------------------------------------------------------------------------------------


def require_officer(identity: Identity, now: datetime) -> None:
    """Refuse (:class:`DecisionSignerError`) an identity that may not decide at ``now``."""
    _require_officer(identity, now, None)


def _require_officer(identity: Identity, now: datetime, named: str | None) -> None:
    require_signer(
        identity,
        Role.MINISTRY,
        now,
        lambda message, recommendation, _detail: DecisionSignerError(message, recommendation),
        wrong_role=Msg.of(
            "Only a ministry officer's identity can sign a ministry decision; {name} holds "
            "another role.",
            name=identity.common_name,
        ),
        recommendation=Msg.of("Open the desk with your ministry officer identity (.p12)."),
        expected_fingerprint=named,
        not_expected=Msg.of(
            "The decision names the officer {named}, but the identity is {found}.",
            named=named or "",
            found=identity.fingerprint,
        ),
    )


def _verify(
    signed: SignedDocument,
    trust_roots: Sequence[x509.Certificate],
    at: datetime,
    verifier: SignatureVerifier | None,
) -> SignerInfo:
    try:
        return cms.verify_detached(
            signed.document,
            signed.signature,
            trust_roots,
            roles={Role.MINISTRY},
            at=at,
            verifier=verifier,
        )
    except SignatureError as exc:
        raise DecisionSignatureError(exc.msg) from None


def _check_named(named: str, signer: SignerInfo) -> None:
    if named != signer.fingerprint:
        raise DecisionSignatureError(
            Msg.of(
                "it names the officer {named} but was signed by {found}.",
                named=named,
                found=signer.fingerprint,
            )
        )


def _shape(format_name: str, max_size: int) -> ManifestShape:
    return ManifestShape(
        format=format_name,
        version=1,
        max_size=max_size,
        error=lambda reason, detail: DecisionDocumentError(reason, detail),
        version_error=lambda found: DecisionDocumentError(
            Msg.of("it is version {found}; this program reads version 1.", found=str(found)[:20]),
            f"version {found!r}",
        ),
        wrong_format=lambda found: Msg.of(
            "it is a {found} document, not a {expected} document.",
            found=found,
            expected=format_name,
        ),
        max_depth=MAX_DEPTH,
    )


def _optional_hash(shape: ManifestShape, value: Any, where: str) -> str | None:
    return None if value is None else shape.check(fields.sha256_hex, value, where)


def _decision(shape: ManifestShape, value: Any, where: str) -> Decision:
    found = shape.check(fields.choice, value, where, [d.value for d in Decision])
    return Decision(found)


def _fingerprint(shape: ManifestShape, value: Any, where: str) -> str:
    if not isinstance(value, str) or normalize_fingerprint(value) != value:
        raise shape.bad(where, "not a fingerprint in its canonical form")
    return value


def _entry(shape: ManifestShape, value: Any, where: str) -> BatchEntry:
    item = shape.fields(value, where, _ENTRY_MEMBERS)
    return BatchEntry(
        meeting_id=shape.check(fields.identifier, item["meeting_id"], f"{where}.meeting_id"),
        application_id=shape.check(
            fields.identifier, item["application_id"], f"{where}.application_id"
        ),
        decision_version=shape.check(
            fields.whole,
            item["decision_version"],
            f"{where}.decision_version",
            1,
            MAX_DECISION_VERSION,
        ),
        decision=_decision(shape, item["decision"], f"{where}.decision"),
        decision_sha256=shape.check(
            fields.sha256_hex, item["decision_sha256"], f"{where}.decision_sha256"
        ),
    )


__all__ = [
    "BATCH_FORMAT",
    "DECISION_FORMAT",
    "MAX_REASON",
    "BatchEntry",
    "BatchRecord",
    "Decision",
    "DecisionDocumentError",
    "DecisionRecord",
    "DecisionSignatureError",
    "DecisionSignerError",
    "DecisionSubject",
    "RecordedBatch",
    "RecordedDecision",
    "check_chain",
    "decode_batch",
    "decode_decision",
    "encode_batch",
    "encode_decision",
    "reason_problem",
    "require_officer",
    "sign_batch",
    "sign_decision",
    "verify_batch",
    "verify_decision",
]
