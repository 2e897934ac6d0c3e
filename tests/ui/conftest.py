"""Fixtures for window tests: settings in a temp folder, the merged zh_CN catalog, a sample
meeting, a recording dialog service, and the app font/language put back after every test."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from tests.ui.sample import sample_meeting, sample_rubric
from ui.common.dialogs import DialogService, set_default_dialogs
from ui.common.i18n import switch_language
from ui.common.pyside_fixes import keep_none_alive

REPO = Path(__file__).resolve().parents[2]

keep_none_alive()  # as the program does (ui/launch.py): PySide6 6.12 leaks references to None

EVENT_WAIT_MS = 180_000
"""How long a UI test waits for an event before calling it a hang.

Every wait is on an event (a signal, a condition), never on time, so the cap only bounds a
real hang; on a busy two-core machine a package unlock or a signature can take many times
what it takes on an idle one, and pytest-qt's 5 s default then fails tests that are right.
"""


def _patient(wait):  # type: ignore[no-untyped-def]
    def patient(self, *args, timeout: int = EVENT_WAIT_MS, **kwargs):  # type: ignore[no-untyped-def]
        return wait(self, *args, timeout=max(timeout, EVENT_WAIT_MS), **kwargs)

    return patient


def pytest_configure(config: pytest.Config) -> None:
    from pytestqt.qtbot import QtBot

    for name in (
        "waitUntil",
        "waitSignal",
        "waitSignals",
        "waitCallback",
        "waitExposed",
        "waitActive",
    ):
        wait = getattr(QtBot, name)
        if not getattr(wait, "_patient", False):
            patched = _patient(wait)
            patched._patient = True  # type: ignore[attr-defined]
            setattr(QtBot, name, patched)


@pytest.fixture(autouse=True, scope="session")
def _gui_thread_collector(qapp: QApplication) -> None:
    """As in the program (ui/launch.py): Python's collector runs on the GUI thread only, so a
    test's worker never frees Qt wrappers off it."""
    from ui.common.collector import install_gui_thread_collector
    from ui.common.gil import favour_the_gui_thread

    install_gui_thread_collector(qapp)
    favour_the_gui_thread()  # likewise: a busy worker gives the GIL back within 0.5 ms


@pytest.fixture(autouse=True)
def settings_dir(tmp_path: Path, qapp: QApplication) -> Iterator[Path]:
    """Every test gets its own QSettings folder; the real user config is never touched."""
    folder = tmp_path / "settings"
    qapp.setOrganizationName("ExpertReviewDeskTests")
    qapp.setApplicationName("ExpertReviewDeskTests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder


@pytest.fixture(autouse=True)
def _restore_app_state(qapp: QApplication) -> Iterator[None]:
    font = QApplication.font()
    hook = sys.excepthook
    yield
    switch_language("en")
    QApplication.setFont(font)
    sys.excepthook = hook


@pytest.fixture
def meeting() -> Meeting:
    return sample_meeting()


@pytest.fixture
def rubric() -> Rubric:
    return sample_rubric()


@dataclass
class RecordingDialogs(DialogService):
    """Records what would have been shown instead of opening modal dialogs."""

    errors: list[dict[str, str]] = field(default_factory=list)
    messages: list[tuple[str, str]] = field(default_factory=list)
    passphrases: list[bytes | None] = field(default_factory=list)
    """Answers for :meth:`passphrase`, consumed in order (None: the user cancelled)."""
    chosen_paths: list[Path | None] = field(default_factory=list)
    """Answers for the file and folder pickers, consumed in order."""
    confirm_answer: bool = True
    choices: list[int | None] = field(default_factory=list)
    """Answers for :meth:`choose` (an index, or None: cancelled); without one, the option
    offered first is taken."""

    def information(self, parent: QWidget | None, title: str, text: str) -> None:
        self.messages.append((title, text))

    def about(self, parent: QWidget | None, title: str, text: str) -> None:
        self.messages.append((title, text))

    def about_qt(self, parent: QWidget | None) -> None:
        self.messages.append(("about_qt", ""))

    def error(
        self,
        parent: QWidget | None,
        title: str,
        message: str,
        recommendation: str = "",
        details: str = "",
    ) -> None:
        self.errors.append(
            {
                "title": title,
                "message": message,
                "recommendation": recommendation,
                "details": details,
            }
        )

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        self.messages.append((title, text))
        return self.confirm_answer

    def passphrase(self, parent: QWidget | None, title: str, label: str) -> bytes | None:
        self.messages.append((title, label))
        return self.passphrases.pop(0) if self.passphrases else None

    def choose(
        self,
        parent: QWidget | None,
        title: str,
        label: str,
        options: Sequence[str],
        current: int = 0,
    ) -> int | None:
        self.messages.append((title, label + "\n" + "\n".join(options)))
        return self.choices.pop(0) if self.choices else current

    def open_file(
        self, parent: QWidget | None, title: str, name_filter: str = "", directory: str = ""
    ) -> Path | None:
        return self.chosen_paths.pop(0) if self.chosen_paths else None  # never a real dialog

    def open_directory(
        self, parent: QWidget | None, title: str, directory: str = ""
    ) -> Path | None:
        return self.chosen_paths.pop(0) if self.chosen_paths else None  # never a real dialog


@pytest.fixture
def dialogs() -> Iterator[RecordingDialogs]:
    stub = RecordingDialogs()
    previous = set_default_dialogs(stub)
    yield stub
    set_default_dialogs(previous)
