"""The values of round notices (``docs/formats/round-notice-v1.md``): what a notice says and
what a workspace keeps of one it accepted. Values only; reading, writing and signing are in
:mod:`app.round_notice.notice`, the notice bytes' codec in :mod:`app.round_notice.codec`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.domain.ids import ApplicationId, MeetingId
from app.domain.signed import SignedDocument


@dataclass(frozen=True)
class RoundNotice:
    """Round ``round`` of ``meeting_id`` is open for ``application_ids`` (in that order)."""

    meeting_id: MeetingId
    kit_hash: str
    round: int
    application_ids: tuple[ApplicationId, ...]
    opened_at: dt.datetime
    reason: str
    secretary_fingerprint: str

    def includes(self, application_id: str) -> bool:
        return application_id in self.application_ids


@dataclass(frozen=True)
class HeldRoundNotice:
    """A notice a workspace accepted and keeps: its content, exact signed bytes, and when it
    was imported."""

    notice: RoundNotice
    signed: SignedDocument
    imported_at: dt.datetime
