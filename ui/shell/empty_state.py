"""What the window shows with no meeting open: a calm invitation, not a blank grey area."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QVBoxLayout, QWidget

from app.i18n import _


class EmptyState(QWidget):
    def __init__(self, open_demo: QAction | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._apply_fonts()
        self.text = QLabel()
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setWordWrap(True)
        self.open_demo_button = QPushButton()
        self.open_demo_button.setMinimumWidth(220)
        self._open_demo = open_demo
        if open_demo is not None:
            self.open_demo_button.clicked.connect(open_demo.trigger)
        self.open_demo_button.setVisible(open_demo is not None)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.setSpacing(14)
        layout.addStretch(2)
        layout.addWidget(self.heading)
        layout.addWidget(self.text)
        layout.addSpacing(10)
        layout.addWidget(self.open_demo_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._apply_fonts()  # follow the app-wide text zoom
        super().changeEvent(event)

    def _apply_fonts(self) -> None:
        font = QFont(QApplication.font())
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.heading.setFont(font)

    def retranslate(self) -> None:
        self.heading.setText(_("No meeting is open"))
        self.text.setText(
            _("Open the demo meeting to see the agenda, the expert roster and the rubric.")
        )
        self.open_demo_button.setText(_("Open the demo meeting"))
        self.open_demo_button.setAccessibleName(_("Open the demo meeting"))
