"""Workspace repositories: domain objects in, the same domain objects out."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.ids import ApplicationId, CriterionKey, FactorKey, MeetingId
from app.domain.sheet import CriterionVerdict, PanelOpinion, Recommendation
from app.errors import NotFoundError, SheetLockedError, StorageError, ValidationError
from app.expert import scoring
from app.formats.meeting_file import without_forms
from storage import database
from storage.workspace.core import Workspace
from tests.meeting_factory import APP, EXPERT, MEETING, Clock, make_meeting, make_rubric


def test_meeting_and_rubric_round_trip(workspace: Workspace, ws_path: Path) -> None:
    workspace.close()
    with Workspace.open(ws_path) as ws:
        # The workspace keeps the agenda metadata, never the forms (read from the packages).
        assert ws.meetings() == [without_forms(make_meeting())]
        assert ws.meeting(MEETING) == without_forms(make_meeting())
        assert ws.rubric("test-rubric") == make_rubric()


def test_unknown_meeting_and_rubric(workspace: Workspace) -> None:
    with pytest.raises(NotFoundError):
        workspace.meeting(MeetingId("nope"))
    with pytest.raises(NotFoundError):
        workspace.rubric("nope")


def test_create_checks_the_meeting(tmp_path: Path) -> None:
    path = tmp_path / "w.review"
    with pytest.raises(ValidationError, match="names rubric test-rubric"):
        Workspace.create(path, make_meeting(), make_rubric("other"), "s")
    meeting = make_meeting()
    bad_agenda = dataclasses.replace(
        meeting,
        agenda=(
            *meeting.agenda,
            dataclasses.replace(meeting.agenda[0], position=3, application_id=ApplicationId("zz")),
        ),
    )
    with pytest.raises(ValidationError, match="agenda lists zz"):
        Workspace.create(path, bad_agenda, make_rubric(), "s")
    twice = dataclasses.replace(meeting, experts=(*meeting.experts, meeting.experts[0]))
    with pytest.raises(ValidationError, match="e1 is used twice"):
        Workspace.create(path, twice, make_rubric(), "s")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_create_leaves_no_file(tmp_path: Path) -> None:
    meeting = make_meeting()
    # Two agenda items at the same position break a UNIQUE constraint half-way through.
    clash = dataclasses.replace(
        meeting, agenda=tuple(dataclasses.replace(i, position=1) for i in meeting.agenda)
    )
    with pytest.raises(StorageError):
        Workspace.create(tmp_path / "w.review", clash, make_rubric(), "s")
    assert list(tmp_path.iterdir()) == []


def test_create_records_who_set_the_meeting_up(workspace: Workspace) -> None:
    report = workspace.verify_audit()
    assert report.ok and report.count == 2


def test_panel_opinion_round_trip(workspace: Workspace) -> None:
    opinion = PanelOpinion(
        MEETING,
        APP,
        1,
        "Recommended.",
        Recommendation.RECOMMEND,
        "One dissent.",
        EXPERT,
        dt.datetime(2025, 3, 1, 17, tzinfo=dt.UTC),
    )
    with workspace.transaction("secretary", dt.datetime(2025, 3, 1, tzinfo=dt.UTC)):
        workspace.save_panel_opinion(opinion)
    assert workspace.panel_opinion(MEETING, APP) == opinion
    assert workspace.panel_opinion(MEETING, APP, round=2) is None
    assert workspace.verify_audit().ok


def test_transactions_do_not_nest(workspace: Workspace) -> None:
    at = Clock()()
    with workspace.transaction("a", at), pytest.raises(RuntimeError):
        with workspace.transaction("a", at):
            pass


def test_the_database_refuses_changes_to_a_submitted_sheet(
    workspace: Workspace, ws_path: Path, clock: Clock
) -> None:
    """Backstop triggers behind the repository's own check."""
    args = scoring.SheetRef(workspace, clock, "e1", MEETING, EXPERT, APP)
    scoring.declare_conflict(args, False, "")
    for key in ("eligible", "unique"):
        scoring.record_criterion(args, CriterionKey(key), CriterionVerdict.MET)
    for key in ("concept", "capability", "feasibility", "results"):
        scoring.set_factor_score(args, FactorKey(key), Decimal("20"))
    scoring.set_opinion(args, "ok")
    scoring.set_recommendation(args, Recommendation.RECOMMEND)
    sheet = scoring.submit(args)
    with pytest.raises(SheetLockedError), workspace.transaction("x", clock()):
        workspace.save_draft(sheet, "sheet.edit")
    raw = sqlite3.connect(ws_path)
    for statement in (
        "UPDATE sheets SET opinion = 'forged'",
        "DELETE FROM sheets",
        "UPDATE sheet_scores SET score = '1'",
        "DELETE FROM sheet_criteria",
        f"INSERT INTO sheet_scores VALUES ('{sheet.id}', 'extra', 9, '1', '')",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):
            raw.execute(statement)
    raw.close()


def test_storage_errors_during_a_write_are_user_facing(workspace: Workspace) -> None:
    opinion = PanelOpinion(
        MEETING, ApplicationId("missing"), 1, "x", Recommendation.RECOMMEND, "", None, None
    )
    with pytest.raises(StorageError) as caught, workspace.transaction("s", Clock()()):
        workspace.save_panel_opinion(opinion)  # foreign key violation
    assert caught.value.recommendation
    assert workspace.verify_audit().count == 2


def test_a_locked_write_is_reported_as_another_program(workspace: Workspace, ws_path: Path) -> None:
    other = sqlite3.connect(ws_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    opinion = PanelOpinion(MEETING, APP, 1, "x", Recommendation.RECOMMEND, "", None, None)
    try:
        with pytest.raises(StorageError, match="open in another program"):
            with workspace.transaction("s", Clock()()):
                workspace.save_panel_opinion(opinion)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert workspace.panel_opinion(MEETING, APP) is None
    assert database.BUSY_TIMEOUT_MS <= 1000
