"""The hearing clock: the applicant's report, then the questions and answers.

Large digits readable across a projector-lit table; the last two minutes turn amber and
overtime turns red (counting up with a "+"), so the expert sees the state without reading.
Time is measured with a monotonic clock, not by counting ticks, so a busy GUI thread never
makes the clock drift.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.i18n import Msg, _

WARNING_SECONDS = 120


class Phase(enum.IntEnum):
    REPORT = 0
    QA = 1


class Tone(enum.Enum):
    CALM = "calm"
    WARNING = "warning"
    OVERTIME = "overtime"


TONE_STYLE = {
    Tone.CALM: "color: palette(text);",
    Tone.WARNING: "color: #b06a00;",
    Tone.OVERTIME: "color: #c0262d;",
}


def tone_for(remaining_seconds: int) -> Tone:
    if remaining_seconds < 0:
        return Tone.OVERTIME
    if remaining_seconds <= WARNING_SECONDS:
        return Tone.WARNING
    return Tone.CALM


def clock_text(remaining_seconds: int) -> str:
    sign = "+" if remaining_seconds < 0 else ""
    minutes, seconds = divmod(abs(remaining_seconds), 60)
    return f"{sign}{minutes:02d}:{seconds:02d}"


class HearingTimer(QWidget):
    tone_changed = Signal(object)
    changed = Signal()
    """Started, paused, reset or switched phase by the user (the window remembers it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.durations = {Phase.REPORT: 15 * 60, Phase.QA: 10 * 60}
        self.phase = Phase.REPORT
        self._banked_ms = 0
        self._running = QElapsedTimer()
        self._tick = QTimer(self)
        self._tick.setInterval(250)
        self._tick.timeout.connect(self.update_display)
        self.tone = Tone.CALM

        self.phase_label = QLabel()
        self.phase_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.clock = QLabel()
        self.clock.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.clock.font()
        font.setPointSize(max(font.pointSize() * 4, 40))
        font.setBold(True)
        font.setStyleHint(font.StyleHint.Monospace)
        self.clock.setFont(font)
        self.note = QLabel()
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        self._note: Msg | None = None
        self.start_button = QPushButton()
        self.reset_button = QPushButton()
        self.next_button = QPushButton()
        self.start_button.clicked.connect(self.toggle)
        self.reset_button.clicked.connect(self.reset)
        self.next_button.clicked.connect(self.next_phase)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.start_button, self.reset_button, self.next_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.phase_label)
        layout.addWidget(self.clock)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        self.retranslate()

    # -- state ----------------------------------------------------------------------------
    def set_durations(self, report_minutes: int, qa_minutes: int) -> None:
        self.durations = {Phase.REPORT: report_minutes * 60, Phase.QA: qa_minutes * 60}
        self.phase = Phase.REPORT
        self._reset()

    @property
    def running(self) -> bool:
        return self._tick.isActive()

    def elapsed_ms(self) -> int:
        return self._banked_ms + (int(self._running.elapsed()) if self.running else 0)

    def remaining_seconds(self) -> int:
        return self.durations[self.phase] - self.elapsed_ms() // 1000

    def set_elapsed(self, seconds: int) -> None:
        """Put the clock at ``seconds`` into the phase (for a restart or a demonstration)."""
        self._banked_ms = seconds * 1000
        if self.running:
            self._running.restart()
        self.update_display()

    def restore(
        self, phase: Phase, elapsed_ms: int, running: bool, note: Msg | None = None
    ) -> None:
        """Put the clock back as the window last saw it (``note`` says how, until the
        user next starts, pauses or resets it). Not a user action: emits nothing."""
        self._tick.stop()
        self.phase = phase
        self._banked_ms = max(0, elapsed_ms)
        if running:
            self._running.start()
            self._tick.start()
        self._set_note(note)
        self.retranslate()

    def toggle(self) -> None:
        self._toggle()
        self.changed.emit()

    def reset(self) -> None:
        self._reset()
        self.changed.emit()

    def next_phase(self) -> None:
        was_running = self.running
        self.phase = Phase.QA if self.phase is Phase.REPORT else Phase.REPORT
        self._reset()
        if was_running:
            self._toggle()
        self.changed.emit()

    def _toggle(self) -> None:
        self._set_note(None)
        if self.running:
            self._banked_ms = self.elapsed_ms()
            self._tick.stop()
        else:
            self._running.start()
            self._tick.start()
        self.retranslate()

    def _reset(self) -> None:
        self._set_note(None)
        self._tick.stop()
        self._banked_ms = 0
        self.retranslate()

    def _set_note(self, note: Msg | None) -> None:
        self._note = note
        self.note.setText("" if note is None else str(note))
        self.note.setVisible(note is not None)

    def update_display(self) -> None:
        remaining = self.remaining_seconds()
        self.clock.setText(clock_text(remaining))
        tone = tone_for(remaining)
        self.clock.setStyleSheet(TONE_STYLE[tone])
        self.clock.setAccessibleName(_("Time left: {time}", time=clock_text(remaining)))
        if tone is not self.tone:
            self.tone = tone
            self.tone_changed.emit(tone)

    def retranslate(self) -> None:
        minutes = self.durations[self.phase] // 60
        self.phase_label.setText(
            _("Applicant's report — {minutes} minutes", minutes=minutes)
            if self.phase is Phase.REPORT
            else _("Questions and answers — {minutes} minutes", minutes=minutes)
        )
        self.start_button.setText(_("&Pause") if self.running else _("&Start"))
        self.reset_button.setText(_("R&eset"))
        self.next_button.setText(
            _("Go to &Q&&A") if self.phase is Phase.REPORT else _("Back to the &report")
        )
        self.start_button.setAccessibleName(_("Start or pause the clock"))
        self.reset_button.setAccessibleName(_("Reset the clock"))
        self.next_button.setAccessibleName(_("Switch between report and questions"))
        if self._note is not None:
            self.note.setText(str(self._note))
        self.update_display()
