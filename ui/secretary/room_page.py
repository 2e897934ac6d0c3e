"""Page 5, the room: the console's controls for the room view (:mod:`ui.secretary.room_view`),
with a mirror of what the room sees so the secretary need not turn to the screen.

The page decides where the view goes (:func:`~ui.secretary.room_screens.room_screen` over the
screens Qt knows) and follows screens that come and go during a meeting: when the projector is
unplugged the view comes back as a window on the console's screen; when one is plugged in while
the view shows as a window in automatic mode, the view moves onto it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QHideEvent,
    QScreen,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.secretary.ports import SecretaryStore
from app.secretary.setup import current_meeting
from ui.expert.timer_widget import Phase
from ui.secretary.context import ConsoleContext, heading
from ui.secretary.room_screens import AUTOMATIC, ScreenArea, room_screen
from ui.secretary.room_view import Placement, RoomView, Slot


def current_agenda(ws: SecretaryStore) -> list[Slot]:
    """The hearing order with each item's application."""
    meeting = current_meeting(ws)
    apps = {a.id: a for a in meeting.applications}
    items = sorted(meeting.agenda, key=lambda i: i.position)
    return [(i, apps[i.application_id]) for i in items if i.application_id in apps]


def screen_area(screen: QScreen) -> ScreenArea:
    g = screen.geometry()
    return ScreenArea(screen.name(), g.x(), g.y(), g.width(), g.height())


def screen_label(screen: QScreen) -> str:
    g = screen.geometry()
    name = screen.model() or screen.name() or _("Screen")
    return _("{name} ({width} × {height})", name=name.strip(), width=g.width(), height=g.height())


