"""The Decisions page of the ministry desk: every application of every meeting's current
bundle with its decision (``app.ministry.deciding.decision_states``), and for the selected
one a decision (confirm, not confirm, defer) with a required reason, signed with the
officer's identity, and its version history; "Close batch…" signs the current list.

All store work runs off the GUI thread (``ui.common.tasks``) on the given pool. Each
decision cites the version and the bundle the officer saw when the list was loaded, so a
decision another officer made in the meantime is refused as stale (its message names who and
when) and the list is reloaded: nothing is overwritten.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QItemSelection, QObject, Qt, QThreadPool, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _, current_language, ngettext
from app.ministry.deciding import DecisionState, close_batch, decide, decision_states
from app.ministry.decisions import Decision, RecordedBatch, RecordedDecision
from app.ministry.model import Outcome
from app.ministry.ports import DecisionStore
from ui.common.dialogs import DialogService
from ui.common.errors import show_error
from ui.common.table_model import ReadOnlyTableModel
from ui.common.tasks import BackgroundTask, Progress, run_step
from ui.ministry.officer import Clock, IdentityProvider, utc_now
from ui.shell.table_view import record_table

_KEY = tuple[str, str]
_STATE_WIDTHS = (130, 90, 250, 220, 160, 130, 170)


def capitalised(text: str) -> str:
    """A label that starts a cell (``recommended`` -> ``Recommended``; Chinese unchanged)."""
    return text[:1].upper() + text[1:]


def decision_text(state: DecisionState) -> str:
    """What the list says of an application's decision."""
    latest = state.latest
    if latest is None:
        return _("Not decided")
    label = capitalised(str(latest.record.decision.label))
    if state.stale:
        return _("{decision}: to be decided again", decision=label)
    return label


def moment(at: datetime) -> str:
    """A decision-v1 time (UTC, to the second) as the desk shows it."""
    return at.strftime("%Y-%m-%d %H:%M:%S UTC")


