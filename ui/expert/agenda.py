"""The agenda sidebar: applications in hearing order with this expert's status, a search
box, and keyboard navigation (arrows move, Enter opens; Alt+Left/Right from anywhere)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QKeyCombination, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.ids import ApplicationId
from app.expert.flow import ApplicationStatus
from app.i18n import _
from ui.expert.context import plain_label
from ui.expert.models import AgendaFilter, AgendaModel, AgendaRow


class FilterEdit(QLineEdit):
    """The agenda's search box: Esc clears it, and the window's Ctrl+E (export) is not
    taken over as "end of line" while the cursor is here."""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if event.keyCombination() == QKeyCombination(
                Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_E
            ):
                event.ignore()  # the window's shortcut runs
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            event.accept()
            return
        super().keyPressEvent(event)


class AgendaPanel(QWidget):
    chosen = Signal(str)
    """An application id the expert moved to."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = AgendaModel()
        self.proxy = AgendaFilter()
        self.proxy.setSourceModel(self.model)
        self.search = FilterEdit()
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.no_match = plain_label()
        self.no_match.setVisible(False)
        self.search.textChanged.connect(self._show_no_match)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setTabKeyNavigation(False)
        self.view.setWordWrap(True)
        self.view.setShowGrid(False)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.setStyleSheet("QTableView::item { padding: 4px 6px; }")
        self.view.activated.connect(self._activated)
        self.view.clicked.connect(self._activated)
        self.search.returnPressed.connect(self._first_match)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.no_match)
        layout.addWidget(self.view, 1)
        self.setMinimumWidth(300)
        self.retranslate()

    def set_rows(self, rows: list[AgendaRow]) -> None:
        self.model.set_rows(rows)
        self._show_no_match()

    def _show_no_match(self, _text: str = "") -> None:
        self.no_match.setVisible(bool(self.search.text()) and self.proxy.rowCount() == 0)

    def set_status(
        self, application_id: str, status: ApplicationStatus, round: int | None = None
    ) -> None:
        self.model.set_status(application_id, status, round)

    def set_current(self, application_id: str) -> None:
        self.model.set_current(application_id)
        row = self.model.row_of(application_id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self.view.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.view.scrollTo(index)

    def neighbour(self, application_id: str, step: int) -> ApplicationId | None:
        """The previous (-1) or next (+1) application in hearing order among those shown."""
        rows = [
            self.model.row_object(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
            for r in range(self.proxy.rowCount())
        ]
        ids: list[str] = [r.application.id for r in rows]
        if application_id not in ids:
            return ApplicationId(ids[0]) if ids else None
        i = ids.index(application_id) + step
        return ApplicationId(ids[i]) if 0 <= i < len(ids) else None

    def _activated(self, index: QModelIndex) -> None:
        source = self.proxy.mapToSource(index)
        self.chosen.emit(self.model.row_object(source.row()).application.id)

    def _first_match(self) -> None:
        if self.proxy.rowCount():
            self._activated(self.proxy.index(0, 0))
            self.view.setFocus()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(_("Filter the agenda (Ctrl+L)"))
        self.no_match.setText(_("No application matches the filter. Esc clears it."))
        self.search.setAccessibleName(_("Filter the agenda"))
        self.view.setAccessibleName(_("Agenda"))
        self.view.setAccessibleDescription(
            _("Applications in hearing order with your status; Enter opens one")
        )
        self.model.retranslate()
