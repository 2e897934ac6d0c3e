"""Importing packages on the setup page: the meeting passphrase is asked once, a wrong one
changes nothing, and a package the meeting key cannot open is refused with its reason while
the others import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.package import build_package, recipient_for_certificate
from storage.stores import SqliteStores
from tests.app.crypto.pki_fixtures import NOW
from tests.app.secretary.helpers import Cast, application, setup_meeting_with_key
from tests.app.sheets.factory import make_rubric
from tests.ui.secretary.conftest import ConsoleDialogs
from ui.secretary.window import SecretaryWindow


def _wait_idle(qtbot: QtBot) -> None:
    from ui.common.tasks import _running

    qtbot.waitUntil(lambda: not _running)
    QApplication.processEvents()


def test_packages_must_open_with_the_meeting_key(
    tmp_path: Path, cast: Cast, qtbot: QtBot, console_dialogs: ConsoleDialogs
) -> None:
    ws, packages, _kit, key = setup_meeting_with_key(tmp_path, cast, make_rubric())
    without_key = tmp_path / "incoming" / "a04.oipkg"
    recipients = [recipient_for_certificate(e.certificate) for e in cast.experts]
    recipients.append(recipient_for_certificate(cast.secretary.certificate))
    build_package(application("a04", ["y"]), [], cast.issuer, recipients, without_key, NOW)  # type: ignore[arg-type]
    window = SecretaryWindow(
        ws.path.parent,
        ws,
        cast.secretary,
        stores=SqliteStores(),
        dialogs=console_dialogs,
        now=lambda: NOW,
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    setup = window.setup_page
    assert key.recipient in setup.key_label.text()  # what the issuing office needs

    # a wrong passphrase: refused before any package is touched
    before = window.ctx.ws.dump()
    console_dialogs.chosen_files.append(packages[:1])
    console_dialogs.passphrases.append(b"0000-0000-0000-0000-0000-0000")
    qtbot.mouseClick(setup.import_button, Qt.MouseButton.LeftButton)
    _wait_idle(qtbot)
    assert console_dialogs.errors and "passphrase is not correct" in str(console_dialogs.errors)
    assert window.ctx.ws.dump() == before and setup.meeting_key is None

    # cancelling the passphrase imports nothing either
    console_dialogs.chosen_files.append(packages[:1])
    console_dialogs.passphrases.append(None)
    qtbot.mouseClick(setup.import_button, Qt.MouseButton.LeftButton)
    _wait_idle(qtbot)
    assert window.ctx.ws.dump() == before

    # the right one: the package without the meeting key is refused, the others import
    console_dialogs.chosen_files.append([packages[0], without_key, packages[1]])
    console_dialogs.passphrases.append(key.passphrase.encode())
    qtbot.mouseClick(setup.import_button, Qt.MouseButton.LeftButton)
    _wait_idle(qtbot)
    model = setup.packages_model
    rows = {model.data(model.index(r, 0)): r for r in range(model.rowCount())}
    assert model.data(model.index(rows["a01.oipkg"], 2)) == "Verified"
    assert model.data(model.index(rows["a02.oipkg"], 2)) == "Verified"
    assert model.data(model.index(rows["a04.oipkg"], 2)) == "Refused"
    reason = model.data(model.index(rows["a04.oipkg"], 3))
    assert "not encrypted to this meeting's key" in reason and key.recipient in reason
    assert setup.meeting_key is not None

    # the key is remembered for the session: no second question
    asked = [m for m in console_dialogs.messages if m[0] == "Meeting passphrase"]
    console_dialogs.chosen_files.append([packages[2]])
    qtbot.mouseClick(setup.import_button, Qt.MouseButton.LeftButton)
    _wait_idle(qtbot)
    assert [m for m in console_dialogs.messages if m[0] == "Meeting passphrase"] == asked
    assert setup.packages_model.rowCount() == 4
