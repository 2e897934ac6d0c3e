"""The room view: what the hearing room sees (the current applicant in large type, the
report / Q&A clock and what comes next). The console page (:mod:`ui.secretary.room_page`)
drives it with its Previous / Next / Start-Pause / Next phase buttons and decides where it
shows (:mod:`ui.secretary.room_screens`).

Where the view can be:

- frameless and full screen on a screen other than the console's (a projector);
- a normal resizable window on the console's screen: F11 toggles full screen and Esc leaves it
  (the console's "Full screen" button does the same);
- brought back as a window on the console's screen when the screen it filled goes away,
  instead of vanishing.

The view holds no controls and does not take the keyboard from the console when it opens on
a second screen. A presenter's remote sends Page Up / Page Down, so the view understands those
(and the arrow keys, Space for the clock) when it has the focus.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QEvent, QRect, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QFont,
    QKeyEvent,
    QResizeEvent,
    QScreen,
)
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.domain.meeting import AgendaItem, Application
from app.formats.text import visible
from app.i18n import _
from ui.common.geometry import restore_geometry, save_geometry
from ui.expert.timer_widget import HearingTimer

Slot = tuple[AgendaItem, Application]
WINDOW_KEY = "room_view"


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
