"""An expert whose own key a package does not name opens it with the meeting passphrase
(the kit carries the meeting key sealed under it): asked for on the materials page, checked
off the GUI thread, kept in memory for the session only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtPdf import QPdfDocument
from pytestqt.qtbot import QtBot

from app.crypto.pki import load_trust_roots
from app.demo.build import DEMO_MEETING_PASSPHRASE, demo_summary, expert_passphrase
from app.expert.flow import Page
from app.expert.package_materials import PackageMaterials
from app.kit.meeting_key import generate_meeting_key
from tests.ui.conftest import RecordingDialogs
from tests.ui.expert.conftest import Clock, demo_copy
from tests.ui.expert.helpers import click, click_row, type_unlock, unlock_dialog
from ui.common.tasks import _running
from ui.expert.window import ExpertWindow


@pytest.fixture(scope="module")
def demo(demo_material: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(demo_material, tmp_path_factory.mktemp("demo"))


def test_the_meeting_passphrase_opens_packages_not_addressed_to_the_expert(
    qtbot: QtBot, demo: Path, dialogs: RecordingDialogs
) -> None:
    summary = demo_summary(demo)
    now = dt.datetime.now(dt.UTC)  # demo certificates are issued at build time
    stranger = generate_meeting_key()  # stands for an expert key the issuer did not know
    materials = PackageMaterials(
        summary.packages_dir, [stranger], load_trust_roots(summary.trust_roots), now
    )
    opened: list[ExpertWindow] = []
    dialog = unlock_dialog(summary.workspace, dialogs, materials, Clock(now), opened)
    type_unlock(qtbot, dialog, summary.identities["e02"], expert_passphrase("e02"))
    qtbot.waitUntil(lambda: bool(opened) or bool(dialogs.errors))
    window = opened[0]
    click_row(qtbot, window.agenda.view, 1)
    click(qtbot, window.conflict_page.no_conflict)
    click(qtbot, window.conflict_page.confirm)
    assert window.current_page() is Page.MATERIALS

    page = window.materials_page
    page.tabs.setCurrentIndex(1)
    assert page.attachments.model().rowCount() == 0
    assert page.meeting_key_button.isVisible()
    assert "could not be opened" in page.signature.text.text()

    dialogs.passphrases.append(b"wrong-wrong-wrong")
    click(qtbot, page.meeting_key_button)
    qtbot.waitUntil(lambda: bool(dialogs.errors))
    assert "passphrase" in dialogs.errors[-1]["message"].lower()
    assert page.attachments.model().rowCount() == 0

    dialogs.passphrases.append(DEMO_MEETING_PASSPHRASE.encode())
    click(qtbot, page.meeting_key_button)
    qtbot.waitUntil(lambda: page.attachments.model().rowCount() > 0)
    qtbot.waitUntil(lambda: not _running)
    assert not page.meeting_key_button.isVisible()
    assert len(dialogs.errors) == 1
    with qtbot.waitSignal(page.viewer.loaded):
        click_row(qtbot, page.attachments, 0)
    assert page.viewer.document.status() is QPdfDocument.Status.Ready
    window.close()
