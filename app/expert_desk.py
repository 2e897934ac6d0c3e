"""The expert's desk: every scoring use case bound to one signed-in expert.

The window never passes an expert id itself: each call goes through this object, which holds
the session's expert id, so one expert's screens can only ever read or write that expert's
declarations, notes and sheets (independence, DESIGN section 5). Each method is one use case
of :mod:`app.scoring` and therefore one committed transaction; when it returns, the edit is
durable and the window may say "Saved".

The repository is a SQLite connection: call this object on the thread that opened it only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from app import scoring
from app.domain.ids import ApplicationId, CriterionKey, ExpertId, FactorKey, MeetingId
from app.domain.meeting import Application, Expert, Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import (
    ConflictDeclaration,
    CriterionVerdict,
    HearingNote,
    NoteKind,
    Recommendation,
    ScoreSheet,
)
from app.expert_flow import FlowState
from app.kit.record import KitRecord
from app.ports import ScoringRepository
from app.rules import Violation

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ExpertDesk:
    """One expert's view of one meeting in one workspace."""

    def __init__(
        self,
        repo: ScoringRepository,
        meeting: Meeting,
        rubric: Rubric,
        expert: Expert,
        *,
        now: Clock = utc_now,
        round: int = 1,
        kit: KitRecord | None = None,
    ) -> None:
        self.repo = repo
        self.kit = kit
        """The meeting kit the workspace came from (None for a workspace made without one)."""
        self.meeting = meeting
        self.rubric = rubric
        self.expert = expert
        self.now = now
        self.round = round

    # -- identity of the records ----------------------------------------------------------
    @property
    def meeting_id(self) -> MeetingId:
        return self.meeting.id

    @property
    def expert_id(self) -> ExpertId:
        return self.expert.id

    @property
    def actor(self) -> str:
        return f"expert:{self.expert.id}"

    def _pair(self, application_id: ApplicationId) -> tuple[MeetingId, ExpertId, ApplicationId]:
        return self.meeting.id, self.expert.id, application_id

    def applications(self) -> tuple[Application, ...]:
        return self.meeting.applications_in_order()

    # -- reads ----------------------------------------------------------------------------
    def state(self, application_id: ApplicationId) -> FlowState:
        pair = self._pair(application_id)
        return FlowState(
            self.repo.conflict(*pair),
            scoring.current_sheet(self.repo, *pair, round=self.round),
        )

    def notes(self, application_id: ApplicationId) -> tuple[HearingNote, ...]:
        return self.repo.notes(*self._pair(application_id))

    def all_notes(self) -> tuple[HearingNote, ...]:
        return tuple(n for a in self.meeting.applications for n in self.notes(a.id))

    def sheet(self, application_id: ApplicationId) -> ScoreSheet | None:
        return scoring.current_sheet(self.repo, *self._pair(application_id), round=self.round)

    def versions(self, application_id: ApplicationId) -> tuple[ScoreSheet, ...]:
        return self.repo.sheets(*self._pair(application_id))

    def violations(self, application_id: ApplicationId) -> tuple[Violation, ...]:
        return scoring.validate(self.repo, *self._pair(application_id), round=self.round)

    # -- edits (one transaction each) -----------------------------------------------------
    def declare(
        self, application_id: ApplicationId, has_conflict: bool, reason: str = ""
    ) -> ConflictDeclaration:
        return scoring.declare_conflict(
            self.repo, self.now, self.actor, *self._pair(application_id), has_conflict, reason
        )

    def add_note(
        self,
        application_id: ApplicationId,
        kind: NoteKind,
        text: str,
        factor: FactorKey | None = None,
    ) -> HearingNote:
        return scoring.add_note(
            self.repo, self.now, self.actor, *self._pair(application_id), kind, text, factor
        )

    def record_criterion(
        self,
        application_id: ApplicationId,
        key: CriterionKey,
        verdict: CriterionVerdict | None,
        note: str,
    ) -> ScoreSheet:
        return scoring.record_criterion(
            self.repo,
            self.now,
            self.actor,
            *self._pair(application_id),
            key,
            verdict,
            note,
            round=self.round,
        )

    def set_score(
        self, application_id: ApplicationId, factor: FactorKey, score: Decimal | None
    ) -> ScoreSheet:
        return scoring.set_factor_score(
            self.repo,
            self.now,
            self.actor,
            *self._pair(application_id),
            factor,
            score,
            round=self.round,
        )

    def set_comment(
        self, application_id: ApplicationId, factor: FactorKey, comment: str
    ) -> ScoreSheet:
        return scoring.set_factor_comment(
            self.repo,
            self.now,
            self.actor,
            *self._pair(application_id),
            factor,
            comment,
            round=self.round,
        )

    def set_opinion(self, application_id: ApplicationId, text: str) -> ScoreSheet:
        return scoring.set_opinion(
            self.repo, self.now, self.actor, *self._pair(application_id), text, round=self.round
        )

    def set_recommendation(
        self,
        application_id: ApplicationId,
        recommendation: Recommendation | None,
        conditions: str,
    ) -> ScoreSheet:
        return scoring.set_recommendation(
            self.repo,
            self.now,
            self.actor,
            *self._pair(application_id),
            recommendation,
            conditions,
            round=self.round,
        )

    def submit(
        self,
        application_id: ApplicationId,
        on_frozen: Callable[[ScoreSheet], None] | None = None,
    ) -> ScoreSheet:
        """Freeze the draft; ``on_frozen`` (the signer) runs inside the same transaction."""
        return scoring.submit(
            self.repo,
            self.now,
            self.actor,
            *self._pair(application_id),
            round=self.round,
            on_frozen=on_frozen,
        )

    def start_new_version(self, application_id: ApplicationId) -> ScoreSheet:
        return scoring.start_new_version(
            self.repo, self.now, self.actor, *self._pair(application_id), round=self.round
        )
