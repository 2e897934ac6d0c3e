"""Driving the expert window like a person: unlock, pick an application, type scores."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QRadioButton,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.expert.materials import MaterialsSource
from storage.stores import SqliteStores
from tests.app.crypto.pki_fixtures import EXPERT_PASSPHRASE, PkiFixture
from tests.ui.conftest import RecordingDialogs
from tests.ui.expert.conftest import Clock
from ui.expert.sign_in import sign_in
from ui.expert.unlock_dialog import UnlockDialog
from ui.expert.window import ExpertWindow

PASSPHRASE = EXPERT_PASSPHRASE.decode("utf-8")


def unlock_dialog(
    workspace: Path,
    dialogs: RecordingDialogs,
    materials: MaterialsSource | None,
    clock: Clock,
    opened: list[ExpertWindow],
) -> UnlockDialog:
    dialog = sign_in(
        None,
        workspace,
        dialogs,
        stores=SqliteStores(),
        materials=materials,
        now=clock,
        opened=opened.append,
    )
    assert dialog is not None
    return dialog


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type like a keyboard; QTest cannot synthesise non-Latin-1 keys, so those (an input
    method's output) arrive as key events carrying their text."""
    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def type_unlock(qtbot: QtBot, dialog: UnlockDialog, p12: Path, passphrase: str) -> None:
    dialog.file_edit.clear()
    qtbot.keyClicks(dialog.file_edit, str(p12))
    type_text(qtbot, dialog.passphrase_edit, passphrase)
    assert dialog.passphrase_edit.echoMode() is dialog.passphrase_edit.EchoMode.Password
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)


def sign_in_window(
    qtbot: QtBot,
    pki: PkiFixture,
    workspace: Path,
    dialogs: RecordingDialogs,
    materials: MaterialsSource | None,
    clock: Clock,
) -> ExpertWindow:
    opened: list[ExpertWindow] = []
    dialog = unlock_dialog(workspace, dialogs, materials, clock, opened)
    type_unlock(qtbot, dialog, pki.expert_p12, PASSPHRASE)
    qtbot.waitUntil(lambda: bool(opened))
    window = opened[0]
    qtbot.waitExposed(window)
    return window


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    """Click where a person would: a radio button on its circle, a button in its middle."""
    if isinstance(button, QRadioButton | QCheckBox):
        pos = QPoint(8, button.height() // 2)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=pos)
    else:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def click_row(qtbot: QtBot, view: QTableView, row: int) -> None:
    index = view.model().index(row, 1)
    view.scrollTo(index)
    rect = view.visualRect(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def type_score(qtbot: QtBot, field: QWidget, text: str) -> None:
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)
