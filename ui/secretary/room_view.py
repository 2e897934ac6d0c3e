"""Page 5, the room: a separate window for the second screen (frameless if asked) with the
current applicant in large type, the report / Q&A clock and what comes next, driven from the
console's Previous / Next / Start-Pause / Next phase buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.meeting import AgendaItem, Application
from app.i18n import _
from app.secretary.setup import current_meeting
from storage.secretary import SecretaryWorkspace
from ui.expert.timer_widget import HearingTimer
from ui.secretary.context import ConsoleContext, heading

Slot = tuple[AgendaItem, Application]


def current_agenda(ws: SecretaryWorkspace) -> list[Slot]:
    """The hearing order with each item's application."""
    meeting = current_meeting(ws)
    apps = {a.id: a for a in meeting.applications}
    items = sorted(meeting.agenda, key=lambda i: i.position)
    return [(i, apps[i.application_id]) for i in items if i.application_id in apps]


def _big(label: QLabel, factor: float) -> None:
    font = QFont(label.font())
    font.setPointSizeF(max(font.pointSizeF(), 10.0) * factor)
    font.setBold(True)
    label.setFont(font)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)


class RoomView(QWidget):
    """What the room sees; it holds no controls."""

    def __init__(self, frameless: bool = False) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setObjectName("roomView")
        if frameless:
            self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        self.slots: list[Slot] = []
        self.index = 0
        self.position = QLabel()
        self.applicant = QLabel()
        self.applicant.setObjectName("roomApplicant")
        self.platform = QLabel()
        _big(self.position, 1.5)
        _big(self.applicant, 3.0)
        _big(self.platform, 2.0)
        self.timer = HearingTimer(self)
        for button in (self.timer.start_button, self.timer.reset_button, self.timer.next_button):
            button.hide()
        self.next_label = QLabel()
        self.next_label.setObjectName("roomNext")
        _big(self.next_label, 1.3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.position)
        layout.addWidget(self.applicant)
        layout.addWidget(self.platform)
        layout.addWidget(self.timer, 1)
        layout.addWidget(self.next_label)
        self.resize(1024, 640)
        self.retranslate()

    def set_slots(self, slots: list[Slot]) -> None:
        self.slots = slots
        self.index = min(self.index, max(len(slots) - 1, 0))
        self.show_current()

    def go(self, step: int) -> None:
        target = self.index + step
        if 0 <= target < len(self.slots):
            self.index = target
            self.timer.reset()
            self.show_current()

    def show_current(self) -> None:
        if not self.slots:
            self.position.setText("")
            self.applicant.setText(_("No applications on the agenda yet."))
            self.platform.setText("")
            self.next_label.setText("")
            return
        item, app = self.slots[self.index]
        self.timer.set_durations(item.report_minutes, item.qa_minutes)
        self.position.setText(
            _("Application {position} of {count}", position=self.index + 1, count=len(self.slots))
        )
        self.applicant.setText(str(app.applicant_unit))
        self.platform.setText(str(app.platform_name))
        if self.index + 1 < len(self.slots):
            nxt = self.slots[self.index + 1][1]
            self.next_label.setText(_("Next: {applicant}", applicant=str(nxt.applicant_unit)))
        else:
            self.next_label.setText(_("This is the last application."))

    def retranslate(self) -> None:
        self.setWindowTitle(_("Room view"))
        self.timer.retranslate()
        self.show_current()


class RoomPage(QWidget):
    """The console's controls for the room view."""

    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.room = RoomView()
        self.title = heading()
        self.current = QLabel()
        self.current.setObjectName("roomCurrent")
        self.current.setWordWrap(True)
        self.show_button = QPushButton()
        self.prev_button = QPushButton()
        self.next_button = QPushButton()
        self.start_button = QPushButton()
        self.phase_button = QPushButton()
        self.show_button.clicked.connect(self.show_room)
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.start_button.clicked.connect(self.toggle_clock)
        self.phase_button.clicked.connect(self.room.timer.next_phase)
        row = QHBoxLayout()
        for b in (
            self.show_button,
            self.prev_button,
            self.next_button,
            self.start_button,
            self.phase_button,
        ):
            row.addWidget(b)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(row)
        layout.addWidget(self.current)
        layout.addStretch(1)
        self.retranslate()

    def reload(self) -> None:
        self.room.set_slots(current_agenda(self.ctx.ws))
        self._mirror()

    def show_room(self) -> None:
        self.room.show()
        self.room.raise_()

    def step(self, step: int) -> None:
        self.room.go(step)
        self._mirror()

    def toggle_clock(self) -> None:
        self.room.timer.toggle()
        self._retranslate_start()

    def _mirror(self) -> None:
        r = self.room
        self.current.setText("\n".join(x.text() for x in (r.position, r.applicant, r.next_label)))

    def _retranslate_start(self) -> None:
        running = self.room.timer.running
        self.start_button.setText(_("&Pause clock") if running else _("&Start clock"))

    def retranslate(self) -> None:
        self.title.setText(_("Room view on the second screen"))
        self.show_button.setText(_("Show room &view"))
        self.prev_button.setText(_("&Previous"))
        self.next_button.setText(_("&Next"))
        self.phase_button.setText(_("Q&&A &phase"))
        self._retranslate_start()
        self.room.retranslate()
        self._mirror()

    def close_room(self) -> None:
        self.room.timer.reset()
        self.room.close()
