"""Secretary console fixtures: the shared PKI and cast of the core tests, and a dialog
service that also answers the multi-file picker."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from tests.app.secretary.conftest import cast, pkiset  # noqa: F401  (fixtures)
from tests.ui.conftest import RecordingDialogs


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