class DecisionStatesModel(ReadOnlyTableModel[DecisionState]):
    headers = (
        lambda: _("Meeting"),
        lambda: _("Application"),
        lambda: _("Platform"),
        lambda: _("Applicant unit"),
        lambda: _("Sub-domain"),
        lambda: _("Outcome"),
        lambda: _("Decision"),
        lambda: _("Version"),
    )

    def cell(self, row: DecisionState, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.FontRole and column == 6 and row.stale:
            font = QFont()
            font.setBold(True)
            return font
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        s = row.subject
        language = current_language()
        values = (
            s.meeting_id,
            s.application_id,
            s.platform_name.get(language),
            s.applicant_unit.get(language),
            s.sub_domain.get(language),
            capitalised(str(Outcome.of(s.status, s.passed).label)),
            decision_text(row),
            row.version or "—",
        )
        return values[column]


class VersionsModel(ReadOnlyTableModel[RecordedDecision]):
    headers = (
        lambda: _("Version"),
        lambda: _("Decision"),
        lambda: _("Officer"),
        lambda: _("Decided at"),
        lambda: _("Bundle"),
        lambda: _("Reason"),
    )

    def cell(self, row: RecordedDecision, column: int, role: int) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        r = row.record
        values = (
            r.version,
            capitalised(str(r.decision.label)),
            row.officer_name,
            moment(r.decided_at),
            _("version {version}", version=r.bundle_version),
            " ".join(r.reason.split()),
        )
        return values[column]


@dataclass(frozen=True)
class Loaded:
    """One reading of the store: the states and every decision version by application."""

    states: tuple[DecisionState, ...]
    versions: dict[_KEY, tuple[RecordedDecision, ...]]


def _load(store: DecisionStore) -> Loaded:
    grouped: dict[_KEY, list[RecordedDecision]] = defaultdict(list)
    for d in store.decisions():
        grouped[(d.record.meeting_id, d.record.application_id)].append(d)
    return Loaded(decision_states(store), {k: tuple(v) for k, v in grouped.items()})


class _Events(QObject):
    loaded = Signal()
    decided = Signal(object)
    closed = Signal(object)
    refused = Signal(object)


class DecisionsPage(QWidget):
    """The decisions of every application; emits :attr:`changed` after a write."""

    changed = Signal()

    def __init__(
        self,
        store: DecisionStore,
        identity: IdentityProvider,
        dialogs: DialogService,
        now: Clock = utc_now,
        pool: QThreadPool | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._identity = identity
        self._dialogs = dialogs
        self._now = now
        self._pool = pool
        self.events = _Events(self)
        self._task: BackgroundTask[object] | None = None
        self._loaded = Loaded((), {})

        self.model = DecisionStatesModel(parent=self)
        self.table = record_table("ministryDecisions", self.model, _STATE_WIDTHS)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.table_label = QLabel()
        self.table_label.setBuddy(self.table)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.reload_button = QPushButton()
        self.reload_button.clicked.connect(self.reload)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.close_batch)

        self.selected_label = QLabel()
        self.selected_label.setTextFormat(Qt.TextFormat.PlainText)
        self.selected_label.setWordWrap(True)
        self.choices = QButtonGroup(self)
        self.confirm = QRadioButton()
        self.not_confirm = QRadioButton()
        self.defer = QRadioButton()
        for button, decision in (
            (self.confirm, Decision.CONFIRM),
            (self.not_confirm, Decision.NOT_CONFIRM),
            (self.defer, Decision.DEFER),
        ):
            button.setProperty("decision", decision.value)
            self.choices.addButton(button)
        self.choices.buttonToggled.connect(self._update_buttons)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("decisionReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(72)
        self.reason.textChanged.connect(self._update_buttons)
        self.reason_label = QLabel()
        self.reason_label.setBuddy(self.reason)
        self.sign_button = QPushButton()
        self.sign_button.clicked.connect(self.sign)
        self.busy_label = QLabel()
        self.versions = VersionsModel(parent=self)
        self.history = QTableView()
        self.history.setObjectName("decisionVersions")
        self.history.setModel(self.versions)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.verticalHeader().setVisible(False)
        self.history.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((64, 100, 100, 190, 80)):
            self.history.setColumnWidth(column, width)
        self.history_label = QLabel()
        self.history_label.setBuddy(self.history)

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.reload_button)
        top.addWidget(self.close_button)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addLayout(top)
        upper_layout.addWidget(self.table_label)
        upper_layout.addWidget(self.table, 1)

        self.decide_box = QGroupBox()
        choices = QHBoxLayout()
        for button in (self.confirm, self.not_confirm, self.defer):
            choices.addWidget(button)
        choices.addStretch(1)
        sign_row = QHBoxLayout()
        sign_row.addWidget(self.busy_label, 1)
        sign_row.addWidget(self.sign_button)
        box = QVBoxLayout(self.decide_box)
        box.addWidget(self.selected_label)
        box.addLayout(choices)
        box.addWidget(self.reason_label)
        box.addWidget(self.reason)
        box.addLayout(sign_row)
        history_box = QWidget()
        history_layout = QVBoxLayout(history_box)
        history_layout.setContentsMargins(0, 0, 0, 0)
        history_layout.addWidget(self.history_label)
        history_layout.addWidget(self.history, 1)
        lower = QWidget()
        lower_layout = QHBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.decide_box, 1)
        lower_layout.addWidget(history_box, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.retranslate()
        self._show_selected()  # the window calls reload() once the database exists

    # --- what the window asks -----------------------------------------------------------

    def first_control(self) -> QWidget:
        return self.table

    @property
    def busy(self) -> bool:
        return self._task is not None

    def selected(self) -> DecisionState | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_object(rows[0].row()) if rows else None

    def select(self, meeting_id: str, application_id: str) -> None:
        """Select the application's row (nothing if it is not listed)."""
        for row, state in enumerate(self.model.rows()):
            if state.subject.key == (meeting_id, application_id):
                self.table.selectRow(row)
                return

    def chosen_decision(self) -> Decision | None:
        button = self.choices.checkedButton()
        return None if button is None else Decision(button.property("decision"))

    # --- reading ------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the states again (off the GUI thread), keeping the selected application."""
        if self.busy:
            return
        store = self._store
        self._run(lambda _progress: _load(store), self._show_loaded)

    def _show_loaded(self, result: object) -> None:
        assert isinstance(result, Loaded)
        kept = self.selected()
        self._loaded = result
        self.model.set_rows(result.states)
        if kept is not None:
            self.select(*kept.subject.key)
        self._summary()
        self._show_selected()
        self.events.loaded.emit()

    def _summary(self) -> None:
        states = self._loaded.states
        if not states:
            self.summary.setText(
                _("No application to decide on: import the meetings' result bundles first.")
            )
            return
        decided = sum(1 for s in states if s.current is not None)
        stale = sum(1 for s in states if s.stale)
        text = ngettext(
            "{count} application; {decided} decided, {stale} to be decided again.",
            "{count} applications; {decided} decided, {stale} to be decided again.",
            len(states),
            count=len(states),
            decided=decided,
            stale=stale,
        )
        self.summary.setText(text)

    def _selected(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self._show_selected()

    def _show_selected(self) -> None:
        state = self.selected()
        self.decide_box.setEnabled(state is not None and not self.busy)
        if state is None:
            self.selected_label.setText(_("Select an application to decide on it."))
            self.versions.set_rows(())
            self._update_buttons()
            return
        s = state.subject
        language = current_language()
        lines = [
            _(
                "{meeting} / {application}: {platform} ({unit}), bundle version {version}.",
                meeting=s.meeting_id,
                application=s.application_id,
                platform=s.platform_name.get(language),
                unit=s.applicant_unit.get(language),
                version=s.bundle_version,
            ),
            _("Decision: {decision}", decision=decision_text(state)),
        ]
        if state.stale:
            lines.append(
                _(
                    "A newer bundle of the meeting was imported since this decision: "
                    "decide again on the current figures."
                )
            )
        self.selected_label.setText("\n".join(lines))
        self.versions.set_rows(self._loaded.versions.get(s.key, ()))
        self._update_buttons()

    def _update_buttons(self) -> None:
        idle = not self.busy
        self.reload_button.setEnabled(idle)
        self.close_button.setEnabled(idle and any(s.current for s in self._loaded.states))
        ready = (
            idle
            and self.selected() is not None
            and self.chosen_decision() is not None
            and bool(self.reason.toPlainText().strip())
        )
        self.sign_button.setEnabled(ready)

    # --- writing ------------------------------------------------------------------------

    def sign(self) -> None:
        """Sign and record the chosen decision on the selected application."""
        state = self.selected()
        decision = self.chosen_decision()
        reason = self.reason.toPlainText().strip()
        if self.busy or state is None or decision is None or not reason:
            return
        unlock = self._identity(self)
        if unlock is None:
            return
        store, now = self._store, self._now()
        subject = state.subject
        expected = state.version

        def work(_progress: Progress) -> object:
            return decide(
                store,
                unlock(),
                subject.meeting_id,
                subject.application_id,
                decision,
                reason,
                expected,
                now,
                bundle_sha256=subject.bundle_sha256,
            )

        self._run(work, self._decided, self._refused)

    def _decided(self, result: object) -> None:
        assert isinstance(result, RecordedDecision)
        self.reason.clear()
        self.choices.setExclusive(False)
        for button in self.choices.buttons():
            button.setChecked(False)
        self.choices.setExclusive(True)
        self.events.decided.emit(result)
        self.changed.emit()
        self.reload()

    def close_batch(self) -> None:
        """Ask, then sign the list of current decisions as one batch."""
        if self.busy:
            return
        states = self._loaded.states
        current = [s for s in states if s.current is not None]
        confirmed = sum(1 for s in current if s.confirmed)
        by = {
            d: sum(1 for s in current if s.current and s.current.record.decision is d)
            for d in Decision
        }
        text = _(
            "Sign the list of {count} current decisions as one batch?\n\n"
            "Confirmed: {confirmed}\nNot confirmed: {not_confirmed}\nDeferred: {deferred}\n"
            "Not decided or to be decided again (left out): {left}",
            count=len(current),
            confirmed=confirmed,
            not_confirmed=by[Decision.NOT_CONFIRM],
            deferred=by[Decision.DEFER],
            left=len(states) - len(current),
        )
        if not self._dialogs.confirm(self, _("Close batch"), text):
            return
        unlock = self._identity(self)
        if unlock is None:
            return
        store, now = self._store, self._now()
        self._run(lambda _progress: close_batch(store, unlock(), now), self._closed, self._refused)

    def _closed(self, result: object) -> None:
        assert isinstance(result, RecordedBatch)
        self.events.closed.emit(result)
        self.changed.emit()
        self._dialogs.information(
            self,
            _("Close batch"),
            _(
                "Batch {batch} is closed and signed: {count} decisions.",
                batch=result.record.batch_id,
                count=len(result.record.entries),
            ),
        )
        self.reload()

    def _refused(self, exc: BaseException) -> None:
        show_error(self, exc, self._dialogs)
        self.events.refused.emit(exc)
        self.reload()

    # --- the task -----------------------------------------------------------------------

    def _run(
        self,
        work: Callable[[Progress], object],
        done: Callable[[object], None],
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        run_step(
            self, work, done, busy=self._busy, dialogs=self._dialogs, pool=self._pool, failed=failed
        )

    def _busy(self, task: BackgroundTask[object] | None) -> None:
        self._task = task
        self.busy_label.setText("" if task is None else _("Working…"))
        self.table.setEnabled(task is None)
        self.decide_box.setEnabled(task is None and self.selected() is not None)
        self._update_buttons()

    def retranslate(self) -> None:
        self.table_label.setText(_("&Applications of the current bundles:"))
        self.reload_button.setText(_("Re&load"))
        self.close_button.setText(_("Close &batch…"))
        self.decide_box.setTitle(_("Decision"))
        self.confirm.setText(_("&Confirm"))
        self.not_confirm.setText(_("&Not confirm"))
        self.defer.setText(_("&Defer"))
        self.reason_label.setText(_("&Reason (required):"))
        self.sign_button.setText(_("&Sign and record"))
        self.history_label.setText(_("Version &history of the selected application:"))
        self.model.retranslate()
        self.versions.retranslate()
        self._summary()
        self._show_selected()
