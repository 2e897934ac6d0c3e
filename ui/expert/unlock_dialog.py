"""Sign in as an expert: choose the identity file (.p12), type its passphrase, unlock.

Unlocking (PBKDF2, 600,000 rounds) runs off the GUI thread. The passphrase is never echoed,
never logged and cleared from the field after every attempt; a refusal (wrong passphrase,
not on the roster, expired, not an expert) is shown through the one error presenter and
leaves nothing behind: no session exists until :attr:`session` is set on success.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.crypto.identity import read_identity_file
from app.domain.meeting import Meeting
from app.errors import UserFacingError
from app.expert.session import ExpertSession, unlock
from app.i18n import _, current_language
from ui.common.busy import BusyState
from ui.common.dialogs import DialogService
from ui.common.errors import show_error
from ui.common.tasks import BackgroundTask
from ui.shell.folders import start_folder

Clock = Callable[[], dt.datetime]
_LAST_FILE = "expert/last_identity_file"


class UnlockDialog(QDialog):
    """Emits :attr:`unlocked` with the :class:`ExpertSession`; stays open after a refusal."""

    unlocked = Signal(object)

    def __init__(
        self,
        meeting: Meeting,
        dialogs: DialogService,
        *,
        now: Clock = lambda: dt.datetime.now(dt.UTC),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("unlockDialog")
        self.meeting = meeting
        self.dialogs = dialogs
        self.now = now
        self.session: ExpertSession | None = None
        self.identity_path: Path | None = None
        self.task: BackgroundTask[ExpertSession] | None = None

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.meeting_label = QLabel()
        self.meeting_label.setWordWrap(True)
        self.file_edit = QLineEdit()
        self.file_edit.setText(str(QSettings().value(_LAST_FILE, "") or ""))
        self.browse_button = QPushButton()
        self.browse_button.setAutoDefault(False)  # Enter unlocks; it never opens the chooser
        self.browse_button.clicked.connect(self.browse)
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)

        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.browse_button)
        self.form = QFormLayout()
        self.file_label = QLabel()
        self.passphrase_label = QLabel()
        self.file_label.setBuddy(self.file_edit)
        self.passphrase_label.setBuddy(self.passphrase_edit)
        self.form.addRow(self.file_label, file_row)
        self.form.addRow(self.passphrase_label, self.passphrase_edit)

        self.buttons = QDialogButtonBox()
        self.unlock_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.cancel_button.clicked.connect(self.reject)
        self.unlock_button.setDefault(True)  # Enter in either field unlocks
        self.status = QLabel()
        self.status.setObjectName("unlockStatus")
        self.status.setWordWrap(True)
        self.busy = BusyState(
            self.status,
            (
                self.file_edit,
                self.browse_button,
                self.passphrase_edit,
                self.unlock_button,
                self.cancel_button,
            ),
        )

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.meeting_label)
        layout.addLayout(self.form)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        self.retranslate()
        (self.passphrase_edit if self.file_edit.text() else self.file_edit).setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Sign in as expert"))
        self.intro.setText(
            _(
                "Unlock your expert identity to score this meeting. Your passphrase is "
                "checked on this computer only."
            )
        )
        self.meeting_label.setText(
            _("Meeting: {title}", title=self.meeting.title.get(current_language()))
        )
        self.file_label.setText(_("&Identity file:"))
        self.passphrase_label.setText(_("&Passphrase:"))
        self.browse_button.setText(_("&Browse…"))
        self.unlock_button.setText(_("&Unlock"))
        self.file_edit.setPlaceholderText(_("Your .p12 identity file"))
        self.file_edit.setAccessibleName(_("Identity file"))
        self.passphrase_edit.setAccessibleName(_("Passphrase"))
        self.browse_button.setAccessibleName(_("Choose the identity file"))
        self.unlock_button.setAccessibleName(_("Unlock"))

    def browse(self) -> None:
        chosen = self.dialogs.open_file(
            self,
            _("Choose your identity file"),
            _("Identity files (*.p12 *.pfx);;All files (*)"),
            start_folder(self.file_edit.text().strip(), self._demo_identities()),
        )
        if chosen:
            self.file_edit.setText(str(chosen))
            self.passphrase_edit.setFocus()

    def _demo_identities(self) -> Path | None:
        """For the demo meeting, the demo's identity files."""
        if not self.meeting.is_demo:
            return None
        from app.workspaces import default_demo_dir

        return default_demo_dir() / "identities"

    def try_unlock(self) -> None:
        """Read the file here, unlock on a worker; the passphrase field is cleared at once."""
        if self.task is not None:
            return
        path = Path(self.file_edit.text().strip())
        passphrase = self.passphrase_edit.text().encode("utf-8")
        self.passphrase_edit.clear()
        if not self.file_edit.text().strip():
            self.file_edit.setFocus()
            return
        try:
            data = read_identity_file(path)
        except UserFacingError as exc:
            show_error(self, exc, self.dialogs)
            return
        meeting, at = self.meeting, self.now()
        self.identity_path = path
        # The busy state says what runs (no progress dialog: PBKDF2 cannot be cancelled).
        self.busy.start(_("Unlocking your identity…"))
        self.task = (
            BackgroundTask(self, lambda _p: unlock(meeting, data, passphrase, at))
            .success(self._unlocked)
            .failure(self._refused)
            .run()
        )

    def _unlocked(self, session: ExpertSession) -> None:
        self.task = None
        QSettings().setValue(_LAST_FILE, str(self.identity_path))
        self.session = session
        # The window is built on the GUI thread (a few hundred ms): the busy state stays on.
        self.busy.start(_("Opening your workspace…"))
        try:
            self.unlocked.emit(session)
        finally:
            self.busy.stop()
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.task = None
        self.busy.stop()
        self.passphrase_edit.setFocus()
        show_error(self, exc, self.dialogs)

    def reject(self) -> None:
        """Esc and Cancel close the dialog, except while unlocking (the result would open
        the window after the dialog had gone)."""
        if not self.busy.active:
            super().reject()
