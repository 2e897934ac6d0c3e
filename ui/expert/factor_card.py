"""One factor on one card: weight, grade bands with their descriptors, guiding questions,
the score (keyboard or mouse), the comment, and the hearing entries tagged with the factor.

The score box accepts any typed number; the rubric's rules (range, step, comment on an
extreme score) come from :mod:`app.domain.rules` and are shown next to the field at once, so a
problem is visible long before anyone tries to sign. The arrows step by the rubric's step
within the factor's range. The lowest position, shown as "—", means "not scored".
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.rubric import Factor, Rubric
from app.domain.sheet import FactorScore, HearingNote
from app.expert.hearing_links import HearingLinks
from app.i18n import _, current_language
from ui.expert.autosave import SaveStatus, TextAutosave
from ui.expert.context import heading, plain_label
from ui.expert.models import note_kind_label

ERROR_STYLE = "color: #c0262d;"
TYPED_CEILING = 9999.0


def number(value: Decimal) -> str:
    return format(value.normalize(), "f")


class ScoreSpinBox(QDoubleSpinBox):
    """Typing is free (the rule reports a bad number); arrows stay inside the rubric."""

    def __init__(self, factor: Factor) -> None:
        super().__init__()
        self.factor = factor
        step = float(factor.step) if factor.step else 1.0
        exponent = factor.step.normalize().as_tuple().exponent if factor.step else 0
        self.setDecimals(max(0, -int(exponent)) if isinstance(exponent, int) else 1)
        self.setSingleStep(step)
        self.setRange(-step, TYPED_CEILING)
        self.setSpecialValueText("—")
        self.setKeyboardTracking(False)
        self.setValue(-step)
        self.setMinimumWidth(110)

    def score(self) -> Decimal | None:
        if self.value() <= self.minimum():
            return None
        return Decimal(str(round(self.value(), self.decimals())))

    def show_score(self, score: Decimal | None) -> None:
        self.blockSignals(True)
        self.setValue(self.minimum() if score is None else float(score))
        self.blockSignals(False)

    def stepBy(self, steps: int) -> None:
        step = self.singleStep()
        target = (self.value() if self.score() is not None else -step) + steps * step
        target = max(self.minimum(), min(float(self.factor.max_points), target))
        self.setValue(target)


class FactorCard(QFrame):
    score_entered = Signal(object, object)
    """(factor key, Decimal | None)"""

    def __init__(self, number_: int, factor: Factor, rubric: Rubric, status: SaveStatus) -> None:
        super().__init__()
        self.setObjectName("factorCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "QFrame#factorCard { border: 1px solid palette(mid); border-radius: 6px;"
            " background: palette(base); }"
        )
        self.number = number_
        self.factor = factor
        self.rubric = rubric
        self.title = heading("", 2)
        self.weight = plain_label()
        self.bands = plain_label()
        self.questions_title = QLabel()
        self.questions = plain_label()
        self.score_label = QLabel()
        self.score = ScoreSpinBox(factor)
        self.score_label.setBuddy(self.score)
        self.range_hint = QLabel()
        self.band = QLabel()
        self.band.setStyleSheet("font-weight: bold;")
        self.problem = plain_label()
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setVisible(False)
        self.comment_label = QLabel()
        self.comment = QPlainTextEdit()
        self.comment.setTabChangesFocus(True)
        self.comment.setMinimumHeight(70)
        self.comment.setMaximumHeight(110)
        self.comment_label.setBuddy(self.comment)
        self.comment_save: TextAutosave | None = None
        self.heard_title = QLabel()
        self.heard = plain_label()
        self.heard.setStyleSheet("color: palette(placeholder-text);")
        self.score.valueChanged.connect(
            lambda _v: self.score_entered.emit(self.factor.key, self.score.score())
        )

        score_row = QHBoxLayout()
        score_row.addWidget(self.score_label)
        score_row.addWidget(self.score)
        score_row.addSpacing(6)
        score_row.addWidget(self.range_hint)
        score_row.addSpacing(12)
        score_row.addWidget(self.band)
        score_row.addStretch(1)

        left = QVBoxLayout()
        left.addWidget(self.bands)
        left.addWidget(self.questions_title)
        left.addWidget(self.questions)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addLayout(score_row)
        right.addWidget(self.problem)
        right.addWidget(self.comment_label)
        right.addWidget(self.comment)
        right.addWidget(self.heard_title)
        right.addWidget(self.heard)
        right.addStretch(1)
        grid = QGridLayout(self)
        grid.setContentsMargins(16, 12, 16, 12)
        grid.addWidget(self.title, 0, 0, 1, 2)
        grid.addWidget(self.weight, 1, 0, 1, 2)
        grid.addLayout(left, 2, 0)
        grid.addLayout(right, 2, 1)
        grid.setColumnStretch(0, 5)
        grid.setColumnStretch(1, 6)
        grid.setHorizontalSpacing(20)

    # -- content --------------------------------------------------------------------------
    def show_entry(self, entry: FactorScore | None, editable: bool) -> None:
        self.score.show_score(entry.score if entry else None)
        if self.comment_save is not None:
            self.comment_save.load(entry.comment if entry else "")
        self.score.setReadOnly(not editable)
        self.score.setButtonSymbols(
            QDoubleSpinBox.ButtonSymbols.UpDownArrows
            if editable
            else QDoubleSpinBox.ButtonSymbols.NoButtons
        )
        self.comment.setReadOnly(not editable)
        self.update_band()

    def update_band(self) -> None:
        score = self.score.score()
        if score is None or not 0 <= score <= self.factor.max_points:
            self.band.setText("")
            return
        self.band.setText(
            self.rubric.band_for(score, self.factor.max_points).name.get(current_language())
        )

    def show_problems(self, messages: list[str]) -> None:
        self.problem.setText("\n".join(messages))
        self.problem.setVisible(bool(messages))
        self.score.setStyleSheet(
            "QDoubleSpinBox { border: 2px solid #c0262d; }" if messages else ""
        )

    def show_heard(self, notes: list[HearingNote], links: HearingLinks | None = None) -> None:
        """The hearing entries of this factor; with ``links``, each question numbered and
        each answer under the question it answers."""
        self.heard_title.setVisible(bool(notes))
        self.heard.setVisible(bool(notes))

        def kind(n: HearingNote) -> str:
            linked = links.kind_text(n) if links is not None else None
            return note_kind_label(n.kind) if linked is None else str(linked)

        self.heard.setText(
            "\n".join(f"{n.created_at.astimezone():%H:%M} {kind(n)}: {n.text}" for n in notes)
        )

    def retranslate(self) -> None:
        lang = current_language()
        f = self.factor
        self.title.setText(f"{self.number}. {f.name.get(lang)}")
        self.weight.setText(
            _(
                "Weight {weight} of {total} · up to {maximum} points in steps of {step}",
                weight=number(f.weight),
                total=number(self.rubric.total_weight),
                maximum=number(f.max_points),
                step=number(f.step),
            )
        )
        lines = []
        for band in self.rubric.bands:
            descriptor = f.descriptor(band.key)
            low, high = self.rubric.band_range(band, f)
            lines.append(
                _(
                    "{band} ({low}–{high}): {descriptor}",
                    band=band.name.get(lang),
                    low=number(low),
                    high=number(high),
                    descriptor=descriptor.get(lang) if descriptor else "",
                )
            )
        self.bands.setText("\n".join(lines))
        self.questions_title.setText(_("Guiding questions"))
        self.questions.setText("\n".join(f"• {q.get(lang)}" for q in f.guiding_questions))
        # Alt+1… reaches each factor's score (Alt+S would be taken once per factor).
        self.score_label.setText(
            _("Score &{number}:", number=self.number) if self.number <= 9 else _("Score:")
        )
        self.range_hint.setText(_("0 to {maximum}", maximum=number(f.max_points)))
        top, bottom = self.rubric.bands[0].name.get(lang), self.rubric.bands[-1].name.get(lang)
        self.comment_label.setText(
            _("Comment (required for “{top}” or “{bottom}”):", top=top, bottom=bottom)
        )
        self.heard_title.setText(_("Heard at the hearing"))
        self.score.setAccessibleName(_("Score for {factor}", factor=f.name.get(lang)))
        self.comment.setAccessibleName(_("Comment on {factor}", factor=f.name.get(lang)))
        self.update_band()


def card_layout_width(widget: QWidget) -> int:
    return widget.width()
