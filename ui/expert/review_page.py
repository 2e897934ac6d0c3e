"""Review and sign: the whole sheet read-only, what still stops it, and signing.

Clicking a problem jumps to its field. Signing asks for the passphrase again (the identity
file is unlocked anew on a worker, proving the expert is present), then calls the one
sign-and-submit use case (:func:`app.expert.submit.sign_and_submit`), which submits and signs
in one transaction, so a sheet is never submitted unsigned. A submitted sheet is read-only;
"Start a new version" opens a new draft of the same round and keeps the signed version.

The versions list shows every version of the sheet - earlier rounds and superseded versions
are history, kept signed and read-only; choosing one shows it in the summary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from cryptography import x509
from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.crypto.identity import Identity, read_identity_file
from app.domain.ids import ApplicationId
from app.domain.meeting import Application
from app.domain.rubric import Rubric
from app.domain.rules import total_points
from app.domain.sheet import HearingNote, ScoreSheet, SheetStatus
from app.errors import UserFacingError
from app.expert.submit import sign_and_submit, unlock_to_sign
from app.formats.text import visible
from app.i18n import _, current_language, ngettext
from ui.common.errors import show_error
from ui.common.tasks import BackgroundTask
from ui.expert.context import ExpertPage, PageContext, heading, plain_label
from ui.expert.export import ensure_secretary
from ui.expert.factor_card import number
from ui.expert.models import VersionsModel, ViolationsModel, note_kind_label

Clock = Callable[[], dt.datetime]
ERROR_STYLE = "color: #c0262d;"
HISTORY_HEIGHT = 100
PROBLEMS_HEIGHT = 110
"""The most the versions table and the problems list take; with fewer rows, their rows."""


def fit_rows(view: QAbstractItemView, cap: int) -> None:
    """Make ``view`` no taller than its rows (and header), and never taller than ``cap``:
    the room left over goes to the sheet summary (at 150 % it showed seven lines beside an
    empty half of the versions table)."""
    model = view.model()
    count = model.rowCount() if model is not None else 0
    if isinstance(view, QTableView):
        rows = sum(max(view.rowHeight(r), view.sizeHintForRow(r)) for r in range(count))
        header = view.horizontalHeader()
        if not header.isHidden():
            rows += max(header.height(), header.sizeHint().height())
    else:
        rows = sum(view.sizeHintForRow(r) for r in range(count))
    height = rows + 2 * view.frameWidth() + 2
    view.setMaximumHeight(max(min(height, cap), view.fontMetrics().height() + 8))


def sheet_summary(
    application: Application,
    sheet: ScoreSheet | None,
    rubric: Rubric,
    notes: tuple[HearingNote, ...],
) -> str:
    """The sheet as plain text, in the current language."""
    lang = current_language()
    lines = [
        visible(application.platform_name.get(lang)),
        visible(application.applicant_unit.get(lang)),
        "",
    ]
    if sheet is None:
        return "\n".join([*lines, _("Nothing recorded yet.")])
    if sheet.round == 1:
        lines.append(
            _(
                "Version {version} · {status}",
                version=sheet.version,
                status=_(sheet.status.label),
            )
        )
    else:
        lines.append(
            _(
                "Round {round}, version {version} · {status}",
                round=sheet.round,
                version=sheet.version,
                status=_(sheet.status.label),
            )
        )
    lines += ["", _("Basic criteria")]
    for i, criterion in enumerate(rubric.criteria, start=1):
        answer = sheet.answer_for(criterion.key)
        verdict = _(answer.verdict.label) if answer and answer.verdict else "—"
        note = f" — {answer.note}" if answer and answer.note else ""
        lines.append(f"  {i}. {verdict}{note}")
    lines += ["", _("Scores")]
    for factor in rubric.factors:
        entry = sheet.score_for(factor.key)
        score = number(entry.score) if entry and entry.score is not None else "—"
        lines.append(f"  {factor.name.get(lang)}: {score} / {number(factor.max_points)}")
        if entry and entry.comment:
            lines.append(f"      {entry.comment}")
    total = total_points(sheet, rubric)
    if total is not None:
        lines.append(
            _(
                "  Total: {total} of {maximum} — {band}",
                total=number(total),
                maximum=number(rubric.total_weight),
                band=rubric.band_for(total, rubric.total_weight).name.get(lang),
            )
        )
    rec = _(sheet.recommendation.label) if sheet.recommendation else "—"
    lines += ["", _("Opinion"), f"  {sheet.opinion or '—'}", "", _("Recommendation: {r}", r=rec)]
    if sheet.conditions:
        lines.append(_("Conditions: {c}", c=sheet.conditions))
    if notes:
        lines += ["", _("Hearing notes ({count})", count=len(notes))]
        lines += [
            f"  {n.created_at.astimezone():%H:%M} {note_kind_label(n.kind)}: {n.text}"
            for n in notes
        ]
    return "\n".join(lines)


class ReviewPage(ExpertPage):
    signed = Signal(object)
    """The frozen, signed sheet."""

    def __init__(self, ctx: PageContext, now: Clock, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.now = now
        self.title = heading()
        self.status_line = plain_label()
        self.summary = QPlainTextEdit()
        self.summary.setReadOnly(True)
        self.summary.setTabChangesFocus(True)
        self.history_label = QLabel()
        self.history_model = VersionsModel()
        self.history = QTableView()
        self.history.setObjectName("sheetVersions")
        self.history.setModel(self.history_model)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setTabKeyNavigation(False)
        self.history.verticalHeader().setVisible(False)
        self.history.horizontalHeader().setStretchLastSection(True)
        # Room for a few versions and problems; the sheet summary above gets the rest (on
        # a 1280×720 screen it was cut to one line).
        self.history.setMaximumHeight(HISTORY_HEIGHT)
        self.history.activated.connect(self.show_version)
        self.history.clicked.connect(self.show_version)
        self.history_label.setBuddy(self.history)
        self.problems_label = QLabel()
        self.problems_model = ViolationsModel()
        self.problems = QListView()
        self.problems.setModel(self.problems_model)
        self.problems.setWordWrap(True)
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.setMaximumHeight(PROBLEMS_HEIGHT)
        self.problems.activated.connect(self._jump)
        self.problems.clicked.connect(self._jump)
        self.message = plain_label()
        self.message.setStyleSheet(ERROR_STYLE)
        self._blocked: ApplicationId | None = None
        """The application the "cannot be signed yet" message is about, while shown."""
        self.sign_button = QPushButton()
        self.sign_button.clicked.connect(self.sign)
        self.new_version_button = QPushButton()
        self.new_version_button.clicked.connect(self.new_version)
        self.task: BackgroundTask[Identity] | None = None

        buttons = QHBoxLayout()
        buttons.addWidget(self.sign_button)
        buttons.addWidget(self.new_version_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(self.title)
        layout.addWidget(self.status_line)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.history_label)
        layout.addWidget(self.history)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.problems)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.retranslate()

    def refresh(self) -> None:
        app, state = self.application, self.state
        if app is None or state is None:
            return
        desk = self.ctx.desk
        cleared = state.declared and not state.recused
        sheet = desk.sheet(app.id) if cleared else None
        notes = desk.notes(app.id) if cleared else ()
        self.summary.setPlainText(sheet_summary(app, sheet, desk.rubric, notes))
        versions = desk.versions(app.id) if cleared else ()
        self.history_model.current = sheet.id if sheet is not None else None
        self.history_model.set_rows(versions)
        self.history.setVisible(bool(versions))
        fit_rows(self.history, HISTORY_HEIGHT)
        self.history_label.setVisible(bool(versions))
        problems = desk.violations(app.id) if state.editable else ()
        self.problems_model.set_rows(problems)
        self.problems.setVisible(bool(problems))
        fit_rows(self.problems, PROBLEMS_HEIGHT)
        self.problems_label.setVisible(bool(problems))
        if self._blocked is not None:  # "cannot be signed yet" holds only while it is true
            if self._blocked == app.id and problems:
                self._show_blocked(len(problems))
            else:
                self._blocked = None
                self.message.setText("")
        self.sign_button.setEnabled(state.editable)
        self.new_version_button.setVisible(state.submitted)
        kept = [v for v in versions if v.status is SheetStatus.SUPERSEDED or v.round < state.round]
        if state.submitted and sheet is not None and sheet.submitted_at is not None:
            text = _(
                "Version {version} was signed and submitted at {time}; it can no longer be "
                "changed.",
                version=sheet.version,
                time=sheet.submitted_at.astimezone().strftime("%H:%M:%S"),
            )
        elif sheet is not None:
            text = _(
                "Draft, version {version}: every change is already saved.", version=sheet.version
            )
        else:
            text = _("Nothing recorded yet.")
        if state.round > 1:
            text = _("Round {round}: {status}", round=state.round, status=text)
        if kept:
            text += " " + _("Earlier versions kept: {count}.", count=len(kept))
        self.status_line.setText(text)

    def show_version(self, index: QModelIndex) -> None:
        """Show the chosen version (the current one, or history: read-only) in the summary."""
        app, state = self.application, self.state
        if app is None or state is None or not index.isValid():
            return
        version = self.history_model.row_object(index.row())
        desk = self.ctx.desk
        self.summary.setPlainText(sheet_summary(app, version, desk.rubric, desk.notes(app.id)))

    def _jump(self, index: QModelIndex) -> None:
        self.ctx.jump(self.problems_model.row_object(index.row()))

    # -- signing --------------------------------------------------------------------------
    def sign(self) -> None:
        app, state = self.application, self.state
        if app is None or state is None or not state.editable or self.task is not None:
            return
        ctx = self.ctx
        ctx.status.flush_all()
        self.message.setText("")
        problems = ctx.desk.violations(app.id)
        if problems:
            self._blocked = app.id
            self.refresh()
            self.problems.setFocus()
            self.problems.setCurrentIndex(self.problems_model.index(0, 0))
            return
        secretary = ensure_secretary(self, ctx)
        if secretary is None:
            return
        passphrase = ctx.dialogs.passphrase(
            self,
            _("Sign the sheet"),
            _(
                "Type your passphrase to sign and submit this sheet. It cannot be changed "
                "afterwards."
            ),
        )
        if passphrase is None:
            return
        try:
            data = read_identity_file(ctx.identity_path)
        except UserFacingError as exc:
            show_error(self, exc, ctx.dialogs)
            return
        meeting, expert, at = ctx.desk.meeting, ctx.desk.expert, self.now()

        def unlock_again(_progress: object) -> Identity:
            return unlock_to_sign(meeting, expert, data, passphrase, at)

        self.task = (
            BackgroundTask(self, unlock_again, dialogs=ctx.dialogs)
            .with_progress(_("Checking your passphrase…"))
            .success(lambda identity: self._submit(identity, secretary, at))
            .failure(self._sign_failed)
            .run()
        )

    def _show_blocked(self, count: int) -> None:
        self.message.setText(
            ngettext(
                "The sheet cannot be signed yet: {count} item above still needs your "
                "attention. Select it to go to it.",
                "The sheet cannot be signed yet: {count} items above still need your "
                "attention. Select one to go to it.",
                count,
                count=count,
            )
        )

    def _sign_failed(self, exc: BaseException) -> None:
        self.task = None
        show_error(self, exc, self.ctx.dialogs)

    def _submit(self, identity: Identity, secretary: x509.Certificate, at: dt.datetime) -> None:
        """On the GUI thread (the desk's connection): sign and submit."""
        self.task = None
        app = self.application
        if app is None:
            return
        ctx = self.ctx
        done = ctx.status.run(lambda: sign_and_submit(ctx.desk, app.id, identity, secretary, at))
        if done is not None:
            self.message.setText("")
            ctx.state_changed()
            self.signed.emit(done.sheet)

    def new_version(self) -> None:
        app = self.application
        if app is None:
            return
        if not self.ctx.dialogs.confirm(
            self,
            _("Start a new version"),
            _(
                "Start a new version of your signed sheet? The signed version is kept; the "
                "new one is a draft until you sign it, and then replaces it."
            ),
        ):
            return
        if self.ctx.status.run(lambda: self.ctx.desk.start_new_version(app.id)) is not None:
            self.ctx.state_changed()

    def retranslate(self) -> None:
        self.title.setText(_("Review and sign"))
        self.problems_label.setText(_("Still to do before signing:"))
        self.history_label.setText(_("Ve&rsions (choose one to see it):"))
        self.history.setAccessibleName(_("Versions of this sheet, with earlier rounds"))
        self.history_model.retranslate()
        self.sign_button.setText(_("&Sign and submit…"))
        self.new_version_button.setText(_("Start a &new version"))
        self.summary.setAccessibleName(_("Sheet summary"))
        self.problems.setAccessibleName(_("Problems to fix before signing"))
        self.sign_button.setAccessibleName(_("Sign and submit the sheet"))
        self.new_version_button.setAccessibleName(_("Start a new version"))
        self.problems_model.retranslate()
        self.refresh()
