"""Setup page › Trust file… ("Update the trust file"): a newer trust file (its revocation
lists) is checked and stored in one audited step, even after the kit; one that would drop the
meeting's authority is refused with the reason and changes nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.crypto import pki
from app.secretary.kit import issue_kit
from app.secretary.packages import import_packages
from app.secretary.trust import meeting_crls
from storage.stores import SqliteStores
from tests.app.crypto.pki_fixtures import NOW
from tests.app.secretary.helpers import Cast, setup_meeting_with_key
from tests.app.secretary.revocation_world import HOUR, revocation_list
from tests.app.sheets.factory import make_rubric
from tests.ui.secretary.conftest import ConsoleDialogs
from ui.secretary.window import SecretaryWindow


def _wait_idle(qtbot: QtBot) -> None:
    from ui.common.tasks import _running

    qtbot.waitUntil(lambda: not _running)
    QApplication.processEvents()


def test_a_new_trust_file_is_stored_and_a_weaker_one_refused(
    tmp_path: Path, cast: Cast, qtbot: QtBot, console_dialogs: ConsoleDialogs
) -> None:
    ws, packages, kit, key = setup_meeting_with_key(tmp_path, cast, make_rubric())
    import_packages(ws, cast.secretary, packages[:-1], meeting_key=key.key, actor="s", now=NOW)
    issue_kit(ws, cast.secretary, kit, actor="s", now=NOW)
    crl = revocation_list(cast, tmp_path / "ca", [(cast.experts[4].certificate, NOW - HOUR)], NOW)
    newer = tmp_path / "trust.pem"
    newer.write_bytes(pki.trust_bytes(cast.roots, [crl]))
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
    page = window.setup_page
    assert page.trust_button.isEnabled() and not page.kit_button.isEnabled()  # frozen setup
    assert page.trust_button.text() == "&Trust file…"
    assert page.trust_button.accessibleName() == "Update the trust file"

    console_dialogs.chosen_paths.append(newer)
    qtbot.mouseClick(page.trust_button, Qt.MouseButton.LeftButton)
    _wait_idle(qtbot)
    assert console_dialogs.errors == []
    assert "The meeting's trust file was replaced" in console_dialogs.messages[-1][1]
    assert meeting_crls(window.ctx.ws.setup(), NOW) == (crl,)

    before = window.ctx.ws.dump()
    console_dialogs.chosen_paths.append(cast.pki.other_root_pem)
    qtbot.mouseClick(page.trust_button, Qt.MouseButton.LeftButton)
    _wait_idle(qtbot)
    assert "does not hold 评审测试根CA" in console_dialogs.errors[-1]["message"]
    assert window.ctx.ws.dump() == before
    window.close()
