"""Scoring the four factors: one card per factor, the live total and band at the top.

Each score is saved when it is entered (Enter, Tab, or an arrow step), each comment as it
is typed. Enter moves on: to the next factor's score, or to the comment an extreme score
needs. Problems the rules find (out of range, off step, comment missing on an extreme
score) appear on the card at once; a missing score is only listed on the review page, so
a half-scored sheet is not covered in red while the expert is still listening.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.domain.ids import FactorKey
from app.domain.rules import ViolationCode, total_points
from app.expert.hearing_links import link_answers
from app.expert.scoring import ScoreRefused
from app.i18n import _, current_language
from ui.common.fonts import heading_font
from ui.expert.autosave import TextAutosave
from ui.expert.context import ExpertPage, PageContext, heading
from ui.expert.factor_card import FactorCard, number

INLINE_CODES = {
    ViolationCode.COMMENT_REQUIRED,
    ViolationCode.SCORE_OUT_OF_RANGE,
    ViolationCode.SCORE_OFF_STEP,
}


class ScoringPage(ExpertPage):
    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        rubric = ctx.desk.rubric
        self.title = heading()
        self.total = QLabel()
        heading_font(self.total, delta=4)  # follows Ctrl++ / Ctrl+−
        self.cards: list[FactorCard] = []
        self.refused: dict[str, str] = {}
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(20, 12, 20, 20)
        inner.setSpacing(14)
        for i, factor in enumerate(rubric.factors, start=1):
            card = FactorCard(i, factor, rubric, ctx.status)
            card.comment_save = TextAutosave(
                card.comment, partial(self.save_comment, factor.key), ctx.status
            )
            card.score_entered.connect(self.save_score)
            card.score.lineEdit().returnPressed.connect(partial(self._entered, card))
            card.score.installEventFilter(self)
            self.cards.append(card)
            inner.addWidget(card)
        inner.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(body)
        top = QVBoxLayout()
        top.setContentsMargins(20, 12, 20, 4)
        top.addWidget(self.title)
        top.addWidget(self.total)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.scroll_area, 1)
        for previous, card in zip(self.cards, self.cards[1:], strict=False):
            self.setTabOrder(previous.comment, card.score)
        for card in self.cards:
            self.setTabOrder(card.score, card.comment)
        self.retranslate()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A score field taking the focus brings its factor's heading into view too, so the
        heading never stays scrolled away under the total above the cards."""
        if event.type() == QEvent.Type.FocusIn:
            card = next((c for c in self.cards if c.score is watched), None)
            if card is not None:
                self.scroll_area.ensureWidgetVisible(card.title, 0, 8)
                self.scroll_area.ensureWidgetVisible(card.score)
        return super().eventFilter(watched, event)

    def refresh(self) -> None:
        app, state = self.application, self.state
        if app is None or state is None:
            return
        self.refused.clear()
        sheet = state.sheet
        for card in self.cards:
            card.show_entry(sheet.score_for(card.factor.key) if sheet else None, state.editable)
        self.update_feedback()

    def update_feedback(self) -> None:
        """Total, band, inline problems and tagged notes, from what is stored."""
        app, state = self.application, self.state
        if app is None or state is None:
            return
        rubric = self.ctx.desk.rubric
        sheet = self.ctx.desk.sheet(app.id) if state.declared and not state.recused else None
        violations = self.ctx.desk.violations(app.id) if state.editable else ()
        notes = self.ctx.desk.notes(app.id) if state.declared and not state.recused else ()
        lang = current_language()
        links = link_answers(notes)  # an untagged answer shows beside its question's factor
        for card in self.cards:
            messages = [
                str(v.message)
                for v in violations
                if v.field == card.factor.key and v.code in INLINE_CODES
            ]
            refused = self.refused.get(card.factor.key)
            if refused:
                messages.insert(0, refused)
            card.show_problems(messages)
            card.update_band()
            card.show_heard([n for n in notes if links.factor_of(n) == card.factor.key], links)
        total = total_points(sheet, rubric) if sheet is not None else None
        if total is None:
            scored = sum(
                1
                for f in rubric.factors
                if sheet and (e := sheet.score_for(f.key)) and e.score is not None
            )
            self.total.setText(
                _(
                    "Total: {scored} of {count} factors scored",
                    scored=scored,
                    count=len(rubric.factors),
                )
            )
        else:
            band = rubric.band_for(total, rubric.total_weight)
            self.total.setText(
                _(
                    "Total: {total} of {maximum} — {band}",
                    total=number(total.quantize(Decimal("0.01")).normalize()),
                    maximum=number(rubric.total_weight),
                    band=band.name.get(lang),
                )
            )

    def save_score(self, key: FactorKey, score: Decimal | None) -> None:
        app, state = self.application, self.state
        if app is None or state is None or not state.editable:
            return
        self.refused.pop(key, None)
        try:
            self.ctx.desk.rubric.factor(key)
        except KeyError:
            return

        status = self.ctx.status
        done = status.run(
            lambda: self.ctx.desk.set_score(app.id, key, score), inline=(ScoreRefused,)
        )
        if isinstance(status.last_error, ScoreRefused):
            self.refused[key] = str(status.last_error.violation.message)
        if done is not None:
            self.ctx.state_changed()
        else:
            self.update_feedback()

    def _entered(self, card: FactorCard) -> None:
        """Enter in a score field (after it is saved): on to the next logical control. A
        refused or wrong score keeps the focus; an extreme score without its comment goes to
        the comment; otherwise the next factor's score."""
        app, state = self.application, self.state
        if app is None or state is None or not state.editable:
            return
        key = card.factor.key
        codes = {v.code for v in self.ctx.desk.violations(app.id) if v.field == key}
        if key in self.refused or codes & (INLINE_CODES - {ViolationCode.COMMENT_REQUIRED}):
            return
        if ViolationCode.COMMENT_REQUIRED in codes:
            card.comment.setFocus(Qt.FocusReason.TabFocusReason)
            return
        index = self.cards.index(card)
        if index + 1 < len(self.cards):
            self.cards[index + 1].score.setFocus(Qt.FocusReason.TabFocusReason)

    def save_comment(self, key: FactorKey, text: str) -> None:
        app, state = self.application, self.state
        if app is None or state is None or not state.editable:
            return
        if self.ctx.status.run(lambda: self.ctx.desk.set_comment(app.id, key, text)) is not None:
            self.ctx.state_changed()

    def retranslate(self) -> None:
        self.title.setText(_("Scoring"))
        for card in self.cards:
            card.retranslate()
        self.scroll_area.setAccessibleName(_("Factor cards"))
        self.update_feedback()

    def focus_field(self, field: str, code: ViolationCode | None = None) -> bool:
        for card in self.cards:
            if card.factor.key == field:
                self.scroll_area.ensureWidgetVisible(card)
                target = card.comment if code is ViolationCode.COMMENT_REQUIRED else card.score
                target.setFocus()
                return True
        return False
