"""Page 2, Register: every current application of every imported meeting, filtered by
sub-domain, outcome, meeting and text, sorted by any column; Enter or a double click opens
the application's detail.

The model makes a cell's text only when the view shows it, sorting is one Python sort of
the rows, and filtering goes through :class:`~ui.ministry.models.RegisterFilter` over the
row objects, so a register of thousands of applications opens and filters without
stalling the window (``bench/bench_ministry_ui.py`` measures it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _, current_language
from app.ministry.model import ApplicationRow
from ui.ministry.models import Outcome, RegisterFilter, RegisterFilters, RegisterModel

TYPING_PAUSE_MS = 150
_WIDTHS = (124, 40, 180, 180, 140, 60, 46, 124, 130)


class RegisterTable(QTableView):
    """The register's table: Enter opens the current application (as a double click does)."""

    def __init__(self, opened: Callable[[QModelIndex], object]) -> None:
        super().__init__()
        self._opened = opened

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._opened(self.currentIndex())
            return
        super().keyPressEvent(event)


class RegisterPage(QWidget):
    def __init__(
        self,
        open_detail: Callable[[ApplicationRow], object],
        parent: QWidget | None = None,
        *,
        model: RegisterModel | None = None,
    ) -> None:
        super().__init__(parent)
        self._open_detail = open_detail
        self.model = model if model is not None else RegisterModel((), self)
        self.proxy = RegisterFilter(self.model, self)

        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.typing = QTimer(self)
        """The search filters once typing pauses, not once per letter."""
        self.typing.setSingleShot(True)
        self.typing.setInterval(TYPING_PAUSE_MS)
        self.typing.timeout.connect(self._filter)
        self.search.textChanged.connect(lambda _text: self.typing.start())
        self.search.returnPressed.connect(self._filter)
        self.search_label = QLabel()
        self.search_label.setBuddy(self.search)
        self.sub_domain = QComboBox()
        self.sub_domain_label = QLabel()
        self.sub_domain_label.setBuddy(self.sub_domain)
        self.outcome = QComboBox()
        self.outcome_label = QLabel()
        self.outcome_label.setBuddy(self.outcome)
        self.meeting = QComboBox()
        self.meeting_label = QLabel()
        self.meeting_label.setBuddy(self.meeting)
        for combo in (self.sub_domain, self.outcome, self.meeting):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(14)
            combo.currentIndexChanged.connect(self._filter)
        self.clear_button = QPushButton()
        self.clear_button.clicked.connect(self.clear_filters)
        filters = QGridLayout()
        filters.addWidget(self.search_label, 0, 0)
        filters.addWidget(self.search, 0, 1)
        filters.addWidget(self.sub_domain_label, 0, 2)
        filters.addWidget(self.sub_domain, 0, 3)
        filters.addWidget(self.outcome_label, 1, 0)
        filters.addWidget(self.outcome, 1, 1)
        filters.addWidget(self.meeting_label, 1, 2)
        filters.addWidget(self.meeting, 1, 3)
        filters.addWidget(self.clear_button, 1, 4)
        filters.setColumnStretch(1, 1)
        filters.setColumnStretch(3, 1)

        self.table = RegisterTable(self._activated)
        self.table.setObjectName("ministryRegister")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate(_WIDTHS):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(self._activated)
        self.table_label = QLabel()
        self.table_label.setBuddy(self.table)
        self.count = QLabel()
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.open_button = QPushButton()
        self.open_button.clicked.connect(lambda: self._activated(self.table.currentIndex()))
        self.proxy.modelReset.connect(self._counted)
        self.proxy.rowsInserted.connect(self._counted)
        self.proxy.rowsRemoved.connect(self._counted)
        self.proxy.layoutChanged.connect(self._counted)
        self.table.selectionModel().currentChanged.connect(lambda *_a: self._counted())

        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self._filling = False
        self.retranslate()

    def first_control(self) -> QWidget:
        return self.search

    # --- rows and filters ----------------------------------------------------------------

    def show_rows(
        self, rows: Sequence[ApplicationRow], search_texts: Sequence[str] | None = None
    ) -> None:
        """The register's rows (with their :func:`~ui.ministry.models.search_text`, if made
        already); the filters chosen stay (an option gone is reset to all)."""
        self.model.set_rows(rows)
        if search_texts is not None:
            self.proxy.use_search_texts(rows, search_texts)
        column = self.table.horizontalHeader().sortIndicatorSection()
        if 0 <= column < len(self.model.headers):
            self.model.sort(column, self.table.horizontalHeader().sortIndicatorOrder())
        self._fill_options()
        self._filter()

    def _fill_options(self) -> None:
        rows = self.model.rows()
        language = current_language()
        sub_domains = sorted(
            {r.sub_domain.en: r.sub_domain for r in rows}.items(),
            key=lambda kv: kv[1].get(language),
        )
        meetings = sorted({r.meeting_id: r.meeting_title for r in rows}.items())
        self._filling = True
        try:
            self._refill(
                self.sub_domain,
                _("All sub-domains"),
                [(key, text.get(language)) for key, text in sub_domains],
            )
            self._refill(self.outcome, _("All outcomes"), [(o, _(o.label)) for o in Outcome])
            self._refill(
                self.meeting,
                _("All meetings"),
                [(key, f"{key} — {title.get(language)}") for key, title in meetings],
            )
        finally:
            self._filling = False

    @staticmethod
    def _refill(combo: QComboBox, everything: str, options: list[tuple[object, str]]) -> None:
        chosen = combo.currentData()
        combo.clear()
        combo.addItem(everything, None)
        for data, text in options:
            combo.addItem(text, data)
            combo.setItemData(combo.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
        index = combo.findData(chosen) if chosen is not None else 0
        combo.setCurrentIndex(max(index, 0))

    def filters(self) -> RegisterFilters:
        outcome = self.outcome.currentData()
        return RegisterFilters(
            sub_domain=self.sub_domain.currentData(),
            outcome=outcome if isinstance(outcome, Outcome) else None,
            meeting=self.meeting.currentData(),
            text=self.search.text(),
        )

    def _filter(self, *_args: object) -> None:
        if self._filling:
            return
        self.typing.stop()
        self.proxy.set_filters(self.filters())
        self._counted()

    def clear_filters(self) -> None:
        self._filling = True
        self.search.clear()
        for combo in (self.sub_domain, self.outcome, self.meeting):
            combo.setCurrentIndex(0)
        self._filling = False
        self._filter()
        self.search.setFocus()

    def _counted(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        if total == 0:
            self.count.setText(_("No application yet: import a meeting's bundle first."))
        else:
            self.count.setText(
                _("{shown} of {total} applications shown.", shown=shown, total=total)
            )
        self.open_button.setEnabled(self.table.currentIndex().isValid())

    def _activated(self, index: QModelIndex) -> None:
        row = self.proxy.row_at(index)
        if row is not None:
            self._open_detail(row)

    def retranslate(self) -> None:
        self.search_label.setText(_("&Search:"))
        self.search.setPlaceholderText(_("unit, platform, sub-domain or meeting"))
        self.sub_domain_label.setText(_("Sub-&domain:"))
        self.outcome_label.setText(_("Ou&tcome:"))
        self.meeting_label.setText(_("M&eeting:"))
        self.clear_button.setText(_("Show &all"))
        self.table_label.setText(_("A&pplications (click a column title to sort):"))
        self.open_button.setText(_("&Open application"))
        self.model.retranslate()
        self._fill_options()
        self._counted()
