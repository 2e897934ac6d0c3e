"""Scoring use cases, without Qt, against a real workspace and a test clock."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.ids import ApplicationId, CriterionKey, ExpertId, FactorKey, MeetingId
from app.domain.rules import SheetInvalid, ViolationCode
from app.domain.sheet import (
    ConflictDeclaration,
    CriterionVerdict,
    NoteKind,
    Recommendation,
    ScoreSheet,
    SheetStatus,
)
from app.errors import (
    ConflictOfInterestError,
    NotFoundError,
    SheetLockedError,
    UserFacingError,
    ValidationError,
)
from app.expert import scoring
from app.i18n import Msg
from storage.workspace.core import Workspace
from tests.meeting_factory import APP, EXPERT, MEETING, OTHER_APP, Clock, make_meeting, make_rubric

Args = scoring.SheetRef
FACTORS = [FactorKey(k) for k in ("concept", "capability", "feasibility", "results")]
CRITERIA = [CriterionKey("eligible"), CriterionKey("unique")]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ws(tmp_path: Path, clock: Clock) -> Iterator[Workspace]:
    workspace = Workspace.create(
        tmp_path / "w.review", make_meeting(), make_rubric(), "secretary", now=clock
    )
    yield workspace
    workspace.close()


@pytest.fixture
def args(ws: Workspace, clock: Clock) -> Args:
    """What every use case takes: repo, clock, actor, meeting, expert, app (round 1)."""
    return scoring.SheetRef(ws, clock, "e1", MEETING, EXPERT, APP)


@pytest.fixture
def cleared(args: Args) -> Args:
    scoring.declare_conflict(args, False, "")
    return args


def _count(ws: Workspace) -> int:
    return ws.audit_head().count


def _fill(args: Args) -> ScoreSheet:
    for criterion in CRITERIA:
        scoring.record_criterion(args, criterion, CriterionVerdict.MET, "")
    for factor in FACTORS:
        scoring.set_factor_score(args, factor, Decimal("20"))
    scoring.set_opinion(args, "Sound plan, capable unit.")
    return scoring.set_recommendation(args, Recommendation.RECOMMEND)


# -- conflicts of interest ------------------------------------------------------------------


def test_scoring_before_declaring_is_refused_and_stores_nothing(ws: Workspace, args: Args) -> None:
    before = _count(ws)
    with pytest.raises(ConflictOfInterestError, match="Declare whether") as caught:
        scoring.set_factor_score(args, FACTORS[0], Decimal("20"))
    assert caught.value.recommendation
    with pytest.raises(ConflictOfInterestError, match="Declare whether"):
        scoring.add_note(args, NoteKind.NOTE, "hello")
    assert ws.sheets(MEETING, EXPERT, APP) == ()
    assert ws.notes(MEETING, EXPERT, APP) == ()
    assert _count(ws) == before


def test_declaring_no_conflict_clears_the_expert(ws: Workspace, args: Args) -> None:
    declaration = scoring.declare_conflict(args, False, "")
    assert ws.conflict(MEETING, EXPERT, APP) == declaration
    sheet = scoring.set_factor_score(args, FACTORS[0], Decimal("20"))
    assert sheet.score_for(FACTORS[0]) is not None


def test_a_conflict_needs_a_reason(ws: Workspace, args: Args) -> None:
    with pytest.raises(ValidationError, match="needs a reason"):
        scoring.declare_conflict(args, True, "   ")
    assert ws.conflict(MEETING, EXPERT, APP) is None


def test_a_conflict_recuses_and_discards_the_draft(ws: Workspace, cleared: Args) -> None:
    scoring.set_factor_score(cleared, FACTORS[0], Decimal("20"))
    assert len(ws.sheets(MEETING, EXPERT, APP)) == 1
    scoring.declare_conflict(cleared, True, "Former employer of the applicant")
    assert ws.sheets(MEETING, EXPERT, APP) == ()
    attempts: list[Callable[[], object]] = [
        lambda: scoring.set_factor_score(cleared, FACTORS[0], Decimal("20")),
        lambda: scoring.record_criterion(cleared, CRITERIA[0], CriterionVerdict.MET),
        lambda: scoring.add_note(cleared, NoteKind.QUESTION, "?"),
        lambda: scoring.set_opinion(cleared, "x"),
        lambda: scoring.submit(cleared),
        lambda: scoring.start_new_version(cleared),
    ]
    for attempt in attempts:
        with pytest.raises(ConflictOfInterestError, match="recused"):
            attempt()
    assert ws.sheets(MEETING, EXPERT, APP) == ()
    assert ws.verify_audit().ok


def test_a_conflict_cannot_be_withdrawn(ws: Workspace, args: Args) -> None:
    scoring.declare_conflict(args, True, "Co-author")
    with pytest.raises(ConflictOfInterestError, match="cannot be withdrawn"):
        scoring.declare_conflict(args, False, "")
    declaration = ws.conflict(MEETING, EXPERT, APP)
    assert declaration is not None and declaration.has_conflict


def test_a_conflict_after_submission_is_refused(ws: Workspace, cleared: Args) -> None:
    _fill(cleared)
    submitted = scoring.submit(cleared)
    with pytest.raises(ConflictOfInterestError, match="already submitted"):
        scoring.declare_conflict(cleared, True, "Remembered late")
    assert ws.sheet(submitted.id).status is SheetStatus.SUBMITTED


def test_other_applications_are_unaffected_by_a_recusal(
    ws: Workspace, clock: Clock, args: Args
) -> None:
    scoring.declare_conflict(args, True, "Co-author")
    other = scoring.SheetRef(ws, clock, "e1", MEETING, EXPERT, OTHER_APP)
    scoring.declare_conflict(other, False, "")
    scoring.set_factor_score(other, FACTORS[1], Decimal("12.5"))


def test_unknown_expert_or_application_is_not_found(ws: Workspace, clock: Clock) -> None:
    with pytest.raises(NotFoundError, match="roster"):
        scoring.declare_conflict(
            scoring.SheetRef(ws, clock, "x", MEETING, ExpertId("ghost"), APP), False, ""
        )
    with pytest.raises(NotFoundError, match="not part of this meeting"):
        scoring.declare_conflict(
            scoring.SheetRef(ws, clock, "x", MEETING, EXPERT, ApplicationId("no")), False, ""
        )
    with pytest.raises(NotFoundError, match="meeting"):
        scoring.declare_conflict(
            scoring.SheetRef(ws, clock, "x", MeetingId("other"), EXPERT, APP), False, ""
        )


# -- notes -----------------------------------------------------------------------------------


def test_notes_questions_and_answers(ws: Workspace, cleared: Args) -> None:
    scoring.add_note(cleared, NoteKind.NOTE, "Strong team")
    scoring.add_note(cleared, NoteKind.QUESTION, "Funding?", FACTORS[1])
    scoring.add_note(cleared, NoteKind.ANSWER, "5 M committed", FACTORS[1])
    notes = ws.notes(MEETING, EXPERT, APP)
    assert [(n.kind, n.text, n.factor) for n in notes] == [
        (NoteKind.NOTE, "Strong team", None),
        (NoteKind.QUESTION, "Funding?", "capability"),
        (NoteKind.ANSWER, "5 M committed", "capability"),
    ]
    assert notes[0].created_at < notes[1].created_at


def test_a_note_tagged_with_an_unknown_factor_is_refused(ws: Workspace, cleared: Args) -> None:
    with pytest.raises(ValidationError, match="no factor budget"):
        scoring.add_note(cleared, NoteKind.QUESTION, "?", FactorKey("budget"))
    with pytest.raises(ValidationError, match="empty"):
        scoring.add_note(cleared, NoteKind.NOTE, "  ")
    assert ws.notes(MEETING, EXPERT, APP) == ()


# -- the sheet -------------------------------------------------------------------------------


def test_each_field_of_the_sheet(ws: Workspace, cleared: Args) -> None:
    scoring.record_criterion(cleared, CRITERIA[0], CriterionVerdict.UNCLEAR, "ask")
    scoring.set_factor_score(cleared, FACTORS[0], Decimal("22.50"))
    scoring.set_factor_comment(cleared, FACTORS[0], "Excellent concept")
    scoring.set_opinion(cleared, "Good.")
    scoring.set_recommendation(
        cleared, Recommendation.RECOMMEND_WITH_CONDITIONS, "Hire two engineers"
    )
    (sheet,) = ws.sheets(MEETING, EXPERT, APP)
    assert sheet.version == 1 and sheet.round == 1 and sheet.status is SheetStatus.DRAFT
    entry = sheet.score_for(FACTORS[0])
    assert entry is not None and str(entry.score) == "22.50"  # exact, as typed
    assert entry.comment == "Excellent concept"
    answer = sheet.answer_for(CRITERIA[0])
    assert (
        answer is not None and answer.verdict is CriterionVerdict.UNCLEAR and answer.note == "ask"
    )
    assert sheet.opinion == "Good."
    assert sheet.recommendation is Recommendation.RECOMMEND_WITH_CONDITIONS
    assert sheet.conditions == "Hire two engineers"
    assert [s.factor for s in sheet.scores] == FACTORS  # rubric order
    scoring.set_factor_score(cleared, FACTORS[0], None)
    cleared_entry = ws.sheets(MEETING, EXPERT, APP)[0].score_for(FACTORS[0])
    assert cleared_entry is not None and cleared_entry.score is None
    assert cleared_entry.comment == "Excellent concept"
    assert ws.verify_audit().ok


@pytest.mark.parametrize(
    ("score", "message"),
    [
        (Decimal("25.5"), "outside 0 to 25"),
        (Decimal("-1"), "outside 0 to 25"),
        (Decimal("12.3"), "steps of 0.5"),
        (Decimal("NaN"), "must be a number"),
        (Decimal("Infinity"), "must be a number"),
    ],
)
def test_a_bad_score_is_refused_and_nothing_is_stored(
    ws: Workspace, cleared: Args, score: Decimal, message: str
) -> None:
    before = _count(ws)
    with pytest.raises(ValidationError, match=message) as caught:
        scoring.set_factor_score(cleared, FACTORS[0], score)
    assert caught.value.recommendation
    assert ws.sheets(MEETING, EXPERT, APP) == ()
    assert _count(ws) == before


def test_a_bad_score_on_an_existing_draft_keeps_the_old_score(ws: Workspace, cleared: Args) -> None:
    scoring.set_factor_score(cleared, FACTORS[0], Decimal("20"))
    with pytest.raises(scoring.ScoreRefused) as caught:
        scoring.set_factor_score(cleared, FACTORS[0], Decimal("30"))
    assert caught.value.violation.code is ViolationCode.SCORE_OUT_OF_RANGE
    entry = ws.sheets(MEETING, EXPERT, APP)[0].score_for(FACTORS[0])
    assert entry is not None and entry.score == Decimal("20")


def test_unknown_factor_and_criterion_are_refused(cleared: Args) -> None:
    with pytest.raises(ValidationError, match="no factor"):
        scoring.set_factor_score(cleared, FactorKey("budget"), Decimal("1"))
    with pytest.raises(ValidationError, match="no factor"):
        scoring.set_factor_comment(cleared, FactorKey("budget"), "x")
    with pytest.raises(ValidationError, match="no basic criterion"):
        scoring.record_criterion(cleared, CriterionKey("zzz"), CriterionVerdict.MET)


def test_validate_lists_what_is_missing(ws: Workspace, cleared: Args) -> None:
    problems = scoring.validate(cleared)
    codes = [p.code for p in problems]
    assert codes.count(ViolationCode.SCORE_MISSING) == 4
    assert codes.count(ViolationCode.CRITERION_UNANSWERED) == 2
    assert ViolationCode.OPINION_MISSING in codes
    assert ViolationCode.RECOMMENDATION_MISSING in codes
    _fill(cleared)
    assert scoring.validate(cleared) == ()


def test_submit_is_refused_with_the_specific_violations(ws: Workspace, cleared: Args) -> None:
    _fill(cleared)
    scoring.set_factor_score(cleared, FACTORS[2], Decimal("25"))
    scoring.set_recommendation(cleared, Recommendation.RECOMMEND_WITH_CONDITIONS, "")
    before = _count(ws)
    with pytest.raises(SheetInvalid) as caught:
        scoring.submit(cleared)
    assert [(v.code, v.field) for v in caught.value.violations] == [
        (ViolationCode.COMMENT_REQUIRED, "feasibility"),
        (ViolationCode.CONDITIONS_MISSING, "conditions"),
    ]
    assert "Feasibility: 25 is in the “Excellent” band" in str(caught.value.msg)
    assert ws.sheets(MEETING, EXPERT, APP)[0].status is SheetStatus.DRAFT
    assert _count(ws) == before


def test_submit_of_nothing_is_refused(ws: Workspace, cleared: Args) -> None:
    with pytest.raises(SheetInvalid):
        scoring.submit(cleared)
    assert ws.sheets(MEETING, EXPERT, APP) == ()


def test_a_submitted_sheet_is_frozen(ws: Workspace, clock: Clock, cleared: Args) -> None:
    _fill(cleared)
    frozen = scoring.submit(cleared)
    assert frozen.status is SheetStatus.SUBMITTED
    assert frozen.submitted_at == clock.now
    assert not frozen.is_editable
    before = _count(ws)
    attempts: list[Callable[[], object]] = [
        lambda: scoring.set_factor_score(cleared, FACTORS[0], Decimal("10")),
        lambda: scoring.set_opinion(cleared, "changed my mind"),
        lambda: scoring.record_criterion(cleared, CRITERIA[0], CriterionVerdict.NOT_MET),
        lambda: scoring.submit(cleared),
    ]
    for attempt in attempts:
        with pytest.raises(SheetLockedError, match="submitted") as caught:
            attempt()
        assert "new version" in caught.value.recommendation
    assert ws.sheet(frozen.id) == frozen
    assert _count(ws) == before


def test_a_new_version_supersedes_and_the_old_is_kept(ws: Workspace, cleared: Args) -> None:
    _fill(cleared)
    v1 = scoring.submit(cleared)
    v2 = scoring.start_new_version(cleared)
    assert (v2.version, v2.status, v2.submitted_at) == (2, SheetStatus.DRAFT, None)
    assert v2.scores == v1.scores and v2.opinion == v1.opinion
    assert scoring.start_new_version(cleared) == v2
    assert ws.sheet(v1.id).status is SheetStatus.SUBMITTED  # in force until v2 is submitted
    scoring.set_factor_score(cleared, FACTORS[0], Decimal("15"))
    v2_frozen = scoring.submit(cleared)
    old, new = ws.sheets(MEETING, EXPERT, APP)
    assert (old.id, old.version, old.status) == (v1.id, 1, SheetStatus.SUPERSEDED)
    assert old.scores == v1.scores and old.submitted_at == v1.submitted_at
    assert (new.id, new.status) == (v2_frozen.id, SheetStatus.SUBMITTED)
    entry = new.score_for(FACTORS[0])
    assert entry is not None and entry.score == Decimal("15")
    assert ws.verify_audit().ok


def test_a_new_version_needs_a_submitted_sheet(cleared: Args) -> None:
    with pytest.raises(NotFoundError, match="no submitted sheet"):
        scoring.start_new_version(cleared)


def test_rounds_are_separate(ws: Workspace, cleared: Args) -> None:
    _fill(cleared)
    scoring.submit(cleared)
    sheet = scoring.set_factor_score(cleared.in_round(2), FACTORS[0], Decimal("5"))
    assert (sheet.round, sheet.version, sheet.status) == (2, 1, SheetStatus.DRAFT)


def test_a_later_round_starts_from_the_sheet_of_the_round_before(ws: Workspace, args: Args) -> None:
    assert scoring.start_round(args.in_round(2)) is None  # not declared yet: nothing written
    scoring.declare_conflict(args, False, "")
    assert scoring.start_round(args.in_round(2)) is None  # nothing submitted to start from
    assert scoring.start_round(args.in_round(1)) is None  # round 1 is started by the first edit
    _fill(args)
    v1 = scoring.submit(args)
    before = _count(ws)
    draft = scoring.start_round(args.in_round(2))
    assert draft is not None and _count(ws) == before + 1
    assert (draft.round, draft.version, draft.status, draft.submitted_at) == (
        2,
        1,
        SheetStatus.DRAFT,
        None,
    )
    assert draft.id != v1.id and draft.scores == v1.scores and draft.opinion == v1.opinion
    assert scoring.start_round(args.in_round(2)) == draft and _count(ws) == before + 1
    scoring.set_factor_score(args.in_round(2), FACTORS[0], Decimal("5"))
    third = scoring.start_round(args.in_round(3))  # from round 1: round 2 is not submitted
    assert third is not None and third.scores == v1.scores
    assert ws.sheet(v1.id).status is SheetStatus.SUBMITTED  # history: untouched
    assert ws.verify_audit().ok


def test_a_recused_expert_starts_no_later_round(cleared: Args) -> None:
    scoring.declare_conflict(cleared, True, "Co-author")
    assert scoring.start_round(cleared.in_round(2)) is None


# -- one transaction per edit ----------------------------------------------------------------


def test_a_failure_mid_use_case_leaves_nothing(
    ws: Workspace, cleared: Args, monkeypatch: pytest.MonkeyPatch
) -> None:
    scoring.set_factor_score(cleared, FACTORS[0], Decimal("20"))
    before_sheets = ws.sheets(MEETING, EXPERT, APP)
    before = _count(ws)

    def save_then_crash(declaration: ConflictDeclaration) -> None:
        Workspace.save_conflict(ws, declaration)
        raise sqlite3.OperationalError("disk I/O error")

    # declare_conflict discards the draft, then saves the declaration: fail after both wrote.
    monkeypatch.setattr(ws, "save_conflict", save_then_crash)
    with pytest.raises(UserFacingError, match="could not be read or written"):
        scoring.declare_conflict(cleared, True, "Found out late")
    monkeypatch.undo()
    assert ws.sheets(MEETING, EXPERT, APP) == before_sheets
    declaration = ws.conflict(MEETING, EXPERT, APP)
    assert declaration is not None and not declaration.has_conflict
    assert _count(ws) == before
    assert ws.verify_audit().ok


def test_a_signer_failure_aborts_the_submission(ws: Workspace, cleared: Args) -> None:
    _fill(cleared)
    seen: list[ScoreSheet] = []

    def signer(sheet: ScoreSheet) -> None:
        seen.append(sheet)
        raise ValidationError(Msg.of("Wrong passphrase."))

    with pytest.raises(ValidationError, match="Wrong passphrase"):
        scoring.submit(cleared, on_frozen=signer)
    assert seen and seen[0].status is SheetStatus.SUBMITTED
    assert ws.sheets(MEETING, EXPERT, APP)[0].status is SheetStatus.DRAFT


def test_writes_outside_a_transaction_are_a_programming_error(ws: Workspace) -> None:
    declaration = ConflictDeclaration(MEETING, EXPERT, APP, False, "", Clock()())
    with pytest.raises(RuntimeError):
        ws.save_conflict(declaration)
