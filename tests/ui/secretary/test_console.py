"""The secretary console driven like a person: packages, kit, sheet files, board,
consolidation, a panel opinion approved by the chair, a second round, and the room view."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.crypto.identity import serialize_pkcs12
from app.domain.ids import MeetingId
from app.i18n import _catalogs
from app.secretary import rounds
from app.secretary.board import CellState
from storage.stores import SqliteStores
from tests.app.crypto.pki_fixtures import NOW
from tests.app.secretary.helpers import (
    Cast,
    expert_workspace,
    recusal,
    score,
    setup_meeting_with_key,
)
from tests.app.secretary.helpers import sheet_file as write_sheet_file
from tests.app.sheets.factory import make_rubric
from tests.ui.secretary.conftest import ConsoleDialogs
from ui.common.i18n import switch_language
from ui.secretary.window import SecretaryWindow

SHOTS = os.environ.get("SECRETARY_SHOTS")
"""Folder for screenshots of each step, taken only when set (they are for a person to look at)."""
POINTS = {
    "a01": {"e01": "20", "e02": "19", "e03": "21", "e04": "20", "e05": "20"},
    "a02": {"e01": "24", "e02": "22", "e03": "10", "e04": "15", "e05": "20"},
    "a03": {"e01": "18", "e02": "18", "e03": "18", "e04": "18"},
}
CHAIR_PASS = b"chair passphrase"


def click(qtbot: QtBot, button: QWidget) -> None:
    assert button.isEnabled(), button.text()  # type: ignore[attr-defined]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_idle(qtbot: QtBot) -> None:
    from ui.common.tasks import _running

    qtbot.waitUntil(lambda: not _running)
    QApplication.processEvents()


def shoot(window: QWidget, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        window.grab().save(str(Path(SHOTS) / f"{name}.png"))


def _merge_part_catalog() -> None:
    """Show the not yet merged part file's translations (the lead merges it)."""
    from babel.messages.pofile import read_po

    from app.i18n import _load

    parts = Path(__file__).resolve().parents[3] / "resources/locale/zh_CN/parts"
    table = _load("zh_CN")
    for name in ("secretary_ui.po", "secretary_rounds.po", "room_audit.po"):
        part = parts / name
        if not part.exists():
            continue
        with part.open("rb") as fh:
            for m in read_po(fh, locale="zh_CN"):
                if m.id and m.string and isinstance(m.id, str):
                    table.setdefault(m.id, m.string)
    _catalogs["zh_CN"] = table


def _sheet_files(base: Path, cast: Cast, window: SecretaryWindow) -> list[Path]:
    ws = window.ctx.ws
    setup = ws.setup()
    assert setup.kit is not None
    rubric = setup.rubric
    meeting = ws.meeting(MeetingId("sec-2026-04"))
    repo = expert_workspace(base / "expert.sqlite", meeting, rubric)
    files = []
    for expert in ("e01", "e02", "e03", "e04", "e05"):
        sheets = [
            score(repo, meeting, rubric, expert, app, [POINTS[app][expert]] * 4)
            for app in ("a01", "a02", "a03")
            if expert in POINTS[app]
        ]
        extra = (
            [recusal(cast, meeting, rubric, setup.kit.kit_hash, expert, "a03")]
            if expert == "e05"
            else []
        )
        files.append(
            write_sheet_file(
                base / f"{expert}-r1.oisheet",
                cast,
                meeting,
                rubric,
                setup.kit.kit_hash,
                expert,
                sheets,
                recusals=extra,
            )
        )
    repo.close()
    return files


