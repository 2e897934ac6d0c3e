"""The band across the top of the window: which meeting this is, when, where, and whether it
is the demo (a demo must never be mistaken for a real meeting on a projector)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QEvent, QLocale, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.domain.meeting import Meeting
from app.i18n import _, current_language
from ui.common.i18n import qlocale


def long_date(day: dt.date, language: str) -> str:
    return qlocale(language).toString(
        QDate(day.year, day.month, day.day), QLocale.FormatType.LongFormat
    )


class MeetingHeader(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("meetingHeader")
        self._meeting: Meeting | None = None

        self.title = QLabel()
        self.title.setObjectName("meetingTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QLabel()
        self.details.setObjectName("meetingDetails")
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setWordWrap(True)
        self.badge = QLabel()
        self.badge.setObjectName("demoBadge")
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setVisible(False)

        texts = QVBoxLayout()
        texts.setSpacing(4)
        texts.addWidget(self.title)
        texts.addWidget(self.details)
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 14, 20, 14)
        row.setSpacing(16)
        row.addLayout(texts, 1)
        row.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        self.setStyleSheet(
            "#meetingHeader { border-bottom: 1px solid palette(mid); }"
            "#meetingDetails { color: palette(placeholder-text); }"
            "#demoBadge { background: #b45309; color: white; border-radius: 4px;"
            " padding: 4px 12px; font-weight: bold; }"
        )
        self._apply_fonts()

    def set_meeting(self, meeting: Meeting | None) -> None:
        self._meeting = meeting
        self.retranslate()

    def retranslate(self) -> None:
        meeting = self._meeting
        self.badge.setText(_("DEMO"))
        self.badge.setToolTip(_("Demonstration data: not a real meeting."))
        self.badge.setAccessibleName(_("Demonstration data: not a real meeting."))
        if meeting is None:
            self.title.clear()
            self.details.clear()
            self.badge.setVisible(False)
            return
        language = current_language()
        self.title.setText(meeting.title.get(language))
        self.details.setText(
            _(
                "{date} · {venue}",
                date=long_date(meeting.date, language),
                venue=meeting.venue.get(language),
            )
        )
        self.title.setAccessibleName(_("Meeting"))
        self.badge.setVisible(meeting.is_demo)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._apply_fonts()  # follow the app-wide text zoom
        super().changeEvent(event)

    def _apply_fonts(self) -> None:
        base = QApplication.font().pointSize()
        title = QFont(QApplication.font())
        title.setPointSize(base + 5)
        title.setBold(True)
        self.title.setFont(title)
