"""The expert window's view state in the workspace (migration 5)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from app.domain.ids import ApplicationId
from app.expert.flow import Page
from app.expert.view_state import ClockPhase, ExpertViewState, HearingClock, OpenAttachment
from storage import database
from storage.migrations import workspace as migrations
from storage.workspace import meetings
from storage.workspace.core import Workspace
from storage.workspace.view_state import WorkspaceViewStates
from tests.meeting_factory import (
    APP,
    EXPERT,
    MEETING,
    OTHER_APP,
    OTHER_EXPERT,
    make_meeting,
    make_rubric,
)
from tests.storage.legacy_meeting import insert_meeting_with_forms

AT = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC)
FULL = ExpertViewState(
    OTHER_APP,
    Page.MATERIALS,
    OpenAttachment("budget.pdf", page=3, zoom=1.44),
    HearingClock(ClockPhase.QA, 125_250, True, AT),
)


def test_a_saved_state_reads_back_whole(workspace: Workspace) -> None:
    states = WorkspaceViewStates(workspace)
    assert states.view_state(MEETING, EXPERT) is None
    states.save_view_state(MEETING, EXPERT, FULL, AT)
    assert states.view_state(MEETING, EXPERT) == FULL
    bare = ExpertViewState(APP, Page.CONFLICT)
    states.save_view_state(MEETING, EXPERT, bare, AT + dt.timedelta(seconds=1))
    assert states.view_state(MEETING, EXPERT) == bare


def test_each_expert_has_their_own_row(workspace: Workspace) -> None:
    states = WorkspaceViewStates(workspace)
    states.save_view_state(MEETING, EXPERT, FULL, AT)
    assert states.view_state(MEETING, OTHER_EXPERT) is None
    other = ExpertViewState(APP, Page.HEARING)
    states.save_view_state(MEETING, OTHER_EXPERT, other, AT)
    assert states.view_state(MEETING, EXPERT) == FULL
    assert states.view_state(MEETING, OTHER_EXPERT) == other


def test_saving_commits_at_once_and_leaves_the_audit_log_alone(
    workspace: Workspace, ws_path: Path
) -> None:
    before = workspace.audit_head()
    WorkspaceViewStates(workspace).save_view_state(MEETING, EXPERT, FULL, AT)
    assert workspace.audit_head() == before
    # A second connection sees the row: it was committed, not left in an open transaction.
    other = sqlite3.connect(str(ws_path))
    try:
        rows = other.execute("SELECT expert_id, page FROM expert_view_state").fetchall()
    finally:
        other.close()
    assert rows == [(EXPERT, "materials")]
    assert workspace.verify_audit().ok


def test_a_state_is_not_saved_inside_another_change(workspace: Workspace) -> None:
    with workspace.transaction("expert:e1", AT), pytest.raises(RuntimeError):
        WorkspaceViewStates(workspace).save_view_state(MEETING, EXPERT, FULL, AT)


def test_an_expert_not_on_the_roster_cannot_have_a_state(workspace: Workspace) -> None:
    from app.domain.ids import ExpertId
    from app.errors import StorageError

    with pytest.raises(StorageError):
        WorkspaceViewStates(workspace).save_view_state(MEETING, ExpertId("nobody"), FULL, AT)


def test_a_page_this_program_does_not_know_reads_as_no_page(workspace: Workspace) -> None:
    states = WorkspaceViewStates(workspace)
    states.save_view_state(MEETING, EXPERT, FULL, AT)
    workspace._db.execute("UPDATE expert_view_state SET page = 'whiteboard'")
    assert states.view_state(MEETING, EXPERT) == ExpertViewState(
        OTHER_APP, None, FULL.attachment, FULL.clock
    )


def test_a_damaged_row_reads_as_no_state(workspace: Workspace) -> None:
    states = WorkspaceViewStates(workspace)
    states.save_view_state(MEETING, EXPERT, FULL, AT)
    workspace._db.execute("UPDATE expert_view_state SET clock_at = 'yesterday-ish'")
    assert states.view_state(MEETING, EXPERT) is None


def test_an_application_that_is_gone_is_still_read_and_left_to_the_use_case(
    workspace: Workspace,
) -> None:
    states = WorkspaceViewStates(workspace)
    gone = ExpertViewState(ApplicationId("withdrawn"), Page.SCORING)
    states.save_view_state(MEETING, EXPERT, gone, AT)
    assert states.view_state(MEETING, EXPERT) == gone


def test_a_clock_is_stored_whole_or_not_at_all(workspace: Workspace) -> None:
    WorkspaceViewStates(workspace).save_view_state(MEETING, EXPERT, FULL, AT)
    with pytest.raises(sqlite3.IntegrityError):
        workspace._db.execute("UPDATE expert_view_state SET clock_at = NULL")


def test_a_version_four_workspace_migrates_to_five(tmp_path: Path) -> None:
    assert migrations.MIGRATIONS[4].__name__ == "m005_view_state"
    path = tmp_path / "old.sqlite"
    db = sqlite_utils.Database(sqlite3.connect(str(path)))
    migrations.migrate(db, migrations.MIGRATIONS[:4])
    with db.atomic():
        meetings.insert_rubric(db, make_rubric())
        insert_meeting_with_forms(db, make_meeting())
    assert "expert_view_state" not in db.table_names()
    db.close()

    reopened = database.open_database(path)
    assert int(reopened.execute("PRAGMA user_version").fetchone()[0]) >= 5
    assert "expert_view_state" in reopened.table_names()
    reopened.close()
    with Workspace.open(path) as ws:
        states = WorkspaceViewStates(ws)
        states.save_view_state(MEETING, EXPERT, FULL, AT)
        assert states.view_state(MEETING, EXPERT) == FULL
