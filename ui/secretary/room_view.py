"""Page 5, the room: what the hearing room sees (the current applicant in large type, the
report / Q&A clock and what comes next), driven from the console's Previous / Next /
Start-Pause / Next phase buttons.

Where the view goes:

- with a second screen (a projector), frameless and full screen on a screen other than the
  console's (:func:`room_screen` picks it; the secretary may pick another in "Show on");
- with one screen, a normal resizable window on the console's screen: F11 toggles full screen
  and Esc leaves it (the console's "Full screen" button does the same);
- screens come and go during a meeting: when the projector is unplugged the view comes back as
  a window on the console's screen instead of vanishing; when one is plugged in while the view
  shows as a window in automatic mode, the view moves onto it.

The view holds no controls and does not take the keyboard from the console when it opens on
a second screen. A presenter's remote sends Page Up / Page Down, so the view understands those
(and the arrow keys, Space for the clock) when it has the focus.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QFont,
    QGuiApplication,
    QHideEvent,
    QKeyEvent,
    QResizeEvent,
    QScreen,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.meeting import AgendaItem, Application
from app.formats.text import visible
from app.i18n import _
from app.secretary.setup import current_meeting
from storage.secretary.workspace import SecretaryWorkspace
from ui.common.geometry import restore_geometry, save_geometry
from ui.expert.timer_widget import HearingTimer, Phase
from ui.secretary.context import ConsoleContext, heading

Slot = tuple[AgendaItem, Application]
WINDOW_KEY = "room_view"
AUTOMATIC = ""
"""The "Show on" choice that lets :func:`room_screen` decide."""


def current_agenda(ws: SecretaryWorkspace) -> list[Slot]:
    """The hearing order with each item's application."""
    meeting = current_meeting(ws)
    apps = {a.id: a for a in meeting.applications}
    items = sorted(meeting.agenda, key=lambda i: i.position)
    return [(i, apps[i.application_id]) for i in items if i.application_id in apps]


# -- which screen --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScreenArea:
    """A screen as the choice needs it: its name and its geometry on the virtual desktop."""

    name: str
    x: int
    y: int
    width: int
    height: int

    @property
    def area(self) -> int:
        return self.width * self.height


def room_screen(
    screens: Sequence[ScreenArea], console: int | None, chosen: str = AUTOMATIC
) -> int | None:
    """The index of the screen the room view fills, or ``None`` for a window on the console's.

    ``console`` is the index of the screen the console is on (``None``: unknown, taken as the
    first, the primary). A ``chosen`` screen name is honoured while that screen exists; the
    console's own screen means "a window here". Otherwise the largest other screen wins
    (a projector is usually the biggest picture), the first listed on a tie.
    """
    if not screens:
        return None
    own = console if console is not None and 0 <= console < len(screens) else 0
    if chosen != AUTOMATIC:
        for index, screen in enumerate(screens):
            if screen.name == chosen:
                return None if index == own else index
    others = [i for i in range(len(screens)) if i != own]
    if not others:
        return None
    return max(others, key=lambda i: (screens[i].area, -i))


def screen_area(screen: QScreen) -> ScreenArea:
    g = screen.geometry()
    return ScreenArea(screen.name(), g.x(), g.y(), g.width(), g.height())


def screen_label(screen: QScreen) -> str:
    g = screen.geometry()
    name = screen.model() or screen.name() or _("Screen")
    return _("{name} ({width} × {height})", name=name.strip(), width=g.width(), height=g.height())


# -- the view --------------------------------------------------------------------------------


class Placement(enum.Enum):
    HIDDEN = "hidden"
    SECOND_SCREEN = "second_screen"
    """Frameless and full screen on a screen that is not the console's."""
    WINDOW = "window"
    """A normal window (full screen only when asked with F11)."""


# Font sizes as fractions of one unit, the smaller of height / 18 and width / 32, so that the
# view reads the same on a 1280 x 720 projector, a 1920 x 1080 one and a resized window.
_SCALE = {
    "title": 0.5,
    "position": 0.7,
    "applicant": 1.5,
    "platform": 1.0,
    "phase": 0.8,
    "clock": 3.6,
    "next": 0.7,
}
_MUTED = "color: #4d4d4d;"
"""Dark enough to read on a washed-out projector, lighter than the main lines."""


def _label(name: str, *, bold: bool = False, muted: bool = False) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = QFont(label.font())
    font.setBold(bold)
    label.setFont(font)
    if muted:
        label.setStyleSheet(_MUTED)
    return label


