"""One look for every read-only table: whole-row selection, alternating rows, wrapped text.

Text columns share the width that is left after the short columns (numbers, times, marks)
take what their contents need, and rows grow to fit wrapped text, so nothing is cut off at
1024x768 nor in Chinese, whose names run long without spaces.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget


class ReadOnlyTableView(QTableView):
    def __init__(
        self,
        model: QAbstractItemModel,
        *,
        stretch: Iterable[int] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        self.setWordWrap(True)
        self.setShowGrid(False)
        self.setCornerButtonEnabled(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Breathing room around every cell; the size hints (and so the column widths and
        # row heights) include it. Header text lines up with the cell text below it.
        self.setStyleSheet(
            "QTableView::item { padding: 5px 8px; }"
            "QHeaderView::section { padding: 6px 8px 6px 11px; border: 0;"
            " border-bottom: 1px solid palette(mid); background: palette(button); }"
        )
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in stretch:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        model.modelReset.connect(self._select_first)
        self._select_first()

    def _select_first(self) -> None:
        if self.model().rowCount() and not self.currentIndex().isValid():
            self.setCurrentIndex(self.model().index(0, 0))


def record_table(name: str, model: QAbstractItemModel, widths: Iterable[int]) -> QTableView:
    """A table of many records (the ministry desk's registers, flags, decisions): one line
    per row, whole-row single selection, alternating rows, and set column widths the user
    can drag, the last one stretched. Unlike :class:`ReadOnlyTableView` it never measures
    its contents, so a register of thousands of rows opens and re-sorts at once."""
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
    return table
