"""The consolidation page opens a round for the flagged application and writes its signed
notice to a chosen folder; "Write round notice…" writes it again later."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.round_notice import NoticeExpectations, read_round_notice
from storage.stores import SqliteStores
from tests.app.crypto.pki_fixtures import NOW
from tests.app.secretary.helpers import Cast
from tests.app.secretary.rounds_world import Meet, build_meet, round_one
from tests.ui.secretary.conftest import ConsoleDialogs
from tests.ui.secretary.test_rounds import wait_idle
from ui.secretary.window import SecretaryWindow


@pytest.fixture
def meet(tmp_path: Path, cast: Cast) -> Iterator[Meet]:
    world = build_meet(tmp_path, cast)
    round_one(world)
    world.repo.close()
    yield world


def test_opening_a_round_writes_its_notice(
    meet: Meet, qtbot: QtBot, console_dialogs: ConsoleDialogs, tmp_path: Path
) -> None:
    window = SecretaryWindow(
        meet.ws.path.parent,
        meet.ws,
        meet.cast.secretary,
        stores=SqliteStores(),
        dialogs=console_dialogs,
        now=lambda: NOW,
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentWidget(window.consolidation_page)
    page = window.consolidation_page
    wait_idle(qtbot)
    assert page.result is not None and page.result.round == 1
    assert not page.notice_button.isEnabled()  # round 1 needs no notice

    stick = tmp_path / "stick"
    stick.mkdir()
    console_dialogs.chosen_paths.append(stick)
    qtbot.mouseClick(page.round_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    title, text = console_dialogs.messages[-1]
    assert title == "Round notice written", console_dialogs.messages
    written = stick / "sec-2026-04-round-2.oiround"
    assert str(written) in text and "round 2 (a02)" in text
    assert "File › Import round notice…" in text
    expected = NoticeExpectations(
        meeting=meet.meeting,
        kit_hash=meet.kit_hash,
        secretary_certificate=meet.cast.secretary.certificate,
        trust_roots=tuple(meet.cast.roots),
    )
    notice = read_round_notice(written, expected, NOW).notice
    assert notice.application_ids == ("a02",)
    assert notice.reason == "Flagged for disagreement: a02 (total)"
    assert window.ctx.ws.setup().current_round == 2
    assert "round 2" in window.header.text()

    # written again later, with the keyboard, to another stick: the same notice
    wait_idle(qtbot)
    assert page.notice_button.isEnabled()
    again = tmp_path / "again"
    again.mkdir()
    console_dialogs.chosen_paths.append(again)
    page.notice_button.setFocus()
    qtbot.keyClick(page.notice_button, Qt.Key.Key_Space)
    wait_idle(qtbot)
    copy = again / "sec-2026-04-round-2.oiround"
    assert read_round_notice(copy, expected, NOW).signed.document == (
        read_round_notice(written, expected, NOW).signed.document
    )
    assert not console_dialogs.errors

    # cancelling the folder choice writes nothing
    written_count = [t for t, _text in console_dialogs.messages].count("Round notice written")
    console_dialogs.chosen_paths.append(None)
    qtbot.mouseClick(page.notice_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    titles = [t for t, _text in console_dialogs.messages]
    assert titles.count("Round notice written") == written_count == 2
    assert sorted(p.name for p in tmp_path.rglob("*.oiround")) == [copy.name, written.name]
