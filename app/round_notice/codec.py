"""The notice document of ``docs/formats/round-notice-v1.md``: its canonical bytes and their
strict parse. A pure codec (no signature, no file): :mod:`app.round_notice.notice` checks
the signature and the context around it, and a workspace decodes the exact bytes it kept."""

from __future__ import annotations

from typing import Any, Final

from app.crypto.profile import Role
from app.domain.ids import ApplicationId, MeetingId
from app.formats.canonical_json import JsonFormatError, dumps_canonical, loads_strict
from app.i18n import Msg
from app.round_notice.errors import RoundNoticeFormatError, RoundNoticeVersionError
from app.round_notice.model import RoundNotice
from app.sheets import codec
from app.sheets.codec import FieldError

NOTICE_FORMAT: Final = "review-desk/round-notice"
SIGNER_ROLE: Final = Role.SECRETARY.value

MAX_NOTICE_SIZE: Final = 256 * 1024
MAX_DEPTH: Final = 4
MAX_APPLICATIONS: Final = 4096
REASON_LIMIT: Final = 5_000
FIRST_LATER_ROUND: Final = 2
"""Round 1 is opened by the kit itself; a notice opens round 2 or later."""

_NOTICE_MEMBERS: Final = (
    "format",
    "version",
    "meeting_id",
    "kit_hash",
    "round",
    "application_ids",
    "opened_at",
    "reason",
    "secretary_fingerprint",
    "signer_role",
)


def encode_notice(notice: RoundNotice) -> bytes:
    """The canonical notice bytes (no checks: :func:`app.round_notice.notice.sign_round_notice`
    does them)."""
    return dumps_canonical(
        {
            "format": NOTICE_FORMAT,
            "version": 1,
            "meeting_id": notice.meeting_id,
            "kit_hash": notice.kit_hash,
            "round": notice.round,
            "application_ids": list(notice.application_ids),
            "opened_at": codec.encode_time(notice.opened_at),
            "reason": notice.reason,
            "secretary_fingerprint": notice.secretary_fingerprint,
            "signer_role": SIGNER_ROLE,
        }
    )


def decode_notice(data: bytes) -> RoundNotice:
    """Stage 4: strict parse of the (verified) notice bytes."""
    try:
        raw = loads_strict(data, max_depth=MAX_DEPTH, max_size=MAX_NOTICE_SIZE)
    except JsonFormatError as exc:
        raise RoundNoticeFormatError(exc.msg, f"notice JSON: {exc}") from None
    try:
        codec.version_marker(raw, "$", NOTICE_FORMAT)
        doc = codec.fields(raw, "$", _NOTICE_MEMBERS)
        return _notice(doc)
    except codec.VersionError as exc:
        raise RoundNoticeVersionError(exc.version, f"notice: {exc}") from None
    except FieldError as exc:
        raise RoundNoticeFormatError(
            Msg.of("member {field} {reason}", field=exc.path, reason=exc.reason),
            f"notice: {exc}",
        ) from None


def _notice(doc: dict[str, Any]) -> RoundNotice:
    codec.exact(doc["signer_role"], "signer_role", SIGNER_ROLE)
    ids = codec.array(doc["application_ids"], "application_ids", MAX_APPLICATIONS)
    if not ids:
        raise FieldError("application_ids", Msg.of("must name at least one application."))
    applications = tuple(
        ApplicationId(codec.identifier(value, f"application_ids[{i}]"))
        for i, value in enumerate(ids)
    )
    return RoundNotice(
        meeting_id=MeetingId(codec.identifier(doc["meeting_id"], "meeting_id")),
        kit_hash=codec.kit_hash(doc["kit_hash"], "kit_hash"),
        round=codec.whole(doc["round"], "round", FIRST_LATER_ROUND, codec.MAX_ROUND),
        application_ids=applications,
        opened_at=codec.time(doc["opened_at"], "opened_at"),
        reason=codec.text(doc["reason"], "reason", REASON_LIMIT),
        secretary_fingerprint=codec.fingerprint(
            doc["secretary_fingerprint"], "secretary_fingerprint"
        ),
    )
