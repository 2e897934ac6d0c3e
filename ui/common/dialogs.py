"""All message boxes and file dialogs go through one small service, so tests swap in a stub.

Windows take a :class:`DialogService` in their constructor (defaulting to :func:`default_dialogs`);
tests pass a recording stub instead of clicking through modal dialogs, which would block the
offscreen test run. :meth:`DialogService.passphrase` asks for a passphrase without echoing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QWidget

from app.i18n import _

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

# QMessageBox and QFileDialog are imported where a dialog opens: PySide6 builds each class
# (and its enums) on first use, and the first screen shows neither (~1.5 ms of start-up).


class DialogService:
    """The real, modal dialogs. Every text passed in is already translated."""

    def information(self, parent: QWidget | None, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = _box(parent, QMessageBox.Icon.Information, title, text)
        box.exec()

    def error(
        self,
        parent: QWidget | None,
        title: str,
        message: str,
        recommendation: str = "",
        details: str = "",
    ) -> None:
        """An error: what happened, what to do next, and (hidden) details one can copy."""
        from ui.common.error_dialog import ErrorDialog  # only built when an error happens

        ErrorDialog(parent, title, message, recommendation, details).exec()

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        from PySide6.QtWidgets import QMessageBox

        box = _box(parent, QMessageBox.Icon.Question, title, text)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def about(self, parent: QWidget | None, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = _box(parent, QMessageBox.Icon.NoIcon, title, text)
        box.exec()

    def about_qt(self, parent: QWidget | None) -> None:
        QApplication.aboutQt()

    def open_file(
        self, parent: QWidget | None, title: str, name_filter: str = "", directory: str = ""
    ) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        name, _selected = QFileDialog.getOpenFileName(parent, title, directory, name_filter)
        return Path(name) if name else None

    def open_files(self, parent: QWidget | None, title: str, name_filter: str = "") -> list[Path]:
        """Several files at once; an empty list when cancelled."""
        from PySide6.QtWidgets import QFileDialog

        names, _selected = QFileDialog.getOpenFileNames(parent, title, "", name_filter)
        return [Path(name) for name in names]

    def save_file(
        self, parent: QWidget | None, title: str, name_filter: str = "", suggested: str = ""
    ) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        name, _selected = QFileDialog.getSaveFileName(parent, title, suggested, name_filter)
        return Path(name) if name else None

    def passphrase(self, parent: QWidget | None, title: str, label: str) -> bytes | None:
        """A passphrase typed without echo, as UTF-8 bytes; None when cancelled."""
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        dialog = QInputDialog(parent)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.setAccessibleName(title)
        accepted = dialog.exec() == QInputDialog.DialogCode.Accepted
        text = dialog.textValue()
        dialog.setTextValue("")
        return text.encode("utf-8") if accepted else None

    def open_directory(
        self, parent: QWidget | None, title: str, directory: str = ""
    ) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        name = QFileDialog.getExistingDirectory(parent, title, directory)
        return Path(name) if name else None

    def choose(
        self,
        parent: QWidget | None,
        title: str,
        label: str,
        options: Sequence[str],
        current: int = 0,
    ) -> int | None:
        """One of ``options`` from a list (its index), ``current`` chosen at first; None
        when cancelled."""
        from PySide6.QtWidgets import QInputDialog

        dialog = QInputDialog(parent)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setComboBoxItems(list(options))
        dialog.setComboBoxEditable(False)
        dialog.setTextValue(options[current] if 0 <= current < len(options) else "")
        dialog.setAccessibleName(title)
        if dialog.exec() != QInputDialog.DialogCode.Accepted:
            return None
        chosen = dialog.textValue()
        return list(options).index(chosen) if chosen in options else None


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    from PySide6.QtCore import Qt  # not at start-up: see ui/shell/empty_state._centred
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # data never turns into markup
    box.setAccessibleName(title or _("Message"))
    return box


_default = DialogService()


def default_dialogs() -> DialogService:
    """The service used where no window passed one in (the exception hook, for example)."""
    return _default


def set_default_dialogs(service: DialogService) -> DialogService:
    """Replace the default service; returns the previous one so a test can put it back."""
    global _default
    previous, _default = _default, service
    return previous
