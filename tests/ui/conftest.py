"""Fixtures for window tests: settings in a temp folder, the merged zh_CN catalog, a sample
meeting, a recording dialog service, and the app font/language put back after every test."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

from app import i18n
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from tests.ui.sample import sample_meeting, sample_rubric
from ui.common.dialogs import DialogService, set_default_dialogs
from ui.common.i18n import switch_language

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session", autouse=True)
def _merged_catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Read zh_CN from the catalog as ``installers/update_catalog.py`` would merge it.

    Translation parts (``resources/locale/zh_CN/parts/*.po``) are merged into the one catalog
    by the lead; until then the merge happens here, in a temp folder, so the window tests see
    the same Chinese the program will.
    """
    sys.path.insert(0, str(REPO / "installers"))
    import update_catalog
    from babel.messages.pofile import write_po

    catalog, _missing = update_catalog.build()
    locale = tmp_path_factory.mktemp("locale")
    po = locale / "zh_CN" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    po.parent.mkdir(parents=True)
    with po.open("wb") as fh:
        write_po(fh, catalog)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(i18n, "LOCALE", locale)
        i18n._catalogs.pop("zh_CN", None)  # a cached table would hide the merged one
        yield
    i18n._catalogs.pop("zh_CN", None)


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
        return True


@pytest.fixture
def dialogs() -> Iterator[RecordingDialogs]:
    stub = RecordingDialogs()
    previous = set_default_dialogs(stub)
    yield stub
    set_default_dialogs(previous)
