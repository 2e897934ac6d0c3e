"""The window puts the expert back where they were: attachment page and zoom, the hearing
clock, and nothing of another expert's place (the crash itself: test_kill_and_reopen.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from pytestqt.qtbot import QtBot

from app.domain.ids import ApplicationId
from app.expert.flow import Page
from app.expert.view_state import ExpertViewState, OpenAttachment
from app.i18n import _
from storage.workspace.core import Workspace
from storage.workspace.view_state import WorkspaceViewStates
from tests.app.crypto.pki_fixtures import PkiFixture
from tests.ui.conftest import RecordingDialogs
from tests.ui.expert.conftest import CLOCK_START, EXPERT_INDEX, Clock, FakeMaterials
from tests.ui.expert.helpers import click, click_row, sign_in_window, type_score
from ui.common.i18n import switch_language
from ui.expert.timer_widget import Phase
from ui.expert.window import ExpertWindow


def declare_and_open(qtbot: QtBot, window: ExpertWindow, row: int) -> None:
    click_row(qtbot, window.agenda.view, row)
    click(qtbot, window.conflict_page.no_conflict)
    click(qtbot, window.conflict_page.confirm)
    assert window.current_page() is Page.MATERIALS


def open_budget(qtbot: QtBot, window: ExpertWindow) -> None:
    page = window.materials_page
    page.tabs.setCurrentIndex(1)
    with qtbot.waitSignal(page.viewer.loaded):
        click_row(qtbot, page.attachments, 0)


def stored(workspace: Path, expert_index: int = EXPERT_INDEX) -> ExpertViewState | None:
    with Workspace.open(workspace) as ws:
        meeting = ws.meetings()[0]
        return WorkspaceViewStates(ws).view_state(meeting.id, meeting.experts[expert_index].id)


def seed(workspace: Path, state: ExpertViewState, expert_index: int = EXPERT_INDEX) -> None:
    with Workspace.open(workspace) as ws:
        meeting = ws.meetings()[0]
        expert = meeting.experts[expert_index].id
        WorkspaceViewStates(ws).save_view_state(meeting.id, expert, state, CLOCK_START)


def test_the_attachment_page_and_a_paused_clock_come_back_after_closing(
    qtbot: QtBot,
    pki: PkiFixture,
    workspace: Path,
    materials: FakeMaterials,
    dialogs: RecordingDialogs,
) -> None:
    window = sign_in_window(qtbot, pki, workspace, dialogs, materials, Clock())
    declare_and_open(qtbot, window, 2)
    open_budget(qtbot, window)
    viewer = window.materials_page.viewer
    type_score(qtbot, viewer.page_spin, "2")
    assert viewer.current_page() == 1
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    timer = window.hearing_page.timer
    click(qtbot, timer.next_button)  # questions and answers
    click(qtbot, timer.start_button)
    qtbot.waitUntil(lambda: timer.elapsed_ms() >= 300)
    click(qtbot, timer.start_button)  # paused
    paused_at = timer.elapsed_ms()
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    app = window.application
    window.close()

    reopened = sign_in_window(qtbot, pki, workspace, dialogs, materials, Clock())
    assert reopened.application == app
    assert reopened.current_page() is Page.CRITERIA
    page = reopened.materials_page
    qtbot.waitUntil(lambda: page.viewer.document.status() is QPdfDocument.Status.Ready)
    assert page.attachment_place() == OpenAttachment("budget.pdf", 1, None)
    # Fitted to the width, QPdfView lays the document out again when first shown and would
    # land on page 1: the viewer repeats the jump.
    qtbot.keyClick(reopened, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    scroll = page.viewer.view.verticalScrollBar()
    qtbot.waitUntil(lambda: scroll.maximum() > 0 and scroll.value() > 0)
    assert page.viewer.view.pageNavigator().currentPage() == 1
    assert page.viewer.page_spin.value() == 2
    timer = reopened.hearing_page.timer
    assert (timer.phase, timer.running, timer.elapsed_ms()) == (Phase.QA, False, paused_at)
    assert timer.note.isHidden()
    assert not dialogs.errors


def test_pdf_page_turns_are_saved_by_themselves_once_they_stop(
    qtbot: QtBot,
    pki: PkiFixture,
    workspace: Path,
    materials: FakeMaterials,
    dialogs: RecordingDialogs,
) -> None:
    window = sign_in_window(qtbot, pki, workspace, dialogs, materials, Clock())
    declare_and_open(qtbot, window, 0)
    open_budget(qtbot, window)
    viewer = window.materials_page.viewer
    with qtbot.waitSignal(window.keeper.saved):
        type_score(qtbot, viewer.page_spin, "2")
        assert window.keeper.pending  # debounced, not yet written
    state = stored(window.ctx.workspace)
    assert state is not None and state.attachment == OpenAttachment("budget.pdf", 1, None)
    with qtbot.waitSignal(window.keeper.saved):
        click(qtbot, viewer.zoom_in)
    state = stored(window.ctx.workspace)
    assert state is not None and state.attachment is not None
    assert state.attachment.zoom is not None and state.attachment.zoom > 1


def test_a_running_clock_reopened_the_next_day_comes_back_paused_and_says_so(
    qtbot: QtBot,
    pki: PkiFixture,
    workspace: Path,
    materials: FakeMaterials,
    dialogs: RecordingDialogs,
    merged_catalog: None,
) -> None:
    window = sign_in_window(qtbot, pki, workspace, dialogs, materials, Clock())
    declare_and_open(qtbot, window, 1)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    click(qtbot, window.hearing_page.timer.start_button)
    window.close()
    state = stored(window.ctx.workspace)
    assert state is not None and state.clock is not None and state.clock.running

    next_day = Clock(CLOCK_START + dt.timedelta(days=1))
    reopened = sign_in_window(qtbot, pki, workspace, dialogs, materials, next_day)
    assert reopened.current_page() is Page.HEARING
    timer = reopened.hearing_page.timer
    assert not timer.running and timer.elapsed_ms() == state.clock.elapsed_ms
    assert timer.note.isVisible() and "Press Start" in timer.note.text()
    switch_language("zh_CN")
    assert "请按“开始”继续计时" in timer.note.text()
    assert "已回到您上次离开的位置" in _("Reopened where you left off.")
    switch_language("en")
    click(qtbot, timer.start_button)
    assert timer.running and timer.note.isHidden()


def test_a_place_naming_what_no_longer_exists_is_ignored(
    qtbot: QtBot,
    pki: PkiFixture,
    workspace: Path,
    materials: FakeMaterials,
    dialogs: RecordingDialogs,
) -> None:
    seed(workspace, ExpertViewState(ApplicationId("withdrawn"), Page.SCORING))
    window = sign_in_window(qtbot, pki, workspace, dialogs, materials, Clock())
    first = window.desk.applications()[0]
    assert window.application == first and window.current_page() is Page.CONFLICT
    declare_and_open(qtbot, window, 0)
    window.close()

    seed(workspace, ExpertViewState(first.id, Page.MATERIALS, OpenAttachment("gone.pdf", 4)))
    reopened = sign_in_window(qtbot, pki, workspace, dialogs, materials, Clock())
    assert reopened.application == first and reopened.current_page() is Page.MATERIALS
    assert reopened.materials_page.attachment_name is None
    assert materials.reads == [] and not dialogs.errors
    assert "Choose an attachment" in reopened.materials_page.viewer.message.text()


def test_another_experts_place_is_neither_shown_nor_touched(
    qtbot: QtBot,
    pki: PkiFixture,
    workspace: Path,
    materials: FakeMaterials,
    dialogs: RecordingDialogs,
) -> None:
    with Workspace.open(workspace) as ws:
        third = ws.meetings()[0].applications_in_order()[2].id
    theirs = ExpertViewState(third, Page.SCORING, OpenAttachment("budget.pdf", 1))
    seed(workspace, theirs, expert_index=0)
    window = sign_in_window(qtbot, pki, workspace, dialogs, materials, Clock())
    assert window.application == window.desk.applications()[0]
    assert window.current_page() is Page.CONFLICT
    declare_and_open(qtbot, window, 1)
    window.close()
    assert stored(workspace, expert_index=0) == theirs
    mine = stored(workspace)
    assert mine is not None and mine.page is Page.MATERIALS and mine.application_id != third
