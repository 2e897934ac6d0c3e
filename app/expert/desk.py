"""The expert's desk: every scoring use case bound to one signed-in expert.

The window never passes an expert id itself: each call goes through this object, which holds
the session's expert id, so one expert's screens can only ever read or write that expert's
declarations, notes and sheets (independence, DESIGN section 5). Each method is one use case
of :mod:`app.expert.scoring` and therefore one committed transaction; when it returns, the edit is
durable and the window may say "Saved".

The repository is the expert's sealing one (:func:`app.expert.unlock.open_expert_drafts`):
what the desk records is encrypted at rest under a key only this expert's identity unlocks.
It is a SQLite connection: call this object on the thread that opened it only.

Rounds: each application is scored in the newest round open for it (:mod:`app.expert.rounds`:
round 1, or a later round a secretary's round notice reopened it for). Every read and edit of
an application goes to its sheet of that round; the versions of earlier rounds are history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from app.domain.ids import ApplicationId, CriterionKey, ExpertId, FactorKey, MeetingId
from app.domain.meeting import Application, Expert, Meeting
from app.domain.rubric import Rubric
from app.domain.rules import Violation
from app.domain.sheet import (
    ConflictDeclaration,
    CriterionVerdict,
    HearingNote,
    NoteKind,
    Recommendation,
    ScoreSheet,
)
from app.expert import scoring
from app.expert.flow import FlowState
from app.expert.rounds import NoticeImport, OpenRounds, open_rounds, record_round_notice
from app.kit.record import KitRecord
from app.ports import ExpertRepository
from app.round_notice import VerifiedRoundNotice

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ExpertDesk:
    """One expert's view of one meeting in one workspace."""

    def __init__(
        self,
        repo: ExpertRepository,
        meeting: Meeting,
        rubric: Rubric,
        expert: Expert,
        *,
        now: Clock = utc_now,
        kit: KitRecord | None = None,
    ) -> None:
        self.repo = repo
        self.kit = kit
        """The meeting kit the workspace came from (None for a workspace made without one)."""
        self.meeting = meeting
        self.rubric = rubric
        self.expert = expert
        self.now = now
        self.rounds: OpenRounds = open_rounds(repo)
        """The rounds the workspace knows (round 1 and each round notice imported)."""

    # -- identity of the records ----------------------------------------------------------
    @property
    def meeting_id(self) -> MeetingId:
        return self.meeting.id

    @property
    def expert_id(self) -> ExpertId:
        return self.expert.id

    @property
    def actor(self) -> str:
        return scoring.expert_actor(self.expert.id)

    def _pair(self, application_id: ApplicationId) -> tuple[MeetingId, ExpertId, ApplicationId]:
        return self.meeting.id, self.expert.id, application_id

    def ref(self, application_id: ApplicationId) -> scoring.SheetRef:
        """The application's sheet of its round, for this expert (every use case takes it)."""
        return scoring.SheetRef(
            self.repo,
            self.now,
            self.actor,
            *self._pair(application_id),
            round=self.round_for(application_id),
        )

    def applications(self) -> tuple[Application, ...]:
        return self.meeting.applications_in_order()

    # -- rounds ---------------------------------------------------------------------------
    @property
    def round(self) -> int:
        """The newest round open in the workspace (the sheet file is for it by default)."""
        return self.rounds.latest

    def round_for(self, application_id: ApplicationId) -> int:
        """The round ``application_id`` is scored in now."""
        return self.rounds.round_for(application_id)

    def import_round_notice(self, verified: VerifiedRoundNotice) -> NoticeImport:
        """Record a verified round notice (one audited transaction; a no-op if already held)
        and follow it: its applications are scored in its round from now on."""
        done = record_round_notice(self.repo, verified, actor=self.actor, now=self.now())
        self.rounds = open_rounds(self.repo)
        return done

    def open_round(self, application_id: ApplicationId) -> ScoreSheet | None:
        """The application's sheet of its round, started (one transaction) from the expert's
        own sheet of the round before when the round is a later one and has none yet; see
        :func:`app.expert.scoring.start_round`. Nothing is written for round 1, a recused expert, or
        a round that already has a sheet."""
        round = self.round_for(application_id)
        current = self.sheet(application_id)
        if round < 2 or current is not None:
            return current
        return scoring.start_round(self.ref(application_id))

    # -- reads ----------------------------------------------------------------------------
    def state(self, application_id: ApplicationId) -> FlowState:
        pair = self._pair(application_id)
        round = self.round_for(application_id)
        return FlowState(
            self.repo.conflict(*pair),
            scoring.current_sheet(self.repo, *pair, round=round),
            round,
        )

    def notes(self, application_id: ApplicationId) -> tuple[HearingNote, ...]:
        return self.repo.notes(*self._pair(application_id))

    def all_notes(self) -> tuple[HearingNote, ...]:
        return tuple(n for a in self.meeting.applications for n in self.notes(a.id))

    def sheet(self, application_id: ApplicationId) -> ScoreSheet | None:
        return scoring.current_sheet(
            self.repo, *self._pair(application_id), round=self.round_for(application_id)
        )

    def versions(self, application_id: ApplicationId) -> tuple[ScoreSheet, ...]:
        """Every version of every round, by (round, version): the current one and history."""
        return self.repo.sheets(*self._pair(application_id))

    def violations(self, application_id: ApplicationId) -> tuple[Violation, ...]:
        return scoring.validate(self.ref(application_id))

    # -- edits (one transaction each) -----------------------------------------------------
    def declare(
        self, application_id: ApplicationId, has_conflict: bool, reason: str = ""
    ) -> ConflictDeclaration:
        return scoring.declare_conflict(self.ref(application_id), has_conflict, reason)

    def add_note(
        self,
        application_id: ApplicationId,
        kind: NoteKind,
        text: str,
        factor: FactorKey | None = None,
    ) -> HearingNote:
        return scoring.add_note(self.ref(application_id), kind, text, factor)

    def record_criterion(
        self,
        application_id: ApplicationId,
        key: CriterionKey,
        verdict: CriterionVerdict | None,
        note: str,
    ) -> ScoreSheet:
        return scoring.record_criterion(self.ref(application_id), key, verdict, note)

    def set_score(
        self, application_id: ApplicationId, factor: FactorKey, score: Decimal | None
    ) -> ScoreSheet:
        return scoring.set_factor_score(self.ref(application_id), factor, score)

    def set_comment(
        self, application_id: ApplicationId, factor: FactorKey, comment: str
    ) -> ScoreSheet:
        return scoring.set_factor_comment(self.ref(application_id), factor, comment)

    def set_opinion(self, application_id: ApplicationId, text: str) -> ScoreSheet:
        return scoring.set_opinion(self.ref(application_id), text)

    def set_recommendation(
        self,
        application_id: ApplicationId,
        recommendation: Recommendation | None,
        conditions: str,
    ) -> ScoreSheet:
        return scoring.set_recommendation(self.ref(application_id), recommendation, conditions)

    def submit(
        self,
        application_id: ApplicationId,
        on_frozen: Callable[[ScoreSheet], None] | None = None,
    ) -> ScoreSheet:
        """Freeze the draft; ``on_frozen`` (the signer) runs inside the same transaction."""
        return scoring.submit(self.ref(application_id), on_frozen=on_frozen)

    def start_new_version(self, application_id: ApplicationId) -> ScoreSheet:
        return scoring.start_new_version(self.ref(application_id))
