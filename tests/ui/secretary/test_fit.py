"""Issue 14 item 1: the secretary console and the main window fit a 1280×720 screen (1920×1080
at 150 %) on every page in both languages, and open inside the screen's available area."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from storage.stores import SqliteStores
from tests.app.crypto.pki_fixtures import NOW
from tests.app.secretary.helpers import Cast, setup_meeting_with_key
from tests.app.sheets.factory import make_rubric
from tests.ui.expert.test_fit import assert_inside_screen, too_big
from tests.ui.mnemonics import clashes, menu_clashes
from tests.ui.secretary.conftest import ConsoleDialogs
from ui.common.i18n import switch_language
from ui.secretary.window import SecretaryWindow


def test_the_console_fits_a_small_screen_on_every_page(
    tmp_path: Path, cast: Cast, qtbot: QtBot, console_dialogs: ConsoleDialogs
) -> None:
    ws, _packages, _kit, _key = setup_meeting_with_key(tmp_path, cast, make_rubric())
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
    problems = []
    for lang in ("en", "zh_CN"):
        switch_language(lang)
        for i in range(window.tabs.count()):
            window.tabs.setCurrentIndex(i)
            QApplication.processEvents()
            problems += [f"{lang} {window.tabs.tabText(i)}: {p}" for p in too_big(window)]
    assert problems == []
    assert_inside_screen(qtbot, window)


def test_every_console_page_has_unique_alt_letters(
    tmp_path: Path, cast: Cast, qtbot: QtBot, console_dialogs: ConsoleDialogs
) -> None:
    """Issue 14 item 6, in the console: no two controls on a page share an Alt letter."""
    ws, _packages, _kit, _key = setup_meeting_with_key(tmp_path, cast, make_rubric())
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
    problems = []
    for lang in ("en", "zh_CN"):
        switch_language(lang)
        for i in range(window.tabs.count()):
            window.tabs.setCurrentIndex(i)
            problems += clashes(window, f"{lang} {window.tabs.tabText(i)}", window.tabs)
        problems += menu_clashes(window, lang)
    assert problems == [], "\n".join(problems)
