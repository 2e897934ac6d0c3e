"""Recusal, refused sign-ins, restoring after a kill, and the language switch."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from app.expert.flow import Page
from app.expert.unlock import open_expert_drafts
from app.i18n import _
from storage.stores import SqliteStores
from storage.workspace.core import Workspace
from tests.app.crypto.pki_fixtures import PkiFixture
from tests.ui.conftest import RecordingDialogs
from tests.ui.expert.conftest import (
    Clock,
    FakeMaterials,
    create_workspace,
    rostered_demo,
)
from tests.ui.expert.helpers import (
    PASSPHRASE,
    click,
    click_row,
    sign_in_window,
    type_score,
    type_unlock,
    unlock_dialog,
)
from ui.common.i18n import switch_language
from ui.expert.window import ExpertWindow


def test_a_conflict_recuses_and_keeps_the_materials_closed(
    qtbot: QtBot,
    pki: PkiFixture,
    workspace: Path,
    materials: FakeMaterials,
    dialogs: RecordingDialogs,
) -> None:
    window = sign_in_window(qtbot, pki, workspace, dialogs, materials, Clock())
    app = window.desk.meeting.applications_in_order()[0]
    assert window.application == app
    page = window.conflict_page
    click(qtbot, page.conflict)
    assert page.reason.isEnabled()
    qtbot.keyClicks(page.reason, "Former employee of the applicant")
    click(qtbot, page.confirm)
    state = window.desk.state(app.id)
    assert state.recused
    assert window.current_page() is Page.CONFLICT
    assert page.banner.isVisible() and "Former employee" in page.banner_text.text()
    assert [window.tabs.isTabEnabled(p.value) for p in Page] == [True] + [False] * 6
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() is Page.CONFLICT
    assert window.materials_page.attachments_model.rowCount() == 0
    assert materials.reads == []
    assert window.agenda.model.row_object(0).status.value == "recused"
    with pytest.raises(Exception, match="recused"):
        window.desk.set_score(app.id, window.desk.rubric.factors[0].key, Decimal(10))
    assert window.desk.sheet(app.id) is None


def test_edits_survive_closing_and_reopening_at_the_same_place(
    qtbot: QtBot,
    pki: PkiFixture,
    workspace: Path,
    materials: FakeMaterials,
    dialogs: RecordingDialogs,
) -> None:
    window = sign_in_window(qtbot, pki, workspace, dialogs, materials, Clock())
    app = window.desk.meeting.applications_in_order()[2]
    click_row(qtbot, window.agenda.view, 2)
    click(qtbot, window.conflict_page.no_conflict)
    click(qtbot, window.conflict_page.confirm)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.hearing_page.text, "Strong team")
    qtbot.keyClick(window.hearing_page.text, Qt.Key.Key_Return)
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    card = window.scoring_page.cards[1]
    type_score(qtbot, card.score, "17.5")
    card.comment.setFocus()
    qtbot.keyClicks(card.comment, "Typed just before the crash")
    # No explicit save, no waiting for the debounce: the window goes away.
    window.close()

    with Workspace.open(workspace) as ws:  # sealed on disk: only the expert's session opens it
        drafts = open_expert_drafts(SqliteStores(), ws, window.session, Clock()())
        notes = drafts.notes(window.desk.meeting_id, window.desk.expert_id, app.id)
        assert [n.text for n in notes] == ["Strong team"]

    reopened = sign_in_window(qtbot, pki, workspace, dialogs, materials, Clock())
    assert reopened is not window
    assert reopened.application == app
    assert reopened.current_page() is Page.SCORING
    card = reopened.scoring_page.cards[1]
    assert card.score.score() == Decimal("17.5")
    assert card.comment.toPlainText() == "Typed just before the crash"
    assert "Strong team" in card.heard.text() or reopened.hearing_page.notes_model.rowCount() == 1


def test_the_debounced_comment_saves_by_itself(
    qtbot: QtBot, pki: PkiFixture, workspace: Path, dialogs: RecordingDialogs
) -> None:
    window = sign_in_window(qtbot, pki, workspace, dialogs, None, Clock())
    app = window.application
    assert app is not None
    click(qtbot, window.conflict_page.no_conflict)
    click(qtbot, window.conflict_page.confirm)
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.opinion_page.opinion, "Sound")
    assert window.desk.sheet(app.id) is None  # not yet: typing is debounced
    qtbot.waitUntil(lambda: (s := window.desk.sheet(app.id)) is not None and s.opinion == "Sound")
    assert window.save_label.text().startswith("Saved ")


def _refused(
    qtbot: QtBot,
    workspace: Path,
    dialogs: RecordingDialogs,
    p12: Path,
    passphrase: str,
    clock: Clock,
) -> list[ExpertWindow]:
    opened: list[ExpertWindow] = []
    dialog = unlock_dialog(workspace, dialogs, None, clock, opened)
    type_unlock(qtbot, dialog, p12, passphrase)
    qtbot.waitUntil(lambda: bool(dialogs.errors))
    assert dialog.passphrase_edit.text() == ""
    assert dialog.session is None
    dialog.close()
    return opened


def test_a_wrong_passphrase_is_refused_with_a_message(
    qtbot: QtBot, pki: PkiFixture, workspace: Path, dialogs: RecordingDialogs
) -> None:
    opened = _refused(qtbot, workspace, dialogs, pki.expert_p12, "not it", Clock())
    assert not opened
    assert "passphrase" in dialogs.errors[0]["message"]


def test_an_expert_not_on_the_roster_is_refused(
    qtbot: QtBot, pki: PkiFixture, tmp_path: Path, dialogs: RecordingDialogs
) -> None:
    other = create_workspace(tmp_path / "other", *rostered_demo(pki, with_fingerprint=False))
    opened = _refused(qtbot, other, dialogs, pki.expert_p12, PASSPHRASE, Clock())
    assert not opened
    assert pki.expert.fingerprint in dialogs.errors[0]["message"]
    assert dialogs.errors[0]["recommendation"]


def test_an_expired_certificate_is_refused(
    qtbot: QtBot, pki: PkiFixture, workspace: Path, dialogs: RecordingDialogs
) -> None:
    later = Clock(dt.datetime(2031, 1, 1, tzinfo=dt.UTC))
    opened = _refused(qtbot, workspace, dialogs, pki.expert_p12, PASSPHRASE, later)
    assert not opened
    assert dialogs.errors[0]["message"]


def test_the_language_switch_retranslates_the_window(
    qtbot: QtBot,
    pki: PkiFixture,
    workspace: Path,
    dialogs: RecordingDialogs,
    merged_catalog: None,
) -> None:
    window = sign_in_window(qtbot, pki, workspace, dialogs, None, Clock())
    assert window.tabs.tabText(Page.SCORING.value) == "5 Scoring"
    switch_language("zh_CN")
    assert window.tabs.tabText(Page.SCORING.value) == f"5 {_('Scoring')}"
    assert _("Scoring") == "评分"
    assert "专家" in window.who.text() or "已登录" in window.who.text()
    assert window.conflict_page.title.text() == "利益冲突声明"
    switch_language("en")
    assert window.tabs.tabText(Page.SCORING.value) == "5 Scoring"


def test_the_main_window_offers_sign_in_as_expert(
    qtbot: QtBot, pki: PkiFixture, workspace: Path, dialogs: RecordingDialogs
) -> None:
    from app.workspaces import read_meeting
    from ui.shell.main_window import MainWindow

    calls: list[object] = []
    main = MainWindow(
        *read_meeting(SqliteStores(), workspace), dialogs=dialogs, expert_sign_in=calls.append
    )
    qtbot.addWidget(main)
    assert main.expert_sign_in_action in main.file_menu.actions()
    assert main.expert_sign_in_action.isEnabled()
    main.expert_sign_in_action.trigger()
    assert calls == [main]


def test_a_pdf_that_does_not_render_gets_a_message_and_search_finds_text(
    qtbot: QtBot,
    pki: PkiFixture,
    workspace: Path,
    materials: FakeMaterials,
    dialogs: RecordingDialogs,
) -> None:
    window = sign_in_window(qtbot, pki, workspace, dialogs, materials, Clock())
    click(qtbot, window.conflict_page.no_conflict)
    click(qtbot, window.conflict_page.confirm)
    page = window.materials_page
    page.tabs.setCurrentIndex(1)
    with qtbot.waitSignal(page.viewer.failed):
        click_row(qtbot, page.attachments, 1)
    assert "cannot be displayed" in page.viewer.message.text()
    assert page.viewer.stack.currentWidget() is page.viewer.message
    with qtbot.waitSignal(page.viewer.loaded):
        click_row(qtbot, page.attachments, 0)
    qtbot.keyClicks(page.viewer.search_edit, "Budget")
    qtbot.keyClick(page.viewer.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.viewer.search_model.rowCount(QModelIndex()) == 2)
    page.viewer.jump_to(1)
    qtbot.waitUntil(lambda: page.viewer.page_spin.value() == 2)
