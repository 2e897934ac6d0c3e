"""The error dialog: a message, what to do next, and a "Copy details" button.

Details (a traceback, for unexpected errors) are never shown on screen; a secretary can copy
them into a report for whoever maintains the program. ``QMessageBox.setDetailedText`` would
put the traceback in front of the user, and any QMessageBox button closes the box, so this is
a small dialog of its own.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _


class ErrorDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        message: str,
        recommendation: str = "",
        details: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self._details = details

        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(size)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)

        self.message_label = _plain_label(message)
        font = self.message_label.font()
        font.setBold(True)
        self.message_label.setFont(font)
        self.recommendation_label = _plain_label(recommendation)
        self.recommendation_label.setVisible(bool(recommendation))

        texts = QVBoxLayout()
        texts.addWidget(self.message_label)
        texts.addWidget(self.recommendation_label)
        texts.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(icon)
        row.addLayout(texts, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.copy_button: QPushButton | None = None
        if details:
            self.copy_button = buttons.addButton(
                _("Copy details"), QDialogButtonBox.ButtonRole.ActionRole
            )
            self.copy_button.setAccessibleName(_("Copy details"))
            self.copy_button.clicked.connect(self.copy_details)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 18, 18, 12)
        layout.setSpacing(14)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self._details)
        if self.copy_button is not None:
            self.copy_button.setText(_("Copied"))


def _plain_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
