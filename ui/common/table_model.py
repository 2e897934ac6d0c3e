"""The one base of our read-only Qt table models: rows of frozen domain objects, shown as they
are, never edited (no item widgets).

A model keeps the domain objects and computes every text in ``data()``, so nothing re-reads
the database when the language changes: :meth:`ReadOnlyTableModel.retranslate` tells the
views that every cell and header changed. A subclass says what its columns are called
(:attr:`~ReadOnlyTableModel.headers`) and what a cell shows in a role
(:meth:`~ReadOnlyTableModel.cell`); the row's object itself is always at :data:`ObjectRole`.
Every cell's tooltip holds its whole text (columns cut it), followed by whatever the subclass
gives as its own tooltip.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex
ObjectRole = Qt.ItemDataRole.UserRole + 1
"""The role under which ``data()`` gives a row's domain object."""
_ROOT = QModelIndex()


class ReadOnlyTableModel(QAbstractTableModel, Generic[Row]):
    """Rows of domain objects, one column per entry of :attr:`headers`."""

    headers: Sequence[Callable[[], str]] = ()
    """Each column's title, translated when called."""

    def __init__(self, rows: Sequence[Row] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = list(rows)

    # -- what a subclass says ------------------------------------------------------------------
    def cell(self, row: Row, column: int, role: int) -> object:
        """What the cell of ``row`` in ``column`` shows in ``role`` (``None``: nothing)."""
        raise NotImplementedError

    def header(self, column: int, role: int) -> object:
        """The column's header in ``role``; its title by default."""
        return self.headers[column]() if role == Qt.ItemDataRole.DisplayRole else None

    def row_header(self, row: int, role: int) -> object:
        """The row's (vertical) header in ``role``; none by default."""
        return None

    # -- the rows ------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Row]:
        return list(self._rows)

    def row_object(self, row: int) -> Row:
        return self._rows[row]

    def retranslate(self) -> None:
        """Every cell and header changed (the language did); selections stay."""
        if self._rows:
            last = self.index(len(self._rows) - 1, len(self.headers) - 1)
            self.dataChanged.emit(self.index(0, 0), last)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.headers) - 1)

    def reset(self) -> None:
        """Views forget everything they showed and ask again (selections are cleared)."""
        self.beginResetModel()
        self.endResetModel()

    # -- Qt ------------------------------------------------------------------------------------
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == ObjectRole:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, index.column())
        return self.cell(row, index.column(), role)

    def _tooltip(self, row: Row, column: int) -> object:
        """The cell's whole text, so a cut cell can always be read by hovering; what the
        subclass adds as a tooltip follows it (once: never the text twice)."""
        text = self.cell(row, column, Qt.ItemDataRole.DisplayRole)
        extra = self.cell(row, column, Qt.ItemDataRole.ToolTipRole)
        shown = str(text) if isinstance(text, str | int | float) and str(text) else ""
        if extra is None or extra == "":
            return shown or None
        if not shown or shown in str(extra):
            return extra
        return f"{shown}\n{extra}"

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal:
            return self.header(section, role) if 0 <= section < len(self.headers) else None
        return self.row_header(section, role)


def add_list_line(widget: QListWidget, text: str) -> QListWidgetItem:
    """Add a line to a list widget with its whole text as its tooltip (the list cuts it)."""
    item = QListWidgetItem(text)
    item.setToolTip(text)
    widget.addItem(item)
    return item
