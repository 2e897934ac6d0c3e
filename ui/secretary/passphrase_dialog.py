"""The meeting passphrase, shown exactly once in large digits, with an optional printout.

The text is never stored by the program: closing the dialog clears it from the widgets.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _


class PassphraseDialog(QDialog):
    def __init__(self, passphrase: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("meetingPassphraseDialog")
        self._passphrase = passphrase
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.digits = QLabel(passphrase)
        self.digits.setObjectName("meetingPassphrase")
        self.digits.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.digits.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = QFont(self.digits.font())
        font.setPointSize(max(font.pointSize() * 2, 24))
        font.setBold(True)
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.digits.setFont(font)
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.print_passphrase)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.digits)
        layout.addWidget(self.buttons)
        self.finished.connect(self._forget)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Meeting passphrase"))
        self.intro.setText(
            _(
                "Write down or print this passphrase now. It is shown only this once; "
                "experts need it to open the meeting kit."
            )
        )
        self.digits.setAccessibleName(_("Meeting passphrase"))
        self.print_button.setText(_("&Print…"))

    def print_passphrase(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
            return
        painter = QPainter(printer)
        font = QFont(self.digits.font())
        painter.setFont(font)
        rect = painter.viewport()
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), self._passphrase)
        painter.end()

    def _forget(self) -> None:
        self._passphrase = ""
        self.digits.clear()
