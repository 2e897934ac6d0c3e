"""Secretary console fixtures: the shared PKI and cast of the core tests, a dialog service
that also answers the multi-file picker, and the demo hearing order for the room view."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app.demo.meeting import load_demo
from tests.app.secretary.conftest import cast, pkiset  # noqa: F401  (fixtures)
from tests.ui.conftest import RecordingDialogs
from ui.secretary.room_view import Slot


@dataclass
class ConsoleDialogs(RecordingDialogs):
    chosen_files: list[list[Path]] = field(default_factory=list)
    saved_paths: list[Path] = field(default_factory=list)

    def open_files(self, parent: QWidget | None, title: str, name_filter: str = "") -> list[Path]:
        return self.chosen_files.pop(0) if self.chosen_files else []

    def save_file(
        self, parent: QWidget | None, title: str, name_filter: str = "", suggested: str = ""
    ) -> Path | None:
        return self.saved_paths.pop(0) if self.saved_paths else None


@pytest.fixture
def console_dialogs() -> ConsoleDialogs:
    return ConsoleDialogs()


@pytest.fixture
def room_slots() -> list[Slot]:
    """The demo meeting's hearing order, for the room view."""
    meeting, _rubric = load_demo()
    apps = {a.id: a for a in meeting.applications}
    return [(i, apps[i.application_id]) for i in sorted(meeting.agenda, key=lambda i: i.position)]


def frameless(widget: QWidget) -> bool:
    return bool(widget.windowFlags() & Qt.WindowType.FramelessWindowHint)