class RoomView(QWidget):
    """What the room sees; it holds no controls (keys only, for a presenter's remote)."""

    step_requested = Signal(int)
    clock_requested = Signal()
    placement_changed = Signal()

    def __init__(self, frameless: bool = False) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setObjectName("roomView")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAutoFillBackground(True)
        if frameless:
            self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        self.placement = Placement.HIDDEN
        self.slots: list[Slot] = []
        self.index = 0
        self.meeting_title: object = ""
        self.title = _label("roomTitle", muted=True)
        self.position = _label("roomPosition", bold=True)
        self.applicant = _label("roomApplicant")
        self.platform = _label("roomPlatform")
        self.timer = HearingTimer(self)
        for button in (self.timer.start_button, self.timer.reset_button, self.timer.next_button):
            button.hide()
        self.timer.phase_label.setWordWrap(True)
        self.next_label = _label("roomNext", muted=True)
        self.keys = _label("roomKeys", muted=True)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addStretch(1)
        layout.addWidget(self.position)
        layout.addWidget(self.applicant)
        layout.addWidget(self.platform)
        layout.addStretch(1)
        layout.addWidget(self.timer)
        layout.addStretch(1)
        layout.addWidget(rule)
        layout.addWidget(self.next_label)
        layout.addWidget(self.keys)
        self.resize(1024, 640)
        self._scale_fonts()
        self.retranslate()

    # -- content ---------------------------------------------------------------------------
    def set_slots(self, slots: list[Slot], title: object = "") -> None:
        """The hearing order; ``title`` (the meeting's, localized) heads the view.

        Reloading the same order (the console re-reads after every change) keeps the clock
        running: only a different item at the current position resets it.
        """
        before = self._current_item()
        self.slots = slots
        self.meeting_title = title
        self.index = min(self.index, max(len(slots) - 1, 0))
        if self._current_item() != before:
            self._load_durations()
        self.show_current()

    def go(self, step: int) -> None:
        target = self.index + step
        if 0 <= target < len(self.slots):
            self.index = target
            self._load_durations()
            self.show_current()

    def _current_item(self) -> AgendaItem | None:
        return self.slots[self.index][0] if self.slots else None

    def _load_durations(self) -> None:
        item = self._current_item()
        if item is None:
            self.timer.reset()
        else:
            self.timer.set_durations(item.report_minutes, item.qa_minutes)

    def show_current(self) -> None:
        self.title.setText(str(self.meeting_title))
        self.title.setVisible(bool(str(self.meeting_title)))
        if not self.slots:
            self.position.setText("")
            self.applicant.setText(_("No applications on the agenda yet."))
            self.platform.setText("")
            self.next_label.setText("")
            self._scale_fonts()
            return
        app = self.slots[self.index][1]
        self.position.setText(
            _("Application {position} of {count}", position=self.index + 1, count=len(self.slots))
        )
        self.applicant.setText(visible(str(app.applicant_unit)))
        self.platform.setText(visible(str(app.platform_name)))
        if self.index + 1 < len(self.slots):
            nxt = self.slots[self.index + 1][1]
            applicant = visible(str(nxt.applicant_unit))
            self.next_label.setText(_("Next: {applicant}", applicant=applicant))
        else:
            self.next_label.setText(_("This is the last application."))
        self._scale_fonts()

    # -- where it is shown -----------------------------------------------------------------
    def show_full_screen_on(self, screen: QScreen) -> None:
        """Frameless and full screen on ``screen`` (a screen other than the console's)."""
        self._remember_window()
        self._set_frameless(True)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        self._move_to(screen, screen.geometry())
        self.placement = Placement.SECOND_SCREEN
        self.showFullScreen()
        self.raise_()
        self._placed()

    def show_as_window(self, screen: QScreen | None) -> None:
        """A normal, resizable window on ``screen`` (the console's)."""
        came_from = self.placement
        if came_from is not Placement.WINDOW:
            self._become_window()
            if not restore_geometry(self, WINDOW_KEY) or not self._fits_on(screen):
                self._centre_on(screen)
        elif screen is not None and self.screen() is not screen:
            self._centre_on(screen)
        self.placement = Placement.WINDOW
        self.show()
        self.raise_()
        self.activateWindow()
        self._placed()

    def bring_back(self, screen: QScreen | None) -> None:
        """The screen the view was on went away: a window on ``screen``, not full screen."""
        self._become_window()
        self.placement = Placement.WINDOW
        self._centre_on(screen)
        self.show()
        self.raise_()
        self._placed()

    def _become_window(self) -> None:
        self._set_frameless(False)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, False)
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowFullScreen)

    def toggle_full_screen(self) -> None:
        if self.placement is Placement.HIDDEN:
            return
        if self.isFullScreen():
            self.leave_full_screen()
        else:
            self.showFullScreen()
            self._placed()

    def leave_full_screen(self) -> None:
        """Back to a framed window on the screen the view is on (Esc)."""
        if not self.isFullScreen():
            return
        if self.placement is Placement.SECOND_SCREEN:
            self.bring_back(self.screen())
            return
        self.showNormal()
        self._placed()

    def hide_view(self) -> None:
        self._remember_window()
        self.placement = Placement.HIDDEN
        self.hide()
        self._placed()

    def _placed(self) -> None:
        self._retranslate_keys()
        self.placement_changed.emit()

    def _set_frameless(self, on: bool) -> None:
        if bool(self.windowFlags() & Qt.WindowType.FramelessWindowHint) != on:
            self.setWindowFlag(Qt.WindowType.FramelessWindowHint, on)  # hides a shown window

    def _move_to(self, screen: QScreen, rect: QRect) -> None:
        self.create()  # the native window exists, so it can be given a screen
        handle = self.windowHandle()
        if handle is not None:
            handle.setScreen(screen)
        self.setGeometry(rect)

    def _centre_on(self, screen: QScreen | None) -> None:
        if screen is None:
            return
        available = screen.availableGeometry()
        width = min(max(self.width(), 960), int(available.width() * 0.9))
        height = min(max(self.height(), 600), int(available.height() * 0.9))
        rect = QRect(0, 0, width, height)
        rect.moveCenter(available.center())
        self._move_to(screen, rect)

    def _fits_on(self, screen: QScreen | None) -> bool:
        return screen is None or screen.availableGeometry().intersects(self.geometry())

    def _remember_window(self) -> None:
        if self.placement is Placement.WINDOW and not self.isFullScreen() and self.isVisible():
            save_geometry(self, WINDOW_KEY)

    # -- Qt events -------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        if key == Qt.Key.Key_F11:
            self.toggle_full_screen()
        elif key == Qt.Key.Key_Escape and self.isFullScreen():
            self.leave_full_screen()
        elif key in (Qt.Key.Key_PageDown, Qt.Key.Key_Right, Qt.Key.Key_Down):
            self.step_requested.emit(1)
        elif key in (Qt.Key.Key_PageUp, Qt.Key.Key_Left, Qt.Key.Key_Up):
            self.step_requested.emit(-1)
        elif key == Qt.Key.Key_Space:
            self.clock_requested.emit()
        else:
            super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._scale_fonts()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.WindowStateChange:
            self._placed()  # also when the window manager changed it

    def closeEvent(self, event: QCloseEvent) -> None:
        self._remember_window()
        self.placement = Placement.HIDDEN
        super().closeEvent(event)
        self.placement_changed.emit()

    def _scale_fonts(self) -> None:
        """Size the texts from the view's size, smaller while long names would not fit."""
        unit = max(min(self.height() / 18, self.width() / 32), 12.0)
        layout = self.layout()
        for shrink in (1.0, 0.9, 0.8, 0.7, 0.6, 0.5):
            self._apply_fonts(unit * shrink)
            if layout is None:
                return
            layout.invalidate()
            if layout.totalHeightForWidth(self.width()) <= self.height():
                return

    def _apply_fonts(self, unit: float) -> None:
        labels = {
            "title": self.title,
            "position": self.position,
            "applicant": self.applicant,
            "platform": self.platform,
            "phase": self.timer.phase_label,
            "clock": self.timer.clock,
            "next": self.next_label,
        }
        for part, label in labels.items():
            font = QFont(label.font())
            font.setPixelSize(max(int(unit * _SCALE[part]), 10))
            label.setFont(font)

    # -- texts -----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(_("Room view"))
        self.setAccessibleName(_("Room view"))
        self.timer.retranslate()
        self.show_current()
        self._retranslate_keys()

    def _retranslate_keys(self) -> None:
        # A hint for the secretary setting the window up; hidden in full screen, where the
        # room would see it (one screen is often mirrored to the projector).
        self.keys.setVisible(self.placement is Placement.WINDOW and not self.isFullScreen())
        self.keys.setText(
            _("F11: full screen · Page Up / Page Down: previous / next · Space: clock")
        )


