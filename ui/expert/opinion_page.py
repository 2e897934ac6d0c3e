"""The expert's overall opinion, recommendation and (for "with conditions") the conditions.

The texts save as they are typed; the recommendation when it is chosen. The conditions box
opens only for "recommend with conditions", where the rules require it.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.rules import ViolationCode, recommendation_against_band
from app.domain.sheet import Recommendation
from app.i18n import N_, _
from ui.expert.autosave import TextAutosave
from ui.expert.context import ExpertPage, PageContext, heading

_RADIO_TEXTS = {
    Recommendation.RECOMMEND: N_("&Recommend"),
    Recommendation.RECOMMEND_WITH_CONDITIONS: N_("Recommend &with conditions"),
    Recommendation.DO_NOT_RECOMMEND: N_("&Do not recommend"),
}
"""The radios' texts, each with its own Alt letter (the plain labels are used elsewhere)."""


class OpinionPage(ExpertPage):
    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = heading()
        self.opinion_label = QLabel()
        self.opinion = QPlainTextEdit()
        self.opinion.setTabChangesFocus(True)
        self.opinion_label.setBuddy(self.opinion)
        self.opinion_save = TextAutosave(self.opinion, self._save_opinion, ctx.status)
        self.recommendation_label = QLabel()
        self.group = QButtonGroup(self)
        self.radios: dict[Recommendation, QRadioButton] = {}
        row = QHBoxLayout()
        for rec in Recommendation:
            radio = QRadioButton()
            self.radios[rec] = radio
            self.group.addButton(radio)
            row.addWidget(radio)
            radio.clicked.connect(lambda _c=False: self._save_recommendation())
        row.addStretch(1)
        self.conditions_label = QLabel()
        self.conditions = QPlainTextEdit()
        self.conditions.setTabChangesFocus(True)
        self.conditions.setMaximumHeight(130)
        self.conditions_label.setBuddy(self.conditions)
        self.conditions_save = TextAutosave(
            self.conditions, lambda _t: self._save_recommendation(), ctx.status
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(self.title)
        layout.addWidget(self.opinion_label)
        layout.addWidget(self.opinion, 2)
        layout.addWidget(self.recommendation_label)
        layout.addLayout(row)
        layout.addWidget(self.conditions_label)
        layout.addWidget(self.conditions, 1)
        self.retranslate()

    def chosen(self) -> Recommendation | None:
        return next((r for r, b in self.radios.items() if b.isChecked()), None)

    def refresh(self) -> None:
        app, state = self.application, self.state
        if app is None or state is None:
            return
        sheet = state.sheet
        self.opinion_save.load(sheet.opinion if sheet else "")
        self.conditions_save.load(sheet.conditions if sheet else "")
        self.group.setExclusive(False)
        for rec, radio in self.radios.items():
            radio.setChecked(sheet is not None and sheet.recommendation is rec)
            radio.setEnabled(state.editable)
        self.group.setExclusive(True)
        self.opinion.setReadOnly(not state.editable)
        self.conditions.setReadOnly(not state.editable)
        self._update_conditions()

    def _update_conditions(self) -> None:
        needs = self.chosen() is Recommendation.RECOMMEND_WITH_CONDITIONS
        self.conditions.setEnabled(needs or bool(self.conditions.toPlainText()))
        self.conditions_label.setEnabled(self.conditions.isEnabled())

    def _save_opinion(self, text: str) -> None:
        app, state = self.application, self.state
        if app is None or state is None or not state.editable:
            return
        if self.ctx.status.run(lambda: self.ctx.desk.set_opinion(app.id, text)) is not None:
            self.ctx.state_changed()

    def _save_recommendation(self) -> None:
        app, state = self.application, self.state
        if app is None or state is None or not state.editable:
            return
        chosen, conditions = self.chosen(), self.conditions_save.text()
        sheet = state.sheet
        asked = (
            recommendation_against_band(sheet, self.ctx.desk.rubric, chosen)
            if sheet is not None and chosen is not sheet.recommendation
            else None
        )
        if asked is not None and not self.ctx.dialogs.confirm(
            self, _("Recommendation and score disagree"), str(asked)
        ):
            self.refresh()  # the stored recommendation back on the radios
            return
        self._update_conditions()
        done = self.ctx.status.run(
            lambda: self.ctx.desk.set_recommendation(app.id, chosen, conditions)
        )
        if done is not None:
            self.ctx.state_changed()

    def retranslate(self) -> None:
        self.title.setText(_("Opinion and recommendation"))
        self.opinion_label.setText(_("Your overall &opinion of the application:"))
        self.recommendation_label.setText(_("Recommendation:"))
        for rec, radio in self.radios.items():
            radio.setText(_(_RADIO_TEXTS[rec]))
            radio.setAccessibleName(_(rec.label))
        self.conditions_label.setText(_("&Conditions (for a recommendation with conditions):"))
        self.opinion.setAccessibleName(_("Overall opinion"))
        self.conditions.setAccessibleName(_("Conditions"))

    def focus_field(self, field: str, code: ViolationCode | None = None) -> bool:
        if field == "opinion":
            self.opinion.setFocus()
        elif field == "recommendation":
            self.radios[Recommendation.RECOMMEND].setFocus()
        elif field == "conditions":
            self.conditions.setFocus()
        else:
            return False
        return True
