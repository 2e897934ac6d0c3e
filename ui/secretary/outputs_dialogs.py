"""The two dialogs of the Outputs page: the chair unlocks their identity at the console
(:class:`ChairSignDialog`), and the secretary chooses the ministry recipient and the output
folder before signing second (:class:`WriteOutputsDialog`).

Both only collect what the user chose; the page runs the publish step off the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

from cryptography import x509
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
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

from app.errors import UserFacingError, ValidationError
from app.i18n import Msg, _
from ui.common.dialogs import DialogService
from ui.common.errors import show_error


def _plain(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class ChairSignDialog(QDialog):
    """The chair picks their identity file and types its passphrase."""

    def __init__(self, dialogs: DialogService, chair: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chairSignDialog")
        self.dialogs = dialogs
        self.chair = chair
        self.intro = _plain()
        self.file_edit = QLineEdit()
        self.browse_button = QPushButton()
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self.browse)
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        row = QHBoxLayout()
        row.addWidget(self.file_edit, 1)
        row.addWidget(self.browse_button)
        self.file_label = QLabel()
        self.file_label.setBuddy(self.file_edit)
        self.passphrase_label = QLabel()
        self.passphrase_label.setBuddy(self.passphrase_edit)
        form = QFormLayout()
        form.addRow(self.file_label, row)
        form.addRow(self.passphrase_label, self.passphrase_edit)
        self.buttons = QDialogButtonBox()
        self.sign_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        self.identity_path: Path | None = None
        self.passphrase: bytes = b""
        self.finished.connect(self.passphrase_edit.clear)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("The chair signs the report"))
        self.intro.setText(
            _(
                "The panel chair {name} unlocks their own identity file to sign the report. "
                "The report is rendered again from the signed results and compared before "
                "the chair's key is used.",
                name=self.chair,
            )
        )
        self.file_label.setText(_("Chair's &identity file:"))
        self.passphrase_label.setText(_("&Passphrase:"))
        self.browse_button.setText(_("&Browse…"))
        self.sign_button.setText(_("&Sign"))
        self.file_edit.setAccessibleName(_("Chair's identity file"))
        self.passphrase_edit.setAccessibleName(_("Passphrase"))

    def browse(self) -> None:
        chosen = self.dialogs.open_file(
            self, _("Choose the chair's identity file"), _("Identity files (*.p12 *.pfx)")
        )
        if chosen:
            self.file_edit.setText(str(chosen))
            self.passphrase_edit.setFocus()

    def _accept(self) -> None:
        if not self.file_edit.text().strip():
            self.file_edit.setFocus()
            return
        self.identity_path = Path(self.file_edit.text().strip())
        self.passphrase = self.passphrase_edit.text().encode("utf-8")
        self.accept()


class WriteOutputsDialog(QDialog):
    """The ministry recipient (configured, or a ``.pem`` chosen now), the explicit choice of
    an unencrypted bundle when there is none, and the output folder."""

    def __init__(
        self,
        dialogs: DialogService,
        configured: x509.Certificate | None,
        *,
        is_demo: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("writeOutputsDialog")
        self.dialogs = dialogs
        self.configured = configured
        self.chosen: x509.Certificate | None = None
        self.is_demo = is_demo
        self.intro = _plain()
        self.recipient = _plain()
        self.recipient.setObjectName("ministryRecipient")
        self.recipient_button = QPushButton()
        self.recipient_button.setAutoDefault(False)
        self.recipient_button.clicked.connect(self.choose_recipient)
        self.unencrypted = QCheckBox()
        self.unencrypted.toggled.connect(self._update)
        self.warning = _plain()
        self.warning.setObjectName("unencryptedWarning")
        self.warning.setStyleSheet("QLabel#unencryptedWarning { color: #a61b1b; }")
        self.folder_edit = QLineEdit()
        self.folder_edit.textChanged.connect(self._update)
        self.folder_button = QPushButton()
        self.folder_button.setAutoDefault(False)
        self.folder_button.clicked.connect(self.choose_folder)
        recipient_row = QHBoxLayout()
        recipient_row.addWidget(self.recipient, 1)
        recipient_row.addWidget(self.recipient_button)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.folder_button)
        self.recipient_label = QLabel()
        self.folder_label = QLabel()
        self.folder_label.setBuddy(self.folder_edit)
        form = QFormLayout()
        form.addRow(self.recipient_label, recipient_row)
        form.addRow("", self.unencrypted)
        form.addRow("", self.warning)
        form.addRow(self.folder_label, folder_row)
        self.buttons = QDialogButtonBox()
        self.write_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.write_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.reason = _plain()
        self.reason.setObjectName("writeReason")
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(640)
        self.retranslate()

    @property
    def ministry(self) -> x509.Certificate | None:
        return self.chosen or self.configured

    @property
    def folder(self) -> Path:
        return Path(self.folder_edit.text().strip())

    def retranslate(self) -> None:
        self.setWindowTitle(_("The secretary signs and writes"))
        self.intro.setText(
            _(
                "You sign the chair-signed report second. The report, the workbook and the "
                "result bundle are written to the folder you choose, under names carrying "
                "the bundle version; the bundle is read back with the ministry's own "
                "verifier first."
            )
        )
        self.recipient_label.setText(_("Ministry recipient:"))
        self.recipient_button.setText(_("&Choose certificate…"))
        self.unencrypted.setText(_("Write the result bundle &unencrypted"))
        self.folder_label.setText(_("Output &folder:"))
        self.folder_button.setText(_("&Browse…"))
        self.write_button.setText(_("Sign and &write"))
        self.folder_edit.setAccessibleName(_("Output folder"))
        self._update()

    def choose_recipient(self) -> None:
        path = self.dialogs.open_file(
            self, _("Choose the ministry's certificate"), _("Certificates (*.pem *.crt)")
        )
        if path is None:
            return
        try:
            from app.results.container import ministry_recipient_for

            cert = x509.load_pem_x509_certificate(path.read_bytes())
            ministry_recipient_for(cert)
        except UserFacingError as exc:
            show_error(self, exc, self.dialogs)
            return
        except (OSError, ValueError):
            error = ValidationError(
                Msg.of("{path} is not a PEM certificate.", path=str(path)),
                Msg.of("Give the ministry's certificate file (.pem)."),
            )
            show_error(self, error, self.dialogs)
            return
        self.chosen = cert
        self._update()

    def choose_folder(self) -> None:
        folder = self.dialogs.open_directory(self, _("Choose the folder for the outputs"))
        if folder is not None:
            self.folder_edit.setText(str(folder))

    def blocked(self) -> str | None:
        """Why the outputs cannot be written yet (None: they can)."""
        if self.ministry is None and not self.is_demo and not self.unencrypted.isChecked():
            return _(
                "No ministry recipient is configured: choose the ministry's certificate, or "
                "choose explicitly to write an unencrypted bundle."
            )
        if not self.folder_edit.text().strip():
            return _("Choose the output folder.")
        return None

    def _update(self) -> None:
        cert = self.ministry
        if cert is not None:
            self.recipient.setText(_("Encrypted to {name}", name=cert.subject.rfc4514_string()))
        elif self.is_demo:
            self.recipient.setText(_("None (a demo bundle may stay unencrypted)."))
        else:
            self.recipient.setText(_("None configured for this meeting."))
        self.unencrypted.setVisible(cert is None and not self.is_demo)
        if cert is not None:
            self.unencrypted.setChecked(False)
        self.warning.setVisible(self.unencrypted.isChecked())
        self.warning.setText(
            _(
                "Warning: the result bundle is written UNENCRYPTED; anyone who gets the file "
                "can read every score."
            )
        )
        reason = self.blocked()
        self.write_button.setEnabled(reason is None)
        self.write_button.setToolTip(reason or "")
        self.reason.setText(reason or "")
        self.reason.setVisible(reason is not None)

    def _accept(self) -> None:
        if self.blocked() is None:
            self.accept()