# -- the console page ------------------------------------------------------------------------


class RoomPage(QWidget):
    """The console's controls for the room view."""

    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.room = RoomView()
        self.title = heading()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
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
        self._mirror_tick.timeout.connect(self._mirror_clock)
        self.where_box = QGroupBox()
        self.hearing_box = QGroupBox()
        self.screen_label = QLabel()
        self.screen_combo = QComboBox()
        self.screen_combo.setObjectName("roomScreen")
        self.screen_label.setBuddy(self.screen_combo)
        self.where = QLabel()
        self.where.setObjectName("roomWhere")
        self.where.setWordWrap(True)
        self.show_button = QPushButton()
        self.full_button = QPushButton()
        self.hide_button = QPushButton()
        self.prev_button = QPushButton()
        self.next_button = QPushButton()
        self.start_button = QPushButton()
        self.phase_button = QPushButton()
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

        self.screen_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        place = QHBoxLayout()
        place.addWidget(self.screen_label)
        place.addWidget(self.screen_combo)
        for b in (self.show_button, self.full_button, self.hide_button):
            place.addWidget(b)
        place.addStretch(1)
        where = QVBoxLayout(self.where_box)
        where.addLayout(place)
        where.addWidget(self.where)
        drive = QHBoxLayout()
        for b in (self.prev_button, self.next_button, self.start_button, self.phase_button):
            drive.addWidget(b)
        drive.addStretch(1)
        hearing = QVBoxLayout(self.hearing_box)
        hearing.addWidget(self.current)
        hearing.addWidget(self.phase_mirror)
        hearing.addWidget(self.clock_mirror)
        hearing.addLayout(drive)
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
