"""Page 3, Application: one application of the register - its figures with the rule
applied (method, fallback, spread against its limit), the vote, the panel opinion and the
minority opinion, and the signed meeting report in the PDF viewer, from memory (the bytes
go into a QBuffer; nothing is written to disk).

Everything comes from the ministry database (:func:`app.ministry.desk.application_view`):
the figures with their rule, the vote and the opinions as imported, and the signed report
kept at import when the bundle's documents were checked (a meeting imported before the
database kept reports says so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.consolidation.rule import Method
from app.i18n import N_, _, current_language
from app.ministry.desk import ApplicationView
from ui.common.table_model import ReadOnlyTableModel
from ui.expert.pdf_viewer import PdfViewer
from ui.ministry.models import opinion_label, outcome_of, recommendation_label, status_label

_METHODS = {
    Method.MEAN.value: N_("Mean"),
    Method.TRIMMED_MEAN.value: N_("Trimmed mean"),
    Method.MEDIAN.value: N_("Median"),
}


def exact_text(value: str | None, decimals: int = 2) -> str | None:
    """A figure's exact value (``results.json`` writes spreads as fractions, ``"5/2"``) as
    a decimal, rounded half up to ``decimals`` places; text that is no number stays."""
    if value is None:
        return None
    try:
        number = Fraction(value)
    except (ValueError, ZeroDivisionError):
        return value
    step = Decimal(1).scaleb(-decimals)
    exact = Decimal(number.numerator) / Decimal(number.denominator)
    return str(exact.quantize(step, rounding=ROUND_HALF_UP))


def method_label(value: str) -> str:
    label = _METHODS.get(value)
    return value if label is None else _(label)


@dataclass(frozen=True)
class FigureLine:
    """One figure as the page lists it; ``None`` where the register does not hold it."""

    subject: str
    value: str
    method: str | None
    fell_back: bool | None
    spread: str | None
    limit: str | None
    flagged: bool | None


class FiguresModel(ReadOnlyTableModel[FigureLine]):
    headers = (
        lambda: _("Figure"),
        lambda: _("Value"),
        lambda: _("Rule applied"),
        lambda: _("Fell back"),
        lambda: _("Spread"),
        lambda: _("Spread limit"),
        lambda: _("Flagged"),
    )

    def cell(self, row: FigureLine, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (1, 4, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and row.flagged:
            font = QFont()
            font.setBold(True)  # a spread above its limit stands out
            return font
        if role == Qt.ItemDataRole.ToolTipRole and row.flagged:
            return _("The spread is above the rule's limit: the figure is flagged.")
        if role != Qt.ItemDataRole.DisplayRole:
            return None

        def yes_no(value: bool | None) -> str:
            return "—" if value is None else _("yes") if value else _("no")

        values = (
            row.subject,
            row.value,
            "—" if row.method is None else method_label(row.method),
            yes_no(row.fell_back),
            exact_text(row.spread) or "—",
            exact_text(row.limit) or "—",
            yes_no(row.flagged),
        )
        return values[column]


def _read_only_text() -> QPlainTextEdit:
    text = QPlainTextEdit()
    text.setReadOnly(True)
    text.setMinimumHeight(70)
    text.setMaximumHeight(130)
    return text


def _plain_label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _local_time(stored: str) -> str:
    """A time the database keeps (ISO 8601 with its offset) in local time, to the minute."""
    try:
        moment = dt.datetime.fromisoformat(stored)
    except ValueError:
        return stored
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


class DetailPage(QWidget):
    def __init__(self, back: Callable[[], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: ApplicationView | None = None
        self.back_button = QPushButton()
        self.back_button.clicked.connect(back)
        self.title = _plain_label()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.title.setFont(font)
        self.facts = _plain_label()
        self.note = _plain_label()
        self.note.setObjectName("ministryDetailNote")

        self.figures_model = FiguresModel((), self)
        self.figures = QTableView()
        self.figures.setObjectName("ministryFigures")
        self.figures.setModel(self.figures_model)
        self.figures.verticalHeader().setVisible(False)
        self.figures.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.figures.setWordWrap(False)
        self.figures.setMinimumHeight(190)
        header = self.figures.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((150, 56, 100, 72, 60, 96)):
            self.figures.setColumnWidth(column, width)
        self.figures_label = QLabel()
        self.figures_label.setBuddy(self.figures)

        self.vote_box = QGroupBox()
        self.vote = _plain_label()
        vote_layout = QVBoxLayout(self.vote_box)
        vote_layout.addWidget(self.vote)

        self.opinion_box = QGroupBox()
        self.recommendation = _plain_label()
        self.opinion = _read_only_text()
        self.minority = _read_only_text()
        self.approval = _plain_label()
        self.opinion_caption = QLabel()
        self.opinion_caption.setBuddy(self.opinion)
        self.minority_caption = QLabel()
        self.minority_caption.setBuddy(self.minority)
        form = QFormLayout(self.opinion_box)
        form.addRow(self.recommendation)
        form.addRow(self.opinion_caption, self.opinion)
        form.addRow(self.minority_caption, self.minority)
        form.addRow(self.approval)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        left_layout.addLayout(top)
        left_layout.addWidget(self.facts)
        left_layout.addWidget(self.note)
        left_layout.addWidget(self.figures_label)
        left_layout.addWidget(self.figures, 1)
        left_layout.addWidget(self.vote_box)
        left_layout.addWidget(self.opinion_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(left)
        scroll.setMinimumWidth(480)

        self.report_label = QLabel()
        self.viewer = PdfViewer()
        self.viewer.setObjectName("ministryReport")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.report_label)
        right_layout.addWidget(self.viewer, 1)
        self.splitter = QSplitter()
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([680, 580])
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        self.retranslate()

    def first_control(self) -> QWidget:
        return self.figures

    def show_detail(self, detail: ApplicationView) -> None:
        self.detail = detail
        self._fill()
        if detail.report_pdf is not None:
            self.viewer.load_bytes(detail.report_pdf)
        else:
            self.viewer.close_document()
            self.viewer.show_message(self._no_report())

    def _no_report(self) -> str:
        if self.detail is None:
            return _("Open an application from the register to read its signed report here.")
        return _(
            "The ministry database holds no signed report for this meeting: its bundle was "
            "imported before reports were kept, or without checking its documents. Import "
            "the meeting's bundle again to keep its report."
        )

    def _fill(self) -> None:
        detail = self.detail
        language = current_language()
        if detail is None:
            self.title.setText(_("No application chosen"))
            self.facts.setText(
                _("Open an application from the register (Enter or a double click).")
            )
            self.note.setVisible(False)
            self.figures_model.set_rows(())
            self.vote.setText("")
            self.recommendation.setText("")
            self.opinion.setPlainText("")
            self.minority.setPlainText("")
            self.approval.setText("")
            return
        row = detail.row
        self.title.setText(
            _(
                "{platform} — {unit}",
                platform=row.platform_name.get(language),
                unit=row.applicant_unit.get(language),
            )
        )
        self.facts.setText(
            _(
                "Meeting {meeting} ({title}, {date}), bundle version {version}, round {round} · "
                "hearing no. {position} · sub-domain: {sub_domain} · {status} · rank {rank} · "
                "{outcome}",
                meeting=row.meeting_id,
                title=row.meeting_title.get(language),
                date=row.meeting_date,
                version=row.bundle_version,
                round=row.round,
                position=row.hearing_position,
                sub_domain=row.sub_domain.get(language),
                status=status_label(row.status),
                rank="—" if row.rank is None else row.rank,
                outcome=_(outcome_of(row).label),
            )
        )
        self.note.setVisible(detail.vote is None)
        self.note.setText(
            _(
                "This application is no longer in the database's current figures; what is "
                "shown is what the register held when it was opened."
            )
        )

        def subject(key: str) -> str:
            if key == "total":
                return _("Total")
            name = detail.subject_name(key)
            return key if name is None else name.get(language)

        if detail.vote is not None:
            lines = [
                FigureLine(
                    subject(f.subject),
                    f.presented,
                    f.method_applied,
                    f.fell_back,
                    f.spread,
                    f.spread_limit,
                    f.flagged,
                )
                for f in detail.figures
            ]
            v = detail.vote
            self.vote.setText(
                _(
                    "{votes} of {eligible} eligible experts for (needed: {needed}) — the vote "
                    "{result}. Recommend: {recommend}; with conditions: {conditions}; do not "
                    "recommend: {against}; recused: {recused}; absent: {absent}.",
                    votes=v.votes_for,
                    eligible=v.eligible,
                    needed=v.needed,
                    result=_("passed") if v.passed else _("did not pass"),
                    recommend=v.recommend,
                    conditions=v.recommend_with_conditions,
                    against=v.do_not_recommend,
                    recused=v.recused,
                    absent=v.absent,
                )
            )
        else:
            lines = [
                FigureLine(subject(s), value, None, None, None, None, None)
                for s, value in row.figures
            ]
            self.vote.setText(
                _(
                    "{votes} of {eligible} eligible experts for (needed: {needed}) — the vote "
                    "{result}.",
                    votes=row.votes_for,
                    eligible=row.eligible,
                    needed=row.needed,
                    result=_("passed") if row.passed else _("did not pass"),
                )
            )
        self.figures_model.set_rows(lines)
        opinion = detail.opinion
        if opinion is not None:
            self.recommendation.setText(
                _(
                    "Recommendation: {recommendation}",
                    recommendation=recommendation_label(opinion.recommendation),
                )
            )
            self.opinion.setPlainText(opinion.opinion)
            self.minority.setPlainText(opinion.minority_opinion or _("None recorded."))
            if opinion.approved_by is not None and opinion.approved_at is not None:
                self.approval.setText(
                    _(
                        "Approved by the chair ({expert}) on {date}.",
                        expert=opinion.approved_by,
                        date=_local_time(opinion.approved_at),
                    )
                )
            else:
                self.approval.setText(_("A draft: the chair has not approved this opinion."))
        else:
            self.recommendation.setText(
                _("Recommendation: {recommendation}", recommendation=opinion_label(row))
            )
            self.opinion.setPlainText("")
            self.minority.setPlainText("")
            self.approval.setText("")

    def retranslate(self) -> None:
        self.back_button.setText(_("&Back to the register"))
        self.figures_label.setText(_("Fi&gures with the rule applied:"))
        self.vote_box.setTitle(_("Vote"))
        self.opinion_box.setTitle(_("Panel opinion"))
        self.opinion_caption.setText(_("Opi&nion:"))
        self.minority_caption.setText(_("&Minority opinion:"))
        self.report_label.setText(_("Signed meeting report:"))
        self.viewer.retranslate()
        self.figures_model.retranslate()
        self._fill()
        if self.detail is None or self.detail.report_pdf is None:
            self.viewer.show_message(self._no_report())
