"""Expert scoring use cases: declare conflicts, take notes, fill in and submit score sheets.

Each function is one user edit and runs as *one* transaction of the repository
(:class:`app.ports.ScoringRepository`): when it returns, the edit and its audit entry are
committed; when it raises, nothing was stored. Every error is a :class:`UserFacingError`.

Rules enforced here (DESIGN section 5):

- Before anything is recorded for an application, the expert must have declared "no
  conflict" for it; a declared conflict recuses them: their drafts for it are discarded and
  no sheet can be created afterwards (:class:`ConflictOfInterestError`).
- A score is checked against the rubric at once (range and step); a refused score stores
  nothing.
- Sheets are versioned per round. Only the latest draft is editable; a submitted version is
  frozen (:class:`SheetLockedError`); :func:`start_new_version` copies it into a new draft,
  and submitting that draft marks the previous submitted version superseded (all kept).
  A later round (:func:`start_round`) begins at version 1 from the sheet of the round before.

Every use case takes one :class:`SheetRef`: the repository, clock and audit actor, and which
sheet (meeting, expert, application, round) it works on; every edit of a draft goes through
one change path.

Signing seam: :func:`submit` returns the frozen sheet, and accepts ``on_frozen``, called inside
the submit transaction with the frozen sheet, so a signer can store its signature atomically
with the submission (raise from it to abort the submission).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from app.domain.ids import (
    ApplicationId,
    CriterionKey,
    ExpertId,
    FactorKey,
    MeetingId,
    NoteId,
    SheetId,
)
from app.domain.meeting import Application, Meeting
from app.domain.rubric import Factor, Rubric
from app.domain.rules import Violation, check_score, require_valid, validate_sheet
from app.domain.sheet import (
    ConflictDeclaration,
    CriterionAnswer,
    CriterionVerdict,
    FactorScore,
    HearingNote,
    NoteKind,
    Recommendation,
    ScoreSheet,
    SheetStatus,
)
from app.errors import ConflictOfInterestError, NotFoundError, SheetLockedError, ValidationError
from app.i18n import Msg
from app.ports import ScoringRepository

Clock = Callable[[], dt.datetime]
_T = TypeVar("_T")


class ScoreRefused(ValidationError):
    """A score outside the factor's range or off its step; carries the rule's violation."""

    def __init__(self, violation: Violation) -> None:
        self.violation = violation
        super().__init__(
            violation.message, Msg.of("Enter a score the rubric allows for this factor.")
        )


@dataclasses.dataclass(frozen=True)
class SheetRef:
    """Which sheet a use case works on, and with what: the repository, the clock, the audit
    actor (an expert's own edits: :func:`expert_actor`), the meeting, expert and application,
    and the round (1 unless a round notice reopened the application)."""

    repo: ScoringRepository
    now: Clock
    actor: str
    meeting_id: MeetingId
    expert_id: ExpertId
    application_id: ApplicationId
    round: int = 1

    @property
    def pair(self) -> tuple[MeetingId, ExpertId, ApplicationId]:
        """(meeting, expert, application): the key of the expert's records for it."""
        return self.meeting_id, self.expert_id, self.application_id

    def in_round(self, round: int) -> SheetRef:
        return dataclasses.replace(self, round=round)


def expert_actor(expert_id: str) -> str:
    """The audit actor of an expert's own edits: ``expert:<id>``."""
    return f"expert:{expert_id}"


# -- conflict of interest --------------------------------------------------------------------


def declare_conflict(ref: SheetRef, has_conflict: bool, reason: str) -> ConflictDeclaration:
    """Record the expert's declaration for one application.

    A conflict needs a reason and recuses the expert: their draft sheets for the application
    are discarded in the same transaction. A declared conflict cannot be withdrawn here, and a
    conflict cannot be declared after a sheet was submitted (both need the secretary).
    """
    meeting, _ = _meeting_and_rubric(ref)
    application = meeting.application(ref.application_id)
    if has_conflict and not reason.strip():
        raise ValidationError(
            Msg.of("A conflict of interest needs a reason."),
            Msg.of("Say briefly what the conflict is, e.g. “former employer of the applicant”."),
        )
    repo, at = ref.repo, ref.now()
    declaration = ConflictDeclaration(*ref.pair, has_conflict, reason.strip(), at)
    with repo.transaction(ref.actor, at):
        existing = repo.conflict(*ref.pair)
        if existing is not None and existing.has_conflict and not has_conflict:
            raise ConflictOfInterestError(
                Msg.of(
                    "You have already declared a conflict of interest with {application}; "
                    "it cannot be withdrawn here.",
                    application=application.platform_name,
                ),
                Msg.of("If the declaration is wrong, ask the meeting secretary."),
            )
        if has_conflict:
            existing_sheets = repo.sheets(*ref.pair)
            if any(s.status is not SheetStatus.DRAFT for s in existing_sheets):
                raise ConflictOfInterestError(
                    Msg.of(
                        "You have already submitted a sheet for {application}; a conflict "
                        "cannot be declared afterwards here.",
                        application=application.platform_name,
                    ),
                    Msg.of("Tell the meeting secretary, who records the recusal."),
                )
            for sheet in existing_sheets:
                repo.discard_draft(sheet.id)
        repo.save_conflict(declaration)
    return declaration


# -- hearing notes ---------------------------------------------------------------------------


def add_note(
    ref: SheetRef,
    kind: NoteKind,
    text: str,
    factor: FactorKey | None = None,
    *,
    new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
) -> HearingNote:
    """A timestamped note, question or answer, optionally tagged with a rubric factor."""
    _, rubric = _meeting_and_rubric(ref)
    if not text.strip():
        raise ValidationError(Msg.of("The note is empty."), Msg.of("Type the note, then save it."))
    if factor is not None:
        _factor(rubric, factor)
    at = ref.now()
    note = HearingNote(NoteId(new_id()), *ref.pair, kind, text, factor, at)
    with ref.repo.transaction(ref.actor, at):
        _require_cleared(ref)
        ref.repo.add_note(note)
    return note


# -- the score sheet -------------------------------------------------------------------------


def record_criterion(
    ref: SheetRef, criterion_key: CriterionKey, verdict: CriterionVerdict | None, note: str = ""
) -> ScoreSheet:
    """Answer one basic criterion (met / not met / unclear, or ``None`` to clear it)."""
    _, rubric = _meeting_and_rubric(ref)
    if criterion_key not in {c.key for c in rubric.criteria}:
        raise ValidationError(
            Msg.of("The rubric has no basic criterion {key}.", key=criterion_key),
            Msg.of("Choose one of the rubric's basic criteria."),
        )

    def change(sheet: ScoreSheet) -> ScoreSheet:
        answers = _with(
            sheet.criteria,
            lambda a: a.criterion == criterion_key,
            CriterionAnswer(criterion_key, verdict, note),
        )
        return dataclasses.replace(sheet, criteria=answers)

    return _edit(ref, rubric, "sheet.criterion", change)


def set_factor_score(ref: SheetRef, factor_key: FactorKey, score: Decimal | None) -> ScoreSheet:
    """Set (or clear, with ``None``) one factor's score; out of range or off step is refused
    with the rule's specific message and nothing is stored."""
    _, rubric = _meeting_and_rubric(ref)
    factor = _factor(rubric, factor_key)
    if score is not None:
        if not score.is_finite():
            raise ValidationError(
                Msg.of("{factor}: the score must be a number.", factor=factor.name),
                Msg.of("Enter a score the rubric allows for this factor."),
            )
        problem = check_score(rubric, factor_key, score)
        if problem is not None:
            raise ScoreRefused(problem)
    return _edit(
        ref,
        rubric,
        "sheet.score",
        _factor_change(factor_key, lambda e: dataclasses.replace(e, score=score)),
    )


def set_factor_comment(ref: SheetRef, factor_key: FactorKey, comment: str) -> ScoreSheet:
    """The expert's comment on one factor (required for scores in the top or bottom band)."""
    _, rubric = _meeting_and_rubric(ref)
    _factor(rubric, factor_key)
    return _edit(
        ref,
        rubric,
        "sheet.comment",
        _factor_change(factor_key, lambda e: dataclasses.replace(e, comment=comment)),
    )


def set_opinion(ref: SheetRef, text: str) -> ScoreSheet:
    """The expert's overall written opinion on the application."""
    _, rubric = _meeting_and_rubric(ref)
    return _edit(ref, rubric, "sheet.opinion", lambda s: dataclasses.replace(s, opinion=text))


def set_recommendation(
    ref: SheetRef, recommendation: Recommendation | None, conditions: str = ""
) -> ScoreSheet:
    """The recommendation, with its conditions when it is "recommend with conditions"."""
    _, rubric = _meeting_and_rubric(ref)
    return _edit(
        ref,
        rubric,
        "sheet.recommendation",
        lambda s: dataclasses.replace(s, recommendation=recommendation, conditions=conditions),
    )


def current_sheet(
    repo: ScoringRepository,
    meeting_id: MeetingId,
    expert_id: ExpertId,
    application_id: ApplicationId,
    *,
    round: int = 1,
) -> ScoreSheet | None:
    """The latest version of the expert's sheet in ``round``, or ``None`` before the first
    edit."""
    versions = [s for s in repo.sheets(meeting_id, expert_id, application_id) if s.round == round]
    return versions[-1] if versions else None


def validate(ref: SheetRef) -> tuple[Violation, ...]:
    """Everything that stops the current sheet from being submitted (empty when ready)."""
    _, rubric = _meeting_and_rubric(ref)
    sheet = current_sheet(ref.repo, *ref.pair, round=ref.round)
    if sheet is None:
        sheet = _blank(rubric, ref, 1, dt.datetime.min.replace(tzinfo=dt.UTC))
    return validate_sheet(sheet, rubric)


def submit(ref: SheetRef, *, on_frozen: Callable[[ScoreSheet], None] | None = None) -> ScoreSheet:
    """Freeze the current draft after checking every rule (:class:`SheetInvalid` lists the
    problems). A previously submitted version of the round becomes superseded. Returns the
    frozen sheet (see the module docstring for ``on_frozen``)."""
    _, rubric = _meeting_and_rubric(ref)
    repo, at = ref.repo, ref.now()
    with repo.transaction(ref.actor, at):
        _require_cleared(ref)
        versions = _round_versions(ref)
        draft = versions[-1] if versions else None
        if draft is not None and draft.status is not SheetStatus.DRAFT:
            raise _locked(draft)
        require_valid(draft if draft is not None else _blank(rubric, ref, 1, at), rubric)
        assert draft is not None  # a blank sheet never passes require_valid
        for older in versions[:-1]:
            if older.status is SheetStatus.SUBMITTED:
                repo.supersede_sheet(older.id)
        frozen = repo.submit_sheet(draft.id)
        if on_frozen is not None:
            on_frozen(frozen)
    return frozen


def start_new_version(
    ref: SheetRef, *, new_id: Callable[[], str] = lambda: uuid.uuid4().hex
) -> ScoreSheet:
    """Copy the submitted sheet of the round into a new draft (version + 1). The submitted
    version stays in force until the new one is submitted. Returns the existing draft if
    there already is one."""
    _meeting_and_rubric(ref)
    repo, at = ref.repo, ref.now()
    with repo.transaction(ref.actor, at):
        _require_cleared(ref)
        versions = _round_versions(ref)
        if not versions:
            raise NotFoundError(
                Msg.of("There is no submitted sheet to start a new version from."),
                Msg.of("Fill in and submit the sheet first."),
            )
        latest = versions[-1]
        if latest.status is SheetStatus.DRAFT:
            return latest
        draft = dataclasses.replace(
            latest,
            id=SheetId(new_id()),
            version=latest.version + 1,
            status=SheetStatus.DRAFT,
            updated_at=at,
            submitted_at=None,
        )
        repo.add_sheet(draft, "sheet.new_version")
    return draft


def start_round(
    ref: SheetRef, *, new_id: Callable[[], str] = lambda: uuid.uuid4().hex
) -> ScoreSheet | None:
    """Begin the expert's sheet of a later round (``ref.round``: the secretary reopened the
    application, ``round-notice-v1.md``): version 1 of that round, a draft copied from the
    expert's own sheet in force from the latest earlier round, so they revise rather than
    retype. The earlier versions stay as they are (signed, kept as history).

    Returns the round's latest version when the round has one already (nothing written);
    ``None`` (nothing written) for round 1, before the declaration, when the expert is recused
    (a recused expert stays recused), or when no earlier round has a submitted sheet (the
    first edit then starts a blank one)."""
    _meeting_and_rubric(ref)
    round = ref.round
    if round < 2:
        return None
    repo, at = ref.repo, ref.now()
    with repo.transaction(ref.actor, at):
        declaration = repo.conflict(*ref.pair)
        if declaration is None or declaration.has_conflict:
            return None
        versions = repo.sheets(*ref.pair)
        in_round = [s for s in versions if s.round == round]
        if in_round:
            return in_round[-1]
        earlier = [s for s in versions if s.round < round and s.status is SheetStatus.SUBMITTED]
        if not earlier:
            return None
        base = max(earlier, key=lambda s: (s.round, s.version))
        draft = dataclasses.replace(
            base,
            id=SheetId(new_id()),
            round=round,
            version=1,
            status=SheetStatus.DRAFT,
            updated_at=at,
            submitted_at=None,
        )
        repo.add_sheet(draft, "sheet.new_round")
    return draft


# -- helpers ---------------------------------------------------------------------------------


def _meeting_and_rubric(ref: SheetRef) -> tuple[Meeting, Rubric]:
    meeting = ref.repo.meeting(ref.meeting_id)
    if ref.expert_id not in {e.id for e in meeting.experts}:
        raise NotFoundError(
            Msg.of("The expert {id} is not on this meeting's roster.", id=ref.expert_id),
            Msg.of("Log in with an identity on the roster, or ask the meeting secretary."),
        )
    if ref.application_id not in {a.id for a in meeting.applications}:
        raise NotFoundError(
            Msg.of("The application {id} is not part of this meeting.", id=ref.application_id),
            Msg.of("Choose an application from the meeting's agenda."),
        )
    return meeting, ref.repo.rubric(meeting.rubric_id)


def _require_cleared(ref: SheetRef) -> None:
    declaration = ref.repo.conflict(*ref.pair)
    application: Application = ref.repo.meeting(ref.meeting_id).application(ref.application_id)
    if declaration is None:
        raise ConflictOfInterestError(
            Msg.of(
                "Declare whether you have a conflict of interest with {application} before "
                "recording anything for it.",
                application=application.platform_name,
            ),
            Msg.of("Open the conflict-of-interest declaration for this application first."),
        )
    if declaration.has_conflict:
        raise ConflictOfInterestError(
            Msg.of(
                "You declared a conflict of interest with {application}, so you are recused "
                "from it.",
                application=application.platform_name,
            ),
            Msg.of(
                "Nothing can be recorded for it; if the declaration is wrong, ask the "
                "meeting secretary."
            ),
        )


def _factor(rubric: Rubric, key: FactorKey) -> Factor:
    try:
        return rubric.factor(key)
    except KeyError:
        raise ValidationError(
            Msg.of("The rubric has no factor {key}.", key=key),
            Msg.of("Choose one of the rubric's factors."),
        ) from None


def _round_versions(ref: SheetRef) -> list[ScoreSheet]:
    return [s for s in ref.repo.sheets(*ref.pair) if s.round == ref.round]


def _factor_change(
    key: FactorKey, update: Callable[[FactorScore], FactorScore]
) -> Callable[[ScoreSheet], ScoreSheet]:
    """The change that updates one factor's entry (its score or its comment)."""

    def change(sheet: ScoreSheet) -> ScoreSheet:
        entry = update(sheet.score_for(key) or FactorScore(key, None))
        return dataclasses.replace(
            sheet, scores=_with(sheet.scores, lambda f: f.factor == key, entry)
        )

    return change


def _edit(
    ref: SheetRef, rubric: Rubric, action: str, change: Callable[[ScoreSheet], ScoreSheet]
) -> ScoreSheet:
    """The one change path of a draft: apply ``change`` to the editable draft of the round in
    one transaction, creating version 1 on the first edit."""
    repo, at = ref.repo, ref.now()
    with repo.transaction(ref.actor, at):
        _require_cleared(ref)
        versions = _round_versions(ref)
        latest = versions[-1] if versions else None
        if latest is not None and latest.status is not SheetStatus.DRAFT:
            raise _locked(latest)
        base = latest if latest is not None else _blank(rubric, ref, 1, at)
        edited = dataclasses.replace(change(base), updated_at=at)
        if latest is None:
            repo.add_sheet(edited, action)
        else:
            repo.save_draft(edited, action)
    return edited


def _blank(rubric: Rubric, ref: SheetRef, version: int, at: dt.datetime) -> ScoreSheet:
    return ScoreSheet(
        id=SheetId(uuid.uuid4().hex),
        meeting_id=ref.meeting_id,
        expert_id=ref.expert_id,
        application_id=ref.application_id,
        round=ref.round,
        version=version,
        status=SheetStatus.DRAFT,
        scores=tuple(FactorScore(f.key, None) for f in rubric.factors),
        criteria=tuple(CriterionAnswer(c.key, None) for c in rubric.criteria),
        opinion="",
        recommendation=None,
        conditions="",
        updated_at=at,
    )


def _with(items: tuple[_T, ...], match: Callable[[_T], bool], new: _T) -> tuple[_T, ...]:
    if any(match(i) for i in items):
        return tuple(new if match(i) else i for i in items)
    return (*items, new)


def _locked(sheet: ScoreSheet) -> SheetLockedError:
    if sheet.status is SheetStatus.SUBMITTED:
        message = Msg.of(
            "Version {version} of this sheet has been submitted and can no longer be changed.",
            version=sheet.version,
        )
    else:
        message = Msg.of(
            "Version {version} of this sheet has been replaced by a newer version.",
            version=sheet.version,
        )
    return SheetLockedError(message, Msg.of("Start a new version of the sheet to make changes."))