@pytest.fixture
def console(
    tmp_path: Path, cast: Cast, qtbot: QtBot, console_dialogs: ConsoleDialogs
) -> tuple[SecretaryWindow, list[Path]]:
    ws, packages, _kit, key = setup_meeting_with_key(tmp_path, cast, make_rubric())
    console_dialogs.passphrases.append(key.passphrase.encode())  # asked at the first import
    folder = ws.path.parent
    window = SecretaryWindow(
        folder, ws, cast.secretary, stores=SqliteStores(), dialogs=console_dialogs, now=lambda: NOW
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window, packages


def test_a_whole_meeting_through_the_console(
    console: tuple[SecretaryWindow, list[Path]],
    console_dialogs: ConsoleDialogs,
    cast: Cast,
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    window, packages = console
    setup = window.setup_page
    # roster with fingerprints, compared against the paper sign-in sheet
    roster = setup.roster_model
    assert roster.rowCount() == 5
    fp = roster.data(roster.index(0, 4))
    assert fp == window.ctx.ws.roster()[0].fingerprint
    assert roster.data(roster.index(0, 2)) == "Chair"

    # packages: three verified, the untrusted issuer refused with its reason
    console_dialogs.chosen_files.append(packages)
    click(qtbot, setup.import_button)
    wait_idle(qtbot)
    model = setup.packages_model
    assert [model.data(model.index(r, 2)) for r in range(4)] == ["Verified"] * 3 + ["Refused"]
    assert model.data(model.index(3, 3))
    assert setup.agenda_list.count() == 3
    assert setup.overlap_list.count() >= 1
    shoot(window, "setup_en")

    # issue the kit: setup freezes and says why
    console_dialogs.saved_paths.append(tmp_path / "kit.oikit")
    click(qtbot, setup.kit_button)
    wait_idle(qtbot)
    assert (tmp_path / "kit.oikit").exists()
    assert not setup.import_button.isEnabled() and not setup.add_expert_button.isEnabled()
    assert setup.frozen_label.isVisible() and "frozen" in setup.frozen_label.text()
    assert "kit issued" in window.header.text()

    # sheet files -> board
    files = _sheet_files(tmp_path, cast, window)
    window.tabs.setCurrentWidget(window.collect_page)
    console_dialogs.chosen_files.append(files)
    click(qtbot, window.collect_page.import_button)
    wait_idle(qtbot)
    collect = window.collect_page
    # this session's five outcomes, then the files the board counts (issue 14 item 13)
    assert collect.results.count() == 5 + 1 + 5
    assert collect.results.item(5).text() == "Counted on the board: 5 sheet files"
    board = collect.board_model
    assert board.board is not None
    assert board.board.counts()[CellState.SUBMITTED] == 14
    e05, a03 = 4, 2
    assert board.data(board.index(e05, a03)) == "Recused"
    assert board.data(board.index(0, 0)) == "Submitted"
    assert "Submitted 14" in collect.footer.text() and "Recused 1" in collect.footer.text()
    shoot(window, "collect_en")

    # a file imported again changes nothing and says so
    console_dialogs.chosen_files.append(files[:1])
    before = window.ctx.ws.dump()
    click(qtbot, collect.import_button)
    wait_idle(qtbot)
    assert "nothing changed" in collect.results.item(0).text()

    # consolidation: figures and an explanation
    window.tabs.setCurrentWidget(window.consolidation_page)
    cons = window.consolidation_page
    wait_idle(qtbot)  # consolidation runs off the GUI thread
    assert cons.figures_model.rowCount() > 0
    assert cons.explanation.toPlainText().strip()
    assert "Inputs:" in cons.explanation.toPlainText()
    shoot(window, "consolidation_en")

    # panel opinion for the first application, approved by the chair
    window.tabs.setCurrentWidget(window.opinion_page)
    op = window.opinion_page
    assert op.app_ids[0] == "a01"
    assert len(op.shown_comments()) == 5
    op.opinion.setFocus()
    qtbot.keyClicks(op.opinion, "The panel finds the platform sound.")
    click(qtbot, op.save_button)
    assert "waiting for the chair" in op.state.text()
    chair = cast.experts[0]
    p12 = tmp_path / "chair.p12"
    p12.write_bytes(serialize_pkcs12(chair.signing_key, chair.certificate, chair.chain, CHAIR_PASS))
    console_dialogs.chosen_paths.append(p12)
    console_dialogs.passphrases.append(CHAIR_PASS)
    shared = window.ctx.result
    assert shared is not None
    click(qtbot, op.approve_button)
    wait_idle(qtbot)
    assert console_dialogs.errors == []
    assert "approved by the chair" in op.state.text()
    assert window.ctx.result is shared  # an approval moves no figure: nothing consolidated again
    shoot(window, "opinion_en")

    # round 2 for the flagged application
    window.tabs.setCurrentWidget(window.consolidation_page)
    wait_idle(qtbot)
    flagged = rounds.flagged_applications(rounds.consolidate_round(window.ctx.ws))
    chosen = list(flagged) or [cons.app_combo.currentData()]  # none flagged: the selected one
    # no folder for the round notice now (test_round_notice_page.py writes one)
    console_dialogs.chosen_paths.append(None)
    click(qtbot, cons.round_button)
    wait_idle(qtbot)  # the round is recorded off the GUI thread
    assert window.ctx.ws.setup().current_round == 2
    assert "round 2" in window.header.text()
    window.tabs.setCurrentWidget(window.opinion_page)  # pages refresh when shown
    assert window.opinion_page.app_ids == chosen

    # the room view shows the current applicant and advances with Next
    window.tabs.setCurrentWidget(window.room_page)
    room = window.room_page
    click(qtbot, room.show_button)
    qtbot.waitExposed(room.room)
    first = room.room.applicant.text()
    assert first and "1 of 3" in room.room.position.text()
    click(qtbot, room.next_button)
    assert "2 of 3" in room.room.position.text()
    assert room.room.applicant.text() in room.current.text()
    click(qtbot, room.start_button)
    assert room.room.timer.running
    click(qtbot, room.start_button)
    shoot(room.room, "room_en")
    shoot(window, "roomcontrols_en")

    # live language switch, zh_CN screenshots of every page
    _merge_part_catalog()
    switch_language("zh_CN")
    assert window.tabs.tabText(0) != "&1 Setup"
    for i, name in enumerate(("setup", "collect", "consolidation", "opinion", "room")):
        window.tabs.setCurrentIndex(i)
        QApplication.processEvents()
        shoot(window, f"{name}_zh")
    shoot(room.room, "roomview_zh")
    assert before is not None


def test_a_refused_sheet_file_shows_its_reason_and_changes_nothing(
    console: tuple[SecretaryWindow, list[Path]],
    console_dialogs: ConsoleDialogs,
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    window, packages = console
    console_dialogs.chosen_files.append(packages[:3])
    click(qtbot, window.setup_page.import_button)
    wait_idle(qtbot)
    console_dialogs.saved_paths.append(tmp_path / "kit.oikit")
    click(qtbot, window.setup_page.kit_button)
    wait_idle(qtbot)
    bogus = tmp_path / "broken.oisheet"
    bogus.write_bytes(b"not a sheet file")
    before = window.ctx.ws.dump()
    window.tabs.setCurrentWidget(window.collect_page)
    console_dialogs.chosen_files.append([bogus])
    click(qtbot, window.collect_page.import_button)
    wait_idle(qtbot)
    text = window.collect_page.results.item(0).text()
    assert "broken.oisheet" in text
    assert window.ctx.ws.dump() == before
    assert window.collect_page.board_model.board is not None
    assert window.collect_page.board_model.board.counts()[CellState.SUBMITTED] == 0
