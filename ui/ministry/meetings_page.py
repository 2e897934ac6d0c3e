"""Page 1, Meetings: the import history (every bundle version ever imported, the newest
first), and the way to import more."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _, ngettext
from app.ministry.model import ApplicationRow, ImportedBundle
from ui.ministry.models import MeetingsModel
from ui.shell.table_view import record_table

_WIDTHS = (140, 320, 64, 56, 150, 140, 140, 84)


class MeetingsPage(QWidget):
    def __init__(self, import_bundles: Callable[[], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = MeetingsModel(self)
        self.table = record_table("ministryMeetings", self.model, _WIDTHS)
        self.table_label = QLabel()
        self.table_label.setBuddy(self.table)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.import_button = QPushButton()
        self.import_button.clicked.connect(import_bundles)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table_label)
        layout.addWidget(self.table, 1)
        self._history: Sequence[ImportedBundle] = ()
        self.retranslate()

    def first_control(self) -> QWidget:
        return self.import_button

    def show_history(
        self, history: Sequence[ImportedBundle], rows: Sequence[ApplicationRow]
    ) -> None:
        self._history = history
        self.model.set_history(history, rows)
        self._summary()

    def _summary(self) -> None:
        meetings = len({entry.key.meeting_id for entry in self._history})
        if not self._history:
            self.summary.setText(
                _(
                    "No bundle has been imported yet. Import the bundles the meeting "
                    "secretaries sent."
                )
            )
            return
        self.summary.setText(
            ngettext(
                "{count} meeting imported; {versions} bundle versions in the history.",
                "{count} meetings imported; {versions} bundle versions in the history.",
                meetings,
                count=meetings,
                versions=len(self._history),
            )
        )

    def retranslate(self) -> None:
        self.import_button.setText(_("&Import bundles…"))
        self.table_label.setText(_("Import &history (the newest first):"))
        self.model.retranslate()
        self._summary()
