"""What an expert records about one application: conflict, notes, criteria, scores, opinion."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal

from app.domain.ids import (
    ApplicationId,
    CriterionKey,
    ExpertId,
    FactorKey,
    MeetingId,
    NoteId,
    SheetId,
)
from app.i18n import N_


class SheetStatus(enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        return {
            SheetStatus.DRAFT: N_("Draft"),
            SheetStatus.SUBMITTED: N_("Submitted"),
            SheetStatus.SUPERSEDED: N_("Superseded"),
        }[self]


class Recommendation(enum.Enum):
    RECOMMEND = "recommend"
    RECOMMEND_WITH_CONDITIONS = "recommend_with_conditions"
    DO_NOT_RECOMMEND = "do_not_recommend"

    @property
    def label(self) -> str:
        return {
            Recommendation.RECOMMEND: N_("Recommend"),
            Recommendation.RECOMMEND_WITH_CONDITIONS: N_("Recommend with conditions"),
            Recommendation.DO_NOT_RECOMMEND: N_("Do not recommend"),
        }[self]


class CriterionVerdict(enum.Enum):
    MET = "met"
    NOT_MET = "not_met"
    UNCLEAR = "unclear"

    @property
    def label(self) -> str:
        return {
            CriterionVerdict.MET: N_("Met"),
            CriterionVerdict.NOT_MET: N_("Not met"),
            CriterionVerdict.UNCLEAR: N_("Unclear"),
        }[self]


class NoteKind(enum.Enum):
    NOTE = "note"
    QUESTION = "question"
    ANSWER = "answer"


@dataclass(frozen=True)
class ConflictDeclaration:
    """An expert's declaration for one application. ``has_conflict`` recuses the expert."""

    meeting_id: MeetingId
    expert_id: ExpertId
    application_id: ApplicationId
    has_conflict: bool
    reason: str
    declared_at: dt.datetime


@dataclass(frozen=True)
class HearingNote:
    """A timestamped hearing entry; questions and answers may be tagged with a factor."""

    id: NoteId
    meeting_id: MeetingId
    expert_id: ExpertId
    application_id: ApplicationId
    kind: NoteKind
    text: str
    factor: FactorKey | None
    created_at: dt.datetime


@dataclass(frozen=True)
class FactorScore:
    factor: FactorKey
    score: Decimal | None
    comment: str = ""


@dataclass(frozen=True)
class CriterionAnswer:
    criterion: CriterionKey
    verdict: CriterionVerdict | None
    note: str = ""


@dataclass(frozen=True)
class ScoreSheet:
    """One expert's sheet for one application in one round; ``version`` counts resubmissions."""

    id: SheetId
    meeting_id: MeetingId
    expert_id: ExpertId
    application_id: ApplicationId
    round: int
    version: int
    status: SheetStatus
    scores: tuple[FactorScore, ...]
    criteria: tuple[CriterionAnswer, ...]
    opinion: str
    recommendation: Recommendation | None
    conditions: str
    updated_at: dt.datetime
    submitted_at: dt.datetime | None = None

    def score_for(self, factor: str) -> FactorScore | None:
        for s in self.scores:  # a plain loop: called per factor of every sheet read
            if s.factor == factor:
                return s
        return None

    def answer_for(self, criterion: str) -> CriterionAnswer | None:
        for c in self.criteria:
            if c.criterion == criterion:
                return c
        return None

    @property
    def is_editable(self) -> bool:
        return self.status is SheetStatus.DRAFT


@dataclass(frozen=True)
class PanelOpinion:
    """The panel's comprehensive examination opinion on one application; the chair approves it."""

    meeting_id: MeetingId
    application_id: ApplicationId
    round: int
    opinion: str
    recommendation: Recommendation
    minority_opinion: str
    approved_by: ExpertId | None
    approved_at: dt.datetime | None
