"""The hearing: the clock, and timestamped notes, questions and answers.

Each entry is saved as it is added (one transaction, :func:`app.expert.scoring.add_note`) and may
be tagged with one of the rubric's factors; tagged entries reappear beside that factor's
scoring card, so what was heard is at hand when the score is given.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.ids import FactorKey
from app.domain.sheet import NoteKind
from app.expert.view_state import ClockPhase, HearingClock
from app.i18n import Msg, _, current_language
from ui.expert.context import ExpertPage, PageContext
from ui.expert.models import NotesModel, note_kind_label
from ui.expert.timer_widget import HearingTimer, Phase

PHASES = {Phase.REPORT: ClockPhase.REPORT, Phase.QA: ClockPhase.QA}


class HearingPage(ExpertPage):
    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.timer = HearingTimer()
        self.notes_model = NotesModel()
        self.notes_model.rubric = ctx.desk.rubric
        self.notes = QTableView()
        self.notes.setModel(self.notes_model)
        self.notes.setWordWrap(True)
        self.notes.setAlternatingRowColors(True)
        self.notes.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.notes.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.notes.setTabKeyNavigation(False)
        self.notes.verticalHeader().setVisible(False)
        header = self.notes.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.notes.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

        self.kind = QComboBox()
        for kind in NoteKind:
            self.kind.addItem("", kind)
        self.factor = QComboBox()
        self.factor.addItem("", None)
        for factor in ctx.desk.rubric.factors:
            self.factor.addItem("", factor.key)
        self.text = QLineEdit()
        self.text.returnPressed.connect(self.add_entry)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.add_entry)
        self.entry_label = QLabel()
        self.entry_label.setBuddy(self.text)

        entry = QHBoxLayout()
        entry.addWidget(self.kind)
        entry.addWidget(self.factor)
        entry.addWidget(self.text, 1)
        entry.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.timer)
        layout.addWidget(self.entry_label)
        layout.addLayout(entry)
        layout.addWidget(self.notes, 1)
        self.timer.start_button.clicked.connect(self._clock_started)
        self.setTabOrder(self.kind, self.factor)
        self.setTabOrder(self.factor, self.text)
        self.setTabOrder(self.text, self.add_button)
        self.retranslate()

    def show_application(self, application: object, state: object) -> None:
        changed = application is not self.application
        super().show_application(application, state)  # type: ignore[arg-type]
        if changed and self.application is not None:
            item = next(
                (
                    i
                    for i in self.ctx.desk.meeting.agenda
                    if i.application_id == self.application.id
                ),
                None,
            )
            if item is not None:
                self.timer.set_durations(item.report_minutes, item.qa_minutes)

    def _clock_started(self) -> None:
        """Once the clock runs, the next thing is taking notes: the focus goes to the new
        entry (Alt+P still pauses the clock)."""
        if self.timer.running and self.text.isEnabled():
            self.text.setFocus(Qt.FocusReason.OtherFocusReason)

    def clock_place(self, now: dt.datetime) -> HearingClock | None:
        """The clock as it stands at ``now``; None while it is untouched (at zero, stopped,
        in the report phase), so there is nothing to restore."""
        timer = self.timer
        elapsed = timer.elapsed_ms()
        if timer.phase is Phase.REPORT and elapsed == 0 and not timer.running:
            return None
        return HearingClock(PHASES[timer.phase], elapsed, timer.running, now)

    def restore_clock(self, clock: HearingClock) -> None:
        """Show ``clock`` (already resumed for the time the program was closed)."""
        phase = next(p for p, c in PHASES.items() if c is clock.phase)
        note = None
        if clock.running:
            note = Msg.of("Restored: the clock kept counting while the program was closed.")
        elif clock.halted:
            note = Msg.of(
                "The clock was running when the program stopped and is paused at the time "
                "last saved. Press Start to continue."
            )
        self.timer.restore(phase, clock.elapsed_ms, clock.running, note)

    def refresh(self) -> None:
        app, state = self.application, self.state
        if app is None or state is None or state.recused or not state.declared:
            self.notes_model.set_rows([])
            return
        self.notes_model.set_rows(self.ctx.desk.notes(app.id))
        self.notes.scrollToBottom()

    def add_entry(self) -> None:
        app = self.application
        text = self.text.text()
        if app is None or not text.strip():
            return
        kind = self.kind.currentData()
        factor = self.factor.currentData()
        note = self.ctx.status.run(
            lambda: self.ctx.desk.add_note(
                app.id, kind, text, FactorKey(factor) if factor else None
            )
        )
        if note is not None:
            self.text.clear()
            self.refresh()
            self.ctx.state_changed()

    def retranslate(self) -> None:
        lang = current_language()
        for i in range(self.kind.count()):
            self.kind.setItemText(i, note_kind_label(self.kind.itemData(i)))
        self.factor.setItemText(0, _("No factor"))
        for i, factor in enumerate(self.ctx.desk.rubric.factors, start=1):
            self.factor.setItemText(i, factor.name.get(lang))
        self.factor.setMaximumWidth(320)
        self.entry_label.setText(_("&New entry (Enter adds it; saved with the time):"))
        self.text.setPlaceholderText(_("Type a note, a question or an answer"))
        self.add_button.setText(_("&Add"))
        self.kind.setAccessibleName(_("Entry kind"))
        self.factor.setAccessibleName(_("Tag with factor"))
        self.text.setAccessibleName(_("Entry text"))
        self.add_button.setAccessibleName(_("Add entry"))
        self.notes.setAccessibleName(_("Hearing notes"))
        self.timer.retranslate()
        self.notes_model.retranslate()
