"""The consolidated result: per application its figures, vote and status; the ranking.

Every figure keeps its inputs (each roster expert, included or why not), the method that was
actually applied and an explanation, so the secretary's screen and the ministry's recount
both start from the same facts. Values are exact :class:`Fraction` s; ``presented`` is the
rounded display value.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from app.consolidation.rule import TOTAL, ConsolidationRule, Method
from app.domain.ids import ApplicationId, ExpertId, MeetingId
from app.domain.meeting import ExpertRole
from app.domain.sheet import Recommendation
from app.i18n import N_, Msg


class Standing(enum.Enum):
    """Where one roster expert stands for one application in the round."""

    SUBMITTED = "submitted"
    RECUSED = "recused"
    """Declared a conflict: out of the averages, the quorum and the vote denominator."""
    ABSENT = "absent"
    """No sheet at all in this round: counts in the vote denominator, never for."""
    NO_SUBMITTED_SHEET = "no_submitted_sheet"
    """Only a draft in this round: treated like an absence."""

    @property
    def label(self) -> str:
        return {
            Standing.SUBMITTED: N_("Submitted a sheet"),
            Standing.RECUSED: N_("Recused"),
            Standing.ABSENT: N_("Absent"),
            Standing.NO_SUBMITTED_SHEET: N_("No submitted sheet"),
        }[self]


class Inclusion(enum.Enum):
    """Whether one expert's value went into a figure, and if not, why."""

    INCLUDED = "included"
    TRIMMED_HIGH = "trimmed_high"
    TRIMMED_LOW = "trimmed_low"
    RECUSED = "recused"
    ABSENT = "absent"
    NO_SUBMITTED_SHEET = "no_submitted_sheet"

    @property
    def label(self) -> str:
        return {
            Inclusion.INCLUDED: N_("Included"),
            Inclusion.TRIMMED_HIGH: N_("Dropped as the highest"),
            Inclusion.TRIMMED_LOW: N_("Dropped as the lowest"),
            Inclusion.RECUSED: N_("Recused"),
            Inclusion.ABSENT: N_("Absent"),
            Inclusion.NO_SUBMITTED_SHEET: N_("No submitted sheet"),
        }[self]


class Status(enum.Enum):
    CONSOLIDATED = "consolidated"
    NOT_ENOUGH_SHEETS = "not_enough_sheets"
    REFUSED_BY_RULE = "refused_by_rule"

    @property
    def label(self) -> str:
        return {
            Status.CONSOLIDATED: N_("Consolidated"),
            Status.NOT_ENOUGH_SHEETS: N_("Not consolidated: not enough sheets"),
            Status.REFUSED_BY_RULE: N_("Not consolidated: refused by the rule"),
        }[self]


@dataclass(frozen=True)
class Participant:
    """One roster expert for one application."""

    expert_id: ExpertId
    role: ExpertRole
    weight: Fraction
    standing: Standing
    sheet_version: int | None
    recommendation: Recommendation | None
    recusal_reason: str = ""


@dataclass(frozen=True)
class FigureInput:
    expert_id: ExpertId
    role: ExpertRole
    value: Fraction | None
    """None for an expert who was recused or submitted no sheet."""
    weight: Fraction
    inclusion: Inclusion


@dataclass(frozen=True)
class Figure:
    """One consolidated number (a factor or the total) with everything needed to recompute it."""

    subject: str
    """``"total"`` or a factor key."""
    exact: Fraction
    presented: Decimal
    method_applied: Method
    fell_back: bool
    """True when a trimmed mean had too few scores and the mean of all was used instead."""
    inputs: tuple[FigureInput, ...]
    spread: Fraction
    """Highest minus lowest of all counted values (before trimming)."""
    spread_limit: Decimal | None
    explanation: Msg
    note: Msg | None = None
    ties: tuple[Msg, ...] = ()
    """Where a trimmed end had equal values: which expert was dropped, and why."""

    @property
    def flagged(self) -> bool:
        """Experts disagree beyond the limit: the spread is strictly above it."""
        return self.spread_limit is not None and self.spread > Fraction(self.spread_limit)

    @property
    def is_total(self) -> bool:
        return self.subject == TOTAL


@dataclass(frozen=True)
class VoteTally:
    recommend: int
    with_conditions: int
    against: int
    no_recommendation: int
    """Submitted sheets without a recommendation (the sign-off gate normally prevents this)."""
    recused: int
    absent: int
    """Absent experts and experts without a submitted sheet."""
    eligible: int
    """The denominator: the roster minus the recused (absent experts included)."""
    votes_for: int
    threshold: Fraction
    needed: int
    """The fewest votes for that reach the threshold: ⌈threshold × eligible⌉."""
    passed: bool
    explanation: Msg


@dataclass(frozen=True)
class ApplicationResult:
    application_id: ApplicationId
    hearing_position: int
    status: Status
    reason: Msg | None
    """Why the application was not consolidated; None when it was."""
    counted_sheets: int
    """Submitted sheets of non-recused experts: what the quorum counts."""
    participants: tuple[Participant, ...]
    total: Figure | None
    factors: tuple[Figure, ...]
    vote: VoteTally
    rank: int | None

    @property
    def figures(self) -> tuple[Figure, ...]:
        return self.factors if self.total is None else (self.total, *self.factors)

    @property
    def flags(self) -> tuple[Figure, ...]:
        """The figures whose spread is above their limit."""
        return tuple(f for f in self.figures if f.flagged)

    def figure(self, subject: str) -> Figure:
        for f in self.figures:
            if f.subject == subject:
                return f
        raise KeyError(subject)


@dataclass(frozen=True)
class RankEntry:
    rank: int
    application_id: ApplicationId
    keys: tuple[Fraction, ...]
    """The exact tie-break figures, in the rule's order."""
    decided_by: str | None
    """The tie-break key (or ``"hearing_position"``) that puts it above the next; None last."""
    explanation: Msg | None


@dataclass(frozen=True)
class MeetingResult:
    meeting_id: MeetingId
    round: int
    rubric_id: str
    rubric_version: int
    rule: ConsolidationRule
    applications: tuple[ApplicationResult, ...]
    """In hearing order."""
    ranking: tuple[RankEntry, ...]

    def application(self, application_id: str) -> ApplicationResult:
        for a in self.applications:
            if a.application_id == application_id:
                return a
        raise KeyError(application_id)
