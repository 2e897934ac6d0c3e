"""The second round through the real windows, the way the people do it.

The secretary console opens round 2 for the flagged application and writes the round notice
to a stick; the expert's window imports it (File menu, keyboard), re-scores the application
from the draft prefilled with the expert's own signed round-1 sheet (keyboard), signs with the
passphrase and exports the round-2 sheet file; the console imports it: the board shows round 2
submitted with the round-1 version in the pair's history, and round 2 consolidates over the
new scores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.domain.ids import ApplicationId
from app.domain.sheet import SheetStatus
from app.expert.flow import Page
from app.secretary import setup as sec_setup
from app.secretary.board import CellState
from storage.stores import SqliteStores
from tests.app.crypto.pki_fixtures import EXPERT_PASSPHRASE, PkiFixture
from tests.app.secretary.helpers import Cast
from tests.app.secretary.rounds_world import MINUTE, ROUND_TWO
from tests.app.secretary.second_round_world import (
    SecondRound,
    build_second_round,
    others_rescore,
)
from tests.ui.expert.conftest import Clock
from tests.ui.expert.helpers import click, sign_in_window, type_score
from tests.ui.secretary.conftest import ConsoleDialogs
from tests.ui.secretary.test_rounds import wait_idle
from ui.expert.window import ExpertWindow
from ui.secretary.window import SecretaryWindow

OPENED = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
A02 = ApplicationId("a02")


@pytest.fixture
def world(tmp_path: Path, cast: Cast, pkiset: PkiFixture) -> Iterator[SecondRound]:
    made = build_second_round(tmp_path, cast, pkiset)
    yield made
    made.meet.repo.close()


def console(
    folder: Path, world: SecondRound, qtbot: QtBot, dialogs: ConsoleDialogs
) -> SecretaryWindow:
    ws = sec_setup.open_workspace(SqliteStores(), folder)
    window = SecretaryWindow(
        folder,
        ws,
        world.meet.cast.secretary,
        stores=SqliteStores(),
        dialogs=dialogs,
        now=lambda: OPENED,
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_second_round_through_both_windows(
    world: SecondRound,
    qtbot: QtBot,
    console_dialogs: ConsoleDialogs,
    pkiset: PkiFixture,
    tmp_path: Path,
) -> None:
    dialogs = console_dialogs
    folder = world.meet.ws.path.parent
    world.meet.ws.close()  # the console opens its own connection

    # -- the secretary opens round 2 for the flagged application and writes its notice --
    window = console(folder, world, qtbot, dialogs)
    window.tabs.setCurrentWidget(window.consolidation_page)
    cons = window.consolidation_page
    wait_idle(qtbot)
    assert cons.result is not None and cons.result.round == 1
    assert [a.application_id for a in cons.result.applications if a.flags] == [A02]
    stick = tmp_path / "stick"
    stick.mkdir()
    dialogs.chosen_paths.append(stick)
    click(qtbot, cons.round_button)
    wait_idle(qtbot)
    assert dialogs.errors == []
    assert dialogs.messages[-1][0] == "Round notice written"
    notice = stick / "sec-2026-04-round-2.oiround"
    assert notice.exists()
    window.close()

    # the other four experts hand in round 2 through the core
    others = others_rescore(world, ROUND_TWO, OPENED + MINUTE)

    # -- the expert imports the notice from the File menu, with the keyboard --
    clock = Clock(OPENED + 2 * MINUTE)
    expert = sign_in_window(qtbot, pkiset, world.workspace, dialogs, None, clock)
    desk = expert.desk
    assert desk.round == 1 and not expert.round_banner.isVisible()
    row = next(
        i
        for i in range(expert.agenda.model.rowCount())
        if expert.agenda.model.row_object(i).application.id == A02
    )
    status = expert.agenda.model.index(row, 2)
    assert status.data() == "Submitted"
    dialogs.chosen_paths.append(notice)
    expert.activateWindow()
    qtbot.keyClick(expert, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(expert.file_menu.isVisible)
    qtbot.keyClick(expert.file_menu, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: expert.notice_importer.last is not None)
    assert dialogs.errors == []
    title, text = dialogs.messages[-1]
    assert title == "Round 2" and "Round 2 is open for a02" in text
    assert desk.round == 2 and desk.round_for(A02) == 2
    assert status.data() == "Round 2: In progress"

    # importing it again changes nothing
    dialogs.chosen_paths.append(notice)
    expert.import_notice_action.trigger()
    qtbot.waitUntil(lambda: dialogs.messages[-1][0] == "Round notice already imported")
    assert [h.notice.round for h in desk.rounds.notices] == [2]

    # -- a02, re-scored from the prefilled draft with the keyboard --
    qtbot.waitUntil(lambda: not expert.file_menu.isVisible())
    expert.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is expert)
    expert.agenda.view.setFocus()
    for _ in range(3):  # Alt+Right: the next application in hearing order
        if expert.application is not None and expert.application.id == A02:
            break
        qtbot.keyClick(expert.agenda.view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert expert.application is not None and expert.application.id == A02
    banner = expert.round_banner
    assert banner.isVisible()
    assert "Round 2 is open for this application (Flagged for disagreement: a02 (total))" in (
        banner.text()
    )
    assert "starts from your signed round 1 sheet (version 1)" in banner.text()
    qtbot.keyClick(expert, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert expert.current_page() is Page.SCORING
    cards = expert.scoring_page.cards
    assert [card.score.value() for card in cards] == [24.0] * 4  # revise, not retype
    for card in cards:
        type_score(qtbot, card.score, ROUND_TWO)
    sheet = desk.sheet(A02)
    assert sheet is not None and (sheet.round, sheet.version) == (2, 1)
    assert {s.score for s in sheet.scores} == {Decimal(ROUND_TWO)}

    # -- review: the versions list, then sign with the passphrase --
    qtbot.keyClick(expert, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    review = expert.review_page
    history = review.history_model
    assert [(v.round, v.version, v.status) for v in history.rows()] == [
        (1, 1, SheetStatus.SUBMITTED),
        (2, 1, SheetStatus.DRAFT),
    ]
    assert history.index(0, 3).data() != "—" and history.index(1, 3).data() == "—"
    assert review.status_line.text().startswith("Round 2: Draft, version 1")
    dialogs.passphrases.append(EXPERT_PASSPHRASE)
    with qtbot.waitSignal(review.signed):
        click(qtbot, review.sign_button)
    assert dialogs.errors == []
    assert [v.status for v in history.rows()] == [SheetStatus.SUBMITTED] * 2
    assert "Your round 2 sheet is signed (version 1)" in banner.text()
    # the round-1 version, chosen in the list, shows its own (signed) scores
    review.history.setFocus()
    review.history.setCurrentIndex(history.index(0, 0))
    qtbot.keyClick(review.history, Qt.Key.Key_Return)
    assert "Version 1 · Submitted" in review.summary.toPlainText()
    assert ": 24 / 25" in review.summary.toPlainText()

    # -- export round 2 (the round offered first) for the secretary --
    usb = tmp_path / "usb"
    usb.mkdir()
    dialogs.chosen_paths.append(usb)
    # a window shortcut reaches only the active window: make sure the expert's window is it
    # (the console's window, opened in the same process, may have become active meanwhile)
    expert.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is expert)
    qtbot.keyClick(expert, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: expert.exporter.written is not None)
    written = expert.exporter.written
    assert written is not None and written.path.name == "sec-2026-04-e01-round-2.oisheet"
    asked = next(text for title, text in dialogs.messages if "Which round" in text)
    assert "Round 1: every application" in asked and "Round 2: a02 (newest)" in asked
    expert.close()
    QApplication.processEvents()
    assert isinstance(expert, ExpertWindow)

    # -- the secretary collects round 2 --
    window = console(folder, world, qtbot, dialogs)
    window.tabs.setCurrentWidget(window.collect_page)
    collect = window.collect_page
    dialogs.chosen_files.append([written.path, *others])
    click(qtbot, collect.import_button)
    wait_idle(qtbot)
    assert [o.refusal for o in collect.outcomes] == [None] * 5
    board = collect.board_model.board
    assert board is not None and board.round == 2 and board.is_current
    assert {board.cell(e.id, A02).state for e in board.experts} == {CellState.SUBMITTED}
    view = collect.board_view
    qtbot.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=view.visualRect(collect.board_model.index(0, 0)).center(),
    )
    detail = collect.detail.toPlainText()
    assert "e01" in detail and "Version history:" in detail
    assert "Round 1, version 1: Submitted" in detail and "Round 2, version 1: Submitted" in detail

    # round 2 consolidates over the new scores (84 from everyone; round 1 had e01 at 96)
    window.tabs.setCurrentWidget(window.consolidation_page)
    wait_idle(qtbot)
    result = window.consolidation_page.result
    assert result is not None and result.round == 2
    (a02,) = result.applications
    assert a02.total is not None and str(a02.total.presented) == "84.00"
    first = next(i for i in a02.total.inputs if i.expert_id == "e01")
    assert first.value == 84 and not a02.flags
    window.close()
