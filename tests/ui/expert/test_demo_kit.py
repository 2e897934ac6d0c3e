"""The real thing: the demo's kit-made workspace, a demo expert's identity, real packages.

Attachments come out of the signed, encrypted packages the kit carried, decrypted in memory
with the expert's own key; signed sheets name the kit's hash and go to the kit's secretary.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtPdf import QPdfDocument
from pytestqt.qtbot import QtBot

from app.demo.build import demo_summary, expert_passphrase
from app.expert.flow import Page
from app.expert.signing import handover_for, known_secretary
from tests.ui.conftest import RecordingDialogs
from tests.ui.expert.conftest import Clock, demo_copy
from tests.ui.expert.helpers import click, click_row, type_unlock, unlock_dialog
from ui.expert.window import ExpertWindow


@pytest.fixture(scope="module")
def demo(demo_material: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(demo_material, tmp_path_factory.mktemp("demo"))


def test_a_demo_expert_reads_a_real_attachment_from_the_kit(
    qtbot: QtBot, demo: Path, dialogs: RecordingDialogs
) -> None:
    summary = demo_summary(demo)
    opened: list[ExpertWindow] = []
    # The demo's certificates are issued when the demo is built, so the clock is the real one.
    clock = Clock(dt.datetime.now(dt.UTC))
    dialog = unlock_dialog(summary.workspace, dialogs, None, clock, opened)
    type_unlock(qtbot, dialog, summary.identities["e02"], expert_passphrase("e02"))
    qtbot.waitUntil(lambda: bool(opened) or bool(dialogs.errors))
    window = opened[0]
    assert not dialogs.errors
    assert window.desk.kit is not None

    click_row(qtbot, window.agenda.view, 0)
    click(qtbot, window.conflict_page.no_conflict)
    click(qtbot, window.conflict_page.confirm)
    assert window.current_page() is Page.MATERIALS

    page = window.materials_page
    page.tabs.setCurrentIndex(1)
    with qtbot.waitSignal(page.viewer.loaded):
        click_row(qtbot, page.attachments, 0)
    assert page.viewer.document.status() is QPdfDocument.Status.Ready
    assert page.viewer.document.pageCount() >= 2
    assert "issuer" in page.signature.text.text().lower()

    # Signing context comes from the kit, not from stand-ins.
    secretary = known_secretary(summary.workspace, window.desk.kit)
    assert secretary is not None
    handover = handover_for(window.desk, secretary, window.session.identity)
    assert handover.context.kit_hash == window.desk.kit.kit_hash
    window.close()
