"""The four basic criteria (guidance section III): met / not met / unclear, with a note.

A verdict is saved the moment a radio button is chosen; the note is saved as it is typed
(debounced). The criteria come before scoring because an application that fails them
does not get far, whatever its scores.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.rubric import BasicCriterion
from app.domain.rules import ViolationCode
from app.domain.sheet import CriterionVerdict
from app.i18n import _, current_language
from ui.expert.autosave import TextAutosave
from ui.expert.context import ExpertPage, PageContext, heading, plain_label


class CriterionBox(QGroupBox):
    def __init__(self, number: int, criterion: BasicCriterion, page: CriteriaPage) -> None:
        super().__init__()
        self.number = number
        self.criterion = criterion
        self.page = page
        self.text = plain_label()
        self.hint = plain_label()
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        self.group = QButtonGroup(self)
        self.radios: dict[CriterionVerdict, QRadioButton] = {}
        row = QHBoxLayout()
        for verdict in CriterionVerdict:
            radio = QRadioButton()
            self.radios[verdict] = radio
            self.group.addButton(radio)
            row.addWidget(radio)
            radio.clicked.connect(lambda _c=False, v=verdict: page.chosen(self, v))
            radio.installEventFilter(page)
        row.addStretch(1)
        self.note_label = QLabel()
        self.note = QLineEdit()
        self.note_label.setBuddy(self.note)
        self.note_save = TextAutosave(self.note, lambda _t: page.record(self), page.ctx.status)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.hint)
        layout.addLayout(row)
        layout.addWidget(self.note_label)
        layout.addWidget(self.note)

    def verdict(self) -> CriterionVerdict | None:
        return next((v for v, r in self.radios.items() if r.isChecked()), None)

    def show_verdict(self, verdict: CriterionVerdict | None, note: str) -> None:
        self.group.setExclusive(False)
        for v, radio in self.radios.items():
            radio.setChecked(v is verdict)
        self.group.setExclusive(True)
        self.note_save.load(note)

    def set_read_only(self, read_only: bool) -> None:
        for radio in self.radios.values():
            radio.setEnabled(not read_only)
        self.note.setReadOnly(read_only)

    def retranslate(self) -> None:
        lang = current_language()
        # Alt+1… reaches each criterion's verdicts (the arrow keys then choose one): the
        # same three verdicts under every criterion cannot each take a letter of their own.
        self.setTitle(
            _("Criterion &{number}", number=self.number)
            if self.number <= 9
            else _("Criterion {number}", number=self.number)
        )
        self.text.setText(self.criterion.text.get(lang))
        self.hint.setText(self.criterion.hint.get(lang))
        for verdict, radio in self.radios.items():
            radio.setText(_(verdict.label))
            radio.setAccessibleName(
                _("Criterion {number}: {verdict}", number=self.number, verdict=_(verdict.label))
            )
        self.note_label.setText(_("Note:"))
        self.note.setAccessibleName(_("Note on criterion {number}", number=self.number))


class CriteriaPage(ExpertPage):
    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = heading()
        self.explain = plain_label()
        self.boxes = [
            CriterionBox(i, c, self) for i, c in enumerate(ctx.desk.rubric.criteria, start=1)
        ]
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(24, 16, 24, 16)
        inner.addWidget(self.title)
        inner.addWidget(self.explain)
        for box in self.boxes:
            inner.addWidget(box)
        inner.addStretch(1)
        self.scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self._by_space = False
        """The verdict being chosen was chosen with Space (not an arrow or the mouse)."""
        self.retranslate()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Remember whether the coming click on a verdict comes from Space."""
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            self._by_space = event.key() == Qt.Key.Key_Space and not event.isAutoRepeat()
        elif event.type() == QEvent.Type.MouseButtonPress:
            self._by_space = False
        return super().eventFilter(watched, event)

    def chosen(self, box: CriterionBox, verdict: CriterionVerdict) -> None:
        """A verdict was chosen: saved; chosen with Space, the focus moves on to the next
        criterion's verdicts (the arrows choose without moving on; Tab reaches the note)."""
        by_space, self._by_space = self._by_space, False
        self.record(box, verdict)
        index = self.boxes.index(box)
        if by_space and index + 1 < len(self.boxes):
            following = self.boxes[index + 1]
            target = following.radios.get(following.verdict() or CriterionVerdict.MET)
            if target is not None and target.isEnabled():
                target.setFocus(Qt.FocusReason.TabFocusReason)
                self.scroll.ensureWidgetVisible(following)

    def refresh(self) -> None:
        app, state = self.application, self.state
        if app is None or state is None:
            return
        sheet = state.sheet
        for box in self.boxes:
            answer = sheet.answer_for(box.criterion.key) if sheet else None
            box.show_verdict(answer.verdict if answer else None, answer.note if answer else "")
            box.set_read_only(not state.editable)

    def record(self, box: CriterionBox, verdict: CriterionVerdict | None = None) -> None:
        app = self.application
        if app is None or self.state is None or not self.state.editable:
            return
        chosen = verdict if verdict is not None else box.verdict()
        note = box.note_save.text()
        self.ctx.status.run(
            lambda: self.ctx.desk.record_criterion(app.id, box.criterion.key, chosen, note)
        )
        box.note_save.load(note)
        self.ctx.state_changed()

    def retranslate(self) -> None:
        self.title.setText(_("Basic criteria"))
        self.explain.setText(
            _(
                "Check each of the basic criteria of the guidance (section III) against the "
                "materials and the hearing. Every criterion needs an answer before you sign. "
                "Space chooses the verdict in focus and moves on to the next criterion; the "
                "arrow keys choose another verdict, Tab reaches the note."
            )
        )
        for box in self.boxes:
            box.retranslate()

    def focus_field(self, field: str, code: ViolationCode | None = None) -> bool:
        for box in self.boxes:
            if box.criterion.key == field:
                box.radios[CriterionVerdict.MET].setFocus()
                return True
        return False