class RoomPage(QWidget):
    """The console's controls for the room view."""

    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.room = RoomView()
        self.title = heading()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.where_box = self._build_where_box()
        self.hearing_box = self._build_hearing_box()
        self._connect()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addWidget(self.where_box)
        layout.addWidget(self.hearing_box)
        layout.addStretch(1)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.screenAdded.connect(self._screen_added)
            app.screenRemoved.connect(self._screen_removed)
        self.retranslate()

    def _build_where_box(self) -> QGroupBox:
        """ "Where it shows": the screen choice, show / full screen / close, and a status line."""
        box = QGroupBox()
        self.screen_label = QLabel()
        self.screen_combo = QComboBox()
        self.screen_combo.setObjectName("roomScreen")
        self.screen_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.screen_label.setBuddy(self.screen_combo)
        self.where = QLabel()
        self.where.setObjectName("roomWhere")
        self.where.setWordWrap(True)
        self.show_button = QPushButton()
        self.full_button = QPushButton()
        self.hide_button = QPushButton()
        place = QHBoxLayout()
        place.addWidget(self.screen_label)
        place.addWidget(self.screen_combo)
        for b in (self.show_button, self.full_button, self.hide_button):
            place.addWidget(b)
        place.addStretch(1)
        where = QVBoxLayout(box)
        where.addLayout(place)
        where.addWidget(self.where)
        return box

    def _build_hearing_box(self) -> QGroupBox:
        """ "What the room sees": the mirror of the view and the buttons that drive it."""
        box = QGroupBox()
        self.current = QLabel()
        self.current.setObjectName("roomCurrent")
        self.current.setWordWrap(True)
        self.current.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.current.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.current.setFont(font)
        self.phase_mirror = QLabel()
        self.clock_mirror = QLabel()
        self.clock_mirror.setObjectName("roomClockMirror")
        font = QFont(self.clock_mirror.font())
        font.setPointSizeF(font.pointSizeF() * 3)
        font.setBold(True)
        self.clock_mirror.setFont(font)
        self._mirror_tick = QTimer(self)
        self._mirror_tick.setInterval(250)
        self.prev_button = QPushButton()
        self.next_button = QPushButton()
        self.start_button = QPushButton()
        self.phase_button = QPushButton()
        drive = QHBoxLayout()
        for b in (self.prev_button, self.next_button, self.start_button, self.phase_button):
            drive.addWidget(b)
        drive.addStretch(1)
        hearing = QVBoxLayout(box)
        hearing.addWidget(self.current)
        hearing.addWidget(self.phase_mirror)
        hearing.addWidget(self.clock_mirror)
        hearing.addLayout(drive)
        return box

    def _connect(self) -> None:
        self._mirror_tick.timeout.connect(self._mirror_clock)
        self.show_button.clicked.connect(self.show_room)
        self.full_button.clicked.connect(self.room.toggle_full_screen)
        self.hide_button.clicked.connect(self.room.hide_view)
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.start_button.clicked.connect(self.toggle_clock)
        self.phase_button.clicked.connect(self.next_phase)
        self.screen_combo.activated.connect(self._screen_chosen)
        self.room.step_requested.connect(self.step)
        self.room.clock_requested.connect(self.toggle_clock)
        self.room.placement_changed.connect(self._retranslate_where)

    # -- content ---------------------------------------------------------------------------
    def reload(self) -> None:
        setup = self.ctx.ws.setup()
        self.room.set_slots(current_agenda(self.ctx.ws), setup.header.title)
        self._mirror()

    def step(self, step: int) -> None:
        self.room.go(step)
        self._mirror()
        self._retranslate_start()

    def toggle_clock(self) -> None:
        self.room.timer.toggle()
        self._retranslate_start()
        self._mirror_clock()

    def next_phase(self) -> None:
        self.room.timer.next_phase()
        self._retranslate_start()
        self._mirror_clock()

    def _mirror(self) -> None:
        r = self.room
        lines = (r.position, r.applicant, r.platform, r.next_label)
        self.current.setText("\n".join(x.text() for x in lines if x.text()))
        self._mirror_clock()

    def _mirror_clock(self) -> None:
        """The clock as the room sees it, so the secretary need not turn to the screen."""
        timer = self.room.timer
        timer.update_display()
        self.phase_mirror.setText(timer.phase_label.text())
        self.clock_mirror.setText(timer.clock.text())
        self.clock_mirror.setStyleSheet(timer.clock.styleSheet())
        self.clock_mirror.setAccessibleName(timer.clock.accessibleName())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._mirror_clock()
        self._mirror_tick.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self._mirror_tick.stop()
        super().hideEvent(event)

    # -- placing the view ------------------------------------------------------------------
    def console_screen(self) -> QScreen | None:
        window = self.window()
        screen = window.screen() if window is not None else None
        return screen if screen is not None else QGuiApplication.primaryScreen()

    def chosen_screen(self) -> str:
        data = self.screen_combo.currentData()
        return data if isinstance(data, str) else AUTOMATIC

    def target_screen(self) -> QScreen | None:
        """The screen the view should fill, or ``None`` for a window on the console's."""
        screens = QGuiApplication.screens()
        console = self.console_screen()
        own = next((i for i, s in enumerate(screens) if s is console), None)
        index = room_screen([screen_area(s) for s in screens], own, self.chosen_screen())
        return None if index is None else screens[index]

    def show_room(self) -> None:
        """Show the view where it belongs now (the second screen, or a window here)."""
        target = self.target_screen()
        if target is not None:
            self.room.show_full_screen_on(target)
        else:
            self.room.show_as_window(self.console_screen())

    def close_room(self) -> None:
        """The console closes: stop the clock and close the view ("Close room view" only
        hides it, so the clock keeps running for when it is shown again)."""
        self.room.timer.reset()
        self.room.hide_view()
        self.room.close()
        self._retranslate_start()

    def _screen_chosen(self, _index: int) -> None:
        if self.room.placement is not Placement.HIDDEN:
            self.show_room()

    def _screen_added(self, _screen: QScreen) -> None:
        self._fill_screens()
        if self.room.placement is Placement.WINDOW and self.chosen_screen() == AUTOMATIC:
            if not self.room.isFullScreen():
                self.show_room()

    def _screen_removed(self, screen: QScreen) -> None:
        """The projector went away: bring the view back as a window rather than lose it."""
        room = self.room
        if room.placement is Placement.SECOND_SCREEN or (
            room.placement is Placement.WINDOW and room.screen() is screen
        ):
            remaining = [s for s in QGuiApplication.screens() if s is not screen]
            console = self.console_screen()
            if console is screen or console is None:
                console = remaining[0] if remaining else None
            room.bring_back(console)
        self._fill_screens(gone=screen)

    def _fill_screens(self, gone: QScreen | None = None) -> None:
        chosen = self.chosen_screen()
        self.screen_combo.clear()
        self.screen_combo.addItem(_("Automatic: a screen other than the console's"), AUTOMATIC)
        console = self.console_screen()
        for screen in QGuiApplication.screens():
            if screen is gone:
                continue
            label = screen_label(screen)
            if screen is console:
                label = _("{screen} — the console's screen", screen=label)
            self.screen_combo.addItem(label, screen.name())
        found = self.screen_combo.findData(chosen)
        self.screen_combo.setCurrentIndex(max(found, 0))

    # -- texts -----------------------------------------------------------------------------
    def _retranslate_start(self) -> None:
        timer = self.room.timer
        self.start_button.setText(_("&Pause clock") if timer.running else _("&Start clock"))
        self.phase_button.setText(
            _("Go to &Q&&A") if timer.phase is Phase.REPORT else _("Back to the &report")
        )

    def _retranslate_where(self) -> None:
        room = self.room
        shown = room.placement is not Placement.HIDDEN
        self.full_button.setEnabled(shown)
        self.hide_button.setEnabled(shown)
        self.full_button.setText(
            _("Leave &full screen") if shown and room.isFullScreen() else _("&Full screen")
        )
        screen = room.screen()
        name = screen_label(screen) if screen is not None else ""
        if room.placement is Placement.SECOND_SCREEN:
            text = _("The room view fills {screen}.", screen=name)
        elif room.placement is Placement.WINDOW and room.isFullScreen():
            text = _(
                "The room view fills this screen. Esc in it, or Leave full screen here, "
                "makes it a window again."
            )
        elif room.placement is Placement.WINDOW:
            text = _(
                "The room view is a window. F11 in it, or Full screen here, makes it fill "
                "its screen."
            )
        else:
            text = _("The room view is closed.")
        self.where.setText(text)

    def retranslate(self) -> None:
        self.title.setText(_("Room view on the second screen"))
        self.intro.setText(
            _(
                "The room view shows the current applicant, the hearing clock and who comes "
                "next. With a projector connected it fills that screen; otherwise it opens as "
                "a window here."
            )
        )
        self.screen_label.setText(_("Show &on:"))
        self.screen_combo.setAccessibleName(_("Screen for the room view"))
        self.show_button.setText(_("Show room &view"))
        self.hide_button.setText(_("&Close room view"))
        self.prev_button.setText(_("&Previous"))
        self.next_button.setText(_("&Next"))
        self.full_button.setAccessibleName(_("Room view full screen on or off"))
        self.where.setAccessibleName(_("Where the room view is"))
        self.current.setAccessibleName(_("What the room sees"))
        self.where_box.setTitle(_("Where it shows"))
        self.hearing_box.setTitle(_("What the room sees"))
        self._fill_screens()
        self._retranslate_start()
        self._retranslate_where()
        self.room.retranslate()
        self._mirror()
