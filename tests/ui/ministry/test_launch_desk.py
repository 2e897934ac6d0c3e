"""How the desk is started: File › Open ministry desk… on the start window, and
``review-desk ministry [--db FILE] [--lang …]`` (the window itself is not run here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.cli import main
from tests.ui.conftest import RecordingDialogs
from ui import launch
from ui.ministry.window import MinistryWindow


def test_the_start_window_opens_the_ministry_desk_on_the_default_database(
    tmp_path: Path, qtbot: QtBot, dialogs: RecordingDialogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    window = launch.build_main_window(demo=False, workspace=None, dialogs=dialogs)
    qtbot.addWidget(window)
    assert window.ministry_action in window.file_menu.actions()
    assert window.ministry_action.text() == "Open &ministry desk…"
    window.ministry_action.trigger()
    (desk,) = window.secretary_consoles
    assert isinstance(desk, MinistryWindow)
    qtbot.addWidget(desk)
    qtbot.waitUntil(lambda: desk.loading is None)
    assert desk.ctx.database == tmp_path / "data" / "review-desk" / "ministry" / "ministry.sqlite"
    assert desk.ctx.documents is launch.ministry_document_checks
    assert "0 meetings, 0 applications" in desk.header.text()
    assert not desk.ctx.database.exists()  # opening reads nothing and creates nothing
    assert dialogs.errors == []


@pytest.mark.parametrize(
    "argv",
    [
        ["ministry", "--db", "DB", "--lang", "zh_CN"],
        ["--lang", "zh_CN", "ministry", "--db", "DB"],
    ],
)
def test_review_desk_ministry_desk_starts_the_desk_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    started: list[tuple[str | None, str | None]] = []

    def run(language: str | None, database: str | None) -> int:
        started.append((language, database))
        return 0

    monkeypatch.setattr(launch, "run_ministry_desk", run)
    db = str(tmp_path / "ministry.sqlite")
    try:
        assert main([db if a == "DB" else a for a in argv]) == 0
    finally:
        from app.i18n import set_language

        set_language("en")
    assert started == [("zh_CN", db)]


def test_a_file_that_is_not_a_ministry_database_is_refused_politely(
    tmp_path: Path, qtbot: QtBot, dialogs: RecordingDialogs
) -> None:
    from storage.ministry.database import MinistryDatabase
    from storage.ministry.refusals import RefusalJournalFile
    from ui.ministry.context import DeskContext

    garbage = tmp_path / "notes.sqlite"
    garbage.write_bytes(b"not a database, just notes\n" * 10)
    ctx = DeskContext(
        store=MinistryDatabase(garbage),
        database=garbage,
        dialogs=dialogs,
        documents=None,
        journal=RefusalJournalFile.beside(garbage),
    )
    desk = MinistryWindow(ctx)
    qtbot.addWidget(desk)
    qtbot.waitUntil(lambda: desk.loading is None)
    (error,) = dialogs.errors
    assert "is not an Expert Review Desk ministry database" in error["message"]
    assert "has not been changed" in error["recommendation"]
    assert desk.register_page.model.rowCount() == 0
    assert garbage.read_bytes() == b"not a database, just notes\n" * 10
