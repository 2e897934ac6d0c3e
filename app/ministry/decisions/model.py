"""The values of the ministry's decisions (``docs/formats/decision-v1.md``): what a decision
or batch document says, what the desk keeps of them, and the application a decision cites.
Classes and constants only; the codec and the signatures are in :mod:`app.ministry.decisions`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from app.domain.signed import SignedDocument
from app.i18n import N_, LocalizedText, Msg


class Decision(enum.Enum):
    """What the ministry decides on one application."""

    CONFIRM = "confirm"
    NOT_CONFIRM = "not_confirm"
    DEFER = "defer"

    @property
    def label(self) -> Msg:
        return Msg.of(_LABELS[self])


_LABELS: Final = {
    Decision.CONFIRM: N_("confirmed"),
    Decision.NOT_CONFIRM: N_("not confirmed"),
    Decision.DEFER: N_("deferred"),
}


# --- values ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionRecord:
    """What one decision document says (decision-v1 section 1)."""

    meeting_id: str
    application_id: str
    bundle_version: int
    bundle_sha256: str
    decision: Decision
    reason: str
    version: int
    previous_sha256: str | None
    """``None`` for version 1; else the SHA-256 of version ``version - 1``'s document."""
    officer_fingerprint: str
    decided_at: datetime


@dataclass(frozen=True)
class BatchEntry:
    """One decision a batch stands behind."""

    meeting_id: str
    application_id: str
    decision_version: int
    decision: Decision
    decision_sha256: str


@dataclass(frozen=True)
class BatchRecord:
    """What one batch document says (decision-v1 section 2)."""

    batch_id: int
    previous_sha256: str | None
    closed_at: datetime
    officer_fingerprint: str
    entries: tuple[BatchEntry, ...]


@dataclass(frozen=True)
class RecordedDecision:
    """A decision as the desk keeps it: the values, the signed bytes, the officer's name."""

    record: DecisionRecord
    signed: SignedDocument
    officer_name: str

    @property
    def sha256(self) -> str:
        return self.signed.sha256


@dataclass(frozen=True)
class RecordedBatch:
    """A closed batch as the desk keeps it."""

    record: BatchRecord
    signed: SignedDocument
    officer_name: str

    @property
    def sha256(self) -> str:
        return self.signed.sha256


@dataclass(frozen=True)
class DecisionSubject:
    """An application of a meeting's current verified bundle: what a decision may cite."""

    meeting_id: str
    meeting_title: LocalizedText
    meeting_date: str
    bundle_version: int
    bundle_sha256: str
    application_id: str
    hearing_position: int
    applicant_unit: LocalizedText
    platform_name: LocalizedText
    sub_domain: LocalizedText
    status: str
    total_presented: str | None
    rank: int | None
    passed: bool

    @property
    def key(self) -> tuple[str, str]:
        return self.meeting_id, self.application_id
